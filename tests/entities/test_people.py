"""People and organisations from names: titles give roles and countries, short references resolve."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.entities import mentions as entities
from toolkit.text import segment


def run(*texts: str) -> pl.DataFrame:
    arts = pl.LazyFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": list(texts)})
    return entities.mentions(arts, segment.sentences(arts)).collect()


def people(*texts: str) -> list[tuple[str, str, str | None, str | None]]:
    found = run(*texts).filter(pl.col("kind") == "person")
    return found.select("surface", "name", "country_code", "role_code").rows()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ukrainian Defence Minister Oleksandr Marchenko visited.", ("Oleksandr Marchenko", "UKR", "MIL")),
        ("Brazilian President Ana Ferreira spoke.", ("Ana Ferreira", "BRA", "GOV")),
        ("Kenya's foreign minister Peter Odhiambo spoke.", ("Peter Odhiambo", "KEN", "GOV")),
        ("The opposition leader Maria Santos resigned.", ("Maria Santos", None, "OPP")),
        ("Rebel commander Idris Musa was seen.", ("Idris Musa", None, "REB")),
        ("The veteran journalist Tomas Novak wrote it.", ("Tomas Novak", None, "MED")),
        ("Chief executive Lena Berg quit.", ("Lena Berg", None, "BUS")),
        ("Judge Hannah Olsen ruled.", ("Hannah Olsen", None, "JUD")),
        ("Mira Patel, the Indian ambassador, said so.", ("Mira Patel", "IND", "GOV")),
    ],
    ids=["demonym-defence-minister", "president", "possessive-country", "opposition", "rebel", "media",
         "business", "judge", "apposition"],
)
def test_titles_give_the_person_a_country_and_a_cameo_role(text, expected):
    surface, _, country, role = people(text)[0]
    assert (surface, country, role) == expected


def test_honorific_and_surname_resolve_to_the_full_name_in_the_same_article():
    found = run("Defence Secretary Olu Adeyemi spoke. Mr Adeyemi said Adeyemi would stay.")
    persons = found.filter(pl.col("kind") == "person")
    assert persons["entity_id"].n_unique() == 1
    assert persons["surface"].to_list() == ["Olu Adeyemi", "Adeyemi", "Adeyemi"]
    # the title read at the first mention carries to the later ones
    assert set(persons["actor_code"]) == {"MIL"}


def test_surname_without_full_name_stays_its_own_person_and_stray_words_are_dropped():
    found = run("Mr Halvorsen said. Officials said Western powers agreed on Wednesday.")
    assert found.select("surface", "kind").rows() == [("Halvorsen", "person")]
    other = run("Tove Halvorsen spoke.")
    assert found["entity_id"].item() != other["entity_id"].item()


def test_spellings_and_transliterations_share_one_entity_across_articles():
    found = run("Kim Jong-un spoke.", "Kim Jong Un left.", "Ana-Maria Löw met Ana Maria Low.")
    kim = found.filter(pl.col("surface").str.starts_with("Kim"))
    assert kim["entity_id"].n_unique() == 1
    low = found.filter(pl.col("article_id") == "a2")
    assert low["entity_id"].n_unique() == 1 and low.height == 2


def test_name_particles_and_hyphens_stay_inside_the_name():
    assert [p[0] for p in people("Minister Bashar al-Assad and Ludwig van Beethoven met Jean-Pierre Morel.")] == [
        "Bashar al-Assad", "Ludwig van Beethoven", "Jean-Pierre Morel",
    ]


@pytest.mark.parametrize(
    ("text", "surface", "role"),
    [
        ("The Nigerian Defence Ministry said.", "Nigerian Defence Ministry", "GOV"),
        ("Officers of the Kenya Army left.", "Kenya Army", "MIL"),
        ("Shares in Zentrix Holdings fell.", "Zentrix Holdings", "BUS"),
        ("The Labour Party won.", "Labour Party", None),
        ("He wrote for the Daily Herald.", "Daily Herald", "MED"),
        ("The Ministry of Foreign Affairs said.", "Ministry of Foreign Affairs", "GOV"),
        ("The IAEA and the UN Security Council met.", "IAEA", "IGO"),
    ],
    ids=["demonym-ministry", "army", "company", "party", "paper", "ministry-of", "dictionary"],
)
def test_organisations_from_suffixes_heads_and_the_dictionary(text, surface, role):
    orgs = run(text).filter(pl.col("kind") == "organisation")
    row = orgs.row(0, named=True)
    assert (row["surface"], row["role_code"]) == (surface, role)


def test_all_caps_headlines_do_not_make_every_word_an_entity():
    found = run("RUSSIA LAUNCHES STRIKES ON KYIV\n\nThe strikes began at dawn.")
    assert found.select("surface", "kind", "country_code").rows() == [
        ("RUSSIA", "country", "RUS"), ("KYIV", "place", "UKR"),
    ]


def test_sentence_initial_function_words_and_dates_are_not_names():
    found = run("On Wednesday, However and The Following were words. In March they left.")
    assert found.height == 0


def test_laws_regions_and_products_are_not_people():
    found = run("Voters backed the Clean Water Act. Storms hit the Middle East and Southeast Asia. "
                "Sales of the Orbit Watch rose. Jude Law and Ana Varga spoke. She starred in the film Silent Harbour.")
    assert found.filter(pl.col("kind") == "person")["surface"].to_list() == ["Jude Law", "Ana Varga"]


def test_hyphenated_pairs_of_known_names_are_not_one_person():
    found = run("Putin-Kim Jong Un meeting\n\nRussia-North Korea talks went on.")
    assert found.select("surface", "kind").rows() == [
        ("Putin", "person"), ("Kim Jong Un", "person"), ("Russia", "country"), ("North Korea", "country"),
    ]


def test_a_later_mention_takes_the_first_title_read_in_its_article():
    text = "Foreign Minister Olu Adeyemi spoke. Judge Olu Adeyemi ruled. Mr Adeyemi left."
    # Many articles in one frame: the multi-threaded engine reorders rows, text order must still decide.
    found = run(*[text] * 60).filter(pl.col("kind") == "person")
    later = found.filter(pl.col("surface") == "Adeyemi")
    assert later.height == 60 and set(later["role_code"]) == {"GOV"}
    assert set(found.filter(pl.col("surface") == "Olu Adeyemi")["role_code"]) == {"GOV", "JUD"}


def test_agent_mentions_survive_validation_in_a_build(tmp_path):
    from toolkit.pipeline.run import build

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("French police arrested two men in Lyon on Monday, officials said.\n")
    (tmp_path / "agents.tsv").write_text("phrase\trole_code\npolice\tCOP\n")
    (tmp_path / "dataset.toml").write_text('[inputs]\npaths = ["raw"]\n[entities]\nagents = ["agents.tsv"]\n')
    result = build(tmp_path / "dataset.toml", out=tmp_path / "out")
    mentions = pl.read_parquet(tmp_path / "out" / "mentions.parquet")
    assert mentions.filter(pl.col("method") == "agent").select("surface", "role_code").rows() == [("French police", "COP")]
    assert "not_in_enum" not in result.rejects


def test_an_abbreviation_glued_to_the_next_word_never_ends_a_name_inside_a_word():
    import toolkit

    text = "Woman Mr.Russia left."
    found = toolkit.annotate(pl.DataFrame({"id": ["a"], "text": [text]}), events=False).mentions
    for start, end in found.select("start", "end").iter_rows():
        assert end == len(text) or not text[end].isalnum()


def test_a_generic_title_does_not_make_an_opposition_figure_government():
    # The knowledge base has Charles Kennedy as the UK's opposition (GBR OPP); "leader" is said of both sides.
    found = run("Liberal Democrat leader Charles Kennedy criticised the plan.").filter(pl.col("name") == "Charles Kennedy")
    assert found.select("country_code", "role_code").rows() == [("GBR", "OPP")]
    # A specific title still gives its role to a person the dictionaries do not know.
    assert people("Foreign Minister Anna Lind spoke.")[0][3] == "GOV"
