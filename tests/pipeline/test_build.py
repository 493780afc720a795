"""End-to-end builds: the demo corpus, reproducibility, conservation, atomicity, the seeds."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
import pytest

import toolkit.pipeline.run as pipeline
from toolkit.pipeline.run import build
from toolkit.text.clean import normalize_text
from toolkit.contract.schema import TABLES
from toolkit.contract.validate import validate_dataset, validate_table

from tests.conftest import REPO

DEMO = REPO / "datasets" / "demo"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "out"
    build(DEMO / "dataset.toml", out=out)
    return out


def _tables(out: Path) -> dict[str, pl.DataFrame]:
    return {t: pl.read_parquet(out / f"{t}.parquet") for t in TABLES}


def _digests(out: Path) -> dict[str, str]:
    return {name: entry["sha256"] for name, entry in json.loads((out / "manifest.json").read_text())["files"].items()}


def test_demo_build_is_valid_and_complete(demo):
    report = validate_dataset(demo)
    assert report.ok, report.problems
    assert sorted(p.name for p in demo.iterdir()) == sorted(
        [f"{t}.parquet" for t in TABLES] + ["manifest.json", "manifest.sha256", "datapackage.json", "croissant.json", "README.md", "report.html"]
    )
    t = _tables(demo)
    assert t["articles"].height >= 30
    assert t["mentions"].height > 0 and t["events"].height > 0 and t["entities"].height > 0
    assert "factbox" in t["fragments"]["kind"].to_list()
    # The recipe's own pattern file (recalling an ambassador, 161) and actor file are used.
    assert "161" in t["events"]["cameo_code"].to_list()
    assert "Naledi Pandor" in t["entities"]["name"].to_list()
    assert {"en", "de", "fr", "es"} <= set(t["articles"]["language"].drop_nulls())


def test_demo_articles_in_german_french_and_spanish_get_countries_only(demo):
    t = _tables(demo)
    others = t["articles"].filter(pl.col("language").is_in(["de", "fr", "es"]))
    assert set(others["language"]) == {"de", "fr", "es"}
    found = t["mentions"].join(others.select("article_id", "language"), on="article_id", how="inner")
    assert set(found["language"]) == {"de", "fr", "es"}
    entities = pl.read_parquet(demo / "entities.parquet").join(found.select("entity_id"), on="entity_id", how="semi")
    assert set(entities["kind"]) == {"country"}
    assert t["events"].join(others, on="article_id", how="semi").height == 0
    card = (demo / "README.md").read_text(encoding="utf-8")
    assert f"Countries only, by their CLDR names, for {others.height} articles in " in card


def test_demo_csv_and_zip_inputs_reach_the_articles_with_their_dates_and_section(demo):
    t = _tables(demo)
    arts = t["articles"].join(t["documents"].select("doc_id", "source", "format"), on="doc_id")
    csv_rows = arts.filter(pl.col("format") == "csv").sort("source")
    # The recipe's date format and zone: 14.03.2024 11:30 in Berlin is 10:30 UTC.
    assert csv_rows["published_at"][0] == datetime(2024, 3, 14, 10, 30, tzinfo=timezone.utc)
    assert csv_rows["section"].to_list() == ["africa", "asia", "americas"]
    assert "\n\n" in csv_rows["text"][0]  # the quoted two-paragraph field
    members = arts.filter(pl.col("source").str.starts_with("raw/e_archive.zip/"))["source"].to_list()
    assert sorted(members) == ["raw/e_archive.zip/briefs/e001_morocco_spain_fishing.txt",
                               "raw/e_archive.zip/briefs/e002_wire.jsonl#L1"]  # fmt: skip
    skipped = json.loads((demo / "manifest.json").read_text())["skipped_inputs"]
    assert {"path": "raw/e_archive.zip/README.txt", "reason": "excluded"} in skipped
    assert "malformed_csv" in set(t["rejects"]["reason"])
    # The archive is one input of the manifest, however many members it gives.
    sources = [e["source"] for e in json.loads((demo / "manifest.json").read_text())["inputs"]]
    assert sources.count("raw/e_archive.zip") == 1


def test_demo_bad_inputs_become_rejects_with_reasons(demo):
    reasons = set(pl.read_parquet(demo / "rejects.parquet")["reason"])
    assert {"not_decodable", "empty_text", "malformed_jsonl", "warc_record_skipped"} <= reasons
    docs = pl.read_parquet(demo / "documents.parquet")
    assert docs.filter(pl.col("status") == "rejected").height >= 3


def test_manifest_counts_match_the_files(demo):
    manifest = json.loads((demo / "manifest.json").read_text())
    for table, entry in manifest["tables"].items():
        assert pl.read_parquet(demo / entry["path"]).height == entry["rows"]
    assert manifest["lockfile_sha256"] is None or len(manifest["lockfile_sha256"]) == 64
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])


def test_every_character_of_every_document_is_accounted_for(demo):
    """Article titles and paragraphs plus fragments cover every non-whitespace character, once."""
    t = _tables(demo)
    docs = t["documents"].filter(pl.col("status") == "ok")
    spans = pl.concat(
        [
            t["articles"].select("doc_id", start="title_start", end="title_end").drop_nulls(),
            t["articles"].select("doc_id", start="block_starts", end="block_ends").explode("start", "end"),
            t["fragments"].select("doc_id", "start", "end"),
        ]
    )
    for doc in docs.iter_rows(named=True):
        if doc["format"] != "txt":
            continue
        archive, _, member = doc["source"].partition(".zip/")
        if member:  # a member of an archive
            with zipfile.ZipFile(DEMO / f"{archive}.zip") as z:
                raw = z.read(member).decode(doc["encoding"])
        else:
            raw = (DEMO / doc["source"]).read_bytes().decode(doc["encoding"])
        text = pl.select(normalize_text(pl.lit(raw))).item()
        covered = [0] * len(text)
        for s, e in spans.filter(pl.col("doc_id") == doc["doc_id"]).select("start", "end").iter_rows():
            for i in range(s, e):
                covered[i] += 1
        assert all(c <= 1 for c in covered), f"{doc['source']}: overlapping spans"
        lost = "".join(ch for ch, c in zip(text, covered) if c == 0 and not ch.isspace())
        assert lost == "", f"{doc['source']}: characters in no article or fragment: {lost[:80]!r}"


def test_rebuilding_gives_byte_identical_files(demo, tmp_path):
    build(DEMO / "dataset.toml", out=tmp_path / "again")
    assert _digests(tmp_path / "again") == _digests(demo)
    assert (tmp_path / "again" / "manifest.json").read_bytes() == (demo / "manifest.json").read_bytes()


def test_input_order_and_shard_size_do_not_change_the_tables(tmp_path):
    files = sorted((DEMO / "raw").iterdir())
    shuffled = files[:]
    random.Random(7).shuffle(shuffled)
    build(*files, out=tmp_path / "sorted")
    build(*shuffled, out=tmp_path / "shuffled")
    build(*files, out=tmp_path / "tiny_shards", shard_size=1)
    build(*files, out=tmp_path / "two_workers", shard_size=8, workers=2)
    assert _digests(tmp_path / "shuffled") == _digests(tmp_path / "sorted")
    parquet = {k: v for k, v in _digests(tmp_path / "sorted").items() if k.endswith(".parquet")}
    for other in ("tiny_shards", "two_workers"):
        assert {k: v for k, v in _digests(tmp_path / other).items() if k.endswith(".parquet")} == parquet


def test_an_interrupted_build_leaves_the_previous_dataset_untouched(demo, tmp_path, monkeypatch):
    out = tmp_path / "ds"
    shutil.copytree(demo, out)
    before = _digests(out)
    real = pipeline.process_shard
    calls = []

    def failing(files, recipe):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(files, recipe)

    monkeypatch.setattr(pipeline, "process_shard", failing)
    with pytest.raises(KeyboardInterrupt):
        build(DEMO / "dataset.toml", out=out, shard_size=4)
    assert _digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ds.lock", "ds"]


@pytest.mark.parametrize("delay", [0.5, 1.0, 1.5, 2.5])
def test_a_killed_build_leaves_a_valid_dataset_and_the_next_build_cleans_up(demo, tmp_path, delay):
    out = tmp_path / "ds"
    shutil.copytree(demo, out)
    cmd = [sys.executable, "-m", "toolkit", "build", str(DEMO / "dataset.toml"), "--out", str(out), "--shard-size", "3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)  # wherever the kill lands: reading, shards, packaging or the swap
    proc.kill()
    proc.wait()
    assert validate_dataset(out).ok
    build(DEMO / "dataset.toml", out=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ds.lock", "ds"]
    assert _digests(out) == _digests(demo)


def test_seeds_keep_fact_boxes_out_of_article_text(shared, tmp_path):
    out = tmp_path / "seeds"
    build(shared / "seeds", out=out)
    assert validate_dataset(out).ok
    t = _tables(out)
    article_text = "\n".join(t["articles"]["text"].to_list())
    for box_text in ("Marie Curie", "Date started: 2013", "Sixteen boys", "%3Cp%3E", "Royal Rumble", "Wins by KO"):
        assert box_text not in article_text
    factboxes = t["fragments"].filter(pl.col("kind") == "factbox")
    decoded = "\n".join(factboxes["text"].to_list())
    assert "Sixteen boys and 15 girls" in decoded and "%3C" not in decoded
    assert "Kirby" in article_text and "Kharkiv" in article_text


def test_a_key_produced_by_two_shards_is_kept_once_and_the_copy_rejected(tmp_path):
    recipe = pipeline.resolve_recipe([DEMO / "dataset.toml"])
    files = pipeline.read.discover(list(recipe.inputs), recipe.root, recipe.format)
    parts = tmp_path / "parts"
    for t in pipeline.SHARD_TABLES:
        (parts / t).mkdir(parents=True)
    # The same shard written twice: every key of the second copy was already produced by the first.
    for index in (0, 1):
        pipeline._write_shard(index, files[:3], recipe, parts)
    once = pipeline.process_shard(files[:3], recipe)
    out = tmp_path / "out"
    out.mkdir()
    rows = pipeline._corpus_stages(parts, out, recipe)
    for t in ("documents", "articles", "mentions", "events"):
        assert rows[t] == once[t].height
    rejects = pl.read_parquet(out / "rejects.parquet").filter(pl.col("reason") == "duplicate_key")
    assert rejects.group_by("table").len().sort("table").rows() == sorted(
        (t, once[t].height) for t in ("documents", "articles", "fragments", "mentions", "events") if once[t].height
    )
    # Each reject is itself a valid row: it carries the copy it stands for.
    assert validate_table(pl.read_parquet(out / "rejects.parquet"), "rejects")[1].height == 0
    assert rejects["payload"].null_count() == 0


def test_the_card_and_summary_report_the_share_of_text_kept_as_articles(demo):
    card = (demo / "README.md").read_text(encoding="utf-8")
    assert "### Text kept as articles" in card
    assert "% of the characters of the documents read are article text" in card
