"""Maintainers only: regenerate cameo_codes.csv from the reference lookups in ../shared/reference.

Users never run this: the committed cameo_codes.csv is the project's own table and the toolkit reads
only that. Run from the repository root when a maintainer updates the reference files:

    .venv/bin/python toolkit/data/make_cameo_table.py [REFERENCE_DIR]

Every input is checked before anything is written (third-party copies of these lookups are known to
merge lines and insert header rows), so a bad input stops the script instead of shipping a bad table.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_REFERENCE = HERE.parent.parent.parent / "shared" / "reference"
OUT = HERE / "cameo_codes.csv"

N_CODES = 311
N_ROOTS = 20
# The only repair made to GDELT's labels: code 044 is shipped as mojibake of curly quotes.
MOJIBAKE_FIXES = {"044": ("Meet at a \u00d2hird\u00d3location", 'Meet at a "third" location')}
# Codes whose GDELT label disagrees with the CAMEO codefile (0.7b5 + ICEWS labels, as used by OEDA and
# PLOVER); the GDELT labels of 101 and 105-108 contradict their own four-digit sub-codes.
DRIFTED_LABELS = ("101", "103", "105", "106", "107", "108")
COLUMNS = [
    "cameo_code", "name", "root_code", "base_code", "level", "quad_class", "goldstein",
    "plover_type", "plover_mode", "plover_context", "name_cameo_codefile",
]
_CODE = re.compile(r"^\d{2,4}$")
_PLOVER_LINE = re.compile(r"^(\d{3,4}):\s*([A-Z]+)\s*,([^,#]*),([^#]*)#\s*(.*)$")


def fail(message: str) -> None:
    """Stop with a message naming the file and the problem."""
    sys.exit(f"make_cameo_table: {message}")


def read_two_column(path: Path, header: tuple[str, str]) -> dict[str, str]:
    """code -> value from a GDELT lookup (TSV with one header row), refusing malformed lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if tuple(lines[0].split("\t")) != header:
        fail(f"{path.name}: unexpected header {lines[0]!r}")
    out: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 2 or not _CODE.match(parts[0]) or parts[0] in out:
            fail(f"{path.name}:{number}: malformed or duplicate line {line!r}")
        out[parts[0]] = parts[1]
    return out


def read_plover(path: Path) -> dict[str, tuple[str, str | None, str | None, str]]:
    """code -> (event, mode, context, CAMEO label) from CAMEO2PLOVER; two-digit lines are section headings."""
    out: dict[str, tuple[str, str | None, str | None, str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith(("#", "~")) or re.match(r"^\d{2}:", line):
            continue
        m = _PLOVER_LINE.match(line)
        if not m:
            fail(f"{path.name}:{number}: malformed mapping {line!r}")
        code, event, mode, context, label = (g.strip() for g in m.groups())
        context = ", ".join(c for c in re.split(r"[;,\s]+", context) if c)
        mapping = (event, mode or None, context or None, label)
        # 175 is listed twice with the same mapping and two wordings of its label: keep the first.
        if code in out and out[code][:3] != mapping[:3]:
            fail(f"{path.name}:{number}: code {code} mapped twice, differently")
        out.setdefault(code, mapping)
    return out


def build(reference: Path) -> list[dict[str, object]]:
    """All 311 rows, checked against each other; stops on any disagreement."""
    names = read_two_column(reference / "gdelt_CAMEO.eventcodes.txt", ("CAMEOEVENTCODE", "EVENTDESCRIPTION"))
    goldstein = read_two_column(reference / "gdelt_CAMEO.goldsteinscale.txt", ("CAMEOEVENTCODE", "GOLDSTEINSCALE"))
    plover = read_plover(reference / "CAMEO2PLOVER-2021.txt")
    with (reference / "cameo_eventcodes_goldstein_quad_plover.csv").open(encoding="utf-8", newline="") as f:
        derived = {row["cameo_code"]: row for row in csv.DictReader(f)}
    if not (len(names) == N_CODES and names.keys() == goldstein.keys() == derived.keys()):
        fail("the code lists of the GDELT lookups and the derived CSV differ")
    # PLOVER also maps 1213 and 1214, which GDELT's CAMEO edition does not have: they stay out.
    extra = sorted(set(plover) - set(names))
    if extra != ["1213", "1214"]:
        fail(f"CAMEO2PLOVER maps codes outside GDELT's list: {extra}")
    rows = []
    for code in sorted(names):
        name = names[code].strip()  # GDELT pads some labels with trailing spaces
        if code in MOJIBAKE_FIXES:
            broken, fixed = MOJIBAKE_FIXES[code]
            if name != broken:
                fail(f"code {code}: expected the known mojibake {broken!r}, found {name!r}")
            name = fixed
        if any(ch in name for ch in "\u00c3\u00d2\u00d3\ufffd"):
            fail(f"code {code}: label {name!r} looks like mojibake")
        if len(code) > 2 and code[: len(code) - 1] not in names and code[:2] not in names:
            fail(f"code {code}: no parent code")
        row = derived[code]
        quad = int(row["gdelt_quadclass"])
        # The quad class is the one GDELT ships, constant within a root; never recomputed from ranges.
        if quad != int(derived[code[:2]]["gdelt_quadclass"]) or float(row["goldstein"]) != float(goldstein[code]):
            fail(f"code {code}: quad class or Goldstein value disagrees between inputs")
        event, mode, context, label = plover.get(code, (None, None, None, ""))
        if (event or "") != row["plover_event"]:
            fail(f"code {code}: PLOVER event {event!r} differs from the derived CSV {row['plover_event']!r}")
        rows.append(
            {
                "cameo_code": code,
                "name": name,
                "root_code": code[:2],
                "base_code": code[:3] if len(code) > 2 else code,
                "level": {2: 1, 3: 2, 4: 3}[len(code)],
                "quad_class": quad,
                "goldstein": float(goldstein[code]),
                "plover_type": event,
                "plover_mode": mode,
                "plover_context": context,
                "name_cameo_codefile": label if code in DRIFTED_LABELS else None,
            }
        )
    if sum(1 for r in rows if r["level"] == 1) != N_ROOTS:
        fail("expected 20 root codes")
    return rows


def main(argv: list[str]) -> None:
    """Write cameo_codes.csv next to this script."""
    reference = Path(argv[1]) if len(argv) > 1 else DEFAULT_REFERENCE
    rows = build(reference)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
    print(f"wrote {len(rows)} codes to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
