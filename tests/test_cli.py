"""The command line: exit codes, JSON on stdout, human output on stderr."""

from __future__ import annotations

import json

import pytest

from toolkit.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main

from .conftest import REPO

DEMO_RAW = REPO / "datasets" / "demo" / "raw"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "ds"
    files = sorted(DEMO_RAW.glob("a0*.txt"))[:5]
    assert main(["build", *map(str, files), "--out", str(out)]) == EXIT_OK
    return out


def test_build_prints_a_json_summary_on_stdout(tmp_path, capsys):
    files = sorted(DEMO_RAW.glob("a0*.txt"))[:3]
    code = main(["build", *map(str, files), "--out", str(tmp_path / "ds"), "--json"])
    captured = capsys.readouterr()
    assert code == EXIT_OK
    summary = json.loads(captured.out)
    assert summary["rows"]["documents"] == 3 and summary["inputs"] == 3
    assert "articles" in captured.err  # the human summary table goes to stderr


def test_validate_says_valid_with_exit_zero(built, capsys):
    assert main(["validate", str(built), "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_validate_exits_one_on_a_tampered_dataset(built, tmp_path, capsys):
    import shutil

    copy = tmp_path / "tampered"
    shutil.copytree(built, copy)
    with open(copy / "events.parquet", "ab") as fh:
        fh.write(b"\0")
    assert main(["validate", str(copy), "--json"]) == EXIT_INVALID
    reasons = {p["reason"] for p in json.loads(capsys.readouterr().out)["problems"]}
    assert "checksum_mismatch" in reasons


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["build", "no/such/input.txt", "--out", "x"], id="missing input"),
        pytest.param(["validate", "no/such/dataset"], id="missing dataset folder"),
        pytest.param(["build", "x.txt", "--out", "y", "--shard-size", "0"], id="zero shard size"),
    ],
)
def test_usage_errors_exit_two(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == EXIT_USAGE


def test_unknown_options_exit_two():
    with pytest.raises(SystemExit) as info:
        main(["build", "--bogus"])
    assert info.value.code == EXIT_USAGE
