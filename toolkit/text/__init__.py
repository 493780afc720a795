"""Text: from a document's text to articles, fragments and sentences.

Takes the documents frame and gives cleaned text (`clean`), lines classified as article text or page
furniture (`segment`), articles and fragments, sentences (`sentences`), each article's language
(`language`) and, across the corpus, clusters of duplicate articles (`dedupe`).

Fills documents: n_chars; articles: article_id, doc_id, position, title, text, n_words, content_hash,
title_start, title_end, block_starts, block_ends (segment), n_sentences (sentences), language,
duplicate_of (dedupe); every column of fragments; the sentence spans events are reported in.
"""
