"""Reading: find input files and turn them into a documents frame plus a rejects frame.

This is one of the two modules that do I/O. Each unit of input (a .txt or .html file, a JSONL line,
a Parquet row, a WARC record) becomes exactly one document row. A unit that cannot be used is still
a document (status "rejected", raw_text null, encoding null when its bytes could not be decoded) and
also a rejects row with a stable reason code, so every input byte is accounted for. Reason codes:
empty_text, binary_content, not_decodable (and the other codes of `toolkit.io.encoding`),
bad_compression, malformed_jsonl, missing_text_field, unknown_format, malformed_parquet,
malformed_warc, truncated_warc (a record cut short), warc_record_skipped (a WARC record that is not a
200 HTML response: request, warcinfo, redirect, image...), no_main_text (a page the extractor found
no article text in), unreadable (the system refused to read the file), not_utf8_path (a file name
that is not UTF-8), invalid_unicode (a JSON string with a lone surrogate), too_large (a file or
document past `[limits]` max_file_bytes or max_document_bytes, decided before it is read or
decompressed whole), text_too_long (a text past max_text_chars), too_deep (JSON nested past
max_json_depth), and bad_published_at (the only one whose document is kept, published_at null).

Inputs that are not read at all are listed by `walk_inputs` with why: hidden files and folders,
FIFOs, sockets and devices, dangling links, folders the system will not list, and links that lead
outside the input folder (unless the recipe sets `[inputs] allow_outside`); the build records them
in the manifest's `skipped_inputs`.

`.gz` and `.zst` files are decompressed first (`a.jsonl.gz` is JSONL). sha256 and n_bytes describe a
whole-file document's bytes as stored (compressed), so they match the manifest's input checksums; a
JSONL line's are of the decompressed line, a WARC record's of its HTTP body. Decoding and mojibake
repair: `toolkit.io.encoding`; HTML extraction and WARC records: `toolkit.io.webpages`.

Web documents: raw_text is the page's main text; title, url (canonical link, else the WARC target
URI) and published_at come from the page's own metadata, never from the crawl: WARC-Date (capture
time) is `fetched_at`, and HTTP Last-Modified is ignored (dynamic pages report the serving time).
A WARC record's source is "<file>#B<byte offset>" (or "<file>#R<n>" in a file compressed as one
stream, see `_read_warc`) and its external_id the WARC-Record-ID.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import polars as pl

from toolkit.io import webpages
from toolkit.io.encoding import (
    COMPRESSIONS, MOJIBAKE_HINT, compression, decode_bytes, decode_html, decompress, is_utf8, open_decompressed,
    repair_mojibake, strip_controls,
)  # fmt: skip
from toolkit.errors import CompressionError, InputError, TooLargeError
from toolkit.contract.ids import sha256_hex, stable_id
from toolkit.io.options import FORMATS, Fields, Limits
from toolkit.io.write import file_entry

EXTENSIONS = {
    ".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
    ".html": "html", ".htm": "html", ".warc": "warc",
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
    """One input file: where it is, the name it is recorded under, and how to read it."""

    path: Path
    source: str  # posix path relative to the root, else the file name
    format: str  # "txt", "jsonl", "parquet", "html", "warc", or the unknown extension (a reject)
    problem: str | None = None  # a reason code that rejects the file before it is read


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
    inputs: list[Path], root: Path | None = None, fmt: str | None = None, allow_outside: bool = False
) -> tuple[list[InputFile], list[dict]]:
    """Input files sorted by source, and the paths passed over with why ({"path", "reason"}).

    Folders are walked recursively without following links out of them; a link to a file or folder
    outside the given folder is passed over unless `allow_outside`.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"format {fmt!r} is not one of {FORMATS}; fix the recipe or the --format option")
    found: dict[Path, InputFile] = {}
    skipped: list[dict] = []
    for given in map(Path, inputs):
        if not given.exists():
            raise InputError(f"{given}: input path does not exist; check the recipe's [inputs] paths")
        skip = lambda p, why: skipped.append({"path": _source(p, root, follow=False), "reason": why})  # noqa: E731
        paths = _walk(given, allow_outside, skip)
        for p in paths:
            problem = None if is_utf8(os.fsencode(p)) else "not_utf8_path"
            found.setdefault(p.resolve(), InputFile(p, _source(p, root), _format(p, fmt), problem))
    files = sorted(found.values(), key=lambda f: (f.source, str(f.path)))
    return files, sorted(skipped, key=lambda s: (s["path"], s["reason"]))


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
    """Documents a file will yield (at least 1): lines of JSONL, rows of Parquet, records of a WARC."""
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
    raw = f.path.read_bytes()
    try:
        return raw, decompress(raw, compression(f.path), limit)
    except TooLargeError:
        return raw, _oversized(f, f"decompresses to more than [limits] {what} = {limit:,} bytes")
    except CompressionError as exc:
        return raw, _reject(_unit(f.source, f.format, raw, encoding=None), "bad_compression",
                            f"{f.source}: {exc}", _excerpt(raw[:64]))  # fmt: skip


def _stored_too_large(f: InputFile, limit: int, what: str) -> dict | None:
    """A too_large reject when the file as stored is already past `limit` ([limits] `what`), else None."""
    size = f.path.stat().st_size
    return _oversized(f, f"{size:,} bytes, more than [limits] {what} = {limit:,}") if size > limit else None


def _oversized(f: InputFile, why: str) -> dict:
    """A too_large reject for a whole file, hashed as it streams by rather than read whole."""
    return _reject(_file_unit(f), "too_large", f"{f.source}: {why}; raise the limit in the recipe's [limits] to "
                   "read it", _excerpt(_head(f.path)[:EXCERPT_CHARS]))  # fmt: skip


def _file_unit(f: InputFile) -> dict:
    """A unit for a whole file rejected unread: its checksum and size, computed in chunks."""
    entry = file_entry(f.path)
    return {"source": f.source, "format": f.format, "sha256": entry["sha256"], "n_bytes": entry["bytes"], "encoding": None}


def _parse_date(value: object) -> tuple[datetime | None, str | None]:
    """UTC datetime from ISO 8601 (offset or Z; date-only allowed; naive read as UTC), else a detail."""
    if value is None or value == "":
        return None, None
    try:
        dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
        return (dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)), None
    except (ValueError, OverflowError):  # not a date, or one whose UTC time falls outside years 1-9999
        shown = _printable_text(str(value)[:80])
        return None, f"published_at {shown!r} is not an ISO 8601 date in years 1-9999 UTC; published_at left null"


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
    source: str, fmt: str, raw: bytes, rec: object, fields: Fields, encoding: str | None = "utf-8"
) -> dict:
    """A unit from one JSON object (a JSONL line or a Parquet row)."""
    unit = _unit(source, fmt, raw, encoding=encoding)
    if not isinstance(rec, dict):
        return _reject(unit, "malformed_jsonl", f"{source}: line is JSON but not an object", _excerpt(raw))
    text = rec.get(fields.text)
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not a string"
        return _reject(unit, "missing_text_field", f"{source}: text field {fields.text!r} is {what}",
                       _excerpt(raw))  # fmt: skip
    meta = {
        key: (None if rec.get(name) is None else str(rec.get(name)))
        for key, name in (("external_id", fields.id), ("url", fields.url), ("title", fields.title))
    }
    bad = [name for name, value in ((fields.text, text), *zip(("id", "url", "title"), meta.values()))
           if value is not None and not _valid_unicode(value)]  # fmt: skip
    if bad:
        return _reject(unit, "invalid_unicode", f"{source}: field(s) {', '.join(bad)} hold a lone surrogate "
                       "(\\ud800-\\udfff), which is not text; fix the export", _excerpt(raw))  # fmt: skip
    unit = {**unit, **meta}
    if "\x00" in text:
        return _reject(unit, "binary_content", f"{source}: NUL character in the text field", _excerpt(text))
    if not text.strip():
        return _reject(unit, "empty_text", f"{source}: text field {fields.text!r} is empty", _excerpt(raw))
    # JSON escapes can carry control characters that no decoding saw: replaced one for one, as decoding does.
    text = strip_controls(text)[0]
    if unit.get("title") is not None:
        unit["title"] = strip_controls(unit["title"])[0]
    published, bad = _parse_date(rec.get(fields.published_at))
    unit = {**unit, "raw_text": text, "published_at": published}
    if bad:  # the document stays; the rejects table still records the unreadable date
        unit |= {"date_detail": f"{source}: {bad}", "date_payload": _payload(source, _excerpt(raw))}
    return unit


def _read_txt(f: InputFile, fields: Fields, limits: Limits) -> list[dict]:
    raw, data = _file_bytes(f, limits, per_document=True)
    return [data if isinstance(data, dict) else _decoded(_unit(f.source, f.format, raw), data)]


def _read_html(f: InputFile, fields: Fields, limits: Limits) -> list[dict]:
    raw, data = _file_bytes(f, limits, per_document=True)
    return [data if isinstance(data, dict) else _decoded(_unit(f.source, f.format, raw), data, html=True)]


def _read_jsonl(f: InputFile, fields: Fields, limits: Limits) -> list[dict]:
    """One unit per non-blank line; blank lines separate records and carry no text."""
    raw, data = _file_bytes(f, limits)
    if isinstance(data, dict):
        return [data]
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
        units.append({**_from_record(source, f.format, line, rec, fields, decoded["encoding"]), "_unit": n})
    if not units:  # an empty file is still an input: account for it
        units.append(_reject(_unit(f.source, f.format, raw, encoding="utf-8"), "empty_text",
                             f"{f.source}: no JSON lines", _excerpt(data)))  # fmt: skip
    return units


def _read_parquet(f: InputFile, fields: Fields, limits: Limits) -> list[dict]:
    """One unit per row; the row's JSON (as polars encodes it, binary as base64) is its raw bytes."""
    stored = _stored_too_large(f, limits.max_file_bytes, "max_file_bytes")
    if stored:
        return [stored]
    try:
        df = pl.read_parquet(f.path)
        rows_json = (
            df.with_columns(pl.col(pl.Binary).bin.encode("base64"))
            .select(pl.struct(pl.all()).struct.json_encode())
            .to_series()
            .to_list()
        )
        rows = list(df.iter_rows(named=True))
    except (Exception, pl.exceptions.PanicException) as exc:  # noqa: BLE001 - an unreadable file is a reject
        return [_reject(_file_unit(f), "malformed_parquet", f"{f.source}: cannot be read as Parquet "
                        f"({type(exc).__name__})", _excerpt(_head(f.path)[:64]))]  # fmt: skip
    if df.height == 0:
        return [_reject({**_file_unit(f), "encoding": "utf-8"}, "empty_text",
                        f"{f.source}: Parquet file has no rows", "")]  # fmt: skip
    units = []
    for n, (row, js) in enumerate(zip(rows, rows_json, strict=True), start=1):
        units.append({**_from_record(f"{f.source}#R{n}", f.format, js.encode(), row, fields), "_unit": n})
    return units


def _read_warc(f: InputFile, fields: Fields, limits: Limits) -> list[dict]:
    """One unit per record: 200 HTML responses are pages, every other record a skipped reject.

    A record is named by its byte offset (`#B<offset>`, as CDX indexes give it) when the file is
    compressed record by record; in a file compressed as one stream records share offsets, and all
    its records are named by their number instead (`#R<n>`), so that no two get the same id.
    """
    stored = _stored_too_large(f, limits.max_file_bytes, "max_file_bytes")
    if stored:
        return [stored]
    records, damage = [], None
    try:
        with open(f.path, "rb") as fh:
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
                             _excerpt(_head(f.path)[:64])))  # fmt: skip
    return units


def _head(path: Path) -> bytes:
    """The first 64 KiB of a file: enough to name and show a file rejected whole, without reading it all."""
    with open(path, "rb") as fh:
        return fh.read(1 << 16)


def _read_unknown(f: InputFile, fields: Fields, limits: Limits) -> list[dict]:
    return [_reject(_file_unit(f), "unknown_format",
                    f"{f.source}: extension not one of {sorted(EXTENSIONS)} (optionally + .gz or .zst); "
                    "rename it or set the recipe's [inputs] format", _excerpt(_head(f.path)[:EXCERPT_CHARS]))]  # fmt: skip


def _read_file(f: InputFile, fields: Fields, limits: Limits) -> list[dict]:
    """The units of one file; a file the system will not read, or whose name is not text, is a reject."""
    try:
        if f.problem == "not_utf8_path":
            return [_reject(_file_unit(f), f.problem,
                            f"{f.source}: the file name is not UTF-8; rename the file", "")]  # fmt: skip
        return _READERS.get(f.format, _read_unknown)(f, fields, limits)
    except OSError as exc:
        unit = {"source": f.source, "format": f.format, "sha256": None, "n_bytes": None, "encoding": None}
        return [_reject(unit, "unreadable", f"{f.source}: the system refused to read it ({exc.strerror or exc}); "
                        "check its permissions", "")]  # fmt: skip


_READERS = {"txt": _read_txt, "jsonl": _read_jsonl, "parquet": _read_parquet, "html": _read_html, "warc": _read_warc}


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
    files: list[InputFile], fields: Fields = Fields(), limits: Limits = Limits()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents (one per unit, rejected ones with raw_text null) and their rejects, in input order."""
    units = []
    for i, f in enumerate(sorted(files, key=lambda f: (f.source, str(f.path)))):
        units.extend({**u, "_file": i} for u in _read_file(f, fields, limits))
    units = _too_long(_extract(units), limits.max_text_chars)
    frame = pl.DataFrame(units, schema=_UNIT_SCHEMA) if units else pl.DataFrame(schema=_UNIT_SCHEMA)
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
    docs = frame.select(list(DOCUMENTS_SCHEMA)).cast(DOCUMENTS_SCHEMA)
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
