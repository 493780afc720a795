"""`python -m toolkit.evaluate [--shared DIR] [NAME ...]`: run the measurements against ../shared."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

# How each measurement's main() is told where the shared data is; each reads it only at run time.
MEASUREMENTS = {
    "html": lambda shared: shared,
    "text": lambda shared: [str(shared)],
    "layouts": lambda shared: ["--shared", str(shared)],
    "language": lambda shared: shared,
    "ner": lambda shared: [str(shared / "dev" / "conll2003" / "conllpp_dev.txt")],
    "events": lambda shared: ["--shared", str(shared)],
    "stories": lambda shared: ["--shared", str(shared)],
    "plover": lambda shared: ["--shared", str(shared)],
    "case": lambda shared: ["--shared", str(shared)],
    "examples": lambda shared: [],  # the project's own sentences: no shared data
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2].parent / "shared")
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(MEASUREMENTS))
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        print(f"{args.shared}: reference data not found; measurements need the developers' ../shared", file=sys.stderr)
        return 2
    unknown = set(args.names) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"unknown measurement(s) {sorted(unknown)}; choose from {', '.join(MEASUREMENTS)}")
    status = 0
    for name in args.names or MEASUREMENTS:
        print(f"\n== {name} ==", flush=True)
        module = importlib.import_module(f"toolkit.evaluate.{name}")
        status |= module.main(MEASUREMENTS[name](args.shared))
    return status


if __name__ == "__main__":
    sys.exit(main())
