"""The benchmark's synthetic corpus is deterministic and builds; timings live in `make bench`."""

import json

from toolkit.pipeline.bench import main, write_corpus


def test_synthetic_corpus_is_the_same_bytes_for_the_same_seed(tmp_path):
    write_corpus(tmp_path / "a", 120, per_file=50)
    write_corpus(tmp_path / "b", 120, per_file=50)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


def test_bench_reports_throughput_for_a_small_corpus(tmp_path, capsys):
    assert main(["--articles", "60", "--out", str(tmp_path / "bench"), "--shard-size", "25"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"]["articles"] >= 60
    assert report["articles_per_s"] > 0 and report["peak_rss_mib"] > 0


def test_bench_without_events_builds_an_empty_events_table(tmp_path, capsys):
    assert main(["--articles", "30", "--out", str(tmp_path / "bench"), "--shard-size", "30", "--no-events"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["events"] is False
    assert report["rows"]["events"] == 0 and report["rows"]["mentions"] > 0
