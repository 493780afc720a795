"""The PLOVER, CASE and stories scorers as pure functions of invented gold rows and coded events (no ../shared)."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.evaluate import case, plover, stories
from toolkit.vocab.codes import cameo_table


def coded(rows: list[tuple], columns: list[str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in columns}, orient="row")


# PLOVER: (record, type) pairs.

PLOVER_COLUMNS = ["id", "plover_type", "modality"]


def test_plover_one_right_and_one_wrong_type_gives_precision_one_half():
    gold = {"ruritania-1": "AGREE"}
    events = coded([("ruritania-1", "AGREE", "asserted"), ("ruritania-1", "ASSAULT", "asserted")], PLOVER_COLUMNS)
    s = plover.score(gold, events)
    assert (s["precision"], s["recall"], s["f1"]) == (0.5, 1.0, 0.667)
    assert s["per_type"] == {"AGREE": {"gold": 1, "predicted": 1, "tp": 1},
                             "ASSAULT": {"gold": 0, "predicted": 1, "tp": 0}}


def test_plover_pairs_are_distinct_and_untyped_or_unscored_events_are_left_out():
    gold = {"r1": "PROTEST", "r2": "COERCE", "r3": "AID"}
    events = coded(
        [
            ("r1", "PROTEST", "asserted"), ("r1", "PROTEST", "asserted"),  # one pair, counted once
            ("r1", None, "asserted"),  # a code without a PLOVER type
            ("r2", "COERCE", "negated"),
            ("r9", "THREATEN", "asserted"),  # not a gold record
        ],
        PLOVER_COLUMNS,
    )
    s = plover.score(gold, events)
    assert (s["true_positives"], s["predicted"], s["expected"]) == (2, 2, 3)
    assert (s["precision"], s["recall"]) == (1.0, 0.667)
    assert "THREATEN" not in s["per_type"]
    assert s["per_type"]["AID"] == {"gold": 1, "predicted": 0, "tp": 0}


def test_plover_asserted_only_drops_negated_hypothetical_and_future_events():
    gold = {"r1": "COERCE", "r2": "THREATEN"}
    events = coded([("r1", "COERCE", "negated"), ("r2", "THREATEN", "asserted"), ("r2", "ASSAULT", "future")],
                   PLOVER_COLUMNS)
    every = plover.score(gold, events)
    asserted = plover.score(gold, events, asserted_only=True)
    assert (every["true_positives"], every["predicted"]) == (2, 3)
    assert (asserted["true_positives"], asserted["predicted"], asserted["precision"], asserted["recall"]) == (
        1, 1, 1.0, 0.5)


def test_plover_errors_list_ids_and_types_of_records_not_exactly_right():
    gold = {"r1": "AGREE", "r2": "REJECT", "r3": "AID"}
    events = coded([("r1", "AGREE", "asserted"), ("r2", "REJECT", "asserted"), ("r2", "ACCUSE", "asserted")],
                   PLOVER_COLUMNS)
    assert plover.errors(gold, events) == [("r2", "REJECT", ["ACCUSE", "REJECT"]), ("r3", "AID", [])]


def test_plover_scorer_accepts_article_id_keys():
    events = coded([("r1", "AID", "asserted")], ["article_id", "plover_type", "modality"])
    assert plover.score({"r1": "AID"}, events)["f1"] == 1.0


# CASE: per-label recall of mapped roots, the disaster rate.

CASE_COLUMNS = ["id", "root_code", "modality"]


def test_case_recall_counts_any_modality_and_a_disaster_snippet_with_an_event_counts():
    labels = {"s1": "PEACE_PROTEST", "s2": "ARREST", "s3": "NATURAL_DISASTER", "s4": "MAN_MADE_DISASTER",
              "s5": "OTHER", "s6": "ARREST"}
    events = coded(
        [
            ("s1", "14", "hypothetical"),  # counts: any modality
            ("s2", "19", "asserted"),  # wrong root for an arrest
            ("s3", "18", "asserted"),  # a disaster snippet yielding an event
            ("s5", "14", "asserted"),  # OTHER is not scored
            ("s6", "17", "asserted"), ("s6", "17", "future"),
        ],
        CASE_COLUMNS,
    )
    s = case.score(labels, events)
    assert s["per_label"]["PEACE_PROTEST"]["recall"] == 1.0
    assert s["per_label"]["ARREST"] == {"snippets": 2, "with_event": 2, "hits": 1, "roots": ["17"], "recall": 0.5}
    assert (s["mapped_root_recall"], s["mapped_snippets"]) == (0.667, 3)
    assert (s["disaster_rate"], s["disaster_snippets"]) == (0.5, 2)
    assert s["per_label"]["NATURAL_DISASTER"]["recall"] is None
    assert "OTHER" not in s["per_label"] and s["unscored"] == 1


def test_case_label_without_a_mapping_is_an_error_not_a_silent_drop():
    with pytest.raises(KeyError):
        case.score({"s1": "PARADE_IN_RURITANIA"}, coded([("s1", "14", "asserted")], CASE_COLUMNS))


def test_case_mapping_covers_every_label_with_real_cameo_roots():
    labels = {
        "ABDUCT_DISSAP", "AGREEMENT", "AIR_STRIKE", "ARMED_CLASH", "ARREST", "ART_MISS_ATTACK", "ATTACK",
        "CHANGE_TO_GROUP_ACT", "CHEM_WEAP", "DISR_WEAP", "FORCE_AGAINST_PROTEST", "GOV_REGAINS_TERIT", "GRENADE",
        "HQ_ESTABLISHED", "MOB_VIOL", "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER", "OTHER",
        "PEACE_PROTEST", "PROPERTY_DISTRUCT", "PROTEST_WITH_INTER", "REM_EXPLOS", "SEX_VIOL", "SUIC_BOMB",
        "VIOL_DEMONSTR", "ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB",
    }
    assert set(case.LABEL_ROOTS) | set(case.UNSCORED) | set(case.DISASTERS) == labels
    assert not set(case.LABEL_ROOTS) & (set(case.UNSCORED) | set(case.DISASTERS))
    roots = set(cameo_table()["root_code"])
    assert all(r in roots for rs in case.LABEL_ROOTS.values() for r in rs)


# Stories: multisets of (source, target, root) per story.

def test_actor_key_compares_country_or_long_prefix_or_the_role_alone():
    assert stories.actor_key("USAGOV") == "USA"
    assert stories.actor_key("IGOUNO") == "IGOUNO"
    assert stories.actor_key("REB") == "REB"
    assert stories.actor_key("---GOV") == "GOV"
    assert stories.actor_key("---") == stories.actor_key(None) == ""


def test_stories_score_dyad_root_and_root_f1():
    row = {"corpus": "invented", "file": "ruritania.txt", "start": 0, "end": 5}
    gold = pl.DataFrame(
        [
            dict(row, doc="1", source="RURGOV", target="FRDGOV", cameo_code="042", modality="asserted"),
            dict(row, doc="1", source="REB", target="RURMIL", cameo_code="190", modality="asserted"),
            dict(row, doc="2", source=None, target=None, cameo_code=stories.NO_EVENT, modality=None),
        ],
        schema=stories.GOLD_SCHEMA,
    )
    events = coded(
        [
            ("invented/ruritania.txt/1", "RURMIL", "FRDGOV", "043", "asserted"),  # same dyad keys, same root
            ("invented/ruritania.txt/1", "RURGOV", "FRDGOV", "190", "future"),  # right root, wrong dyad
            ("invented/ruritania.txt/2", "FRD", "RUR", "111", "asserted"),  # a story with no event
        ],
        ["id", "source_code", "target_code", "cameo_code", "modality"],
    )
    s = stories.score(gold, events)
    assert s["stories"] == 2
    assert {k: s["dyad_root"][k] for k in ("true_positives", "predicted", "expected")} == {
        "true_positives": 1, "predicted": 3, "expected": 2}
    assert (s["dyad_root"]["precision"], s["dyad_root"]["recall"], s["dyad_root"]["f1"]) == (0.333, 0.5, 0.4)
    assert (s["root"]["precision"], s["root"]["recall"], s["root"]["f1"]) == (0.667, 1.0, 0.8)
    assert s["modality_agreement"] == 1.0
