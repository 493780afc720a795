"""What a reader is told: the formats it reads, the names of document fields, and the size limits."""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("txt", "jsonl", "parquet", "html", "warc")


@dataclass(frozen=True)
class Fields:
    """Names of the document fields in JSONL and Parquet inputs."""

    id: str = "id"
    title: str = "title"
    text: str = "text"
    published_at: str = "published_at"
    url: str = "url"


@dataclass(frozen=True)
class Limits:
    """`[limits]`: the largest input a build takes in; anything larger is a reject, decided before the
    memory is spent. Memory then stays bounded by the shard and these limits, not by the input."""

    max_document_bytes: int = 32 * 2**20  # one document's bytes as read (a file, a JSONL line, a page)
    max_text_chars: int = 4_000_000  # characters of one document's text that go through the text stages
    max_file_bytes: int = 2**30  # one input file's bytes after decompression
    max_json_depth: int = 64  # nesting of objects and arrays in one JSONL line
