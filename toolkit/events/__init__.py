"""Events: who did what to whom, coded in CAMEO.

Takes articles, sentences and mentions and gives events (`coder`): verb and noun patterns matched in
each sentence (`patterns`), source and target actors (`actors`), readings that recode or drop a match
(`clauses`), modality and attribution (`modality`), the event's date (`dates`) and clusters of
reports of one event across articles (`clusters`).

Fills every column of events except the sentence spans, which come from toolkit.text.sentences.

The build codes articles in LANGUAGES and those too short to tell
(`toolkit.text.language.language_in`); other articles are kept, with no events.
"""

# Languages whose articles get events: the lexicon and the clause rules are English. A subset of
# toolkit.entities.LANGUAGES, since the actors are the entity mentions.
LANGUAGES = ("en",)
