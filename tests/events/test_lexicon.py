"""The CAMEO lexicon: lemma rows expand into their inflected forms and match with their frames."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.events.test_patterns import found
from toolkit.errors import DictionaryError
from toolkit.events import lexicon, patterns

HEADER = "cameo_code\troles\tkind\tlemma\tparticle\tobject\tprep\tforms\tnotes\n"


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("meet", {"meet", "meets", "met", "meeting"}),
        ("ban", {"ban", "bans", "banned", "banning"}),
        ("deny", {"deny", "denies", "denied", "denying"}),
        ("free", {"free", "frees", "freed", "freeing"}),
        ("expel", {"expel", "expels", "expelled", "expelling"}),
        ("visit", {"visit", "visits", "visited", "visiting"}),
        ("seize", {"seize", "seizes", "seized", "seizing"}),
        ("travel", {"travel", "travels", "traveled", "travelled", "traveling", "travelling"}),
        ("withdraw", {"withdraw", "withdraws", "withdrew", "withdrawn", "withdrawing"}),
        ("push", {"push", "pushes", "pushed", "pushing"}),
    ],
)
def test_verbs_are_inflected_by_english_morphology(lemma, forms):
    assert {f for fs in lexicon.verb_forms(lemma).values() for f in fs} == forms


def test_nouns_get_their_plural_on_the_last_word():
    assert lexicon.noun_forms("air strike") == ["air strike", "air strikes"]
    assert lexicon.noun_forms("embargo") == ["embargo", "embargos"] or "embargoes" in lexicon.noun_forms("embargo")


def write(tmp_path, rows: list[str]):
    path = tmp_path / "lexicon.tsv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return patterns.load_patterns([path])


def test_a_lexicon_row_matches_every_form_with_its_frame(tmp_path):
    table = patterns.pattern_table(write(tmp_path, ["046\tforward\tverb\thold\t\ttalk+/negotiation+\twith\t\t"]),
                                   builtin=False)
    texts = ["Ruritania held two days of talks with Freedonia.", "Ruritania will hold negotiations with Freedonia.",
             "Ruritania is holding talks\nwith Freedonia.", "Ruritania held a parade with Freedonia."]
    got = found(texts, table)
    assert got["article_id"].to_list() == ["a0", "a1", "a2"]
    assert got["cameo_code"].unique().to_list() == ["046"]
    # The match runs from the head to the end of its frame.
    row = got.row(0, named=True)
    assert texts[0][row["v_start"]:row["v_end"]] == "held two days of talks with"


def test_the_longest_frame_wins_and_forms_restrict_a_verb(tmp_path):
    rows = [
        "040\tforward\tverb\tmeet\t\t\t\t\tbare",
        "040\tforward\tverb\tmeet\t\t\twith\t\twith someone",
        "0874\tforward\tverb\tpull\tout/back\ttroop+\tfrom\t\tretreat",
        "173\tforward\tverb\tcharge\t\t\t* with\ted,en\tcharged with a crime",
    ]
    table = patterns.pattern_table(write(tmp_path, rows), builtin=False)
    got = found(["Ruritania met with Freedonia.", "Ruritania pulled back its troops from Strelsau.",
                 "A charge with bayonets.", "Police charged him with theft."], table)
    assert got.select("article_id", "cameo_code").rows() == [("a0", "040"), ("a1", "0874"), ("a3", "173")]
    meet = got.row(0, named=True)
    assert meet["v_end"] - meet["v_start"] == len("met with")


def test_a_verb_form_after_a_determiner_or_a_hyphen_is_a_noun_or_an_adjective(tmp_path):
    rows = ["080\tforward\tverb\tcave\tin\t\t\t\tyield",
            "051\tforward\tverb\tback\t\tgovernment+/call+\t\t\tendorse",
            "173\tforward\tverb\tarrest\t\t\t\t\tarrest"]
    table = patterns.pattern_table(write(tmp_path, rows), builtin=False)
    texts = [
        "Ruritania caved in.",  # the verb
        "They hid in a cave in Strelsau.",  # a noun after "a"
        "Ruritania mapped this cave in Strelsau.",  # a noun after "this"
        "The military-backed government fell.",  # an adjective after a hyphen
        "Police confirmed the arrest of two men.",  # the noun of its object: still the act
        "Ruritania backed the government.",
    ]
    got = found(texts, table)
    assert got.select("article_id", "cameo_code").rows() == [("a0", "080"), ("a4", "173"), ("a5", "051")]


def test_the_first_of_coordinated_objects_chooses_the_frame(tmp_path):
    rows = ["175\tforward\tverb\tfire\t\ttear gas/rubber bullet+\t\t\trepression",
            "193\tforward\tverb\tfire\t\tshot+/bullet+\t\t\tsmall arms"]
    table = patterns.pattern_table(write(tmp_path, rows), builtin=False)
    got = found(["Police fired tear gas and live bullets.", "Police fired tear gas or bullets.",
                 "Troops fired live bullets and tear gas.", "Troops fired several bullets."], table)
    assert got.select("article_id", "cameo_code").rows() == [("a0", "175"), ("a1", "175"), ("a2", "193"), ("a3", "193")]


def test_a_verb_with_an_object_has_a_passive_with_the_object_before_it(tmp_path):
    rows = ["1722\tforward\tverb\tban\t\tparty/parties/group+\t\t\tban a party",
            "046\tforward\tverb\thold\t\ttalk+\twith\t\ta prepositional frame has no passive here"]
    table = patterns.pattern_table(write(tmp_path, rows), builtin=False)
    texts = ["The opposition party was banned.", "Two rebel groups have been banned by Ruritania.",
             "The concert was banned.", "Talks were held with Freedonia."]
    got = found(texts, table)
    assert got.select("article_id", "cameo_code").rows() == [("a0", "1722"), ("a1", "1722")]
    row = got.row(0, named=True)
    assert texts[0][row["v_start"]:row["v_end"]] == "banned"


def test_a_passive_needs_a_one_word_object_before_it(tmp_path):
    rows = ["202\tforward\tverb\tkill\t\thundreds of people/civilian+\t\t\tmass killing"]
    table = patterns.pattern_table(write(tmp_path, rows), builtin=False)
    got = found(["Two people were killed.", "Ten civilians were killed."], table)
    assert got["article_id"].to_list() == ["a1"]


def test_a_row_with_a_subject_applies_only_after_one_of_its_words_in_the_clause(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text(HEADER.rstrip("\n") + "\tsubject\n"
                    + "141\tforward\tverb\tmarch\t\t\t\t\tprotesters marching\tprotester+/crowd+\n", encoding="utf-8")
    table = patterns.pattern_table(patterns.load_patterns([path]), builtin=False)
    texts = ["Thousands of protesters marched through Strelsau.", "Troops marched into Strelsau.",
             "Protesters left, and troops marched into Strelsau.", "A crowd marched on the palace."]
    assert found(texts, table)["article_id"].to_list() == ["a0", "a3"]
    # A file without the column reads as before.
    assert write(tmp_path, ["040\tforward\tverb\tmeet\t\t\t\t\t"])["subject"].to_list() == [None]


def test_recipe_rows_win_over_the_shipped_lexicon(tmp_path):
    mine = write(tmp_path, ["111\tforward\tverb\tmeet\t\t\twith\t\tan invented reading"])
    got = found(["Ruritania met with Freedonia."], patterns.pattern_table(mine))
    assert got["cameo_code"].to_list()[:1] == ["111"]


@pytest.mark.parametrize(
    "row",
    ["999\tforward\tverb\tmeet\t\t\t\t\t", "040\tsideways\tverb\tmeet\t\t\t\t\t", "040\tforward\tadverb\tmeet\t\t\t\t\t",
     "040\tforward\tverb\tmeet\t\t\t\tpast\t"],
)
def test_bad_lexicon_rows_are_dictionary_errors(tmp_path, row):
    with pytest.raises(DictionaryError):
        write(tmp_path, [row])


def test_the_shipped_lexicon_covers_every_root_with_thousands_of_forms():
    table = lexicon.builtin_lexicon().filter(pl.col("cameo_code") != patterns.NO_EVENT)
    assert sorted(table["cameo_code"].str.slice(0, 2).unique()) == [f"{r:02d}" for r in range(1, 21)]
    assert lexicon.expand(lexicon.builtin_lexicon()).height >= 2000


@given(st.from_regex(r"[a-z]{3,9}", fullmatch=True))
def test_every_form_of_any_regular_verb_is_found_as_its_head(word):
    forms = lexicon.verb_forms(word)
    heads = {f for fs in forms.values() for f in fs}
    assert word in heads and len(heads) >= 4
    assert all(f.startswith(word[: max(1, len(word) - 2)]) for f in heads)
