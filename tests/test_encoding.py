"""Claims about decoding inputs: detected encodings, repaired mojibake, compressed files, undecodable bytes."""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252, the decoding that makes real mojibake
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from toolkit.encoding import CompressionError, decode_bytes, decode_html, decompress, repair_mojibake
from toolkit.read import discover, read_files

# Latin letters of Western European languages; UTF-8 encodes each non-ASCII one as two bytes. Left
# out: "œ" and "å", whose mojibake ("Å“", "Ã¥") ftfy leaves alone when nothing else in the text is broken.
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàáâäãæçèéêëìíîïñòóôöõøùúûüÿßÀÉÈÇÖÜÑ"
latin_texts = st.text(alphabet=LATIN + " .,;-'", min_size=1, max_size=200).filter(
    lambda t: any(c.isalpha() for c in t)
)


def _read_one(name: str, data: bytes) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        docs, rejects = read_files(discover([Path(tmp)], Path(tmp)))
    assert docs.height == 1
    return {**docs.row(0, named=True), "reasons": rejects["reason"].to_list()}


def _mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 and written back as UTF-8, as a misconfigured export does."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


@given(latin_texts)
def test_mojibake_of_latin_text_is_repaired_back_to_the_original_and_recorded(text):
    broken = _mojibake(text)
    row = _read_one("a.txt", broken.encode("utf-8"))
    assert row["raw_text"] == text
    assert row["encoding"] == "utf-8"
    assert row["repair"] == ("ftfy:mojibake" if broken != text else None)


@given(latin_texts)
def test_correct_latin_text_is_never_repaired(text):
    assert repair_mojibake(text) == (text, None)


def test_repair_leaves_french_guillemets_after_an_accent_alone():
    assert repair_mojibake("Il a dit « oui » à Zürich, puis é»") == ("Il a dit « oui » à Zürich, puis é»", None)


def test_mojibake_in_a_jsonl_text_field_is_repaired_per_record(tmp_path):
    lines = [{"text": _mojibake("Café in Zürich – “talks”")}, {"text": "Plain record."}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    docs, rejects = read_files(discover([tmp_path], tmp_path))
    assert docs.select("raw_text", "repair").rows() == [
        ("Café in Zürich – “talks”", "ftfy:mojibake"), ("Plain record.", None)
    ]  # fmt: skip
    assert rejects.height == 0


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        pytest.param("Delegates met in a small café in Zürich.", "latin-1", id="latin-1"),
        pytest.param("Ministers said “no” – twice, at 5 € a head.", "cp1252", id="cp1252 quotes dash euro"),
        pytest.param("Die Gespräche in München über Straßenbau dauerten bis Mitternacht.", "cp1252",
                     id="cp1252 German"),
        pytest.param("Переговоры в Москве продолжатся в понедельник, сообщил министр.", "cp1251",
                     id="cp1251 Russian"),
    ],
)
def test_single_byte_files_are_kept_with_the_encoding_they_decode_with(text, codec):
    raw = text.encode(codec)
    row = _read_one("a.txt", raw)
    assert (row["status"], row["raw_text"], row["reasons"]) == ("ok", text, [])
    assert raw.decode(row["encoding"]) == text  # the recorded encoding reproduces the text
    assert row["sha256"] == hashlib.sha256(raw).hexdigest()


def test_utf16_with_a_byte_order_mark_is_decoded_not_called_binary():
    assert decode_bytes("Grüße".encode("utf-16")) == decode_bytes("Grüße".encode("utf-16"))
    assert decode_bytes("Grüße".encode("utf-16")).text == "Grüße"


def test_html_meta_charset_is_used_when_the_bytes_are_not_utf8():
    page = '<html><head><meta charset="windows-1252"></head><body><p>Österreich – „Hilfe“</p></body></html>'
    decoded = decode_html(page.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (page, "cp1252")


def test_a_wrong_declared_charset_loses_to_valid_utf8():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'
    assert decode_html(page.encode("utf-8")).encoding == "utf-8"


def test_undecodable_bytes_are_a_reason_not_an_exception():
    decoded = decode_bytes(bytes(range(0x80, 0x100)))
    assert (decoded.text, decoded.encoding, decoded.reason) == (None, None, "not_decodable")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize(("suffix", "compress"), [(".gz", _gzip), (".zst", _zstd)], ids=["gzip", "zstd"])
@pytest.mark.parametrize("name", ["a.txt", "a.jsonl", "a.html"])
def test_compressed_files_read_like_the_plain_file_but_hash_the_stored_bytes(tmp_path, name, suffix, compress):
    plain = {
        "a.txt": "Talks resumed in Genève on Monday.\n".encode(),
        "a.jsonl": b'{"id": 1, "text": "First record."}\n{"id": 2, "text": "Second record."}\n',
        "a.html": b"<html lang='en'><body><article><p>Talks resumed in Geneva on Monday after a "
        b"two-week pause, officials said.</p></article></body></html>",
    }[name]
    (tmp_path / "plain").mkdir()
    (tmp_path / "packed").mkdir()
    (tmp_path / "plain" / name).write_bytes(plain)
    packed = compress(plain)
    (tmp_path / "packed" / (name + suffix)).write_bytes(packed)
    want, _ = read_files(discover([tmp_path / "plain"], tmp_path / "plain"))
    got, rejects = read_files(discover([tmp_path / "packed"], tmp_path / "packed"))
    assert rejects.height == 0
    same = ["format", "encoding", "status", "external_id", "raw_text", "published_at", "declared_language"]
    assert got.select(same).equals(want.select(same))
    if name != "a.jsonl":  # a whole-file document hashes the file as stored; a JSONL line, the line
        assert got.select("sha256", "n_bytes").row(0) == (hashlib.sha256(packed).hexdigest(), len(packed))
    else:
        assert got["sha256"].to_list() == want["sha256"].to_list()


def test_decompress_raises_compression_error_naming_the_method():
    with pytest.raises(CompressionError, match="gzip") as info:
        decompress(b"\x1f\x8b\x08 truncated", "gzip")
    assert isinstance(info.value, ValueError)
    assert decompress(_zstd(b"abc"), "zstd") == b"abc"


def test_a_jsonl_file_with_some_cp1252_lines_keeps_every_line_with_its_own_encoding(tmp_path):
    good = '{"text": "Talks in Genève – “progress”."}'.encode()
    latin = '{"text": "Délégués à Zürich, façade grise, été chaud."}'.encode("cp1252")
    (tmp_path / "a.jsonl").write_bytes(good + b"\n" + latin + b"\n" + latin + b"\n")
    docs, rejects = read_files(discover([tmp_path], tmp_path))
    assert rejects.height == 0
    assert docs["encoding"].to_list() == ["utf-8", "cp1252", "cp1252"]
    assert docs["raw_text"][1] == "Délégués à Zürich, façade grise, été chaud."
