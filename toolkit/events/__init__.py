"""Events: who did what to whom, coded in CAMEO.

Takes articles, sentences and mentions and gives events (`coder`): verb and noun patterns matched in
each sentence (`patterns`), source and target actors (`actors`), readings that recode or drop a match
(`clauses`), modality and attribution (`modality`), the event's date (`dates`) and clusters of
reports of one event across articles (`clusters`).

Fills every column of events except the sentence spans, which come from toolkit.text.sentences.
"""
