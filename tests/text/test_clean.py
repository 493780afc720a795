"""Claims about text normalisation and fact-box decoding."""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import documents, encode_factbox, factbox_texts, messy_text
from toolkit.text.clean import (
    clean_documents,
    decode_factbox,
    fast_regex,
    headline_run,
    html_unescape,
    key_value,
    line_features,
    normalize_text,
    url_decode,
)


def _apply(fn, values: list[str | None]) -> list[str | None]:
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(fn(pl.col("v"))).to_series().to_list()


def _reference_normalize(text: str) -> str:
    """The cleaning contract written in plain Python, one step per rule."""
    text = re.sub(r"\r\n|[\r\u2028\u2029\x85]", "\n", text)
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", text)
    text = re.sub(r"[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    text = re.sub(r" +$", "", text, flags=re.M)
    return unicodedata.normalize("NFC", text)


@given(st.lists(st.one_of(messy_text, documents()), min_size=1, max_size=8))
def test_normalize_text_is_idempotent(texts):
    once = _apply(normalize_text, texts)
    assert _apply(normalize_text, once) == once


@given(st.lists(st.one_of(messy_text, documents()), min_size=1, max_size=8))
def test_normalize_text_follows_the_cleaning_contract(texts):
    assert _apply(normalize_text, texts) == [_reference_normalize(t) for t in texts]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\u00a0b\tc\u2009d", "a b c d"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("line  \nnext \t", "line\nnext"),
        ("e\u0301", "é"),
        ("  lead and blank lines kept\n\n", "  lead and blank lines kept\n\n"),
    ],
    ids=["crlf and cr", "unicode spaces and tabs", "zero-width", "line-final spaces", "nfc", "edges kept"],
)
def test_normalize_text_examples(raw, clean):
    assert _apply(normalize_text, [raw]) == [clean]


def test_clean_documents_adds_text_and_length_and_leaves_rejected_null():
    lf = pl.LazyFrame({"doc_id": ["a", "b"], "raw_text": ["caf\u00e9\r\n", None], "n_chars": [None, None]},
                      schema_overrides={"n_chars": pl.Int64})  # fmt: skip
    out = clean_documents(lf).collect()
    assert out["text"].to_list() == ["café\n", None]
    assert out["n_chars"].to_list() == [5, None]


@given(st.lists(factbox_texts, min_size=1, max_size=5))
def test_decode_factbox_inverts_encode_factbox(boxes):
    assert _apply(decode_factbox, [encode_factbox(b) for b in boxes]) == boxes


@given(st.lists(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30), min_size=1, max_size=5))
def test_url_decode_matches_urllib_on_percent_encoded_utf8(texts):
    encoded = [urllib.parse.quote(t, safe="") for t in texts]
    assert _apply(url_decode, encoded) == texts


@given(st.lists(st.text(st.sampled_from(list("%ab+ 9Fé")), max_size=20), min_size=1, max_size=5))
def test_url_decode_leaves_text_without_escapes_alone(texts):
    decoded = _apply(url_decode, texts)
    for raw, out in zip(texts, decoded, strict=True):
        if not re.search("%[0-9A-Fa-f]{2}", raw):
            assert out == raw


def test_url_decode_keeps_escapes_that_are_not_utf8():
    assert _apply(url_decode, ["caf%E9%20ok", "100%", "%zz", "a%00b", "%E2%80%99"]) == [
        "caf%E9 ok", "100%", "%zz", "a%00b", "’"
    ]


_SAFE_CODEPOINTS = st.one_of(st.integers(0x20, 0x7E), st.integers(0xA0, 0xD7FF), st.integers(0xE000, 0xFDCF))
_entity = st.one_of(
    st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&eacute;", "&rsquo;", "&hellip;", "&amp;lt;"]),
    _SAFE_CODEPOINTS.map(lambda cp: f"&#{cp};"),
    _SAFE_CODEPOINTS.map(lambda cp: f"&#x{cp:X};"),
    st.text(st.characters(codec="utf-8", exclude_characters="&"), max_size=5),
)


@given(st.lists(st.lists(_entity, max_size=6).map("".join), min_size=1, max_size=5))
def test_html_unescape_matches_python_html_module(texts):
    assert _apply(html_unescape, texts) == [html.unescape(t) for t in texts]


def test_decode_factbox_turns_a_scraped_box_into_lines():
    box = "%3Cp%3E%3Cstrong%3EDirector%3A%3C%2Fstrong%3E%20Jane%20Roe%26nbsp%3B%3C%2Fp%3E%0A%3Cp%3ERating%3A%204%2F5%0D%3Cbr%3Eyes%3C%2Fp%3E"
    assert _apply(decode_factbox, [box, None]) == ["Director: Jane Roe\nRating: 4/5\nyes", None]


_FLAGS = ["enc", "ends", "listy", "kv", "list_item", "byline", "related", "comments", "nav", "caption", "promo",
          "boiler"]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "flags"),
    [
        ("The minister said on Monday that the talks would resume next week.", {"ends"}),
        ("Home | World | Business", {"listy", "nav"}),
        ("ua en ru", {"nav"}),
        ("Breaking News From The World Of Sport And Culture Today", {"listy"}),
        ("Venue: Palais des Nations", {"kv", "listy"}),
        ("- Two days", {"list_item"}),
        ("By Jane Roe, 10:45", {"byline", "listy"}),
        ("You may also like", {"related", "promo"}),
        ("34 Comments", {"comments", "boiler"}),
        ("jane says: May 3, 2019 at 6:34 am Great story.", {"comments", "boiler", "ends", "byline"}),
        ("(photo: Getty Images)", {"caption", "listy"}),
        ("Read more: what the summit achieved", {"promo", "kv"}),
        ("Click to share on Twitter (Opens in new window)", {"boiler"}),
        ("Agenda%3A%20%3Cp%3Etrade%3C%2Fp%3E", {"enc", "listy"}),
        ("Er sagte: „Wir schaffen das.“", {"ends", "kv"}),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_line_features_flag_menus_lists_captions_promos_comments_and_boilerplate(line, flags):
    lines = pl.LazyFrame({"s": [line]}).with_columns(words=pl.col("s").str.count_matches(r"\S+").cast(pl.Int64))
    row = line_features(lines).collect().row(0, named=True)
    assert {f for f in _FLAGS if row[f]} == flags


def test_fast_regex_keeps_matches_with_ascii_word_boundaries():
    assert fast_regex(r"\bsays:\s") == r"(?-u:\b)says:\s"
    assert _apply(lambda e: e.str.contains(fast_regex(r"(?i)\bread more\b")), ["Read more", "unread more"]) == [
        True, False
    ]


# The patterns headline_run and key_value replace; a counted repeat over Unicode classes costs
# milliseconds to compile, which every shard paid again.
_HEADLINE_RUN = r"^(?:[\p{Lu}\p{N}][\p{L}\p{N}'’:,.&-]*\s+){8}"
_KEY_VALUE = r"^\p{Lu}[\p{L}\p{N} /&'().-]{0,40}:\s+\S"
_LABELS = st.text(alphabet="AaÉé1 :\t’'.,&-()/|\u00a0\u2003", max_size=60)
_WORDS = st.lists(st.sampled_from(["A", "Ab", "1x", "É.", "Aa:", "a", "(A", "X-y", "Q’s", "b" * 20]), max_size=12)


@given(st.lists(st.one_of(_LABELS, _WORDS.map(" ".join), _WORDS.map(lambda w: " ".join(w) + ": value")), max_size=20))
def test_headline_run_and_key_value_match_their_bounded_patterns(texts):
    texts = [*texts, None, "A" + "b" * 40 + ": x", "A" + "b" * 41 + ": x"]
    assert _apply(headline_run, texts) == _apply(lambda e: e.str.contains(_HEADLINE_RUN), texts)
    assert _apply(key_value, texts) == _apply(lambda e: e.str.contains(_KEY_VALUE), texts)
