"""Input and output: the only stage that touches files.

Takes input paths (plain text, JSONL, Parquet, HTML, WARC; compressed or not) and gives a documents
frame with its rejects (`read`; `encoding` turns bytes into text, `webpages` reads HTML pages and WARC
records); writes Parquet, JSON and the dataset folder atomically, and only where the toolkit owns it
(`write`). `options` holds what a reader is told: formats, field names and size limits.

Fills documents: doc_id, source, format, sha256, n_bytes, status, encoding, repair, external_id, url,
extractor, fetched_at; articles: published_at and the title a document carries; rows of rejects.
"""
