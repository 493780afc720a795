"""Measurements against the developers' reference data in ../shared (never shipped, never committed):
text extraction F1, entity recognition F1, event coding F1. Run with `make eval`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def arguments(
    doc: str, needs: str, argv: list[str] | None, more: Callable[[argparse.ArgumentParser], None] | None = None
) -> argparse.Namespace | None:
    """A measurement's arguments (`--shared`, `--json` and `more`), or None, said on stderr, when the
    reference data it `needs` (a path under --shared) is absent."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    if more:
        more(parser)
    args = parser.parse_args(argv)
    if not (args.shared / needs).exists():
        print(f"{args.shared / needs} not found; pass --shared", file=sys.stderr)
        return None
    return args
