"""Reading: find input files and turn them into a documents frame plus a rejects frame.

This is one of the two modules that do I/O. Each unit of input (a .txt or .html file, a JSONL line,
a record of a JSON array, a CSV or TSV row, a Parquet row, a WARC record) becomes exactly one
document row. A unit that cannot be used is still a document (status "rejected", raw_text null,
encoding null when its bytes could not be decoded) and also a rejects row with a stable reason code,
so every input byte is accounted for. Reason codes: empty_text, binary_content, not_decodable (and
the other codes of `toolkit.io.encoding`), bad_compression, malformed_jsonl, malformed_json,
malformed_csv (a row whose fields do not fit the header, or that the CSV reader cannot parse),
missing_text_field, unknown_format, malformed_parquet, malformed_warc, truncated_warc (a record cut
short), warc_record_skipped (a WARC record that is not a 200 HTML response: request, warcinfo,
redirect, image...), malformed_archive (a ZIP or tar archive, or a member of one, that cannot be
read), nested_archive (an archive inside an archive), no_main_text (a page the extractor found no
article text in), unreadable (the system refused to read the file, or an encrypted member),
not_utf8_path (a file name that is not UTF-8), invalid_unicode (a JSON string with a lone
surrogate), too_large (a file or document past `[limits]` max_file_bytes or max_document_bytes,
decided before it is read or decompressed whole), text_too_long (a text past max_text_chars),
too_deep (JSON nested past max_json_depth), and bad_published_at (the only one whose document is
kept, published_at null).

Inputs that are not read at all are listed by `walk_inputs` with why: hidden files and folders,
FIFOs, sockets and devices, dangling links, folders the system will not list, links that lead
outside the input folder (unless the recipe sets `[inputs] allow_outside`), sources the recipe's
include and exclude patterns leave out (not_included, excluded), archive members that are links
or repeat a name (not_a_file, duplicate_member) and archives with no member at all (empty_archive);
the build records them in the manifest's `skipped_inputs`.

`.gz` and `.zst` files are decompressed first (`a.jsonl.gz` is JSONL); ZIP and tar archives are
read member by member (`toolkit.io.archives`), each member named "<archive>/<member path>".
sha256 and n_bytes describe a whole-file document's bytes as stored (compressed), so they match the
manifest's input checksums (for a member: its bytes as the archive holds them); a JSONL line's are
of the decompressed line, a CSV row's of its lines as UTF-8, a JSON record's of its JSON re-encoded,
a WARC record's of its HTTP body. Decoding and mojibake repair: `toolkit.io.encoding`; HTML
extraction and WARC records: `toolkit.io.webpages`. Dates: `_parse_date` (ISO 8601, the recipe's
date_formats, RFC 2822, year/month/day; no offset means the recipe's time zone).

Web documents: raw_text is the page's main text; title, url (canonical link, else the WARC target
URI) and published_at come from the page's own metadata, never from the crawl: WARC-Date (capture
time) is `fetched_at`, and HTTP Last-Modified is ignored (dynamic pages report the serving time).
A WARC record's source is "<file>#B<byte offset>" (or "<file>#R<n>" in a file compressed as one
stream, see `_read_warc`) and its external_id the WARC-Record-ID. A JSONL line's source ends
"#L<line>", a CSV row's "#L<line it starts on>", a JSON or Parquet record's "#R<n>".
"""

from __future__ import annotations

import base64
import csv
import email.utils
import fnmatch
import io
import json
import os
import re
import stat
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone
from decimal import Decimal
from pathlib import Path, PurePosixPath

import polars as pl

from toolkit.io import archives, webpages
from toolkit.io.encoding import (
    COMPRESSIONS, MOJIBAKE_HINT, compression, decode_bytes, decode_html, decompress, is_utf8, open_decompressed,
    repair_mojibake, strip_controls,
)  # fmt: skip
from toolkit.errors import CompressionError, InputError, TooLargeError
from toolkit.contract.ids import sha256_hex, stable_id
from toolkit.io.options import EPOCHS, FORMATS, Csv, Dates, Fields, Limits, Reading, time_zone
from toolkit.io.write import file_entry

EXTENSIONS = {
    ".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv",
    ".tab": "tsv", ".parquet": "parquet", ".html": "html", ".htm": "html", ".warc": "warc",
}  # fmt: skip
# Rejects keep a short excerpt of the offending input, enough to find and judge it.
EXCERPT_CHARS = 200

DOCUMENTS_SCHEMA = {
    "doc_id": pl.String,
    "source": pl.String,
    "format": pl.String,
    "sha256": pl.String,
    "n_bytes": pl.Int64,
    "encoding": pl.String,
    "repair": pl.String,  # toolkit.io.encoding's repair code, e.g. "ftfy:mojibake"
    "extractor": pl.String,  # HTML main-text extractor and version; null for text inputs
    "status": pl.String,
    "external_id": pl.String,
    "url": pl.String,
    "title": pl.String,
    "published_at": pl.Datetime("us", "UTC"),
    "fetched_at": pl.Datetime("us", "UTC"),  # WARC-Date of a crawled page
    "declared_language": pl.String,  # a page's <html lang> (ISO 639-1): a hint, not in the schema
    "raw_text": pl.String,
    "n_chars": pl.Int64,
}
REJECTS_SCHEMA = {
    "table": pl.String,
    "key": pl.String,
    "reason": pl.String,
    "detail": pl.String,
    "payload": pl.String,
    "doc_id": pl.String,
}
# Columns of the per-unit records built in Python before the frame exists.
_UNIT_SCHEMA = {
    **{k: v for k, v in DOCUMENTS_SCHEMA.items() if k not in ("doc_id", "status", "n_chars")},
    "reason": pl.String, "detail": pl.String, "payload": pl.String,
    "date_detail": pl.String, "date_payload": pl.String, "_file": pl.Int64, "_unit": pl.Int64,
}  # fmt: skip


@dataclass(frozen=True)
class InputFile:
    """One input file, or one member of an archive: where it is, the name it is recorded under, and
    how to read it."""

    path: Path  # the file; for a member, the archive
    source: str  # posix path relative to the root, else the file name; a member's: "<archive>/<member>"
    format: str  # one of FORMATS, or the unknown extension (a reject)
    problem: str | None = None  # a reason code that rejects the file before it is read
    member: str | None = None  # the path inside the archive
    archive: str | None = None  # the archive's kind ("zip", "tar") for a member or a damaged archive
    member_bytes: int | None = field(default=None, compare=False)  # a member's size as its archive declares it
    # A member's bytes, or why they could not be read: filled by read_files, never compared.
    data: bytes | str | None = field(default=None, compare=False, repr=False)

    @property
    def stored_source(self) -> str:
        """The source of the file on disk: the archive's, for a member."""
        return self.source[: -len(self.member) - 1] if self.member else self.source

    @property
    def name(self) -> Path:
        """The name whose suffixes tell the format and compression: the member's, inside an archive."""
        return Path(self.member) if self.member else self.path


def _printable(path: str) -> str:
    """A path as text: bytes of a name that is not UTF-8 shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _source(path: Path, root: Path | None, follow: bool = True) -> str:
    """`path` relative to `root` (else its name); `follow=False` names a link where it stands."""
    if root is not None:
        try:
            where = path.resolve() if follow else path.parent.resolve() / path.name
            return _printable(where.relative_to(Path(root).resolve()).as_posix())
        except ValueError:
            pass
    return _printable(path.name)


def _format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix in COMPRESSIONS:  # the format is the suffix before the compression's
        inner = Path(path.stem).suffix.lower()
        return EXTENSIONS.get(inner, (inner.lstrip(".") + suffix) if inner else suffix.lstrip("."))
    return EXTENSIONS.get(suffix, suffix.lstrip(".") or "unknown")


def walk_inputs(
    inputs: list[Path],
    root: Path | None = None,
    fmt: str | None = None,
    allow_outside: bool = False,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
) -> tuple[list[InputFile], list[dict]]:
    """Input files sorted by source, and the paths passed over with why ({"path", "reason"}).

    Folders are walked recursively without following links out of them; a link to a file or folder
    outside the given folder is passed over unless `allow_outside`. ZIP and tar archives are walked
    like folders (see `toolkit.io.archives`); `fmt` applies to their members. A source is read only
    when it matches some `include` pattern (when there are any) and no `exclude` pattern (an
    archive is opened unless excluded itself); see `matches` for the patterns.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"format {fmt!r} is not one of {FORMATS}; fix the recipe or the --format option")
    found: dict[tuple[Path, str | None], InputFile] = {}
    skipped: list[dict] = []
    for given in map(Path, inputs):
        if not given.exists():
            raise InputError(f"{given}: input path does not exist; check the recipe's [inputs] paths")
        skip = lambda p, why: skipped.append({"path": _source(p, root, follow=False), "reason": why})  # noqa: E731
        for p in _walk(given, allow_outside, skip):
            problem = None if is_utf8(os.fsencode(p)) else "not_utf8_path"
            source = _source(p, root)
            if exclude and matches(source, exclude):
                skipped.append({"path": source, "reason": "excluded"})
                continue
            kind = archives.archive_kind(p) if problem is None else None
            if kind is None:
                if include and not matches(source, include):
                    skipped.append({"path": source, "reason": "not_included"})
                    continue
                found.setdefault((p.resolve(), None), InputFile(p, source, _format(p, fmt), problem))
                continue
            members = _members(p, source, kind, fmt, include, exclude)
            if not members:  # an archive with nothing in it is still an input: say so
                skipped.append({"path": source, "reason": "empty_archive"})
            for f, why in members:
                if why:
                    skipped.append({"path": f.source, "reason": why})
                else:
                    found.setdefault((p.resolve(), f.member), f)
    files = sorted(found.values(), key=lambda f: (f.source, str(f.path)))
    return files, sorted(skipped, key=lambda s: (s["path"], s["reason"]))


def matches(source: str, patterns: tuple[str, ...]) -> bool:
    """Whether a source matches a glob pattern: against its end, part by part ("*.txt" and "2017/*.txt"
    match "raw/2017/a.txt"), or against the whole source, where "*" also crosses "/" ("raw/*")."""
    path = PurePosixPath(source)
    return any(path.match(p) or fnmatch.fnmatchcase(source, p) for p in patterns)


def _members(
    path: Path, source: str, kind: str, fmt: str | None, include: tuple[str, ...], exclude: tuple[str, ...]
) -> list[tuple[InputFile, str | None]]:
    """An archive's members as inputs, each with the reason it is passed over (None: read it); an
    archive whose list cannot be read is one input that becomes a malformed_archive reject."""
    try:
        members = archives.list_members(path, kind)
    except archives.ArchiveError:
        return [(InputFile(path, source, kind, "malformed_archive", archive=kind), None)]
    out = []
    for m in members:
        f = InputFile(path, f"{source}/{m.name}", _format(Path(m.name), fmt), member=m.name, archive=kind,
                      member_bytes=m.size)  # fmt: skip
        why = m.skip
        if why is None and archives.archive_kind(Path(m.name)):
            f = replace(f, problem="nested_archive")
        elif why is None and exclude and matches(f.source, exclude):
            why = "excluded"
        elif why is None and include and not matches(f.source, include):
            why = "not_included"
        out.append((f, why))
    return out


def discover(inputs: list[Path], root: Path | None = None, fmt: str | None = None) -> list[InputFile]:
    """Input files sorted by source; folders walked recursively, hidden files and folders skipped."""
    return walk_inputs(inputs, root, fmt)[0]


def _walk(given: Path, allow_outside: bool, skip) -> list[Path]:
    """The regular files of `given` (a file or a folder), calling `skip(path, reason)` for the rest."""
    if not given.is_dir():
        return [given] if _kind(given, skip) else []
    top = given.resolve()
    files, seen, todo = [], {top}, [given]
    while todo:
        folder = todo.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            skip(folder, "unreadable_folder")
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                skip(path, "hidden")
                continue
            if entry.is_symlink():
                target = path.resolve()
                if not path.exists():
                    skip(path, "dangling_link")
                    continue
                if not allow_outside and not target.is_relative_to(top):
                    skip(path, "outside_input")
                    continue
                if target.is_dir():
                    if target in seen or target.is_relative_to(top):
                        continue  # a loop, or a folder the walk reaches anyway
                    seen.add(target)
            if entry.is_dir():
                todo.append(path)
            elif _kind(path, skip):
                files.append(path)
    return files


def _kind(path: Path, skip) -> bool:
    """True for a regular file; FIFOs, sockets and devices are passed over (reading could block)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        skip(path, "dangling_link")
        return False
    if not stat.S_ISREG(mode):
        skip(path, "not_a_file")
        return False
    return True


def estimate_documents(f: InputFile) -> int:
    """Documents a file will yield (at least 1): lines of JSONL, rows of Parquet, records of a WARC; a
    member of an archive, or a CSV or JSON file, by its size (about 2 KB a news record)."""
    if f.member or f.format in ("csv", "tsv", "json"):
        try:
            size = f.path.stat().st_size if f.member is None else f.member_bytes or 0
        except OSError:
            return 1
        return max(1, size // 2000) if f.format in ("jsonl", "csv", "tsv", "json", "parquet", "warc") else 1
    try:
        if f.format == "jsonl":
            with open_decompressed(f.path) as fh:
                return max(1, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")))
        if f.format == "parquet":
            import pyarrow.parquet as pq

            return max(1, pq.ParquetFile(f.path).metadata.num_rows)
        if f.format == "warc":
            from fastwarc.warc import ArchiveIterator, any_type

            with open(f.path, "rb") as fh:
                return max(1, sum(1 for _ in ArchiveIterator(fh, record_types=any_type, parse_http=False)))
    except Exception:  # noqa: BLE001 - unreadable: read_files turns it into a reject
        return 1
    return 1


def _excerpt(data: bytes | str) -> str:
    text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else data
    return text[:EXCERPT_CHARS]


def _unit(source: str, fmt: str, raw: bytes, **kw) -> dict:
    return {"source": source, "format": fmt, "sha256": sha256_hex(raw), "n_bytes": len(raw), **kw}


def _payload(source: str, excerpt: str) -> str:
    return json.dumps({"source": source, "excerpt": excerpt}, ensure_ascii=False)


def _reject(unit: dict, reason: str, detail: str, excerpt: str) -> dict:
    payload = _payload(unit["source"], excerpt)
    return {**unit, "raw_text": None, "reason": reason, "detail": detail, "payload": payload}


def _decoded(unit: dict, data: bytes, declared: str | None = None, html: bool = False) -> dict:
    """`unit` with the text of `data`, or a reject for binary, undecodable or empty input."""
    d = (decode_html if html else decode_bytes)(data, declared)
    if d.reason:
        return _reject({**unit, "encoding": None}, d.reason, f"{unit['source']}: {d.detail}", _excerpt(data))
    if not d.text.strip():
        return _reject({**unit, "encoding": d.encoding}, "empty_text",
                       f"{unit['source']}: no text (empty or only whitespace)", _excerpt(data))  # fmt: skip
    return {**unit, "encoding": d.encoding, ("_html" if html else "raw_text"): d.text}


def _file_bytes(f: InputFile, limits: Limits, per_document: bool = False) -> tuple[bytes, bytes | dict]:
    """The file's stored bytes and their decompressed form, or a reject unit.

    Sizes are checked before the bytes are read or decompressed whole: the stored file against
    max_file_bytes, what decompression yields against it as it grows; a file that is one document
    (`per_document`) also against max_document_bytes.
    """
    limit = min(limits.max_file_bytes, limits.max_document_bytes) if per_document else limits.max_file_bytes
    what = "max_document_bytes" if per_document and limit == limits.max_document_bytes else "max_file_bytes"
    stored = _stored_too_large(f, limit, what)
    if stored:
        return b"", stored
    raw = _stored(f)
    try:
        return raw, decompress(raw, compression(f.name), limit)
    except TooLargeError:
        return raw, _oversized(f, f"decompresses to more than [limits] {what} = {limit:,} bytes")
    except CompressionError as exc:
        return raw, _reject(_unit(f.source, f.format, raw, encoding=None), "bad_compression",
                            f"{f.source}: {exc}", _excerpt(raw[:64]))  # fmt: skip


def _stored_too_large(f: InputFile, limit: int, what: str) -> dict | None:
    """A too_large reject when the file as stored is already past `limit` ([limits] `what`), else None."""
    size = len(f.data) if isinstance(f.data, bytes) else f.path.stat().st_size
    return _oversized(f, f"{size:,} bytes, more than [limits] {what} = {limit:,}") if size > limit else None


def _stored(f: InputFile) -> bytes:
    """The bytes of a file as stored (a member's as its archive holds them, uncompressed by it)."""
    return f.data if isinstance(f.data, bytes) else f.path.read_bytes()


def _oversized(f: InputFile, why: str) -> dict:
    """A too_large reject for a whole file, hashed as it streams by rather than read whole."""
    return _reject(_file_unit(f), "too_large", f"{f.source}: {why}; raise the limit in the recipe's [limits] to "
                   "read it", _excerpt(_head(f)[:EXCERPT_CHARS]))  # fmt: skip


def _file_unit(f: InputFile) -> dict:
    """A unit for a whole file rejected unread: its checksum and size, computed in chunks."""
    if f.member:  # the member's bytes when its archive gave them, else its declared size
        data = f.data if isinstance(f.data, bytes) else None
        entry = {"sha256": None if data is None else sha256_hex(data),
                 "bytes": f.member_bytes if data is None else len(data)}  # fmt: skip
    else:
        entry = file_entry(f.path)
    return {"source": f.source, "format": f.format, "sha256": entry["sha256"], "n_bytes": entry["bytes"], "encoding": None}


_SLASHED = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ISO_DAY = re.compile(r"\d{4}-?\d{2}-?\d{2}")
_TIME_DIRECTIVE = re.compile(r"%[-#]?[HIMSfpcXTRrz]")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _parse_date(value: object, dates: Dates = Dates()) -> tuple[datetime | None, str | None]:
    """UTC datetime from a date value, else a detail saying why not (see `Dates` for the forms read).

    A time without an offset is taken in `dates.timezone`; a date without a time is that day's
    midnight UTC, so that it stays the same calendar day.
    """
    if value is None or value == "":
        return None, None
    try:
        dt, day_only = _datetime(value, dates.formats)
        if dt is not None:
            zone = timezone.utc if day_only else time_zone(dates.timezone)
            return (dt.replace(tzinfo=zone) if dt.tzinfo is None else dt).astimezone(timezone.utc), None
    except (ValueError, OverflowError, OSError):  # a UTC time outside years 1-9999
        pass
    shown = _printable_text(str(value)[:80])
    return None, (f"published_at {shown!r} is not a date in years 1-9999 in ISO 8601 or a form the recipe's "
                  "[inputs] date_formats names; published_at left null")  # fmt: skip


def _datetime(value: object, formats: tuple[str, ...]) -> tuple[datetime | None, bool]:
    """The datetime a value spells (aware when it carries an offset), else None; and whether it
    names a day only, without a time."""
    if isinstance(value, datetime):
        return value, False
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), True
    text = str(value).strip()
    epochs = [EPOCHS[f] for f in formats if f in EPOCHS]
    if epochs and not isinstance(value, bool) and _NUMBER.fullmatch(text):
        return datetime.fromtimestamp(float(Decimal(text) / epochs[0]), tz=timezone.utc), False
    try:
        return datetime.fromisoformat(text), _ISO_DAY.fullmatch(text) is not None
    except ValueError:
        pass
    for pattern in formats:
        if pattern in EPOCHS:
            continue
        try:
            return datetime.strptime(text, pattern), not _TIME_DIRECTIVE.search(pattern)
        except ValueError:
            continue
    slashed = _SLASHED.fullmatch(text)
    if slashed:
        parts = [int(g) for g in slashed.groups() if g is not None]
        return datetime(*parts), len(parts) == 3  # type: ignore[misc]
    try:  # RFC 2822, as in RSS feeds and mail: "Tue, 07 Feb 2017 10:00:00 GMT"
        return email.utils.parsedate_to_datetime(text), False
    except (TypeError, ValueError, IndexError):
        return None, False


def _printable_text(text: str) -> str:
    """`text` with lone surrogates (which no file can store) shown as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Numbers of more digits than Python turns into an int (its guard against slow conversions) stay
# exact as Decimal: an id of 5,000 digits is odd, not a reason to stop.
def _parse_int(digits: str) -> int | Decimal:
    return int(digits) if len(digits) <= 4000 else Decimal(digits)


_JSON = json.JSONDecoder(parse_int=_parse_int)  # one decoder: json.loads with options builds one per call


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def _json_depth(line: bytes, limit: int) -> int:
    """Nesting depth of the arrays and objects of a JSON line, counted only when it could exceed `limit`."""
    if line.count(b"[") + line.count(b"{") <= limit:
        return 0  # the common case: too few brackets to nest that deep
    depth = deepest = 0
    for byte in _JSON_STRING.sub(b"", line):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


def _from_record(
    source: str, fmt: str, raw: bytes, rec: object, opts: Reading, encoding: str | None = "utf-8"
) -> dict:
    """A unit from one record (a JSONL line, a JSON array item, a CSV row or a Parquet row)."""
    fields = opts.fields
    unit = _unit(source, fmt, raw, encoding=encoding)
    if not isinstance(rec, dict):
        reason = "malformed_json" if fmt == "json" else "malformed_jsonl"
        return _reject(unit, reason, f"{source}: record is JSON but not an object", _excerpt(raw))
    text = rec.get(fields.text)
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not a string"
        return _reject(unit, "missing_text_field", f"{source}: text field {fields.text!r} is {what}",
                       _excerpt(raw))  # fmt: skip
    meta = {
        key: (None if rec.get(name) is None else str(rec.get(name)))
        for key, name in (("external_id", fields.id), ("url", fields.url), ("title", fields.title))
    }
    extra = {f"extra:{column}": _as_text(rec.get(name)) for column, name in fields.extra}
    named = ((fields.text, text), *zip(("id", "url", "title"), meta.values()),
             *zip((name for _, name in fields.extra), extra.values()))  # fmt: skip
    bad = [name for name, value in named if value is not None and not _valid_unicode(value)]
    if bad:
        return _reject(unit, "invalid_unicode", f"{source}: field(s) {', '.join(bad)} hold a lone surrogate "
                       "(\\ud800-\\udfff), which is not text; fix the export", _excerpt(raw))  # fmt: skip
    unit = {**unit, **meta, **extra}
    if "\x00" in text:
        return _reject(unit, "binary_content", f"{source}: NUL character in the text field", _excerpt(text))
    if not text.strip():
        return _reject(unit, "empty_text", f"{source}: text field {fields.text!r} is empty", _excerpt(raw))
    # JSON escapes can carry control characters that no decoding saw: replaced one for one, as decoding does.
    text = strip_controls(text)[0]
    if unit.get("title") is not None:
        unit["title"] = strip_controls(unit["title"])[0]
    published, bad = _parse_date(rec.get(fields.published_at), opts.dates)
    unit = {**unit, "raw_text": text, "published_at": published}
    if bad:  # the document stays; the rejects table still records the unreadable date
        unit |= {"date_detail": f"{source}: {bad}", "date_payload": _payload(source, _excerpt(raw))}
    return unit


def _as_text(value: object) -> str | None:
    """An extra column's value as text: strings as they are, lists and objects as JSON, dates in ISO 8601."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode() if is_utf8(value) else "base64:" + base64.b64encode(value).decode()
    if isinstance(value, (list, dict, bool)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _read_txt(f: InputFile, opts: Reading) -> list[dict]:
    raw, data = _file_bytes(f, opts.limits, per_document=True)
    return [data if isinstance(data, dict) else _decoded(_unit(f.source, f.format, raw), data)]


def _read_html(f: InputFile, opts: Reading) -> list[dict]:
    raw, data = _file_bytes(f, opts.limits, per_document=True)
    return [data if isinstance(data, dict) else _decoded(_unit(f.source, f.format, raw), data, html=True)]


def _read_jsonl(f: InputFile, opts: Reading) -> list[dict]:
    """One unit per non-blank line; blank lines separate records and carry no text."""
    raw, data = _file_bytes(f, opts.limits)
    if isinstance(data, dict):
        return [data]
    return _jsonl_units(f, raw, data, opts)


def _jsonl_units(f: InputFile, raw: bytes, data: bytes, opts: Reading) -> list[dict]:
    """The units of JSONL bytes (`data`, decompressed from the stored `raw`)."""
    limits = opts.limits
    lines = [(n, line.removesuffix(b"\r")) for n, line in enumerate(data.split(b"\n"), start=1)]
    lines = [(n, line) for n, line in lines if line.strip()]
    fallback = None  # one detected encoding for all the lines that are not UTF-8
    units = []
    for n, line in lines:
        source = f"{f.source}#L{n}"

        def rejected(reason: str, detail: str, encoding: str | None) -> dict:
            unit = _unit(source, f.format, line, encoding=encoding, _unit=n)
            return _reject(unit, reason, f"{source}: {detail}", _excerpt(line[:EXCERPT_CHARS]))

        if len(line) > limits.max_document_bytes:
            units.append(rejected("too_large", f"line of {len(line):,} bytes, more than [limits] "
                                  f"max_document_bytes = {limits.max_document_bytes:,}", None))  # fmt: skip
            continue
        declared = None
        if not line.isascii() and not is_utf8(line):
            if fallback is None:  # detected once, on all such lines together: more evidence than one line
                fallback = decode_bytes(b"\n".join(x for _, x in lines if not is_utf8(x))).encoding or ""
            declared = fallback or None
        decoded = _decoded(_unit(source, f.format, line), line, declared)
        if decoded.get("reason"):
            units.append({**decoded, "_unit": n})
            continue
        depth = _json_depth(line, limits.max_json_depth)
        try:
            if depth > limits.max_json_depth:
                raise RecursionError
            rec = _JSON.decode(decoded["raw_text"])
        except RecursionError:
            units.append(rejected("too_deep", f"JSON nested {depth or 'too'} deep, more than [limits] "
                                  f"max_json_depth = {limits.max_json_depth}", decoded["encoding"]))  # fmt: skip
            continue
        except json.JSONDecodeError as exc:
            units.append(rejected("malformed_jsonl", f"not JSON ({exc.msg} at column {exc.colno})", decoded["encoding"]))
            continue
        units.append({**_from_record(source, f.format, line, rec, opts, decoded["encoding"]), "_unit": n})
    if not units:  # an empty file is still an input: account for it
        units.append(_reject(_unit(f.source, f.format, raw, encoding="utf-8"), "empty_text",
                             f"{f.source}: no JSON lines", _excerpt(data)))  # fmt: skip
    return units


def _read_json(f: InputFile, opts: Reading) -> list[dict]:
    """One unit per record of a JSON document: the items of a top-level array, the document itself when
    it is an object with the text field, or the items of its one list of objects ({"articles": [...]}).
    A file of JSON lines named .json is read as JSONL. A record's raw bytes are its JSON, re-encoded."""
    raw, data = _file_bytes(f, opts.limits)
    if isinstance(data, dict):
        return [data]
    decoded = _decoded(_unit(f.source, f.format, raw), data)
    if decoded.get("reason"):
        return [decoded]
    text = decoded["raw_text"]
    whole = _unit(f.source, f.format, raw, encoding=decoded["encoding"])
    try:
        doc = _JSON.decode(text)
    except RecursionError:  # nested deeper than Python's decoder goes
        return [_reject(whole, "too_deep", f"{f.source}: JSON nested too deep to read", _excerpt(data))]
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text[: exc.pos].count("\n") <= 1:  # one object per line: JSONL
            return _jsonl_units(replace(f, format="jsonl"), raw, data, opts)
        return [_reject(whole, "malformed_json", f"{f.source}: not JSON ({exc.msg} at line {exc.lineno} column "
                        f"{exc.colno})", _excerpt(data))]  # fmt: skip
    records = _json_records(doc, opts.fields.text)
    if records is None:
        return [_reject(whole, "malformed_json", f"{f.source}: neither an array of records, an object with the text "
                        f"field {opts.fields.text!r}, nor an object holding one list of records", _excerpt(data))]
    if not records:
        return [_reject(whole, "empty_text", f"{f.source}: no JSON records", _excerpt(data))]
    units = []
    for n, rec in enumerate(records, start=1):
        line = json.dumps(rec, ensure_ascii=False, default=str).encode()
        units.append({**_from_record(f"{f.source}#R{n}", f.format, line, rec, opts), "_unit": n})
    return units


def _json_records(doc: object, text_field: str) -> list | None:
    """The records of a JSON document (see `_read_json`), or None when it holds none in a known shape."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if text_field in doc:
            return [doc]
        lists = [v for v in doc.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) == 1:
            return lists[0]
    return None


_DELIMITERS = (",", ";", "\t", "|")


def _read_csv(f: InputFile, opts: Reading) -> list[dict]:
    """One unit per row of a CSV or TSV file; blank lines carry no text.

    The delimiter is the recipe's, else a tab for .tsv, else whichever of , ; tab | the first line
    holds most of outside quotes. A row's source is "#L<line>", the line it starts on, and its raw bytes
    are its lines as UTF-8. A row whose field count differs from the header's is a malformed_csv
    reject; a header without the text field rejects the file whole, naming the columns it has.
    """
    raw, data = _file_bytes(f, opts.limits)
    if isinstance(data, dict):
        return [data]
    decoded = _decoded(_unit(f.source, f.format, raw), data, opts.csv.encoding or None)
    if decoded.get("reason"):
        return [decoded]
    text, encoding = decoded["raw_text"], decoded["encoding"]
    whole = _unit(f.source, f.format, raw, encoding=encoding)
    dialect = _dialect(text, f.format, opts.csv)
    csv.field_size_limit(max(opts.limits.max_document_bytes, 1 << 17))
    taken: list[str] = []

    def lines():
        for line in io.StringIO(text, newline=""):
            taken.append(line)
            yield line

    rows = csv.reader(lines(), delimiter=dialect, quotechar=opts.csv.quote or None, doublequote=True,
                      strict=False, quoting=csv.QUOTE_MINIMAL if opts.csv.quote else csv.QUOTE_NONE)  # fmt: skip
    header: list[str] | None = None if opts.csv.header else []
    units, line_no = [], 1
    while True:
        try:
            row = next(rows)
            error = None
        except StopIteration:
            break
        except csv.Error as exc:
            row, error = None, str(exc)
        chunk = "".join(taken)
        start, line_no = line_no, line_no + len(taken)
        taken.clear()
        if row == [] or (row is not None and not chunk.strip()):
            continue  # a blank line
        source = f"{f.source}#L{start}"
        unit = _unit(source, f.format, chunk.encode(), encoding=encoding, _unit=start)
        if error is not None:
            units.append(_reject(unit, "malformed_csv", f"{source}: {error}", _excerpt(chunk)))
            continue
        if header is None:
            header = _header(row)
            if opts.fields.text not in header:
                return [_reject(whole, "missing_text_field", f"{f.source}: no column {opts.fields.text!r} (columns: "
                                f"{', '.join(header)[:300]}); set [inputs.fields] text to the column of the "
                                "article text", _excerpt(data))]  # fmt: skip
            continue
        names = header or [f"column_{i}" for i in range(1, len(row) + 1)]
        if len(row) != len(names):
            units.append(_reject(unit, "malformed_csv", f"{source}: {len(row)} fields where the header has "
                                 f"{len(names)}; check the delimiter {dialect!r} and quoting", _excerpt(chunk)))
            continue
        if len(chunk) > opts.limits.max_document_bytes:
            units.append(_reject(unit, "too_large", f"{source}: row of {len(chunk):,} characters, more than [limits] "
                                 f"max_document_bytes = {opts.limits.max_document_bytes:,}", _excerpt(chunk)))
            continue
        rec = {k: (v if v != "" or k == opts.fields.text else None) for k, v in zip(names, row)}
        units.append({**_from_record(source, f.format, chunk.encode(), rec, opts, encoding), "_unit": start})
    if not units:
        units.append(_reject(whole, "empty_text", f"{f.source}: no CSV rows", _excerpt(data)))
    return units


def _dialect(text: str, fmt: str, options: Csv) -> str:
    """The delimiter of a CSV text (see `_read_csv`)."""
    if options.delimiter:
        return options.delimiter
    if fmt == "tsv":
        return "\t"
    first = text.split("\n", 1)[0]
    if options.quote:
        first = re.sub(re.escape(options.quote) + r"[^" + re.escape(options.quote) + r"]*" + re.escape(options.quote), "", first)
    counts = [(first.count(d), -i, d) for i, d in enumerate(_DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] else ","


def _header(row: list[str]) -> list[str]:
    """Column names of a header row: blank ones named column_<n>, repeated ones suffixed _2, _3, ..."""
    names: list[str] = []
    for i, name in enumerate(row, start=1):
        name = name.strip() or f"column_{i}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _read_parquet(f: InputFile, opts: Reading) -> list[dict]:
    """One unit per row; the row's JSON (as polars encodes it, binary as base64) is its raw bytes."""
    stored = _stored_too_large(f, opts.limits.max_file_bytes, "max_file_bytes")
    if stored:
        return [stored]
    try:
        df = pl.read_parquet(io.BytesIO(f.data) if isinstance(f.data, bytes) else f.path)
        rows_json = (
            df.with_columns(pl.col(pl.Binary).bin.encode("base64"))
            .select(pl.struct(pl.all()).struct.json_encode())
            .to_series()
            .to_list()
        )
        rows = list(df.iter_rows(named=True))
    except (Exception, pl.exceptions.PanicException) as exc:  # noqa: BLE001 - an unreadable file is a reject
        return [_reject(_file_unit(f), "malformed_parquet", f"{f.source}: cannot be read as Parquet "
                        f"({type(exc).__name__})", _excerpt(_head(f)[:64]))]  # fmt: skip
    if df.height == 0:
        return [_reject({**_file_unit(f), "encoding": "utf-8"}, "empty_text",
                        f"{f.source}: Parquet file has no rows", "")]  # fmt: skip
    units = []
    for n, (row, js) in enumerate(zip(rows, rows_json, strict=True), start=1):
        units.append({**_from_record(f"{f.source}#R{n}", f.format, js.encode(), row, opts), "_unit": n})
    return units


def _read_warc(f: InputFile, opts: Reading) -> list[dict]:
    """One unit per record: 200 HTML responses are pages, every other record a skipped reject.

    A record is named by its byte offset (`#B<offset>`, as CDX indexes give it) when the file is
    compressed record by record; in a file compressed as one stream records share offsets, and all
    its records are named by their number instead (`#R<n>`), so that no two get the same id.
    """
    limits = opts.limits
    stored = _stored_too_large(f, limits.max_file_bytes, "max_file_bytes")
    if stored:
        return [stored]
    records, damage = [], None
    try:
        with io.BytesIO(f.data) if isinstance(f.data, bytes) else open(f.path, "rb") as fh:
            for rec in webpages.warc_records(fh, limits.max_document_bytes):
                records.append(rec)
    except (OSError, ValueError) as exc:  # a damaged crawl keeps the records read before the damage
        damage = exc
    offsets = [rec.offset for rec in records]
    by_number = len(set(offsets)) < len(offsets)
    units = []
    for n, rec in enumerate(records, start=1):
        source = f"{f.source}#R{n}" if by_number else f"{f.source}#B{rec.offset}"
        unit = _unit(source, f.format, rec.body, encoding=None, url=rec.url, fetched_at=rec.fetched_at,
                     external_id=rec.record_id, _unit=n)  # fmt: skip
        if rec.truncated:
            units.append(_reject(unit, "truncated_warc", f"{source}: the record ends before its Content-Length; "
                                 "the crawl file was cut short", f"{rec.record_type} {rec.url or ''}".strip()))
        elif rec.oversized:
            units.append(_reject(unit, "too_large", f"{source}: body larger than [limits] max_document_bytes = "
                                 f"{limits.max_document_bytes:,}", f"{rec.record_type} {rec.url or ''}".strip()))
        elif rec.is_html_page:
            units.append(_decoded(unit, rec.body, rec.charset, html=True))
        else:
            units.append(_reject(unit, "warc_record_skipped", f"{source}: {rec.skip_detail}",
                                 f"{rec.record_type} {rec.url or ''}".strip()))  # fmt: skip
    if damage is not None or not units:
        what = f"unreadable after {len(units)} records ({type(damage).__name__}: {damage})" if damage else "no WARC records"
        units.append(_reject({**_file_unit(f), "_unit": len(units) + 1}, "malformed_warc", f"{f.source}: WARC {what}",
                             _excerpt(_head(f)[:64])))  # fmt: skip
    return units


def _head(f: InputFile) -> bytes:
    """The first 64 KiB of a file: enough to name and show a file rejected whole, without reading it all."""
    if f.member:
        return f.data[: 1 << 16] if isinstance(f.data, bytes) else b""
    with open(f.path, "rb") as fh:
        return fh.read(1 << 16)


def _read_unknown(f: InputFile, opts: Reading) -> list[dict]:
    return [_reject(_file_unit(f), "unknown_format",
                    f"{f.source}: extension not one of {sorted(EXTENSIONS)} (optionally + .gz or .zst); "
                    "rename it or set the recipe's [inputs] format", _excerpt(_head(f)[:EXCERPT_CHARS]))]  # fmt: skip


def _read_file(f: InputFile, opts: Reading) -> list[dict]:
    """The units of one file; a file the system will not read, or whose name is not text, is a reject."""
    try:
        if isinstance(f.data, str):  # a member its archive would not give
            return [_member_reject(f, f.data, opts.limits)]
        if f.problem:
            return [_problem_reject(f)]
        return _READERS.get(f.format, _read_unknown)(f, opts)
    except OSError as exc:
        unit = {"source": f.source, "format": f.format, "sha256": None, "n_bytes": None, "encoding": None}
        return [_reject(unit, "unreadable", f"{f.source}: the system refused to read it ({exc.strerror or exc}); "
                        "check its permissions", "")]  # fmt: skip


_READERS = {
    "txt": _read_txt, "jsonl": _read_jsonl, "json": _read_json, "csv": _read_csv, "tsv": _read_csv,
    "parquet": _read_parquet, "html": _read_html, "warc": _read_warc,
}  # fmt: skip
# Why a file is rejected before it is read (InputFile.problem), and what to do about it.
_PROBLEMS = {
    "not_utf8_path": "the file name is not UTF-8; rename the file",
    "malformed_archive": "not a readable ZIP or tar archive (damaged or cut short); repack it",
    "nested_archive": "an archive inside an archive is not opened; unpack the outer one",
}


def _problem_reject(f: InputFile) -> dict:
    return _reject(_file_unit(f), f.problem, f"{f.source}: {_PROBLEMS[f.problem]}", _excerpt(_head(f)[:64]))


def _member_reject(f: InputFile, why: str, limits: Limits) -> dict:
    """A reject for a member its archive would not give: too large, encrypted or damaged."""
    unit = _file_unit(f)
    if why == "too_large":
        return _reject(unit, "too_large", f"{f.source}: more than [limits] max_file_bytes = {limits.max_file_bytes:,} "
                       "bytes; raise the limit in the recipe's [limits] to read it", "")  # fmt: skip
    if why == "encrypted":
        return _reject(unit, "unreadable", f"{f.source}: the member is encrypted; extract it with its password", "")
    return _reject(unit, "malformed_archive", f"{f.source}: the archive is damaged here ({why.removeprefix('damaged: ')})", "")


def _with_members(files: list[InputFile], limit: int) -> list[InputFile]:
    """`files` with the bytes of archive members filled in, each archive read once."""
    wanted: dict[tuple[Path, str], set[str]] = {}
    # A nested archive is read too, so that its reject records the checksum of its bytes.
    readable = [f.member is not None and f.problem in (None, "nested_archive") for f in files]
    for f, ok in zip(files, readable):
        if ok:
            wanted.setdefault((f.path, f.archive or ""), set()).add(f.member)
    if not wanted:
        return files
    got = {}
    for (path, kind), names in wanted.items():
        try:
            found = archives.read_members(path, kind, names, limit)
        except OSError as exc:
            found = {}
            missing = f"damaged: the archive cannot be read ({exc.strerror or exc})"
        else:
            missing = "damaged: the member is no longer in the archive"
        got[path] = {n: found.get(n, missing) for n in names}
    return [replace(f, data=got[f.path][f.member]) if ok else f for f, ok in zip(files, readable)]


def _extract(units: list[dict]) -> list[dict]:
    """HTML units with their main text and metadata, in one batch; empty pages become no_main_text."""
    at = [i for i, u in enumerate(units) if u.get("_html") is not None]
    if not at:
        return units
    pages = webpages.extract_pages([units[i]["_html"] for i in at], [units[i].get("url") for i in at])
    for i, page in zip(at, pages, strict=True):
        html = units[i].pop("_html")
        unit = {**units[i], "extractor": webpages.EXTRACTOR, "title": page.title, "url": page.url,
                "published_at": page.published_at, "declared_language": page.declared_language}  # fmt: skip
        units[i] = {**unit, "raw_text": page.text} if page.text else _reject(
            unit, "no_main_text", f"{unit['source']}: the extractor found no article text", _excerpt(html)
        )
    return units


def _repair(units: pl.DataFrame) -> pl.DataFrame:
    """Texts with mojibake repaired and the repair recorded; only rows the hint flags reach ftfy."""
    flagged = units.with_row_index("_row").filter(pl.col("raw_text").str.contains(MOJIBAKE_HINT))
    if flagged.height == 0:
        return units
    fixed = [repair_mojibake(t) for t in flagged["raw_text"].to_list()]
    fixes = pl.DataFrame(
        {"_row": flagged["_row"], "_text": [t for t, _ in fixed], "_repair": [c for _, c in fixed]},
        schema={"_row": pl.UInt32, "_text": pl.String, "_repair": pl.String},
    )
    return (
        units.with_row_index("_row")
        .join(fixes, on="_row", how="left", maintain_order="left")
        .with_columns(raw_text=pl.coalesce("_text", "raw_text"), repair=pl.coalesce("_repair", "repair"))
        .drop("_row", "_text", "_repair")
    )


def _too_long(units: list[dict], limit: int) -> list[dict]:
    """Units whose text is longer than `limit` characters turned into text_too_long rejects."""
    for i, unit in enumerate(units):
        text = unit.get("raw_text")
        if text is not None and len(text) > limit:
            units[i] = _reject(unit, "text_too_long", f"{unit['source']}: {len(text):,} characters of text, more than "
                               f"[limits] max_text_chars = {limit:,}", _excerpt(text))  # fmt: skip
    return units


def read_files(
    files: list[InputFile],
    fields: Fields = Fields(),
    limits: Limits = Limits(),
    csv_options: Csv = Csv(),
    dates: Dates = Dates(),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents (one per unit, rejected ones with raw_text null) and their rejects, in input order.

    With `fields.extra`, the documents carry one more string column per extra field, named
    "extra:<column>", after the contract's columns.
    """
    opts = Reading(fields, limits, csv_options, dates)
    units = []
    ordered = sorted(files, key=lambda f: (f.source, str(f.path)))
    for i, f in enumerate(_with_members(ordered, limits.max_file_bytes)):
        units.extend({**u, "_file": i} for u in _read_file(f, opts))
    units = _too_long(_extract(units), limits.max_text_chars)
    extra = {f"extra:{column}": pl.String for column, _ in fields.extra}
    schema = {**_UNIT_SCHEMA, **extra}
    frame = pl.DataFrame(units, schema=schema) if units else pl.DataFrame(schema=schema)
    frame = (
        _repair(frame)
        .with_columns(pl.col("_unit").fill_null(0))
        .sort("_file", "_unit")
        .with_columns(
            doc_id=stable_id("source", "sha256", prefix="document"),
            status=pl.when(pl.col("reason").is_null()).then(pl.lit("ok")).otherwise(pl.lit("rejected")),
            n_chars=pl.lit(None, pl.Int64),
        )
    )
    docs = frame.select(*DOCUMENTS_SCHEMA, *extra).cast({**DOCUMENTS_SCHEMA, **extra})
    unusable = frame.filter(pl.col("reason").is_not_null()).select(
        "doc_id", "reason", "detail", "payload", "_file", "_unit"
    )
    bad_dates = frame.filter(pl.col("date_detail").is_not_null()).select(
        "doc_id", reason=pl.lit("bad_published_at"), detail="date_detail", payload="date_payload",
        _file="_file", _unit="_unit",
    )  # fmt: skip
    rejects = (
        pl.concat([unusable, bad_dates])
        .sort("_file", "_unit", "reason")
        .select(
            table=pl.lit("documents"), key="doc_id", reason="reason", detail="detail", payload="payload",
            doc_id="doc_id",
        )  # fmt: skip
        .cast(REJECTS_SCHEMA)
    )
    return docs, rejects


__all__ = [
    "DOCUMENTS_SCHEMA", "REJECTS_SCHEMA", "InputFile", "discover", "estimate_documents", "read_files", "walk_inputs",
]  # fmt: skip
