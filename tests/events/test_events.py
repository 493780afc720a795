"""CAMEO events from verb patterns: codes, actors, modality, attribution, dates and stable ids."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.conftest import long_text_path
from toolkit.entities import mentions as entities
from toolkit.events import coder as events
from toolkit.text import segment
from toolkit.contract import spans
from toolkit.vocab.codes import cameo_table


def run(
    texts: list[str], ids: list[str] | None = None, published: list[dt.datetime | None] | None = None, **kwargs
) -> pl.DataFrame:
    ids = ids or [f"a{i}" for i in range(len(texts))]
    arts = pl.LazyFrame(
        {"article_id": ids, "text": texts, "published_at": published or [None] * len(texts)},
        schema={"article_id": pl.Utf8, "text": pl.Utf8, "published_at": pl.Datetime("us", "UTC")},
    )
    # As in a build, each stage is collected at its boundary before the next one reads it.
    sents = segment.sentences(arts).collect().lazy()
    return events.events(arts, sents, entities.mentions(arts, sents).collect().lazy(), **kwargs).collect()


def one(text: str) -> dict:
    found = run([text])
    assert found.height == 1, found
    return found.row(0, named=True)


SEED_LIKE = [
        ("Russia launched air strikes on Ukraine.", "195", "RUS", "UKR", "asserted"),
        ("Israel imposed sanctions on Iran.", "163", "ISR", "IRN", "asserted"),
        ("Russia would receive munitions from North Korea.", "072", "PRK", "RUS", "hypothetical"),
        ("China did not criticise Japan.", "111", "CHN", "JPN", "negated"),
        ("Iran will attack Israel.", "190", "IRN", "ISR", "future"),
        ("Russia plans to visit India.", "042", "RUS", "IND", "future"),
        ("North Korea recently provided Russia with a shipment of weapons.", "072", "PRK", "RUS", "asserted"),
        ("Turkey accused Greece of spying.", "1125", "TUR", "GRC", "asserted"),
        ("Turkey accused Greece.", "112", "TUR", "GRC", "asserted"),
        ("The Russian defence minister travelled to North Korea.", "042", "RUSMIL", "PRK", "asserted"),
        ("Egypt hosted Qatari negotiators.", "043", "EGY", "QATGOV", "asserted"),
        ("Germany sent humanitarian aid to Sudan.", "073", "DEU", "SDN", "asserted"),
        # The subject of "launched" is the attacker of the noun's object, however far apart they are.
        ("Iran launched a swarm of drones in a night-time attack on Israel, wounding two people.", "195", "IRN",
         "ISR", "asserted"),
        ("Turkey carried out a series of raids on Syria on Tuesday.", "190", "TUR", "SYR", "asserted"),
        # The agent after "by" of a noun is what the act is aimed at.
        ("Egypt condemned an attack by Israeli troops.", "111", "EGY", "ISRMIL", "asserted"),
]


@pytest.fixture(scope="module")
def seed_like() -> pl.DataFrame:
    """All seed-like sentences coded in one run (one article each), as a build would."""
    return run([t for t, *_ in SEED_LIKE])


@pytest.mark.parametrize(("text", "code", "source", "target", "modality"), SEED_LIKE)
def test_seed_like_sentences_are_coded(seed_like, text, code, source, target, modality):
    # A future act of cooperation also comes as the asserted intent (tested below): one per modality.
    found = seed_like.filter((pl.col("text") == text) & (pl.col("modality") == modality))
    assert found.height == 1, found
    row = found.row(0, named=True)
    got = (row["cameo_code"], row["source_code"], row["target_code"], row["modality"])
    assert got == (code, source, target, modality)
    assert row["root_code"] == code[:2]
    assert row["text"] == text and (row["start"], row["end"]) == (0, len(text))


def test_events_need_a_source_with_an_actor_code_except_force_and_protest():
    # Talks need their parties; force and protest are reported without their doer as often as with it,
    # and stand with no source (`toolkit.events.actors.UNNAMED_AGENT`).
    assert run(["Talks with Iran continued."]).height == 0
    assert codes_of(run(["Air strikes on Ukraine continued."])) == [(None, "UKR", "195")]
    assert codes_of(run(["Protests erupted in Lima."])) == [(None, None, "141")]
    # Words of force read as words ("attacked" with no scene of force) are no such act.
    assert run(["Two opposition leaders were attacked in Lima."]).height == 0
    # Officials of no named country are coded by their role alone, as CAMEO codes an actor of unknown country
    # (PETRARCH's "---GOV"; `toolkit.events.collectives`).
    assert codes_of(run(["Officials condemned the attack."])) == [("GOV", None, "111")]


def test_target_in_a_later_phrase_is_not_the_recipient():
    row = one("North Korea could provide Moscow with ammunition for the war in Ukraine.")
    assert (row["cameo_code"], row["source_code"], row["target_code"]) == ("072", "PRK", "RUS")
    assert row["modality"] == "hypothetical"


def test_actor_in_another_clause_is_not_the_source():
    # Syria, the object of the first clause, is not who "it" stands for: the subject, Israel, is. (Meddling
    # is an accusation of aggression, 1123.)
    found = run(["Israel struck Syria, declaring the strikes a warning as it accused Turkey of meddling."])
    assert found.filter(pl.col("root_code") == "11").select("source_code", "target_code", "cameo_code").rows() == [
        ("ISR", "TUR", "1123")
    ]


def test_codes_quad_class_and_goldstein_come_from_the_code_table():
    found = run([
        "Russia launched air strikes on Ukraine. Israel imposed sanctions on Iran. China criticised Japan.",
        "France met with Germany. Chile condemned Peru. Egypt hosted Qatari negotiators.",
    ])
    assert found.height == 6
    table = cameo_table().select("cameo_code", "root_code", "quad_class", "goldstein", "plover_type")
    joined = found.join(table, on="cameo_code", how="left", suffix="_table")
    for col in ("root_code", "quad_class", "goldstein", "plover_type"):
        assert joined[col].equals(joined[f"{col}_table"], null_equal=True), col


def test_attribution_names_the_country_that_said_it():
    row = one("Russia attacked Ukraine overnight, the US said.")
    assert row["attributed_to"] == entities.country_entity_id("USA")
    assert one("Russia attacked Ukraine overnight, officials said.")["attributed_to"] is None


def test_event_date_is_the_named_weekday_before_publication():
    published = dt.datetime(2023, 10, 16, 9, tzinfo=dt.UTC)  # a Monday
    found = run(["On Friday, Russia attacked Ukraine.", "Russia attacked Ukraine."], published=[published, published])
    assert found["event_date"].to_list() == [dt.date(2023, 10, 13), None]
    assert found["date_precision"].to_list() == ["day", "none"]


def test_event_ids_are_deterministic_under_row_order():
    texts = ["Russia launched air strikes on Ukraine.", "Israel imposed sanctions on Iran. China criticised Japan."]
    a = run(texts, ["x", "y"]).sort("event_id")
    b = run(texts[::-1], ["y", "x"]).sort("event_id")
    assert a.equals(b)
    assert a["event_id"].is_unique().all()
    assert a["event_id"].str.contains("^[0-9a-f]{32}$").all()


def test_same_act_coded_twice_in_a_sentence_is_one_event():
    found = run(["Russia attacked Ukraine and Russia attacked Ukraine."])
    assert found.height == 1


def test_events_frame_follows_the_contract():
    found = run(["Russia launched air strikes on Ukraine."])
    assert found.columns == events.EVENT_COLUMNS
    assert found.schema["cameo_code"] == pl.Utf8 and found.schema["quad_class"] == pl.Int64
    assert found.schema["goldstein"] == pl.Float64 and found.schema["event_date"] == pl.Date
    assert found["location_id"].is_null().all()
    empty = run(["No countries here at all."])
    assert empty.columns == events.EVENT_COLUMNS and empty.height == 0


def test_verb_dictionary_codes_exist_in_the_code_table():
    verbs = events.verb_table()
    # "---" rows mark uses of a verb that are no event ("the visiting team"): they code nothing.
    assert (verbs["cameo_code"].is_in(cameo_table()["cameo_code"].implode()) | (verbs["cameo_code"] == "---")).all()
    assert set(verbs["roles"]) <= set(events.ROLES)


def test_location_is_a_place_named_with_in_at_or_near():
    found = run(["Russia and Belarus held joint military exercises with Serbia in Hungary."])
    assert found["location_id"].to_list() == [entities.country_entity_id("HUN")] * 2
    found = run(["In Ukraine, two people were killed in Russian air strikes on Poland."])
    assert found["location_id"].to_list() == [entities.country_entity_id("UKR")]
    topic = one("North Korea could provide Russia with ammunition for the war in Ukraine.")
    assert topic["location_id"] is None


def test_events_are_codes_of_the_table_with_spans_that_round_trip():
    texts = [
        "Russia launched air strikes on Ukraine. “Israel imposed sanctions on Iran,” officials said.",
        "Égypte aside, Egypt hosted Qatari negotiators – and Turkey accused Greece of spying on Tuesday.",
    ]
    found = run(texts, published=[dt.datetime(2024, 3, 5, tzinfo=dt.UTC)] * 2)
    table = cameo_table()
    assert found["cameo_code"].is_in(table["cameo_code"].implode()).all()
    joined = found.join(table, on="cameo_code", suffix="_t")
    assert (joined["quad_class"] == joined["quad_class_t"]).all() and (joined["goldstein"] == joined["goldstein_t"]).all()
    by_id = dict(zip(["a0", "a1"], texts, strict=True))
    for row in found.iter_rows(named=True):
        text = by_id[row["article_id"]]
        assert text[row["start"]:row["end"]] == row["text"]
        assert row["start"] <= row["trigger_start"] < row["trigger_end"] <= row["end"]


def codes_of(found: pl.DataFrame) -> list[tuple]:
    return sorted(found.select("source_code", "target_code", "cameo_code").rows(), key=str)


def test_recipe_patterns_reach_the_events(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("pattern\tcameo_code\troles\tnotes\nsnubbed\t1244\tforward\t\n", encoding="utf-8")
    found = run(["Chile snubbed Peru."], patterns=events.load_patterns([path]))
    assert codes_of(found) == [("CHL", "PER", "1244")]


def test_sports_reports_give_no_events_but_politics_about_sport_does():
    match = (
        "Wales travel to Edinburgh to face Scotland in the Six Nations. The fly-half kicked two goals as the "
        "league leaders won the match, and the coach praised the squad after the final whistle at the stadium."
    )
    politics = "Russia imposed sanctions on Poland after the football match, officials said."
    found = run([match, politics], ["a0", "a1"])
    assert found["article_id"].to_list() == ["a1"]
    assert found["cameo_code"].to_list() == ["163"]


def test_a_passive_without_an_agent_names_no_source():
    # Who accused is not said: the subject is the target, and an act needs a source. (An arrest is the
    # police's: see test_actors.)
    assert run(["The Spanish banker is accused of fraud.", "A British envoy was criticised on Monday."]).height == 0
    assert codes_of(run(["Iran was attacked by Iraq.", "Russia is attacking Ukraine."])) == [
        ("IRQ", "IRN", "190"), ("RUS", "UKR", "190"),
    ]


def test_demand_as_the_noun_of_economics_is_not_a_demand():
    assert run(["China grew on domestic demand.", "Slowing demand in Japan hurt Korea."]).height == 0
    assert one("Iran demanded an apology from Britain.")["cameo_code"] == "100"
    assert one("Russia demands the return of diplomats from Poland.")["target_code"] == "POLGOV"


def test_thanks_to_is_not_praise():
    assert run(["France won the vote thanks to Germany."]).filter(pl.col("cameo_code") == "051").height == 0
    assert one("France thanked Germany for its help.")["cameo_code"] == "051"


def test_an_invitation_to_visit_is_a_visit_by_the_invited_side():
    # China and Beijing (one country, "to visit" between) stay two actors: an act is not a title.
    found = run(["Brazil's president accepted an invitation from China to visit Beijing next year."])
    rows = set(found.select("source_code", "target_code", "cameo_code", "modality").iter_rows())
    assert ("BRAGOV", "CHN", "042", "future") in rows
    assert ("BRAGOV", "CHN", "036", "asserted") in rows
    assert not found.filter((pl.col("cameo_code") == "042") & (pl.col("source_code") == "CHN")).height


def test_a_verb_joined_by_and_shares_the_subject_of_the_act_before_it():
    found = run(["Italy condemned the blockade by Egypt and promised aid to Libya."])
    assert codes_of(found) == [("ITA", "EGY", "111"), ("ITA", "LBY", "033")]


def test_recipe_no_event_patterns_claim_their_words(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("pattern\tcameo_code\troles\tnotes\nattack helicopters\t---\tforward\t\n", encoding="utf-8")
    assert run(["Russia sold attack helicopters to India."], patterns=events.load_patterns([path])).filter(
        pl.col("cameo_code") == "190"
    ).height == 0
    assert run(["Russia sold attack helicopters to India."]).filter(pl.col("source_code") == "IND").height == 0


@pytest.fixture(scope="module")
def seed_build(shared, tmp_path_factory) -> pl.DataFrame:
    """The seed articles built end to end: their events with the file each came from."""
    from toolkit.pipeline.run import build

    out = tmp_path_factory.mktemp("seeds") / "out"
    build(shared / "seeds", out=out)
    docs = pl.read_parquet(out / "documents.parquet").select("doc_id", "source")
    arts = pl.read_parquet(out / "articles.parquet").select("article_id", "doc_id", article_text="text")
    frags = pl.read_parquet(out / "fragments.parquet").filter(pl.col("kind") == "factbox")
    found = pl.read_parquet(out / "events.parquet").join(arts, on="article_id").join(docs, on="doc_id")
    return found.with_columns(
        seed=pl.col("source").str.slice(0, 3), factboxes=pl.lit("\n".join(frags["text"].to_list()))
    )


def _has(found: pl.DataFrame, seed: str, source: str, target: str, root: str, modality: str = "asserted") -> bool:
    return found.filter(
        (pl.col("seed") == seed) & pl.col("source_code").str.starts_with(source)
        & pl.col("target_code").str.starts_with(target) & (pl.col("root_code") == root) & (pl.col("modality") == modality)
    ).height > 0


def test_seed_articles_are_coded_as_a_reader_reads_them(seed_build):
    found = seed_build
    assert _has(found, "003", "PRK", "RUS", "07")  # North Korea supplied Russia with munitions
    assert _has(found, "000", "RUS", "PRK", "04")  # the defence minister's trip to North Korea
    assert _has(found, "003", "RUSGOV", "PRKGOV", "04") and _has(found, "003", "PRKGOV", "RUSGOV", "04")
    assert _has(found, "004", "RUS", "PRK", "04") and _has(found, "004", "PRK", "RUS", "04")  # the summit
    assert _has(found, "000", "USA", "RUS", "16")  # sanctions on Russia
    assert _has(found, "000", "RUS", "UKR", "19") and _has(found, "003", "RUS", "UKR", "19")  # Kyiv and Kharkiv
    assert _has(found, "003", "ISR", "SYR", "19")  # Israeli strikes on Syria
    # Putin accepted Kim's invitation: the coming visit is Putin's.
    assert _has(found, "004", "RUSGOV", "PRK", "04", "future")
    assert not found.filter((pl.col("seed") == "004") & (pl.col("cameo_code") == "042")
                            & pl.col("source_code").str.starts_with("PRK")).height


def test_seed_arms_deals_under_negotiation_are_not_asserted(seed_build):
    deals = seed_build.filter((pl.col("seed") == "000") & (pl.col("root_code") == "07"))
    assert deals.height >= 2 and (deals["modality"] == "hypothetical").all()


def test_seed_fact_boxes_give_no_events(seed_build):
    for row in seed_build.iter_rows(named=True):
        assert row["article_text"][row["start"]:row["end"]] == row["text"]
        assert row["text"] not in row["factboxes"]


# General-news readings (toolkit/events/clauses.py and the "---" rows of verbs.tsv); sentences written for these tests.

def test_an_attack_on_plans_is_verbal_criticism_not_force():
    assert run(["Chile attacked the new tax plans."]).select("cameo_code", "source_code", "target_code").rows() == [
        ("111", "CHL", None)
    ]
    assert run(["Chile attacked Peru."]).select("cameo_code").item() == "190"


def test_an_attack_in_a_scene_of_force_stays_force():
    row = one("Chilean troops attacked the border posts overnight, killing two guards.")
    assert (row["cameo_code"], row["source_code"]) == ("190", "CHLMIL")


def test_a_raid_or_bombardment_without_force_is_no_event():
    assert run(["Chile raided the archives of the museum.", "Peru was bombarded by fans of the singer."]).height == 0


def test_a_visit_meeting_or_hosting_without_a_target_is_no_event():
    texts = ["Canada went to the polls in March.", "Canada hosted the festival.", "Canada has met its budget goals."]
    assert run(texts).height == 0
    assert run(["Canada hosted Mexico."]).select("cameo_code", "source_code", "target_code").rows() == [
        ("043", "CAN", "MEX")
    ]


def test_participles_used_as_adjectives_are_no_event():
    texts = ["Peru is the defending champion.", "Chile praised the life-threatening rescue in Peru.",
             "Mexico blocked visits from overseas users."]
    found = run(texts)
    # Only the praise is an act: no defence (052), threat (130) or visit (042).
    assert found.select("cameo_code").rows() == [("051",)]
    row = one("The visiting Chilean delegation praised Peru.")
    assert (row["cameo_code"], row["source_code"], row["target_code"]) == ("051", "CHL", "PER")


def test_destroying_files_and_sanctioning_as_approval_are_no_coercion():
    assert run(["Chile destroyed the files.", "A resolution sanctioning military action was passed by Chile."]).height == 0
    assert run(["Chile destroyed the bridges of Peru."]).select("cameo_code").item() == "1712"


def test_the_noun_jails_is_no_arrest():
    assert run(["Chile said the state of Peru's jails was poor."]).filter(pl.col("root_code") == "17").height == 0



def test_events_are_the_same_whether_texts_are_sliced_as_short_or_long():
    # A long article (past spans.LONG_TEXT, with characters of two to four bytes) and short ones.
    paragraph = " “😀” ".join(t for t, *_ in SEED_LIKE)
    texts = ["\n\n".join(f"{paragraph} – §{i}." for i in range(12)), *(t for t, *_ in SEED_LIKE)]
    assert len(texts[0].encode("utf-8")) > spans.LONG_TEXT
    default = run(texts)
    with long_text_path(0):
        anchored = run(texts)
    with long_text_path(1 << 40):
        by_characters = run(texts)
    assert default.height > len(SEED_LIKE) and default.filter(pl.col("article_id") == "a0").height
    assert anchored.equals(default) and by_characters.equals(default)


def test_an_investigation_is_of_someone():
    # CAMEO's 09x investigate another actor's conduct; an inquiry into a crash names no one.
    assert run(["Peruvian police are investigating the crash."]).height == 0
    assert codes_of(run(["The UN will investigate Israel."])) == [("IGOUNO", "ISR", "090")]


def test_an_act_named_as_the_occasion_of_another_is_no_new_event():
    assert codes_of(run(["Russia imposed sanctions on Ukraine after the invasion of Moldova."])) == [
        ("RUS", "UKR", "163")]
    # A verb after the preposition is an act of its own.
    assert codes_of(run(["Chilean troops fled the town after killing two Peruvian soldiers."])) == [
        ("CHLMIL", "PERMIL", "190")]
    # An act remembered, by its victims or its anniversary, was reported when it happened.
    assert run(["Chile marked the anniversary of the invasion of Peru.",
                "The fund helps victims of the bombing of Lima by Chilean jets."]).height == 0


def test_commerce_between_firms_is_no_event_but_a_firm_acting_on_a_state_is():
    assert run(["Japanese firms signed a deal with Korean companies."]).height == 0
    assert codes_of(run(["Japanese firms signed a deal with the Korean government."]))[0][0] == "JPNBUS"


def test_a_bomb_that_goes_off_is_a_bombing_by_whoever_the_text_names():
    assert codes_of(run(["A bomb exploded at a crowded market in Baghdad."])) == [(None, "IRQ", "183")]
    assert codes_of(run(["Two grenades went off near a church in Manila."])) == [(None, "PHL", "183")]
    # A mine that is a pit is no weapon.
    assert run(["The coal mine exploded near Donetsk."]).height == 0


def test_protesters_storming_a_building_riot_and_a_conjunction_after_a_collective_keeps_it():
    assert codes_of(run(["Protesters stormed the parliament in Lima."]))[0][2] == "145"
    assert codes_of(run(["Journalists were beaten by police while covering a protest."])) == [("COP", "MED", "182")]


def test_a_warning_of_the_warners_own_action_is_a_threat_but_a_prediction_is_not():
    assert codes_of(run(["Russia warned Moldova it would seize the region."])) == [("RUS", "MDA", "130")]
    assert run(["Dutch officials warned that it could take a while."]).height == 0


def test_an_apposition_between_subject_and_verb_names_no_actor_and_no_act():
    assert codes_of(run(["Pakistan, a key ally of the United States, has refused to deploy peacekeepers in Iraq."])) == [
        ("PAK", "IRQPKO", "1245"),
    ]
    # An act inside the apposition describes the subject; the sentence reports what the subject did.
    assert codes_of(run(["Chile, the country that attacked Peru last year, has condemned Bolivia."])) == [
        ("CHL", "BOL", "111"),
    ]
    # A list is no apposition: every member acts.
    assert codes_of(run(["Chile, the United States and Peru have imposed sanctions on Bolivia."])) == [
        ("CHL", "BOL", "163"), ("PER", "BOL", "163"), ("USA", "BOL", "163"),
    ]
    # The event's text is the sentence as written.
    found = run(["Chile, a neighbour of Peru, has condemned Bolivia."])
    assert found["text"].to_list() == ["Chile, a neighbour of Peru, has condemned Bolivia."]


def test_saying_that_another_party_must_act_is_a_demand_of_that_party():
    assert codes_of(run(["Germany says Greece must cut spending.", "Chile insisted that Peru must return the boats."])) == [
        ("CHL", "PER", "100"), ("DEU", "GRC", "100"),
    ]
    # With no party before "must" it is a view, not a demand.
    assert run(["Germany said that reforms must continue."]).height == 0


def test_word_senses_that_are_no_political_act():
    # A supporting actor supports no one; being charged with a task is no legal action.
    assert run(["The Chilean actor won best supporting actor in Lima.",
                "The Peruvian ministry was charged with overseeing the census."]).height == 0
    assert codes_of(run(["Peru charged two Chilean men with murdering a diplomat."]))[0][2] == "173"
    # An attack launched on a thing of a country's, with no weapons or wounds near, is a verbal one.
    assert codes_of(run(["Chile launched an attack on the cost of Peru's new pension plan."])) == [("CHL", "PER", "111")]
    assert codes_of(run(["Chile launched an attack on the city of Lima."])) == [("CHL", "PER", "190")]


@pytest.mark.parametrize(
    ("text", "future", "intent"),
    [
        ("Russia plans to visit India.", "042", "036"),
        ("Chile intends to give Peru a grant of 50 million dollars.", "071", "0331"),
        ("Chile plans to release Peruvian prisoners.", "0841", "0353"),
        # The actor's own announcement, whoever the subject of the announced act is.
        ("Chile said it will release Peruvian prisoners.", "0841", "0353"),
    ],
)
def test_a_future_act_of_cooperation_the_actor_commits_to_is_also_the_intent_expressed_now(text, future, intent):
    found = run([text]).select("cameo_code", "modality").rows()
    assert (future, "future") in found and (intent, "asserted") in found


def test_a_promise_told_in_the_conditional_is_an_intent_too():
    found = run(["Chile said it would release Peruvian prisoners."]).select("cameo_code", "modality").rows()
    assert ("0841", "hypothetical") in found and ("0353", "asserted") in found
    found = run(["Chile is ready to give Peru a grant of 50 million dollars."]).select("cameo_code", "modality").rows()
    assert ("071", "hypothetical") in found and ("0331", "asserted") in found


def test_a_scheduled_or_forecast_act_is_the_future_act_alone():
    assert run(["Chile will release Peruvian prisoners."]).select("cameo_code", "modality").rows() == [("0841", "future")]


def test_a_future_act_of_force_is_no_intent_to_cooperate():
    found = run(["Chile will attack Peru."]).select("cameo_code", "modality").rows()
    assert all(not code.startswith("03") for code, _ in found)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Chile's president declined to resign.", "1231"),  # refuse to yield leadership
        ("Chile conceded to demands from Peru.", "083"),  # accede to demands
        ("Chile cancelled restrictions on Peruvian traders.", "081"),  # ease administrative sanctions
        ("Chile ruled out talks with Peru.", "125"),  # reject proposal to negotiate
    ],
)
def test_codebook_phrasings_of_rejecting_and_yielding(text, code):
    assert code in run([text])["cameo_code"].to_list()
