"""What the text asserts: modality of each event and who the text says reported it."""

from __future__ import annotations

import polars as pl
import pytest

from tests.events.test_events import one, run
from toolkit.entities import mentions as entities


MODAL = [
        ("If Iran attacked Israel, oil would rise.", [("190", "hypothetical")]),
        ("It is unclear whether Russia will attack Ukraine.", [("190", "hypothetical")]),
        # The pressing (an appeal, 020) took place; the sale it asks for is only an aim.
        ("Russia pressed Iran to sell drones to Syria.", [("020", "asserted"), ("072", "hypothetical")]),
        ("Russia is expected to attack Ukraine.", [("190", "future")]),
        ("Russia denied attacking Ukraine.", [("190", "negated")]),
        ("China never criticised Japan.", [("111", "negated")]),
]


@pytest.fixture(scope="module")
def modal() -> pl.DataFrame:
    return run([t for t, _ in MODAL])


@pytest.mark.parametrize(("text", "coded"), MODAL)
def test_modality_follows_the_clause(modal, text, coded):
    found = modal.filter(pl.col("text") == text)
    assert sorted(found.select("cameo_code", "modality").rows()) == coded, found


def test_attribution_by_according_to():
    row = one("Russia attacked Ukraine overnight, according to France.")
    assert row["attributed_to"] == entities.country_entity_id("FRA")


def test_a_quoted_claim_is_attributed_to_the_person_who_said_it():
    found = run(["“Russia would receive munitions from North Korea,” Mr Kirby told reporters."])
    assert found["modality"].to_list() == ["hypothetical"]
    assert found["attributed_to"].is_not_null().all()
