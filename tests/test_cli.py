"""The command line: exit codes, JSON on stdout, human output on stderr."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from toolkit.cli import EXIT_BUG, EXIT_INVALID, EXIT_OK, EXIT_SYSTEM, EXIT_USAGE, main
from toolkit.errors import BuildLockedError

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


def test_out_holding_user_files_is_refused_with_exit_two_and_kept(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    files = sorted(DEMO_RAW.glob("a0*.txt"))[:1]
    assert main(["build", *map(str, files), "--out", str(mine)]) == EXIT_USAGE
    assert (mine / "thesis.txt").read_text() == "years of work"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "thesis.txt" in err  # one line, naming what is in the way


def test_a_recipe_error_keeps_its_section_name_in_the_message(tmp_path, capsys):
    (tmp_path / "dataset.toml").write_text("[build]\nshard_sise = 5\n")
    assert main(["build", str(tmp_path / "dataset.toml"), "--out", str(tmp_path / "out")]) == EXIT_USAGE
    assert "[build]" in capsys.readouterr().err


def test_validate_of_a_folder_that_is_not_a_dataset_exits_two_with_a_json_report(tmp_path, capsys):
    assert main(["validate", str(tmp_path), "--json"]) == EXIT_USAGE
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["problems"][0]["reason"] == "not_a_dataset"


@pytest.mark.parametrize(
    "exc, code",
    [
        pytest.param(OSError(28, "No space left on device", "x.parquet"), EXIT_SYSTEM, id="disk full"),
        pytest.param(OSError(30, "Read-only file system", "out"), EXIT_SYSTEM, id="read-only"),
        pytest.param(BuildLockedError("another build is writing out"), EXIT_SYSTEM, id="locked"),
        pytest.param(ZeroDivisionError("division by zero"), EXIT_BUG, id="a bug"),
    ],
)
def test_failures_are_one_line_with_their_own_exit_code(built, tmp_path, monkeypatch, capsys, exc, code):
    out = tmp_path / "ds"
    shutil.copytree(built, out)

    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr("toolkit.pipeline.run.write_parquet", fail)
    files = sorted(DEMO_RAW.glob("a0*.txt"))[:2]
    assert main(["build", *map(str, files), "--out", str(out)]) == code
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert main(["validate", str(out)]) == EXIT_OK  # the previous dataset is intact


def test_debug_shows_the_traceback(tmp_path, monkeypatch, capsys):
    def fail(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("toolkit.pipeline.run.write_parquet", fail)
    files = sorted(DEMO_RAW.glob("a0*.txt"))[:1]
    assert main(["build", *map(str, files), "--out", str(tmp_path / "ds"), "--debug"]) == EXIT_BUG
    assert "Traceback" in capsys.readouterr().err


def test_python_dash_m_toolkit_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "toolkit", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("toolkit ")
