"""ACLED-style event labels measured on CASE 2021 shared task 2 snippets (../shared/dev/case2021_dev).

    python -m toolkit.evaluate.case [--shared ../shared] [--json]

Each snippet carries one label (25 ACLED sub-event types plus ORG_CRIME, DIPLO, ATTRIB and two
disaster labels). CAMEO and ACLED cut events differently, so each label is mapped below
(`LABEL_ROOTS`, versioned by `MAPPING_VERSION`) to the CAMEO root codes a careful coder would produce
for such a snippet, written from the ACLED codebook's sub-event definitions and the CAMEO 1.1b3 codes.
All snippets are annotated in one `toolkit.annotate` call with the project's own dictionaries and
patterns.

Scores:
- per label, recall: the share of the label's snippets that yield at least one event (any modality)
  whose root_code is one of the label's roots;
- mapped-root recall: the same share over every snippet whose label has roots (OTHER and the two
  disaster labels left out);
- disaster rate: the share of NATURAL_DISASTER and MAN_MADE_DISASTER snippets that yield any event at
  all (a careful coder codes none: lower is better).
There is no precision: a snippet may well hold other events than its label's.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import polars as pl

from toolkit.evaluate import arguments

SUITE = Path("dev") / "case2021_dev"
FILE = "case2021_dev.tsv"

MAPPING_VERSION = 1
# Label -> CAMEO root codes (2 digits). The codes in the comments are the ones a coder would pick; the
# score compares roots only.
LABEL_ROOTS: dict[str, tuple[str, ...]] = {
    # Demonstrations.
    "PEACE_PROTEST": ("14",),  # 141 demonstrate, 143 strike or boycott, 144 obstruct passage
    "PROTEST_WITH_INTER": ("14", "17"),  # the protest (141) and the intervention: 173 arrests, 175 dispersal
    "VIOL_DEMONSTR": ("14", "18"),  # 145 protest violently, riot; 18 for the assaults rioters commit
    "FORCE_AGAINST_PROTEST": ("17", "18"),  # 175 violent repression; 182/1823 beating or killing protesters
    "MOB_VIOL": ("14", "18"),  # 145 riot; 180/182 the mob's assault on people
    # Battles, explosions and remote violence.
    "ARMED_CLASH": ("19",),  # 190 conventional force, 193 small arms
    "AIR_STRIKE": ("19", "18"),  # 195 aerial weapons; 18 when only the bombing is reported (183)
    "ART_MISS_ATTACK": ("19",),  # 194 artillery and tanks (195 for missiles)
    "GRENADE": ("18", "19"),  # 183 non-military bombing by armed groups; 190 by forces in combat
    "REM_EXPLOS": ("18", "19"),  # 183/1833 roadside, car and other remote bombs; 190 landmines of forces
    "SUIC_BOMB": ("18",),  # 1831 suicide bombing
    # CAMEO codes chemical weapons 2041; 19 is accepted too, since the reports name the delivery
    # (shelling, air drops: 194/195) as often as the agent.
    "CHEM_WEAP": ("20", "19"),
    # Violence against civilians.
    "ATTACK": ("18", "19"),  # 180/182/1823 assault and killing; 190/193 when forces fire on civilians
    "ABDUCT_DISSAP": ("18",),  # 181 abduct, take hostage
    "SEX_VIOL": ("18",),  # 1821 sexual assault
    # Strategic developments.
    "ARREST": ("17",),  # 173 arrest, detain
    "AGREEMENT": ("05", "03", "08"),  # 057 sign agreement, 03x intent (036 to negotiate, 037 to settle), 0871 truce
    # ACLED's looting/property destruction: 1711 confiscate, 1712 destroy property; 18/19 when armed
    # groups or forces burn or demolish it (180, 190).
    "PROPERTY_DISTRUCT": ("17", "18", "19"),
    # Territory changing hands by force: the taker's 192 (occupy territory, root 19, with the fighting
    # 190/193) and the loser's 0874 (retreat or surrender militarily, root 08). No 1951 exists in
    # CAMEO, and 0871 (truce) is no part of taking ground.
    "NON_STATE_ACTOR_OVERTAKES_TER": ("19", "08"),
    "GOV_REGAINS_TERIT": ("19", "08"),
    # Territory changing hands without violence (ACLED: one side withdraws, another moves in): 0874
    # withdrawal (08), 057 a handover agreed (05), and 192 occupy territory, which is root 19 even
    # when nobody fights.
    "NON_VIOL_TERRIT_TRANSFER": ("08", "05", "19"),
    # An armed group establishing a base or headquarters: CAMEO has no code of its own; it is a show of
    # force posture, 150 (demonstrate military power) or 154 (mobilise or deploy forces). 192 (occupy
    # territory) is left out: a base set up by taking ground is coded by ACLED as a take-over instead.
    "HQ_ESTABLISHED": ("15",),
    # A change in a group's activity (calling a strike or boycott, ending a protest or a campaign): 14
    # (143, 141) and 08 (080 yield, 082 ease dissent, 0873 demobilise).
    "CHANGE_TO_GROUP_ACT": ("14", "08"),
    # Disrupted weapons use (a bomb defused, weapons seized, a missile intercepted): 1711 confiscate
    # and 173 arrest the bomb makers (17); 190/195 for an interception by air defences or the fire it
    # answers (19).
    "DISR_WEAP": ("17", "19"),
    # Not ACLED types (CASE additions).
    # A diplomatic event either way: 036 intent to meet, 042/043 visits, 046 negotiate, 05 diplomatic
    # cooperation (057 agreements), and the downgrades CAMEO keeps under 16: 161 reduce or break
    # relations (recalling or expelling diplomats), 163 sanctions.
    "DIPLO": ("03", "04", "05", "16"),
    # Attribution of responsibility: 015 claim responsibility (root 01) by the perpetrator, 112 accuse
    # (root 11) by others.
    "ATTRIB": ("01", "11"),
    # Organised crime: police action against it (173 arrest, 1711 seize drugs or goods: 17) and the
    # gangs' violence (180, 1823, 181 kidnapping: 18).
    "ORG_CRIME": ("17", "18"),
}
UNSCORED = ("OTHER",)  # no CAMEO counterpart to write down
DISASTERS = ("NATURAL_DISASTER", "MAN_MADE_DISASTER")  # no event: nobody acts on anybody


def snippets(shared: Path) -> list[tuple[str, str, str]]:
    """(id, snippet text, label) of each development snippet."""
    with open(shared / SUITE / FILE, newline="", encoding="utf-8") as fh:
        return [(r["id"], r["EventSnippet"], r["SubType"]) for r in csv.DictReader(fh, delimiter="\t")]


def code(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """The events `toolkit.annotate` codes in the snippets, keyed by snippet id (column `id`)."""
    import toolkit

    docs = pl.DataFrame({"id": [i for i, _, _ in rows], "text": [t for _, t, _ in rows]})
    return toolkit.annotate(docs).events


def score(labels: dict[str, str], coded: pl.DataFrame, roots: dict[str, tuple[str, ...]] = LABEL_ROOTS) -> dict:
    """Per-label recall of mapped roots, overall mapped-root recall and the disaster rate.

    `labels` maps snippet id -> label; `coded` is an events frame (columns id or article_id, root_code).
    A label that is neither mapped, unscored nor a disaster raises KeyError, so a new label is not
    silently dropped.
    """
    id_col = "id" if "id" in coded.columns else "article_id"
    got: dict[str, set[str]] = {}
    for key, root in coded.select(pl.col(id_col).cast(pl.Utf8), "root_code").iter_rows():
        got.setdefault(key, set()).add(root)
    per_label: dict[str, dict] = {}
    hits = total = disaster_n = disaster_any = 0
    for key, label in labels.items():
        if label in UNSCORED:
            continue
        events = got.get(key, set())
        row = per_label.setdefault(label, {"snippets": 0, "with_event": 0, "hits": 0})
        row["snippets"] += 1
        row["with_event"] += bool(events)
        if label in DISASTERS:
            disaster_n += 1
            disaster_any += bool(events)
            continue
        hit = bool(events & set(roots[label]))
        row["hits"] += hit
        hits += hit
        total += 1
    for label, row in per_label.items():
        row["roots"] = list(roots.get(label, ()))
        row["recall"] = round(row["hits"] / row["snippets"], 3) if label not in DISASTERS else None
    return {
        "mapping_version": MAPPING_VERSION,
        "per_label": dict(sorted(per_label.items())),
        "mapped_root_recall": round(hits / total, 3) if total else None,
        "mapped_snippets": total,
        "disaster_rate": round(disaster_any / disaster_n, 3) if disaster_n else None,
        "disaster_snippets": disaster_n,
        "unscored": sum(label in UNSCORED for label in labels.values()),
    }


def evaluate(shared: Path) -> dict:
    rows = snippets(shared)
    return score({i: label for i, _, label in rows}, code(rows))


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, f"{SUITE}/{FILE}", argv)
    if args is None:
        return 2
    result = evaluate(args.shared)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'label':30} {'roots':12} {'n':>4} {'any ev':>6} {'hits':>5} {'recall':>6}")
    for label, row in result["per_label"].items():
        recall = "-" if row["recall"] is None else row["recall"]
        print(f"{label:30} {','.join(row['roots']) or '(none)':12} {row['snippets']:>4} {row['with_event']:>6} "
              f"{row['hits'] if row['recall'] is not None else '-':>5} {recall:>6}")
    print(f"\nmapped-root recall {result['mapped_root_recall']} over {result['mapped_snippets']} snippets "
          f"(mapping v{result['mapping_version']}; {result['unscored']} OTHER left out)")
    print(f"disaster rate {result['disaster_rate']} over {result['disaster_snippets']} snippets "
          "(share yielding any event; lower is better)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
