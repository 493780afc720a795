"""Reading: find input files and turn them into a documents frame plus a rejects frame.

This is one of the two modules that do I/O. Each unit of input (a .txt file, a JSONL line, a Parquet
row) becomes exactly one document row. A unit that cannot be used is still a document (status
"rejected", raw_text null, encoding null when its bytes could not be decoded) and also a rejects row
with a stable reason code, so every input byte is accounted for. Reason codes: not_utf8, empty_text,
binary_content, malformed_jsonl, missing_text_field, unknown_format, malformed_parquet, and
bad_published_at (the only one whose document is kept, with published_at null).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from toolkit.errors import InputError
from toolkit.ids import sha256_hex, stable_id
from toolkit.recipe import FORMATS, Fields

EXTENSIONS = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
# Rejects keep a short excerpt of the offending input, enough to find and judge it.
EXCERPT_CHARS = 200

DOCUMENTS_SCHEMA = {
    "doc_id": pl.String,
    "source": pl.String,
    "format": pl.String,
    "sha256": pl.String,
    "n_bytes": pl.Int64,
    "encoding": pl.String,
    "status": pl.String,
    "external_id": pl.String,
    "url": pl.String,
    "title": pl.String,
    "published_at": pl.Datetime("us", "UTC"),
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
    "source": pl.String, "format": pl.String, "sha256": pl.String, "n_bytes": pl.Int64,
    "encoding": pl.String, "external_id": pl.String, "url": pl.String, "title": pl.String,
    "published_at": pl.Datetime("us", "UTC"), "raw_text": pl.String,
    "reason": pl.String, "detail": pl.String, "payload": pl.String,
    "date_detail": pl.String, "date_payload": pl.String, "_file": pl.Int64, "_unit": pl.Int64,
}  # fmt: skip


@dataclass(frozen=True)
class InputFile:
    """One input file: where it is, the name it is recorded under, and how to read it."""

    path: Path
    source: str  # posix path relative to the root, else the file name
    format: str  # "txt", "jsonl", "parquet", or the unknown extension (read as a reject)


def _source(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _format(path: Path, fmt: str | None) -> str:
    return fmt or EXTENSIONS.get(path.suffix.lower(), path.suffix.lower().lstrip(".") or "unknown")


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


def _decode(source: str, fmt: str, raw: bytes) -> dict:
    """A unit from raw bytes: decoded text, or a reject for empty, binary or non-UTF-8 input."""
    unit = _unit(source, fmt, raw, encoding="utf-8")
    if b"\x00" in raw:
        return _reject({**unit, "encoding": None}, "binary_content",
                       f"{source}: NUL byte at offset {raw.index(0)}; the input is binary, not text",
                       _excerpt(raw))  # fmt: skip
    if raw.startswith(codecs.BOM_UTF8):
        raw, unit["encoding"] = raw[len(codecs.BOM_UTF8):], "utf-8-sig"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _reject({**unit, "encoding": None}, "not_utf8",
                       f"{source}: byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8; "
                       "re-encode the input as UTF-8", _excerpt(raw))  # fmt: skip
    if not text.strip():
        return _reject(unit, "empty_text", f"{source}: no text (empty or only whitespace)", _excerpt(raw))
    return {**unit, "raw_text": text}


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
    source: str, fmt: str, raw: bytes, rec: object, fields: Fields, encoding: str = "utf-8"
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
    return [_decode(f.source, f.format, f.path.read_bytes())]


def _read_jsonl(f: InputFile, fields: Fields) -> list[dict]:
    """One unit per non-blank line; blank lines separate records and carry no text."""
    data = f.path.read_bytes()
    units = []
    for n, line in enumerate(data.split(b"\n"), start=1):
        line = line.removesuffix(b"\r")
        if not line.strip():
            continue
        source = f"{f.source}#L{n}"
        decoded = _decode(source, f.format, line)
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
        units.append(_reject(_unit(f.source, f.format, data, encoding="utf-8"), "empty_text",
                             f"{f.source}: no JSON lines", _excerpt(data)))  # fmt: skip
    return units


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


def _read_unknown(f: InputFile, fields: Fields) -> list[dict]:
    data = f.path.read_bytes()
    return [_reject(_unit(f.source, f.format, data, encoding=None), "unknown_format",
                    f"{f.source}: extension not one of {sorted(EXTENSIONS)}; rename it or set the "
                    "recipe's [inputs] format", _excerpt(data[:EXCERPT_CHARS]))]  # fmt: skip


_READERS = {"txt": _read_txt, "jsonl": _read_jsonl, "parquet": _read_parquet}


def read_files(files: list[InputFile], fields: Fields = Fields()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents (one per unit, rejected ones with raw_text null) and their rejects, in input order."""
    frames = []
    for i, f in enumerate(sorted(files, key=lambda f: (f.source, str(f.path)))):
        units = _READERS.get(f.format, _read_unknown)(f, fields)
        frames.append(pl.DataFrame(units, schema=_UNIT_SCHEMA).with_columns(_file=pl.lit(i, pl.Int64)))
    units = pl.concat(frames) if frames else pl.DataFrame(schema=_UNIT_SCHEMA)
    units = (
        units.with_columns(pl.col("_unit").fill_null(0))
        .sort("_file", "_unit")
        .with_columns(
            doc_id=stable_id("source", "sha256", prefix="document"),
            status=pl.when(pl.col("reason").is_null()).then(pl.lit("ok")).otherwise(pl.lit("rejected")),
            n_chars=pl.lit(None, pl.Int64),
        )
    )
    docs = units.select(list(DOCUMENTS_SCHEMA)).cast(DOCUMENTS_SCHEMA)
    unusable = units.filter(pl.col("reason").is_not_null()).select(
        "doc_id", "reason", "detail", "payload", "_file", "_unit"
    )
    bad_dates = units.filter(pl.col("date_detail").is_not_null()).select(
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


__all__ = ["DOCUMENTS_SCHEMA", "REJECTS_SCHEMA", "InputFile", "discover", "read_files"]
