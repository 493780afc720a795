"""What a reader is told: the formats it reads, the names of document fields, how to read CSV and
dates, and the size limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

FORMATS = ("txt", "jsonl", "json", "csv", "tsv", "parquet", "html", "warc")
# Names a recipe may give to date formats besides strptime patterns: numbers of seconds or
# milliseconds since 1970-01-01 UTC.
EPOCHS = {"epoch_s": 1, "epoch_ms": 1000}


@dataclass(frozen=True)
class Fields:
    """Names of the document fields in JSONL, JSON, CSV and Parquet inputs."""

    id: str = "id"
    title: str = "title"
    text: str = "text"
    published_at: str = "published_at"
    url: str = "url"
    # `[inputs.extra]`: (column, input field) pairs carried through to the articles table.
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Csv:
    """`[inputs.csv]`: how CSV and TSV files are read; empty strings are detected per file."""

    delimiter: str = ""  # one character; "" detects it (a tab for .tsv)
    quote: str = '"'  # the quoting character
    header: bool = True  # the first row names the columns; false names them column_1, column_2, ...
    encoding: str = ""  # a codec name such as "cp1252"; "" detects it as for every text input


@dataclass(frozen=True)
class Dates:
    """`[inputs] date_formats` and `timezone`: how publication dates are read.

    ISO 8601 is always tried first, then each format in order (strptime patterns, "epoch_s",
    "epoch_ms"), then two unambiguous layouts news exports use: RFC 2822 ("Tue, 07 Feb 2017
    10:00:00 GMT") and year/month/day with slashes. A time with no offset is taken in `timezone`; a
    day without a time stays that calendar day (midnight UTC).
    """

    formats: tuple[str, ...] = ()
    timezone: str = "UTC"  # an IANA zone name such as "Europe/Berlin"


@dataclass(frozen=True)
class Limits:
    """`[limits]`: the largest input a build takes in; anything larger is a reject, decided before the
    memory is spent. Memory then stays bounded by the shard and these limits, not by the input."""

    max_document_bytes: int = 32 * 2**20  # one document's bytes as read (a file, a JSONL line, a page)
    max_text_chars: int = 4_000_000  # characters of one document's text that go through the text stages
    max_file_bytes: int = 2**30  # one input file's bytes after decompression
    max_json_depth: int = 64  # nesting of objects and arrays in one JSONL line


@dataclass(frozen=True)
class Reading:
    """Everything a reader is told, in one value passed to every format's reader."""

    fields: Fields = field(default_factory=Fields)
    limits: Limits = field(default_factory=Limits)
    csv: Csv = field(default_factory=Csv)
    dates: Dates = field(default_factory=Dates)


@cache
def time_zone(name: str) -> tzinfo:
    """An IANA time zone from the tzdata package the lockfile pins (not the system's, which differs
    between machines); ValueError for a name it does not know."""
    if name == "UTC":
        return timezone.utc
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*", name):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin'")
    try:
        with resources.files("tzdata").joinpath("zoneinfo", *name.split("/")).open("rb") as fh:
            return ZoneInfo.from_file(fh, key=name)
    except (OSError, ValueError):  # no such file, or a folder such as "Europe"
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin'") from None
