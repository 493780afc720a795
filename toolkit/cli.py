"""Command line: `toolkit build` and `toolkit validate`. Parses arguments and calls the library.

Human output (progress, tables) goes to stderr; `--json` output to stdout.
Exit codes: 0 valid, 1 invalid data, 2 usage error (a wrong argument, recipe or --out), 3 the system
refused (disk full, read-only, no permission, another build holds the --out lock), 4 a bug in the
toolkit. Every error is one line on stderr saying what and what to do; `--debug` adds the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from toolkit import __version__
from toolkit.pipeline.run import build
from toolkit.errors import BuildLockedError, DatasetError, NotADatasetError, ToolkitError
from toolkit.io.options import FORMATS
from toolkit.contract.validate import Report, validate_dataset
from toolkit.io.write import dumps_json, recover
from toolkit.publish.coverage import kept_note
from toolkit.publish.languages import EXTRACTION_HEADER, extraction_note, extraction_table

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_SYSTEM, EXIT_BUG = 0, 1, 2, 3, 4


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="toolkit", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"toolkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    b = sub.add_parser("build", parents=[common], help="build a dataset from a recipe, folders or files")
    b.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="a dataset.toml, folders, or files: .txt .jsonl .json .csv .tsv .parquet .html .warc (each also"
        " .gz or .zst), and .zip or .tar archives of them",
    )  # fmt: skip
    b.add_argument(
        "--out", required=True,
        help="output folder: new, empty, or a dataset an earlier build wrote (replaced atomically)",
    )  # fmt: skip
    b.add_argument("--format", choices=FORMATS, help="read every file as this format, whatever its extension")
    b.add_argument("--shard-size", type=int, metavar="N", help="documents per shard (bounds memory)")
    b.add_argument(
        "--workers", type=int, metavar="N",
        help="processes working on shards at once (default: the cores available; a corpus of at most"
        " 1,000 documents is built in this process); the output does not depend on it",
    )
    b.add_argument("--json", action="store_true", help="print the build summary as JSON on stdout")
    v = sub.add_parser("validate", parents=[common], help="re-check a built dataset: schemas, cross-table rules, checksums")
    v.add_argument("dataset", metavar="DIR")
    v.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    err = Console(stderr=True)
    try:
        if args.command == "build":
            return _build(args, err)
        return _validate(args, err)
    except BaseException as exc:  # noqa: BLE001 - every failure becomes one line and an exit code
        code, message = _failure(exc)
        if code is None:
            raise
        if args.debug:
            traceback.print_exc()
        if args.json and code == EXIT_USAGE and args.command == "validate":
            print(Report(ok=False, problems=[{"table": None, "reason": "not_a_dataset", "detail": str(exc), "count": 1}]).to_json())
        # Plain text, not rich markup: messages name recipe sections such as "[inputs]".
        sys.stderr.write(f"error: {message}\n")
        return code


def _failure(exc: BaseException) -> tuple[int | None, str]:
    """Exit code and one-line message for an exception; None for one that must propagate (exit)."""
    one_line = lambda text: " ".join(str(text).split())  # noqa: E731
    if isinstance(exc, (SystemExit, GeneratorExit)):
        return None, ""
    if isinstance(exc, KeyboardInterrupt):
        return 130, "interrupted; the previous dataset at --out, if any, is unchanged"
    if isinstance(exc, DatasetError):
        return EXIT_INVALID, one_line(exc)
    if isinstance(exc, BuildLockedError):
        return EXIT_SYSTEM, one_line(exc)
    if isinstance(exc, ToolkitError):
        return EXIT_USAGE, one_line(exc)
    if isinstance(exc, OSError):
        what = exc.strerror or type(exc).__name__
        where = f" ({exc.filename})" if exc.filename else ""
        return EXIT_SYSTEM, (
            f"the system refused: {what}{where}; free space, fix permissions or choose another --out, then "
            "run again (nothing was replaced)"
        )
    return EXIT_BUG, (
        f"internal error ({type(exc).__name__}: {one_line(exc)[:300]}); this is a bug in the toolkit: "
        "please report it with the output of the same command run with --debug"
    )


def _build(args: argparse.Namespace, err: Console) -> int:
    if (args.shard_size is not None and args.shard_size < 1) or (args.workers is not None and args.workers < 1):
        err.print("[bold red]error:[/] --shard-size and --workers must be positive integers")
        return EXIT_USAGE
    columns = (TextColumn("building"), BarColumn(), MofNCompleteColumn(), TextColumn("shards"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("build", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = build(
            *args.inputs,
            out=args.out,
            fmt=args.format,
            shard_size=args.shard_size,
            workers=args.workers,
            on_progress=on_progress,
        )
    if args.json:
        print(dumps_json(result.to_dict()), end="")
    err.print(f"[bold green]built[/] {result.out} in {result.seconds:.1f} s")
    err.print(_counts("table", result.rows))
    if result.languages:
        err.print(_rows(EXTRACTION_HEADER, extraction_table(result.languages)))
        err.print(extraction_note(result.languages), markup=False)
    if result.text_kept:
        err.print(kept_note(result.text_kept), markup=False)
    if result.rejects:
        err.print(_counts("rejected because", result.rejects))
    if result.skipped:
        err.print(_counts("inputs skipped because", result.skipped))
        err.print("the skipped paths are listed in manifest.json under skipped_inputs")
    mb = result.n_bytes / 1e6
    err.print(f"{result.n_inputs} input files, {mb:.2f} MB, {result.rows['articles'] / max(result.seconds, 1e-9):,.0f} articles/s")
    return EXIT_OK


def _counts(label: str, counts: dict[str, int]) -> Table:
    """A two-column table of names and row counts."""
    table = Table()
    table.add_column(label)
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    return table


def _rows(header: tuple[str, ...], rows: list[tuple]) -> Table:
    """A table of the given rows, the first column naming each row, the others right-aligned."""
    table = Table()
    for i, name in enumerate(header):
        table.add_column(name, justify="right" if i else "left")
    for row in rows:
        table.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in row))
    return table


def _validate(args: argparse.Namespace, err: Console) -> int:
    recover(Path(args.dataset))  # a build killed mid-swap left the previous dataset beside it
    if not Path(args.dataset).is_dir():
        raise NotADatasetError(f"{args.dataset}: no such folder; pass the --out folder of a build")
    report = validate_dataset(args.dataset)
    if args.json:
        print(report.to_json())
    if report.ok:
        err.print(f"[bold green]valid:[/] {args.dataset}")
        return EXIT_OK
    table = Table(title=f"{args.dataset} is invalid", title_justify="left")
    for col in ("table", "reason", "count", "detail"):
        table.add_column(col)
    for p in report.problems:
        table.add_row(str(p.get("table")), str(p.get("reason")), str(p.get("count")), str(p.get("detail")))
    err.print(table)
    return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
