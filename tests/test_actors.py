"""Actors from sentence structure: compound actors, pairs, passive voice, pronouns, appositions."""

from __future__ import annotations

import polars as pl

from tests.test_events import one, run


def codes_of(found: pl.DataFrame) -> list[tuple]:
    return sorted(found.select("source_code", "target_code", "cameo_code").rows(), key=str)


def test_compound_actors_give_one_event_per_actor():
    found = run(["Russia and North Korea attacked Ukraine and Poland."])
    assert codes_of(found) == sorted(
        [("RUS", "UKR", "190"), ("RUS", "POL", "190"), ("PRK", "UKR", "190"), ("PRK", "POL", "190")], key=str
    )


def test_an_object_is_not_the_subject_of_the_next_act():
    assert codes_of(run(["Russia attacked Ukraine and Belarus criticised Poland."])) == [
        ("BLR", "POL", "111"), ("RUS", "UKR", "190"),
    ]


def test_pair_and_between_roles_code_both_directions():
    assert codes_of(run(["Japan and South Korea met for talks."])) == [("JPN", "KOR", "040"), ("KOR", "JPN", "040")]
    assert codes_of(run(["Talks between Israel and Egypt resumed."])) == [("EGY", "ISR", "040"), ("ISR", "EGY", "040")]


def test_passive_voice_with_an_agent_swaps_source_and_target():
    assert codes_of(run(["Ukraine was attacked by Russia."])) == [("RUS", "UKR", "190")]


def test_a_pronoun_subject_is_not_resolved_to_an_earlier_country():
    assert run(["Israel struck targets near Damascus in Syria as it accused Turkey of meddling."]).filter(
        pl.col("cameo_code").str.starts_with("112")
    ).height == 0
    row = one("Russia said it had shot down Ukrainian drones.")
    assert (row["source_code"], row["target_code"], row["cameo_code"]) == ("RUS", "UKR", "190")


def test_apposition_of_a_country_and_its_official_is_one_actor():
    found = run(["Russian President Vladimir Putin and North Korean leader Kim Jong Un met for a summit."])
    assert codes_of(found) == [("PRKGOV", "RUSGOV", "040"), ("RUSGOV", "PRKGOV", "040")]
