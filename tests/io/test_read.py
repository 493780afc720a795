"""Claims about finding inputs and turning them into documents and rejects."""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import documents
from toolkit.io.encoding import repair_mojibake
from toolkit.errors import InputError, ToolkitError
from toolkit.contract.ids import stable_id_py
from toolkit.io.read import DOCUMENTS_SCHEMA, REJECTS_SCHEMA, InputFile, discover, read_files
from toolkit.io.options import Fields


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _read(folder: Path, fields: Fields = Fields()) -> tuple[pl.DataFrame, pl.DataFrame]:
    return read_files(discover([folder], folder), fields)


def test_discover_walks_folders_sorted_skips_hidden_and_names_sources_relative_to_root(tmp_path):
    for name in ["b/z.txt", "a.jsonl", "b/a.parquet", ".hidden.txt", ".git/x.txt", "notes.xml"]:
        _write(tmp_path, name, b"x")
    files = discover([tmp_path], tmp_path)
    assert [(f.source, f.format) for f in files] == [
        ("a.jsonl", "jsonl"), ("b/a.parquet", "parquet"), ("b/z.txt", "txt"), ("notes.xml", "xml")
    ]  # fmt: skip


def test_discover_names_a_file_outside_the_root_by_its_name_and_lets_format_override(tmp_path):
    path = _write(tmp_path, "in/data.dump", b"x")
    assert discover([path], tmp_path / "elsewhere", fmt="txt") == [InputFile(path, "data.dump", "txt")]


def test_discover_raises_input_error_naming_a_missing_path(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match="nope") as info:
        discover([missing], tmp_path)
    assert isinstance(info.value, ToolkitError) and isinstance(info.value, FileNotFoundError)


def test_read_files_gives_the_documents_and_rejects_contract_columns(tmp_path):
    _write(tmp_path, "a.txt", "Café “news” – text.\n".encode())
    docs, rejects = _read(tmp_path)
    assert docs.schema == pl.Schema(DOCUMENTS_SCHEMA)
    assert rejects.schema == pl.Schema(REJECTS_SCHEMA)
    row = docs.row(0, named=True)
    raw = "Café “news” – text.\n".encode()
    assert row["sha256"] == hashlib.sha256(raw).hexdigest()
    assert row["doc_id"] == stable_id_py("a.txt", row["sha256"], prefix="document")
    assert (row["status"], row["raw_text"], row["n_bytes"], row["encoding"]) == ("ok", raw.decode(), len(raw), "utf-8")


def test_read_files_strips_a_utf8_bom_and_records_utf8_sig(tmp_path):
    _write(tmp_path, "bom.txt", b"\xef\xbb\xbfHello")
    docs, _ = _read(tmp_path)
    assert docs.select("raw_text", "encoding", "n_bytes").row(0) == ("Hello", "utf-8-sig", 8)


BAD_INPUTS = [
    pytest.param("a.txt", b"", "empty_text", id="empty file"),
    pytest.param("a.txt", b" \n\t\n", "empty_text", id="whitespace file"),
    pytest.param("a.txt", bytes(range(0x80, 0x100)), "not_decodable", id="high bytes no encoding fits"),
    pytest.param("a.txt", bytes(range(1, 32)) * 4 + b"\xff", "not_decodable", id="control characters"),
    pytest.param("a.txt", b"ab\x00cd", "binary_content", id="NUL bytes"),
    pytest.param("a.txt.gz", b"\x1f\x8b\x08\x00 cut", "bad_compression", id="truncated gzip"),
    pytest.param("a.jsonl.zst", b"not zstd at all", "bad_compression", id="zst that is not zstd"),
    pytest.param("a.html", b"", "empty_text", id="empty html file"),
    pytest.param("a.html", b"<html><head><title>Login</title></head><body><script>var a = 1;</script>"
                 b"<form><input name='q'></form></body></html>", "no_main_text", id="html page with no text"),
    pytest.param("a.warc", b"not a warc at all", "malformed_warc", id="warc that is not a warc"),
    pytest.param("a.warc.gz", b"", "malformed_warc", id="empty warc"),
    pytest.param("a.jsonl", b'{"text": "cut off\n', "malformed_jsonl", id="truncated json line"),
    pytest.param("a.jsonl", b"[1, 2]\n", "malformed_jsonl", id="json line not an object"),
    pytest.param("a.jsonl", b'{"title": "no body"}\n', "missing_text_field", id="missing text field"),
    pytest.param("a.jsonl", b'{"text": 42}\n', "missing_text_field", id="text field not a string"),
    pytest.param("a.jsonl", b'{"text": "  "}\n', "empty_text", id="empty text field"),
    pytest.param("a.jsonl", b"", "empty_text", id="empty jsonl file"),
    pytest.param("a.xml", b"<a>b</a>\n", "unknown_format", id="unknown extension"),
    pytest.param("a.xml.gz", b"\x1f\x8b", "unknown_format", id="unknown extension compressed"),
    pytest.param("a.csv", b"a,b\n1,2\n", "missing_text_field", id="CSV without a text column"),
    pytest.param("a.json", b"[1, 2", "malformed_json", id="JSON cut short"),
    pytest.param("a.zip", b"PK\x03\x04 not really", "malformed_archive", id="damaged ZIP"),
    pytest.param("a.tar.gz", b"\x1f\x8b\x08\x00", "malformed_archive", id="damaged tar"),
    pytest.param("a.parquet", b"PAR1 not really", "malformed_parquet", id="corrupt parquet"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_INPUTS)
def test_bad_inputs_become_rejected_documents_with_a_reason_code(tmp_path, name, data, reason):
    _write(tmp_path, name, data)
    docs, rejects = _read(tmp_path)
    assert docs.height == 1
    assert docs.select("status", "raw_text").row(0) == ("rejected", None)
    if reason in {"not_decodable", "binary_content", "bad_compression", "unknown_format", "malformed_parquet"}:
        assert docs["encoding"][0] is None
    assert rejects.select("table", "reason").rows() == [("documents", reason)]
    assert rejects["key"].to_list() == rejects["doc_id"].to_list() == docs["doc_id"].to_list()
    json.loads(rejects["payload"][0])


def test_bad_date_keeps_the_document_with_null_published_at_and_records_a_reject(tmp_path):
    _write(tmp_path, "a.jsonl", b'{"text": "Body text.", "published_at": "next Tuesday"}\n')
    docs, rejects = _read(tmp_path)
    assert docs.select("status", "published_at", "raw_text").row(0) == ("ok", None, "Body text.")
    assert rejects.select("reason", "doc_id").row(0) == ("bad_published_at", docs["doc_id"][0])


def test_jsonl_lines_are_documents_with_fields_line_sources_and_utc_dates(tmp_path):
    lines = [
        {"id": 7, "text": "First.", "title": "T1", "url": "https://x.test/1", "published_at": "2023-09-13T10:00:00+03:00"},
        {"id": "b", "text": "Second.", "published_at": "2023-09-13"},
        {"id": "c", "text": "Third.", "published_at": "2023-09-13T10:00:00Z"},
    ]  # fmt: skip
    body = "\n".join(json.dumps(x) for x in lines[:2]) + "\n\n" + json.dumps(lines[2]) + "\n"
    _write(tmp_path, "d/x.jsonl", body.encode())
    docs, rejects = _read(tmp_path)
    assert rejects.height == 0
    assert docs["source"].to_list() == ["d/x.jsonl#L1", "d/x.jsonl#L2", "d/x.jsonl#L4"]
    assert docs["external_id"].to_list() == ["7", "b", "c"]
    assert docs["title"].to_list() == ["T1", None, None]
    assert docs["published_at"].to_list() == [
        datetime(2023, 9, 13, 7, tzinfo=timezone.utc),
        datetime(2023, 9, 13, tzinfo=timezone.utc),
        datetime(2023, 9, 13, 10, tzinfo=timezone.utc),
    ]
    assert docs["sha256"][0] == hashlib.sha256(json.dumps(lines[0]).encode()).hexdigest()


def test_jsonl_sources_keep_line_order_past_line_nine(tmp_path):
    _write(tmp_path, "x.jsonl", "".join(json.dumps({"text": f"n{i}"}) + "\n" for i in range(12)).encode())
    docs, _ = _read(tmp_path)
    assert docs["raw_text"].to_list() == [f"n{i}" for i in range(12)]


def test_parquet_rows_are_documents_hashed_by_their_row_json(tmp_path):
    frame = pl.DataFrame({"id": ["p1", "p2"], "text": ["Row one.", None], "headline": ["H", "G"]})
    frame.write_parquet(tmp_path / "p.parquet")
    docs, rejects = _read(tmp_path, Fields(title="headline"))
    assert docs.select("source", "status", "title").rows() == [("p.parquet#R1", "ok", "H"), ("p.parquet#R2", "rejected", None)]
    row_json = frame.head(1).select(pl.struct(pl.all()).struct.json_encode()).item()
    assert docs["sha256"][0] == hashlib.sha256(row_json.encode()).hexdigest()
    assert rejects["reason"].to_list() == ["missing_text_field"]


def test_read_files_is_deterministic_whatever_the_order_files_are_given(tmp_path):
    for i in range(6):
        _write(tmp_path, f"f{i}.txt", f"Doc {i}.".encode())
    _write(tmp_path, "bad.txt", bytes(range(0x80, 0x100)))
    _write(tmp_path, "latin.txt", "Zürich café".encode("latin-1"))
    files = discover([tmp_path], tmp_path)
    shuffled = files[:]
    random.Random(1).shuffle(shuffled)
    first, again = read_files(files, Fields()), read_files(shuffled, Fields())
    assert first[0].equals(again[0]) and first[1].equals(again[1])
    assert first[0]["source"].to_list() == sorted(first[0]["source"].to_list())


@given(st.lists(documents(), min_size=1, max_size=4))
def test_text_files_round_trip_into_raw_text(texts):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, text in enumerate(texts):
            _write(folder, f"{i:03d}.txt", text.encode("utf-8"))
        docs, rejects = _read(folder)
    assert rejects.height == 0
    # Generated text may by chance contain a mojibake-like pair ("Ã©"); repair is then recorded.
    repaired = [repair_mojibake(t.removeprefix("\ufeff")) for t in texts]
    assert docs["raw_text"].to_list() == [t for t, _ in repaired]
    assert docs["repair"].to_list() == [code for _, code in repaired]
    assert docs["n_bytes"].to_list() == [len(t.encode()) for t in texts]
