"""Hostile inputs never stop a build: each becomes a reject with its reason or a skipped input, and
the good documents beside it come out exactly as in a build of the good ones alone."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import polars as pl
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import prose_lines
from toolkit.pipeline.run import build
from toolkit.contract.validate import validate_dataset

# Small limits, so that "too large" inputs stay small in a test.
LIMITS = "[limits]\nmax_document_bytes = 20000\nmax_text_chars = 15000\nmax_file_bytes = 60000\nmax_json_depth = 16\n"


def _warc_record(body: bytes, uri: str = "http://example.org/a") -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: 2024-05-01T10:00:00Z\r\n"
        "WARC-Target-URI: %s\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
    ) % (abs(hash(body)) % 10**12, uri, len(http))
    return head.encode() + http + b"\r\n\r\n"


_PAGE = b"<html><head><title>Talks</title></head><body><article><p>" + b"The two ministers met in Oslo for talks. " * 8 + b"</p></article></body></html>"


def _words(k: int, n: int) -> str:
    """`n` words of news-like text that depend on `k`, ending a sentence."""
    vocab = ["talks", "ministers", "met", "on", "Monday", "in", "Oslo", "officials", "said", "the", "border"]
    return " ".join(vocab[(k + i * 7) % len(vocab)] for i in range(n)).capitalize() + "."


def _cut(data: bytes, k: int) -> bytes:
    """`data` cut short at a position `k` picks (at least one byte kept, at least one lost)."""
    return data[: 1 + k % (len(data) - 1)]


def _parquet_binary(path: Path, k: int) -> None:
    pl.DataFrame({"text": [_words(k, 9).encode()], "title": ["x"]}).write_parquet(path)


def _json_line(path: Path, text: str) -> None:
    path.write_text(text + "\n", encoding="utf-8")


# name -> (how to write it from an integer k that varies its content, expected outcome):
# ("reject", reason), ("skipped", reason), or ("kept", the reject a kept document also gets).
HOSTILE = {
    "empty.txt": (lambda p, k: p.write_bytes(b" \n\t"[: k % 4]), ("reject", "empty_text")),
    "nul.txt": (lambda p, k: p.write_bytes(_words(k, 12).encode()[: k % 40] + b"\x00" + b"rest"), ("reject", "binary_content")),
    "cut.txt.gz": (lambda p, k: p.write_bytes(_cut(gzip.compress(_words(k, 200).encode()), k)), ("reject", "bad_compression")),
    "cut.txt.zst": (lambda p, k: p.write_bytes(_cut(zstandard.compress(_words(k, 200).encode()), k)), ("reject", "bad_compression")),
    "bomb.txt.gz": (lambda p, k: p.write_bytes(gzip.compress(b"a" * (20_001 + k % 400_000))), ("reject", "too_large")),
    "huge.txt": (lambda p, k: p.write_bytes(b"x" * (60_001 + k % 10_000)), ("reject", "too_large")),
    "long.txt": (lambda p, k: p.write_bytes(b"Talks went on. " * (1_001 + k % 300)), ("reject", "text_too_long")),
    "deep.jsonl": (lambda p, k: _json_line(p, '{"text": ' + "[" * (17 + k % 5000) + "]" * (17 + k % 5000) + "}"), ("reject", "too_deep")),
    "broken.jsonl": (lambda p, k: _json_line(p, json.dumps({"text": _words(k, 9)})[: -1 - k % 5]), ("reject", "malformed_jsonl")),
    "surrogate.jsonl": (
        lambda p, k: _json_line(p, json.dumps({"text": _words(k, 9)[: k % 30] + "\ud800" + "end"}, ensure_ascii=True)),
        ("reject", "invalid_unicode"),
    ),
    "bigint.jsonl": (
        lambda p, k: _json_line(p, '{"id": %s, "text": "%s"}' % ("7" * (4_301 + k % 3_000), _words(k, 9))), ("kept", None),
    ),
    "year.jsonl": (
        lambda p, k: _json_line(p, json.dumps({"text": _words(k, 9), "published_at": f"9999-12-31T{20 + k % 4}:00:00-0{5 + k % 4}:00"})),
        ("kept", "bad_published_at"),
    ),
    "binary.parquet": (_parquet_binary, ("reject", "missing_text_field")),
    "notparquet.parquet": (lambda p, k: p.write_bytes(b"PAR1" + _words(k, 5).encode()), ("reject", "malformed_parquet")),
    "cut.warc": (lambda p, k: p.write_bytes(_warc_record(_PAGE)[: -(5 + k % 300)]), ("reject", "truncated_warc")),
    "table.xlsx": (lambda p, k: p.write_bytes(b"PK\x03\x04" + bytes([k % 256])), ("reject", "unknown_format")),
    b"name\xff.txt": (lambda p, k: p.write_bytes(_words(k, 9).encode()), ("reject", "not_utf8_path")),
    ".hidden.txt": (lambda p, k: p.write_text(_words(k, 9)), ("skipped", "hidden")),
    "fifo.txt": (lambda p, k: os.mkfifo(p), ("skipped", "not_a_file")),
    "dangling.txt": (lambda p, k: p.symlink_to(p.parent / "nowhere"), ("skipped", "dangling_link")),
    "outside.txt": (lambda p, k: p.symlink_to(p.parent.parent / "elsewhere.txt"), ("skipped", "outside_input")),
}


def _path(raw: Path, name: str | bytes) -> Path:
    return Path(os.fsdecode(os.path.join(os.fsencode(raw), name if isinstance(name, bytes) else name.encode())))


def _recipe(folder: Path) -> Path:
    (folder / "raw").mkdir(parents=True)
    (folder / "elsewhere.txt").write_text("A file outside the input folder.")
    recipe = folder / "dataset.toml"
    recipe.write_text('[dataset]\nname = "hostile"\n[inputs]\npaths = ["raw"]\n' + LIMITS)
    return recipe


def _rows(out: Path, good_docs: set[str]) -> dict[str, pl.DataFrame]:
    """The rows that belong to the given documents, in every per-document table."""
    articles = pl.read_parquet(out / "articles.parquet").filter(pl.col("doc_id").is_in(list(good_docs)))
    ids = articles["article_id"].to_list()
    keep = {
        "documents": pl.read_parquet(out / "documents.parquet").filter(pl.col("doc_id").is_in(list(good_docs))),
        "articles": articles,
        "fragments": pl.read_parquet(out / "fragments.parquet").filter(pl.col("doc_id").is_in(list(good_docs))),
    }
    for table in ("mentions", "events"):
        keep[table] = pl.read_parquet(out / f"{table}.parquet").filter(pl.col("article_id").is_in(ids))
    return keep


def _sources(out: Path) -> dict[str, tuple[str, list[str]]]:
    """Each document's source file -> (status, reasons of its rejects)."""
    docs = pl.read_parquet(out / "documents.parquet")
    rejects = pl.read_parquet(out / "rejects.parquet")
    reasons = rejects.group_by("doc_id").agg(pl.col("reason").sort())
    joined = docs.join(reasons, on="doc_id", how="left")
    return {
        src.split("#")[0].removeprefix("raw/"): (status, reason or [])
        for src, status, reason in joined.select("source", "status", "reason").iter_rows()
    }


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    good=st.lists(st.lists(prose_lines(), min_size=2, max_size=4), min_size=1, max_size=3),
    hostile=st.lists(st.sampled_from(sorted(HOSTILE, key=repr)), min_size=1, max_size=6, unique=True),
    k=st.integers(0, 10**6),
)
def test_hostile_inputs_are_accounted_for_and_leave_good_documents_unchanged(tmp_path_factory, good, hostile, k):
    alone, mixed = tmp_path_factory.mktemp("alone"), tmp_path_factory.mktemp("mixed")
    for folder in (alone, mixed):
        recipe = _recipe(folder)
        for i, paragraphs in enumerate(good):
            (folder / "raw" / f"good{i}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    for i, name in enumerate(hostile):
        HOSTILE[name][0](_path(mixed / "raw", name), k + i)
    build(alone / "dataset.toml", out=alone / "out")
    build(recipe, out=mixed / "out")
    assert validate_dataset(mixed / "out").ok

    good_docs = set(pl.read_parquet(alone / "out" / "documents.parquet")["doc_id"])
    want, got = _rows(alone / "out", good_docs), _rows(mixed / "out", good_docs)
    for table in want:
        assert got[table].equals(want[table]), table

    sources = _sources(mixed / "out")
    skipped = {s["path"].removeprefix("raw/"): s["reason"]
               for s in json.loads((mixed / "out" / "manifest.json").read_text())["skipped_inputs"]}  # fmt: skip
    for name in hostile:
        shown = os.fsencode(name).decode("utf-8", "backslashreplace") if isinstance(name, bytes) else name
        outcome, reason = HOSTILE[name][1]
        if outcome == "skipped":
            assert skipped.get(shown) == reason, name
        elif outcome == "reject":
            assert sources[shown][0] == "rejected" and reason in sources[shown][1], (name, sources.get(shown))
        else:
            assert sources[shown][0] == "ok" and sources[shown][1] == ([reason] if reason else []), name


@pytest.mark.parametrize("name", sorted(HOSTILE, key=repr), ids=lambda n: os.fsdecode(n) if isinstance(n, bytes) else n)
def test_each_hostile_input_has_its_reason_code(tmp_path, name):  # one fixed case each; the property varies them
    recipe = _recipe(tmp_path)
    (tmp_path / "raw" / "good.txt").write_text("The ministers of France and Germany met in Paris for talks on Monday.\n")
    HOSTILE[name][0](_path(tmp_path / "raw", name), 0)
    build(recipe, out=tmp_path / "out")
    outcome, reason = HOSTILE[name][1]
    shown = os.fsencode(name).decode("utf-8", "backslashreplace") if isinstance(name, bytes) else name
    if outcome == "skipped":
        manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
        assert {"path": f"raw/{shown}", "reason": reason} in manifest["skipped_inputs"]
    else:
        status, reasons = _sources(tmp_path / "out")[shown]
        assert status == ("rejected" if outcome == "reject" else "ok")
        assert (reason in reasons) if reason else reasons == []
    assert _sources(tmp_path / "out")["good.txt"] == ("ok", [])


def test_a_build_where_nothing_survives_writes_a_valid_empty_dataset(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "empty.txt").write_bytes(b"")
    result = build(tmp_path / "raw", out=tmp_path / "out")
    assert result.rows["articles"] == 0 and result.rejects == {"empty_text": 1}
    assert validate_dataset(tmp_path / "out").ok


def test_an_unreadable_file_is_a_reject_not_a_crash(tmp_path, monkeypatch):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "good.txt").write_text("The ministers met in Paris for talks on Monday.\n")
    locked = tmp_path / "raw" / "locked.txt"
    locked.write_text("secret")
    real_open, real_read = open, Path.read_bytes

    def refused(path):
        if Path(path) == locked:  # as the system answers a file without read permission
            raise PermissionError(13, "Permission denied", str(path))

    # Root reads any file, so the refusal is played where the toolkit reads: file bytes and checksums.
    monkeypatch.setattr(Path, "read_bytes", lambda self: refused(self) or real_read(self))
    monkeypatch.setattr("toolkit.io.write.open", lambda path, *a, **k: refused(path) or real_open(path, *a, **k), raising=False)
    build(tmp_path / "raw", out=tmp_path / "out")
    monkeypatch.undo()
    sources = _sources(tmp_path / "out")
    assert sources["locked.txt"] == ("rejected", ["unreadable"]) and sources["good.txt"] == ("ok", [])
    entry = next(e for e in json.loads((tmp_path / "out" / "manifest.json").read_text())["inputs"] if e["source"] == "locked.txt")
    assert entry["sha256"] is None


def test_recrawls_in_a_single_stream_warc_get_distinct_ids(tmp_path):
    (tmp_path / "raw").mkdir()
    page = _warc_record(_PAGE)
    (tmp_path / "raw" / "crawl.warc.gz").write_bytes(gzip.compress(page + page + page))  # one gzip stream
    build(tmp_path / "raw", out=tmp_path / "out")
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs.height == 3 and docs["doc_id"].n_unique() == 3
    assert pl.read_parquet(tmp_path / "out" / "rejects.parquet").height == 0
    assert validate_dataset(tmp_path / "out").ok


def test_control_characters_from_json_escapes_are_replaced_one_for_one(tmp_path):
    (tmp_path / "raw").mkdir()
    line = {"text": "Talks\u0001 resumed\u0007 on Monday in Geneva, officials said.", "title": "Talks\u001b"}
    (tmp_path / "raw" / "a.jsonl").write_text(json.dumps(line) + "\n")
    build(tmp_path / "raw", out=tmp_path / "out")
    article = pl.read_parquet(tmp_path / "out" / "articles.parquet").row(0, named=True)
    assert article["text"] == "Talks  resumed  on Monday in Geneva, officials said."
    assert article["title"] == "Talks "


def test_a_folder_the_system_will_not_list_is_a_skipped_input(tmp_path, monkeypatch):
    (tmp_path / "raw" / "closed").mkdir(parents=True)
    (tmp_path / "raw" / "closed" / "a.txt").write_text("Unseen.")
    (tmp_path / "raw" / "good.txt").write_text("The ministers met in Paris for talks on Monday.\n")
    real = os.scandir

    def scandir(path="."):
        if isinstance(path, (str, os.PathLike)) and Path(path).name == "closed":  # root lists any folder, so the refusal is played here
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = build(tmp_path / "raw", out=tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["skipped_inputs"] == [{"path": "closed", "reason": "unreadable_folder"}]
    assert result.skipped == {"unreadable_folder": 1} and result.rows["articles"] == 1
