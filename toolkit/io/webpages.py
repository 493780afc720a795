"""Web pages: main text and metadata of HTML pages, and the HTTP responses inside WARC crawls.

Extractor: trafilatura with `favor_precision=True, include_comments=False`, chosen on the Zyte
article-extraction benchmark (181 real pages with human article bodies; `python -m
toolkit.evaluate.html`): mean word F1 0.965 (P 0.964, R 0.975) at ~35 pages/s on one core with
metadata, against 0.959 for trafilatura's defaults, 0.913 (P 0.858) for resiliparse's main-content
mode, which is ~15x faster but keeps menus and link lists, and 0.942 (P 0.925) for trafilatura run
on resiliparse's main-content markup (~4x faster; cookie banners and captions come through). Quality first: a precision loss puts navigation
text into articles, where it becomes spurious entities and events.

Metadata: title, canonical URL and publication date are trafilatura's (htmldate: `<meta>`, JSON-LD,
`<time>`, the URL; time and offset kept when the page gives them, read as UTC when it gives none);
the declared language is the primary subtag of `<html lang>` (else `<meta http-equiv="content-language">`), as an
ISO 639-1 code, else null.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from importlib.metadata import version
from typing import BinaryIO

EXTRACTOR = f"trafilatura {version('trafilatura')} favor_precision"
_OPTIONS = {"favor_precision": True, "include_comments": False}
# htmldate's original date (not the last-modified one), with time and offset when the page has them;
# no guessing from free text, where a wrong date is worse than none for dating events.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?\s*([A-Za-z]{2,3})\b""", re.IGNORECASE)
_META_LANG = re.compile(
    r"""<meta\b[^>]*?http-equiv\s*=\s*["']?content-language["']?[^>]*?content\s*=\s*["']?\s*([A-Za-z]{2,3})\b""",
    re.IGNORECASE,
)
# Where <html lang> and <meta> live; a page's head rarely runs past this.
_HEAD_CHARS = 20_000
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Page:
    """What a page yields: main text (None when nothing was found), title, URL, date, declared language."""

    text: str | None
    title: str | None
    url: str | None  # the page's canonical or og:url when it names one, else the URL given
    published_at: datetime | None
    declared_language: str | None


@cache
def _iso639_1(code: str) -> str | None:
    import pycountry

    code = code.lower()
    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return getattr(lang, "alpha_2", None)


def declared_language(html: str) -> str | None:
    """ISO 639-1 code of the page's `<html lang>` or content-language `<meta>`, else None."""
    head = html[:_HEAD_CHARS]
    found = _HTML_LANG.search(head) or _META_LANG.search(head)
    return _iso639_1(found.group(1)) if found else None


def parse_page_date(value: str | None) -> datetime | None:
    """UTC datetime of trafilatura's date string; a date without offset is read as UTC."""
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            dt = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    return None


def _metadata(tree, url: str | None) -> tuple[str | None, str | None, datetime | None]:
    """Title, canonical URL and date as trafilatura's `extract_metadata` finds them, without the fields
    we drop (author, site name, categories, tags, license), which cost a fifth of its time."""
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
    from trafilatura.utils import trim

    meta = examine_meta(tree)
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader raises on malformed data; it only logs
        pass
    title = meta.title or extract_title(tree)
    page_url = meta.url or extract_url(tree, url)
    date = find_date(tree, **_DATE_PARAMS, url=page_url)
    return trim(title) if title else None, trim(page_url) if page_url else None, parse_page_date(date)


def extract_pages(pages: list[str], urls: list[str | None] | None = None) -> list[Page]:
    """Main text and metadata of each decoded HTML page, in order; boilerplate and comments dropped."""
    import trafilatura
    from trafilatura.utils import load_html

    urls = urls or [None] * len(pages)
    out = []
    for html, url in zip(pages, urls, strict=True):
        tree = load_html(html)  # parsed once: the metadata reads it, the extractor works on a copy
        doc = None
        if tree is not None:
            title, page_url, date = _metadata(tree, url)
            doc = trafilatura.bare_extraction(tree, url=url or page_url, **_OPTIONS)
        if doc is None:
            out.append(Page(None, None, url, None, declared_language(html)))
            continue
        text = (doc.text or "").strip()  # trafilatura: one paragraph a line
        out.append(Page(text or None, title, page_url or url, date, declared_language(html)))
    return out


@dataclass(frozen=True)
class WarcRecord:
    """One WARC record: where it starts, what it is, and its HTTP body when it is an HTML page."""

    offset: int  # byte offset of the record in the (compressed) file, as CDX indexes give it
    record_id: str
    record_type: str
    url: str | None
    fetched_at: datetime | None  # WARC-Date: when the crawler captured it
    status: int | None
    content_type: str | None
    charset: str | None
    body: bytes  # HTTP payload (transfer and content encodings undone) or the record block
    truncated: bool = False  # the file ends before the record's declared Content-Length
    oversized: bool = False  # the body is longer than the reader's limit; `body` holds its start only

    @property
    def is_html_page(self) -> bool:
        """A 200 response whose HTTP Content-Type is HTML."""
        return self.record_type == "response" and self.status == 200 and self.content_type in HTML_CONTENT_TYPES

    @property
    def skip_detail(self) -> str:
        """Why a record that is not an HTML page was skipped."""
        if self.record_type != "response":
            return f"{self.record_type} record"
        if self.status != 200:
            return f"response with HTTP status {self.status}"
        return f"response with Content-Type {self.content_type or 'missing'}"


def _truncated(stream: BinaryIO) -> list[bool]:
    """For each record of a seekable WARC stream, whether its block is shorter than its Content-Length."""
    from fastwarc.warc import ArchiveIterator, any_type

    flags = []
    for rec in ArchiveIterator(stream, record_types=any_type, parse_http=False):
        declared, got = int(rec.headers.get("Content-Length") or 0), 0
        while chunk := rec.reader.read(1 << 20):
            got += len(chunk)
        flags.append(got < declared)
    stream.seek(0)
    return flags


def warc_records(stream: BinaryIO, max_body: int | None = None) -> Iterator[WarcRecord]:
    """Every record of a seekable WARC or WARC.gz/.zst stream, in file order.

    A body longer than `max_body` is read no further than that (`oversized`); a record the file
    cuts short is `truncated` (fastwarc itself yields what is there without a word).
    """
    from fastwarc.warc import ArchiveIterator, any_type

    truncated = _truncated(stream)
    read = -1 if max_body is None else max_body + 1
    for n, rec in enumerate(ArchiveIterator(stream, record_types=any_type, parse_http=True, auto_decode="all")):
        rtype = str(rec.record_type)  # "response", "request", "warcinfo", ...
        http = rec.is_http and rec.http_headers is not None
        date = rec.record_date
        body = rec.reader.read(read)
        oversized = max_body is not None and len(body) > max_body
        yield WarcRecord(
            offset=rec.stream_pos,
            record_id=rec.record_id or "",
            record_type=rtype,
            url=rec.headers.get("WARC-Target-URI"),
            fetched_at=date.astimezone(timezone.utc) if date else None,
            status=rec.http_headers.status_code if http else None,
            content_type=((rec.http_content_type or "").lower() or None) if http else None,
            charset=rec.http_charset if http else None,
            body=body[:max_body] if oversized else body,
            truncated=n < len(truncated) and truncated[n],
            oversized=oversized,
        )


__all__ = ["EXTRACTOR", "Page", "WarcRecord", "declared_language", "extract_pages", "parse_page_date", "warc_records"]
