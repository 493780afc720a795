"""Collective actors and subject pronouns: common nouns and "he"/"it"/"they" as actors with role and country."""

from __future__ import annotations

import polars as pl
import pytest

from tests.events.test_events import codes_of, run
from toolkit.events import collectives


def dyads(texts: list[str]) -> list[tuple]:
    return run(texts).select("cameo_code", "source_code", "target_code").rows()


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Iraqi police arrested two men.", "IRQCOP"),  # a nation word before the noun
        ("Police in Lima arrested two men.", "PERCOP"),  # a place after "in"
        ("The army of Chile attacked the rebels.", "CHLMIL"),  # a country after "of"
        ("Chile's defence minister travelled to Peru.", "CHLMIL"),  # a possessive and a title word
    ],
)
def test_a_collective_takes_the_country_written_with_it(text, source):
    assert run([text])["source_code"].to_list()[:1] == [source]


def test_a_noun_that_needs_its_country_is_an_actor_only_with_it():
    assert ("190", "CHLMIL", "PER") in dyads(["Chilean forces attacked Peru."])
    assert ("111", "CHLGOV", "PER") in dyads(["The Chilean president criticised Peru."])
    assert run(["The president of the bank criticised Peru."]).height == 0
    found = collectives.mentions(
        pl.LazyFrame({"article_id": ["a"], "text": ["Drought forces farmers to leave. The forces of Peru left."]}),
        pl.LazyFrame(schema={"article_id": pl.Utf8, "start": pl.Int64, "end": pl.Int64, "kind": pl.Utf8,
                             "country_code": pl.Utf8, "demonym": pl.Boolean}),
    ).collect()
    assert found.filter(pl.col("role_code") == "MIL").height == 0  # no country written: neither is an actor


def test_police_at_home_take_the_country_of_the_story_and_officials_abroad_do_not():
    home = "Peru held a vote in Lima on Sunday. Police arrested two protesters in the capital."
    assert ("173", "PERCOP", "PERCVL") in dyads([home])
    # Two countries share the story: unqualified officials keep their role alone.
    abroad = "Chile and Peru met in Lima. Officials criticised the plan of Bolivia."
    assert ("111", "GOV", "BOL") in dyads([abroad])


def test_a_modifier_of_another_noun_is_no_actor_and_a_name_keeps_its_noun():
    assert run(["The police station in Lima was quiet. The army base closed."]).height == 0
    found = collectives.mentions(
        pl.LazyFrame({"article_id": ["a"], "text": ["The Peruvian Army attacked."]}),
        pl.LazyFrame({"article_id": ["a"], "start": [4], "end": [19], "kind": ["organisation"],
                      "country_code": ["PER"], "demonym": [False]}),
    ).collect()
    assert found.height == 0  # "Army" is inside the named organisation
    # Before its own people the noun still names the actor: supporters of the opposition act as it.
    assert ("141", "CHLOPP") in [d[:2] for d in dyads(["Chilean opposition supporters staged a protest."])]
    # A count of people is a crowd of civilians; a count of things is no actor.
    assert ("141", "PERCVL") in [d[:2] for d in dyads(["Thousands took to the streets of Lima."])]
    assert all(d[1] != "CVL" for d in dyads(["Thousands of dollars were stolen and returned to Peru."]))
    # A word before "to" is a verb, not a noun the collective modifies.
    assert ("190", "CHLMIL") in [d[:2] for d in dyads(["Chilean troops want to attack Peru."])]


def test_subject_pronouns_stand_for_an_earlier_subject():
    text = "Chilean President Gabriel Boric arrived in Lima on Monday. He met with Peru's foreign minister."
    assert ("040", "CHLGOV", "PERGOV") in dyads([text])
    # An expletive "it" stands for nothing.
    text = "Chile closed its border. It is raining in Peru."
    assert run([text]).filter(pl.col("start") >= text.index("It is")).height == 0


def test_the_title_stands_for_the_person_named_with_it():
    import toolkit

    text = ("Chilean President Ana Varga and Foreign Minister Tomas Lind arrived in Lima on Monday. "
            "The president accused Peru of spying. The foreign minister praised Bolivia.")
    res = toolkit.annotate(pl.DataFrame({"id": [1], "text": [text]}))
    ids = dict(res.mentions.select("surface", "entity_id").iter_rows())
    by_target = {t: s for t, s in res.events.select("target_code", "source_id").iter_rows()}
    assert by_target["PER"] == ids["Ana Varga"] and by_target["BOL"] == ids["Tomas Lind"]
    # "the president of Peru" is someone else, and with no one named with the title it stands for no one.
    assert ("1125", "CHLGOV", "PER") not in dyads(["Chile's Ana Varga spoke. The president of Peru accused Peru of spying."])
    assert run(["Ana Varga arrived in Lima. The president accused Peru of spying."]).height == 0


def test_a_pronoun_does_not_reach_past_its_distance():
    far = "Chile closed its border. " + "The weather was mild and the markets were calm. " * 12 + "It accused Peru."
    assert run([far]).filter(pl.col("cameo_code").str.starts_with("112")).height == 0


def test_a_named_actor_with_a_role_and_no_country_takes_the_story_country_only_when_it_is_clear():
    home = "Lima, Peru: Peru's courts are busy. Judge Tomas Varga criticised Chile."
    assert ("111", "PERJUD", "CHL") in dyads([home])
    # No town or region places the story in one country: the judge keeps the role alone.
    shared = "Peru and Chile argued. Judge Tomas Varga criticised Bolivia."
    assert ("111", "JUD", "BOL") in dyads([shared])


def test_a_named_person_acted_upon_without_a_code_is_a_civilian_of_a_clear_story_country():
    assert ("173", "PERCOP", "PERCVL") in dyads(["Lima, Peru: Peruvian police arrested Tomas Varga in Lima."])
    # Two countries share the story: no country to give, and no code.
    assert ("173", "PERCOP", None) in dyads(["Peruvian police arrested Tomas Varga in Chile."])
    # An age between the name and its verb ("Tomas Varga, 32, was …") is an apposition, not a clause break.
    assert ("173", "PERCOP", "PERCVL") in dyads(["Lima, Peru: Tomas Varga, 32, was arrested by Peruvian police."])


def test_a_collective_before_a_place_it_holds_is_what_an_act_aims_at_not_a_subject():
    assert codes_of(run(["Peru shelled rebel positions near the border."])) == [("PER", "REB", "194")]
    # As a subject it names no actor ("the police station exploded").
    assert run(["The police station exploded."]).height == 0


def test_a_nation_adjective_gives_its_country_across_modifiers_but_not_across_a_verb():
    assert codes_of(run(["The Chinese government expelled diplomats."])) == [("CHNGOV", "GOV", "161")]
    assert codes_of(run(["The Syrian foreign minister met Iraqi riot police."])) == [("SYRGOV", "IRQCOP", "040")]


def test_a_story_of_one_country_gives_it_to_its_unqualified_actors():
    story = ("Chile held a vote on Sunday. Officials in Santiago counted the ballots. Chilean media said the "
             "government condemned the opposition.")
    assert ("CHLGOV", "CHLOPP", "111") in codes_of(run([story]))
    # A sentence that names a country once is no story of it.
    assert codes_of(run(["The government condemned Chile."])) == [("GOV", "CHL", "111")]
    # At equal length a name wins over the collective noun beside it.
    named = run([story + " The rights group Amnesty International accused Chilean police of torture."])
    assert "NGOAMN" in {source for source, _, _ in codes_of(named)}


def test_a_person_or_body_owning_a_collective_gives_its_country_and_the_collective_acts():
    story = "Chilean President Tomas Varga spoke on Monday. Varga's troops attacked Peru."
    assert ("190", "CHLMIL", "PER") in dyads([story])
    assert ("190", "PER", "CHLMIL") in dyads(["Chilean President Tomas Varga spoke. Peru attacked Varga's troops."])
    # A name before a noun without a possessive owns nothing.
    assert all(source != "CHLCOP" for _, source, _ in dyads(["Chilean President Tomas Varga spoke. Varga police arrested two men."]))


@pytest.mark.parametrize(
    ("text", "dyad"),
    [
        ("Chile accused the Peruvian media of lying.", ("112", "CHL", "PERMED")),
        ("The Chilean ambassador met Peru's foreign minister.", ("040", "CHLGOV", "PERGOV")),
        ("Peru criticised the Chilean intelligence community.", ("111", "PER", "CHLSPY")),
    ],
)
def test_media_envoys_and_intelligence_services_are_collective_actors(text, dyad):
    assert dyad in dyads([text])


def test_a_story_naming_one_country_twice_gives_it_to_its_actors_and_the_outlet_reporting_it_counts_for_none():
    story = "Police clash with protesters in Chilean city (AP)\n\nAP - Police fired tear gas at protesters in Chile's capital on Wednesday."
    assert ("175", "CHLCOP", "CHLCVL") in dyads([story])
    once = "AP - Police fired tear gas at protesters in Chile's capital on Wednesday."
    assert [source for code, source, _ in dyads([once]) if code == "175"] == ["COP"]


def test_a_coded_name_owning_a_noun_that_gives_it_no_country_stays_the_actor():
    assert ("040", "IGONAT", "RUSGOV") in dyads(["NATO's envoy met Russian officials."])
    # A verb between them ends the ownership: the protesters stay the ones rejected.
    assert ("120", "THAGOV", "CVL") in dyads(["Thailand's government rejected protesters' calls for reform."])
