"""Reading: find input files and turn them into a documents frame plus a rejects frame.

This is one of the two modules that do I/O. Each unit of input (a .txt or .html file, a JSONL line,
a Parquet row, a WARC record) becomes exactly one document row. A unit that cannot be used is still
a document (status "rejected", raw_text null, encoding null when its bytes could not be decoded) and
also a rejects row with a stable reason code, so every input byte is accounted for. Reason codes:
empty_text, binary_content, not_decodable, bad_compression, malformed_jsonl, missing_text_field,
unknown_format, malformed_parquet, malformed_warc, warc_record_skipped (a WARC record that is not a
200 HTML response: request, warcinfo, redirect, image...), no_main_text (a page the extractor found
no article text in), and bad_published_at (the only one whose document is kept, published_at null).

`.gz` and `.zst` files are decompressed first (`a.jsonl.gz` is JSONL). sha256 and n_bytes describe a
whole-file document's bytes as stored (compressed), so they match the manifest's input checksums; a
JSONL line's are of the decompressed line, a WARC record's of its HTTP body. Decoding and mojibake
repair: `toolkit.encoding`; HTML extraction and WARC records: `toolkit.webpages`.

Web documents: raw_text is the page's main text; title, url (canonical link, else the WARC target
URI) and published_at come from the page's own metadata, never from the crawl: WARC-Date (capture
time) is `fetched_at`, and HTTP Last-Modified is ignored (dynamic pages report the serving time).
A WARC record's source is "<file>#B<byte offset>" and its external_id the WARC-Record-ID.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from toolkit import webpages
from toolkit.encoding import (
    COMPRESSIONS, MOJIBAKE_HINT, CompressionError, compression, decode_bytes, decode_html, decompress,
    open_decompressed, repair_mojibake,
)  # fmt: skip
from toolkit.errors import InputError
from toolkit.ids import sha256_hex, stable_id
from toolkit.recipe import FORMATS, Fields

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
    "repair": pl.String,  # toolkit.encoding's repair code, e.g. "ftfy:mojibake"
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


def _source(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix in COMPRESSIONS:  # the format is the suffix before the compression's
        inner = Path(path.stem).suffix.lower()
        return EXTENSIONS.get(inner, (inner.lstrip(".") + suffix) if inner else suffix.lstrip("."))
    return EXTENSIONS.get(suffix, suffix.lstrip(".") or "unknown")


def discover(inputs: list[Path], root: Path | None = None, fmt: str | None = None) -> list[InputFile]:
    """Input files sorted by source; folders walked recursively, hidden files and folders skipped."""
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"format {fmt!r} is not one of {FORMATS}; fix the recipe or the --format option")
    found: dict[Path, InputFile] = {}
    for given in map(Path, inputs):
        if not given.exists():
            raise InputError(f"{given}: input path does not exist; check the recipe's [inputs] paths")
        if given.is_dir():
            paths = [
                p for p in given.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(given).parts)
            ]  # fmt: skip
        else:
            paths = [given]
        for p in paths:
            found.setdefault(p.resolve(), InputFile(p, _source(p, root), _format(p, fmt)))
    return sorted(found.values(), key=lambda f: (f.source, str(f.path)))


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


def _file_bytes(f: InputFile) -> tuple[bytes, bytes | dict]:
    """The file's stored bytes and their decompressed form, or a bad_compression reject unit."""
    raw = f.path.read_bytes()
    try:
        return raw, decompress(raw, compression(f.path))
    except CompressionError as exc:
        return raw, _reject(_unit(f.source, f.format, raw, encoding=None), "bad_compression",
                            f"{f.source}: {exc}", _excerpt(raw[:64]))  # fmt: skip


def _parse_date(value: object) -> tuple[datetime | None, str | None]:
    """UTC datetime from ISO 8601 (offset or Z; date-only allowed; naive read as UTC), else a detail."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None, f"published_at {str(value)[:80]!r} is not an ISO 8601 date; published_at left null"
    dt = dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    return dt, None


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
    unit = {**unit, **meta}
    if "\x00" in text:
        return _reject(unit, "binary_content", f"{source}: NUL character in the text field", _excerpt(text))
    if not text.strip():
        return _reject(unit, "empty_text", f"{source}: text field {fields.text!r} is empty", _excerpt(raw))
    published, bad = _parse_date(rec.get(fields.published_at))
    unit = {**unit, "raw_text": text, "published_at": published}
    if bad:  # the document stays; the rejects table still records the unreadable date
        unit |= {"date_detail": f"{source}: {bad}", "date_payload": _payload(source, _excerpt(raw))}
    return unit


def _read_txt(f: InputFile, fields: Fields) -> list[dict]:
    raw, data = _file_bytes(f)
    return [data if isinstance(data, dict) else _decoded(_unit(f.source, f.format, raw), data)]


def _read_html(f: InputFile, fields: Fields) -> list[dict]:
    raw, data = _file_bytes(f)
    return [data if isinstance(data, dict) else _decoded(_unit(f.source, f.format, raw), data, html=True)]


def _read_jsonl(f: InputFile, fields: Fields) -> list[dict]:
    """One unit per non-blank line; blank lines separate records and carry no text."""
    raw, data = _file_bytes(f)
    if isinstance(data, dict):
        return [data]
    lines = [(n, line.removesuffix(b"\r")) for n, line in enumerate(data.split(b"\n"), start=1)]
    lines = [(n, line) for n, line in lines if line.strip()]
    fallback = None  # one detected encoding for all the lines that are not UTF-8
    units = []
    for n, line in lines:
        source = f"{f.source}#L{n}"
        declared = None
        if not line.isascii() and not _is_utf8(line):
            if fallback is None:  # detected once, on all such lines together: more evidence than one line
                fallback = decode_bytes(b"\n".join(x for _, x in lines if not _is_utf8(x))).encoding or ""
            declared = fallback or None
        decoded = _decoded(_unit(source, f.format, line), line, declared)
        if decoded.get("reason"):
            units.append({**decoded, "_unit": n})
            continue
        try:
            rec = json.loads(decoded["raw_text"])
        except json.JSONDecodeError as exc:
            unit = _reject(_unit(source, f.format, line, encoding=decoded["encoding"]), "malformed_jsonl",
                           f"{source}: not JSON ({exc.msg} at column {exc.colno})", _excerpt(line))  # fmt: skip
            units.append({**unit, "_unit": n})
            continue
        units.append({**_from_record(source, f.format, line, rec, fields, decoded["encoding"]), "_unit": n})
    if not units:  # an empty file is still an input: account for it
        units.append(_reject(_unit(f.source, f.format, raw, encoding="utf-8"), "empty_text",
                             f"{f.source}: no JSON lines", _excerpt(data)))  # fmt: skip
    return units


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_parquet(f: InputFile, fields: Fields) -> list[dict]:
    """One unit per row; the row's JSON (as polars encodes it) is its raw bytes."""
    try:
        df = pl.read_parquet(f.path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a reject, never a crash
        data = f.path.read_bytes()
        return [_reject(_unit(f.source, f.format, data, encoding=None), "malformed_parquet",
                        f"{f.source}: cannot be read as Parquet ({type(exc).__name__})", _excerpt(data[:64]))]
    if df.height == 0:
        data = f.path.read_bytes()
        return [_reject(_unit(f.source, f.format, data, encoding="utf-8"), "empty_text",
                        f"{f.source}: Parquet file has no rows", "")]  # fmt: skip
    rows_json = df.select(pl.struct(pl.all()).struct.json_encode()).to_series().to_list()
    units = []
    for n, (row, js) in enumerate(zip(df.iter_rows(named=True), rows_json, strict=True), start=1):
        units.append({**_from_record(f"{f.source}#R{n}", f.format, js.encode(), row, fields), "_unit": n})
    return units


def _read_warc(f: InputFile, fields: Fields) -> list[dict]:
    """One unit per record: 200 HTML responses are pages, every other record a skipped reject."""
    units = []
    try:
        with open(f.path, "rb") as fh:
            for n, rec in enumerate(webpages.warc_records(fh), start=1):
                source = f"{f.source}#B{rec.offset}"
                unit = _unit(source, f.format, rec.body, encoding=None, url=rec.url, fetched_at=rec.fetched_at,
                             external_id=rec.record_id, _unit=n)  # fmt: skip
                if rec.is_html_page:
                    units.append(_decoded(unit, rec.body, rec.charset, html=True))
                else:
                    units.append(_reject(unit, "warc_record_skipped", f"{source}: {rec.skip_detail}",
                                         f"{rec.record_type} {rec.url or ''}".strip()))  # fmt: skip
    except (OSError, ValueError) as exc:  # a damaged crawl keeps the records read before the damage
        data = f.path.read_bytes()
        units.append(_reject(_unit(f.source, f.format, data, encoding=None, _unit=len(units) + 1),
                             "malformed_warc", f"{f.source}: WARC unreadable after {len(units)} records "
                             f"({type(exc).__name__}: {exc})", _excerpt(data[:64])))  # fmt: skip
    if not units:
        data = f.path.read_bytes()
        units.append(_reject(_unit(f.source, f.format, data, encoding=None), "malformed_warc",
                             f"{f.source}: no WARC records", _excerpt(data[:64])))  # fmt: skip
    return units


def _read_unknown(f: InputFile, fields: Fields) -> list[dict]:
    data = f.path.read_bytes()
    return [_reject(_unit(f.source, f.format, data, encoding=None), "unknown_format",
                    f"{f.source}: extension not one of {sorted(EXTENSIONS)} (optionally + .gz or .zst); "
                    "rename it or set the recipe's [inputs] format", _excerpt(data[:EXCERPT_CHARS]))]  # fmt: skip


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


def read_files(files: list[InputFile], fields: Fields = Fields()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents (one per unit, rejected ones with raw_text null) and their rejects, in input order."""
    units = []
    for i, f in enumerate(sorted(files, key=lambda f: (f.source, str(f.path)))):
        units.extend({**u, "_file": i} for u in _READERS.get(f.format, _read_unknown)(f, fields))
    frame = pl.DataFrame(_extract(units), schema=_UNIT_SCHEMA) if units else pl.DataFrame(schema=_UNIT_SCHEMA)
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


__all__ = ["DOCUMENTS_SCHEMA", "REJECTS_SCHEMA", "InputFile", "discover", "estimate_documents", "read_files"]
