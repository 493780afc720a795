"""`python -m toolkit.evaluate [--shared DIR] [NAME ...]`: run the measurements against ../shared."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

# Each module has main(shared: Path) -> int and reads only from `shared` at run time.
MEASUREMENTS = ("html", "text", "language", "ner", "events")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2].parent / "shared")
    parser.add_argument("names", nargs="*", choices=[*MEASUREMENTS, []], metavar="NAME", help=", ".join(MEASUREMENTS))
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        print(f"{args.shared}: reference data not found; measurements need the developers' ../shared", file=sys.stderr)
        return 2
    status = 0
    for name in args.names or MEASUREMENTS:
        try:
            module = importlib.import_module(f"toolkit.evaluate.{name}")
        except ModuleNotFoundError:
            continue
        print(f"\n== {name} ==", flush=True)
        status |= module.main(args.shared)
    return status


if __name__ == "__main__":
    sys.exit(main())
