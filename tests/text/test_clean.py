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
    with_furniture,
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
          "share", "credit", "furniture", "boiler"]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "flags"),
    [
        ("The minister said on Monday that the talks would resume next week.", {"ends"}),
        ("Home | World | Business", {"listy", "nav"}),
        ("ua en ru", {"nav"}),
        ("Breaking News From The World Of Sport And Culture Today", {"listy"}),
        ("Venue: Palais des Nations", {"kv", "listy"}),
        ("- Two days", {"list_item"}),
        ("By Jane Roe, 10:45", {"byline", "listy", "credit", "furniture", "boiler"}),
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


def _features(lines: list[str]) -> pl.DataFrame:
    lf = pl.LazyFrame({"s": lines}, schema={"s": pl.String})
    return line_features(lf.with_columns(words=pl.col("s").str.count_matches(r"\S+").cast(pl.Int64))).collect()


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Share on Facebook Twitter Email", "share"),
        ("Facebook | Twitter | LinkedIn | WhatsApp | Copy link", "share"),
        ("Share this: Facebook Twitter Flipboard WhatsApp Email", "share"),
        ("Facebook 1.2k Twitter 31 Pinterest", "share"),
        ("email | print", "share"),
        ("By Jane Doe, Reuters", "credit"),
        ("BY JANE DOE", "credit"),
        ("By Jane Doe and John Smith, Associated Press", "credit"),
        ("By Jane Doe, BBC diplomatic correspondent", "credit"),
        ("Jane Doe | AP", "credit"),
        ("(Reporting by Jane Doe; Editing by John Smith)", "credit"),
        ("Reporting by Jane Doe in Vienna; Writing by Ana Lee; Editing by John Smith", "credit"),
        ("Additional reporting by Jane Doe.", "credit"),
    ],
    ids=lambda v: v,
)
def test_share_bars_and_author_credits_are_boilerplate(line, kind):
    row = _features([line]).row(0, named=True)
    assert row[kind] and row["boiler"]


@pytest.mark.parametrize(
    "line",
    [
        "Facebook said on Tuesday it would buy the start-up for $1 billion.",
        "He posted the video on Facebook, Twitter, Instagram and YouTube.",
        "Users of Facebook Messenger share photos with friends.",
        "By the end of the year, the fund had doubled in size.",
        "By Monday the troops had left the town",
        "Par Pharmaceutical Inc said",
        "produced by Sandy Howard.",
        "Research by Harvard scientists shows that sleep matters.",
        "Imports         X      X          X      X",
        "Twitter Share Price Falls",
    ],
    ids=lambda v: v,
)
def test_prose_that_names_networks_or_opens_with_by_is_not_boilerplate(line):
    row = _features([line]).row(0, named=True)
    assert not (row["share"] or row["credit"] or row["boiler"])


_NETWORKS = ["Facebook", "Twitter", "Google+", "LinkedIn", "WhatsApp", "Reddit", "Pinterest", "Tumblr", "Permalink",
             "Copy link", "facebook", "TWITTER", "linkedin", "reddit"]  # fmt: skip
_BUTTONS = ["Share", "Send", "Print", "Email", "E-mail", "Comments", "Tweet", "X"]
_SEPARATORS = st.sampled_from([" ", "  ", " | ", " / ", " · ", " • ", "|"])


@st.composite
def share_bars(draw: st.DrawFn) -> str:
    """A row of 3+ share items, at least one of them a network, with an optional label and link."""
    items = draw(st.lists(st.sampled_from(_NETWORKS + _BUTTONS), min_size=2, max_size=10))
    items.insert(draw(st.integers(0, len(items))), draw(st.sampled_from(_NETWORKS)))
    seps = [draw(_SEPARATORS) for _ in items[1:]]
    row = items[0] + "".join(s + i for s, i in zip(seps, items[1:], strict=True))
    label = draw(st.sampled_from(["", "Share this: ", "Share on ", "Follow us "]))
    link = draw(st.sampled_from(["", " https://example.org/p/2Wx5C"]))
    return label + row + link


_PROSE_WORDS = st.lists(st.sampled_from(["the", "company", "said", "on", "Tuesday", "it", "would", "users", "share",
                                         "send", "print", "photos", "and", "of", "new", "rules"]),
                        min_size=3, max_size=12)  # fmt: skip


@st.composite
def prose_naming_networks(draw: st.DrawFn) -> str:
    """A sentence naming networks as companies: alone, or listed with commas and "and"."""
    names = draw(st.lists(st.sampled_from(["Facebook", "Twitter", "Google", "LinkedIn", "WhatsApp", "Reddit", "X"]),
                          min_size=1, max_size=4, unique=True))  # fmt: skip
    named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    before, after = draw(_PROSE_WORDS), draw(_PROSE_WORDS)
    opener = draw(st.sampled_from(["", "Shares of ", "By ", "Regulators said "]))
    return f"{opener}{named} {' '.join(after)} {' '.join(before)}."


@given(st.lists(share_bars(), min_size=1, max_size=8))
def test_a_share_bar_row_is_always_boilerplate(rows):
    out = _features(rows)
    assert out["share"].all() and out["boiler"].all()


@given(st.lists(prose_naming_networks(), min_size=1, max_size=8))
def test_a_sentence_naming_networks_as_companies_is_never_boilerplate(lines):
    out = _features(lines)
    assert not (out["share"].any() or out["credit"].any() or out["boiler"].any())


@given(st.lists(st.tuples(prose_naming_networks(), share_bars(), prose_naming_networks()), min_size=1, max_size=5))
def test_a_share_bar_glued_between_sentences_is_cut_out_and_the_parts_tile_the_text(triples):
    # The next sentence opens with a word that is no share item (a network opening it would join the row).
    texts = [f"{a} {bar} Meanwhile {b}" for a, bar, b in triples]
    out = with_furniture(pl.LazyFrame({"s": texts}), "s").collect()
    for (a, bar, _), text, cut, at in zip(triples, texts, out["furniture"], out["furniture_at"], strict=True):
        assert at == len(a) + 1 and cut.rstrip() == bar
        assert text[:at] + cut + text[at + len(cut):] == text


def test_with_furniture_cuts_a_bracketed_sign_off_and_a_dangling_share_label():
    texts = ["The talks resume on Monday.(Reporting by Jane Doe; Editing by John Smith)",
             "Share this with Leicester City have won again.", "I will share this with Mary.", None]  # fmt: skip
    out = with_furniture(pl.LazyFrame({"s": texts}), "s").collect()
    assert out["furniture"].to_list() == ["(Reporting by Jane Doe; Editing by John Smith)", "Share this with ", None, None]
    assert out["furniture_at"].to_list() == [len("The talks resume on Monday."), 0, None, None]


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
