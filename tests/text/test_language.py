import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.evaluate.language import CORPORA, first_sentence, score
from toolkit.text.language import detect_language
from tests.strategies import messy_text

NEWS = {
    "en": "The finance minister said on Tuesday that the government would cut fuel taxes before the winter, "
    "after weeks of protests by farmers and lorry drivers across the country.",
    "de": "Der Finanzminister kündigte am Dienstag an, die Regierung werde die Steuern auf Treibstoff noch vor "
    "dem Winter senken, nachdem Landwirte wochenlang im ganzen Land protestiert hatten.",
    "fr": "Le ministre des finances a annoncé mardi que le gouvernement baisserait les taxes sur le carburant "
    "avant l'hiver, après des semaines de manifestations d'agriculteurs dans tout le pays.",
    "es": "El ministro de Hacienda anunció el martes que el Gobierno rebajará los impuestos sobre el combustible "
    "antes del invierno, tras semanas de protestas de agricultores en todo el país.",
}


def _languages(texts, **params):
    return detect_language(pl.DataFrame({"text": texts}, schema={"text": pl.String}), **params)["language"].to_list()


def test_news_sentences_get_their_iso_639_1_language():
    assert _languages(list(NEWS.values())) == list(NEWS)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(None, id="null"),
        pytest.param("Oil up.", id="too few letters"),
        pytest.param("3-1 (2-0) 45' 78' 90+2' 12,000 — 1:0", id="numbers and punctuation only"),
        pytest.param("\x00\x07\ufdd0\x9f", id="characters CLD2 cannot read"),
    ],
)
def test_texts_without_enough_language_get_null(text):
    assert _languages([text]) == [None]


def test_a_text_split_between_two_languages_is_null_when_confidence_is_demanded():
    mixed = NEWS["en"] + " " + NEWS["de"]
    assert _languages([mixed], min_confidence=0.9) == [None]
    assert _languages([mixed], min_confidence=0.3)[0] in {"en", "de"}


def test_min_chars_decides_when_a_short_text_is_read():
    short = "Flood warning lifted downstream."  # 28 letters
    assert _languages([short], min_chars=40) == [None]
    assert _languages([short], min_chars=10) == ["en"]


def test_declared_language_breaks_ties_but_never_overrides_the_detector():
    unsure = "Morales victory confirmed."  # CLD2 leans to English but does not call it reliable
    frame = pl.DataFrame(
        {"text": [unsure, unsure, NEWS["de"], "Oil up."], "declared_language": ["en", "fr", "en", "en"]}
    )
    assert _languages([unsure]) == [None]
    assert detect_language(frame)["language"].to_list() == ["en", None, "de", None]


def test_the_frame_keeps_its_rows_and_columns():
    frame = pl.DataFrame({"article_id": ["a", "b"], "text": [NEWS["fr"], NEWS["es"]], "language": [None, None]})
    out = detect_language(frame)
    assert out.columns == frame.columns and out["article_id"].to_list() == ["a", "b"]
    assert out["language"].to_list() == ["fr", "es"]


@given(st.lists(st.one_of(messy_text, st.sampled_from(list(NEWS.values()))), max_size=8), st.randoms())
def test_language_is_deterministic_and_independent_of_the_batch(texts, rnd):
    first = _languages(texts)
    assert _languages(texts) == first
    order = list(range(len(texts)))
    rnd.shuffle(order)
    assert _languages([texts[i] for i in order]) == [first[i] for i in order]
    assert all(code is None or (len(code) == 2 and code.islower()) for code in first)


# Floors are the figures measured with the default parameters (toolkit.evaluate.language) minus a margin.
FLOORS = {
    ("ag_news", "full"): 0.99, ("ag_news", "first"): 0.88,
    ("gnad10k", "full"): 0.99, ("gnad10k", "first"): 0.94,
    ("bbc", "full"): 0.99, ("bbc", "first"): 0.87,
}  # fmt: skip


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_language_accuracy_on_reference_news_stays_above_the_measured_floor(shared, corpus):
    load, gold = CORPORA[corpus]
    texts = load(shared)
    full = score(texts, gold)
    first = score([first_sentence(t) for t in texts], gold)
    assert full["accuracy"] >= FLOORS[(corpus, "full")]
    assert first["accuracy"] >= FLOORS[(corpus, "first")]
    # An answer given is an answer to trust: wrong labels stay rare even on single sentences.
    assert first["precision"] >= 0.98
