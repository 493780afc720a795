"""Actors from sentence structure: compound actors, pairs, passive voice, pronouns, appositions."""

from __future__ import annotations

import polars as pl

from tests.events.test_events import one, run


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
    # Talks are negotiation (046), a kind of consultation.
    assert codes_of(run(["Talks between Israel and Egypt resumed."])) == [("EGY", "ISR", "046"), ("ISR", "EGY", "046")]


def test_passive_voice_with_an_agent_swaps_source_and_target():
    assert codes_of(run(["Ukraine was attacked by Russia."])) == [("RUS", "UKR", "190")]


def test_a_pronoun_subject_stands_for_the_subject_before_it_not_a_place_after_a_preposition():
    accusations = run(["Israel struck targets near Damascus in Syria as it accused Turkey of meddling."]).filter(
        pl.col("cameo_code").str.starts_with("112")
    )
    # Meddling is an accusation of aggression (1123), smuggling one of crime (1121).
    assert codes_of(accusations) == [("ISR", "TUR", "1123")]
    assert codes_of(run(["Chile closed its border. Later it accused Peru of smuggling."]).filter(
        pl.col("cameo_code").str.starts_with("112"))) == [("CHL", "PER", "1121")]
    row = one("Russia said it had shot down Ukrainian drones.")
    assert (row["source_code"], row["target_code"], row["cameo_code"]) == ("RUS", "UKRMIL", "190")


def test_apposition_of_a_country_and_its_official_is_one_actor():
    found = run(["Russian President Vladimir Putin and North Korean leader Kim Jong Un met for a summit."])
    assert codes_of(found) == [("PRKGOV", "RUSGOV", "040"), ("RUSGOV", "PRKGOV", "040")]


def _coded(text: str, mentions: list[tuple[int, int, str]]) -> list[tuple]:
    """Events of one sentence with the given (start, end, actor_code) mentions, as a recipe dictionary gives."""
    from toolkit.events import coder as events
    from toolkit.text import segment

    arts = pl.LazyFrame({"article_id": ["a"], "text": [text]})
    sents = segment.sentences(arts).collect().lazy()
    ments = pl.LazyFrame(
        {"article_id": ["a"] * len(mentions), "sentence": [0] * len(mentions), "entity_id": [f"e{m[0]}" for m in mentions],
         "start": [m[0] for m in mentions], "end": [m[1] for m in mentions], "actor_code": [c for *_, c in mentions]},
        schema_overrides={"actor_code": pl.Utf8},
    )
    return codes_of(events.events(arts, sents, ments).collect())


def test_an_agent_before_a_compound_actor_goes_to_every_member():
    text = "The envoys of Valdoria, Kestrel and Morrow criticised Tarn."
    spans = [(4, 22, "VALGOV"), (24, 31, "KES"), (36, 42, "MOR"), (54, 58, "TRN")]
    assert [text[a:b] for a, b, _ in spans] == ["envoys of Valdoria", "Kestrel", "Morrow", "Tarn"]
    assert _coded(text, spans) == [("KESGOV", "TRN", "111"), ("MORGOV", "TRN", "111"), ("VALGOV", "TRN", "111")]
    # Without the agent the members keep their own codes.
    plain = "Valdoria, Kestrel and Morrow criticised Tarn."
    assert _coded(plain, [(0, 8, "VAL"), (10, 17, "KES"), (22, 28, "MOR"), (40, 44, "TRN")]) == [
        ("KES", "TRN", "111"), ("MOR", "TRN", "111"), ("VAL", "TRN", "111"),
    ]


def test_a_source_without_an_actor_code_makes_no_event():
    text = "Zed criticised Kestrel."
    assert _coded(text, [(0, 3, "ZED"), (15, 22, "KES")]) == [("ZED", "KES", "111")]
    assert _coded(text, [(0, 3, None), (15, 22, "KES")]) == []


def test_an_actor_is_not_its_own_target():
    assert codes_of(run(["Russia's envoy travelled to Russia."])) == []


def test_a_nation_adjective_on_a_common_noun_is_no_source_but_names_the_target_country():
    assert run(["British gamers criticised the new console."]).height == 0
    # Officials are the government's: the role comes with the country (`toolkit.events.collectives`).
    assert run(["British officials criticised the new console."]).select("source_code").item() == "GBRGOV"
    # As a target the adjective names what is acted on, which CAMEO codes as the country.
    row = one("Chile criticised British imperialists.")
    assert (row["source_code"], row["target_code"]) == ("CHL", "GBR")


def test_a_name_after_a_noun_and_a_preposition_is_not_the_subject():
    assert run(["Cold weather in Canada threatened the harvest."]).height == 0
    row = one("Officials in Canada threatened Mexico.")
    assert (row["source_code"], row["target_code"]) == ("CANGOV", "MEX")


def test_a_verb_after_that_has_the_phrase_before_it_as_subject():
    found = run(["Mexico cut off supplies in a price row that threatened Peru."])
    assert found.filter((pl.col("source_code") == "MEX") & (pl.col("root_code") == "13")).height == 0


def test_an_agent_before_who_and_a_possessive_after_of_keep_their_actor():
    assert one("Canadian lawmakers who blame Mexico spoke on Monday.")["source_code"] == "CANLEG"
    row = one("The details of Canada's visit to Mexico were leaked.")
    assert (row["cameo_code"], row["source_code"], row["target_code"]) == ("042", "CAN", "MEX")


def test_an_arrest_without_its_agent_is_the_police_or_the_courts_of_the_story():
    # CAMEO 173 is an act of the state's police or courts; a passive without "by" leaves them unnamed.
    story = "Peru held a vote in Lima. Two opposition leaders were arrested on Monday. The protester has been jailed."
    assert codes_of(run([story])) == [("PERCOP", "PEROPP", "173"), ("PERJUD", "PERCVL", "173")]
    # A story of no one country: the role alone. A named agent stays the agent.
    assert codes_of(run(["Two opposition leaders were arrested."])) == [("COP", "OPP", "173")]
    assert codes_of(run(["Two opposition leaders were arrested by Chilean police."])) == [("CHLCOP", "OPP", "173")]
    # Other acts of the state without their agent are not events; force stands with no source.
    assert run(["Two opposition leaders were praised in Lima."]).height == 0
    assert codes_of(run(["Two opposition leaders were shot dead in Lima."])) == [(None, "PEROPP", "193")]


def test_a_place_where_an_act_happens_is_no_target_but_a_place_force_hits_is():
    assert codes_of(run(["Japan and China met in Beijing."])) == [("CHN", "JPN", "040"), ("JPN", "CHN", "040")]
    assert codes_of(run(["Russia shelled targets in Kharkiv."])) == [("RUS", "UKR", "194")]


def test_a_ban_or_an_expulsion_without_its_agent_is_the_government_of_the_story():
    story = "Peru held a vote in Lima. The opposition party was banned. Two Chilean diplomats were expelled."
    assert codes_of(run([story])) == [("PERGOV", "CHLGOV", "161"), ("PERGOV", "PEROPP", "1722")]
    # A confiscation too: weapons do not seize themselves.
    story = "Peru held a vote in Lima. Ten rifles and two grenades were seized in a raid."
    assert codes_of(run([story])) == [("PERGOV", None, "1711")]


def test_a_killing_by_irregulars_is_unconventional_violence_and_by_troops_force():
    assert [c[2] for c in codes_of(run(["Chilean militants killed ten villagers."]))] == ["180"]
    assert [c[2] for c in codes_of(run(["Chilean troops killed ten rebels."]))] == ["190"]


def test_looting_and_arson_with_their_doers_unnamed_are_events():
    assert [c[2] for c in codes_of(run(["Dozens of shops were looted in Lima."]))] == ["171"]
    # A fire alone is no one's act.
    assert run(["Several houses were burned in Lima."]).height == 0


def test_an_attack_people_were_killed_in_is_an_act_and_they_are_its_target():
    found = codes_of(run(["Two Chilean soldiers were killed in a roadside bomb blast."]))
    assert (None, "CHLMIL", "1833") in found
    # The attack's doer is its own (a nation adjective), not the victims.
    assert [c[::2] for c in codes_of(run(["Ten rebels were wounded in a Chilean air strike."]))] == [("CHL", "195")]
    # Without victims the bare noun is a topic.
    assert run(["Chile debated air strikes."]).height == 0


def test_the_agent_of_a_passive_inside_its_frame_is_the_source():
    # "accused by X of …": the frame runs past "by X" to its "of"; X accuses.
    assert codes_of(run(["Peru was accused by Chile of spying."])) == [("CHL", "PER", "1125")]


def test_a_relative_clause_on_the_subject_does_not_give_the_verb_its_subject():
    found = codes_of(run(["Chilean officials who met Peruvian diplomats criticised Bolivia."]))
    assert ("CHLGOV", "BOL", "111") in found and ("PERGOV", "BOL", "111") not in found


def test_a_town_where_something_happens_is_not_its_doer():
    assert run(["The bank's board met in Lima to discuss the company's results."]).height == 0
    # Its country is: "protesters in Chile" are Chilean, and Chile can act.
    assert codes_of(run(["Police in Lima arrested two men."]))[0][:1] == ("PERCOP",)


def test_who_reports_an_act_is_not_its_actor():
    # "according to X" credits a report, and "X reports that …" tells what someone else did.
    assert codes_of(run(["According to Reuters, Japan criticised Chile."])) == [("JPN", "CHL", "111")]
    assert run(["Reuters reports that the minister criticised Chile."]).filter(
        pl.col("source_code").str.contains("MED")).height == 0
    assert codes_of(run(["Peru said that Chile criticised Bolivia."])) == [("CHL", "BOL", "111")]


def test_a_collective_before_an_irregular_past_tense_is_its_subject():
    # "bombers blew": an irregular past tense after a noun is a verb, not a noun the noun modifies.
    assert codes_of(run(["Two suicide bombers blew themselves up in a market."])) == [("INS", None, "1831")]
    # A trigger that begins with its actor has that actor as subject, not as object.
    assert codes_of(run(["Suicide bombers struck a market."])) == [("INS", None, "1831")]


def test_a_participle_clause_after_a_comma_shares_the_subject_of_the_act_before_it():
    found = run(["Chilean troops shelled the border town, killing two Peruvian soldiers."])
    assert {r[0] for r in codes_of(found)} == {"CHLMIL"}


def test_an_active_verb_with_an_uncoded_subject_is_no_doerless_act():
    # The text names the doer ("deputies"), no dictionary codes it: not an act with an unnamed doer.
    assert run(["Sheriff's deputies shot at the car near Lima."]).height == 0
    # An attack as subject, a passive and a noun leave the doer unnamed.
    assert codes_of(run(["A grenade attack killed ten Peruvian soldiers."])) == [(None, "PERMIL", "190")]
    # "By" right after the act names the doer.
    assert codes_of(run(["Two Peruvian soldiers were shot by rebels."])) == [("REB", "PERMIL", "193")]
