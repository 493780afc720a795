"""Claims about blocks, articles, fragments and sentences."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import long_text_path
from tests.strategies import document_frames, documents_frame
from toolkit.contract import spans
from toolkit.text.clean import clean_documents
from toolkit.io.read import discover, read_files
from toolkit.text.segment import KINDS, _with_slices, articles, blocks, fragments, sentences


def _segment(docs: pl.DataFrame) -> dict[str, pl.DataFrame]:
    cleaned = clean_documents(docs.lazy()).collect()
    b = blocks(cleaned.lazy()).collect()
    a = articles(b.lazy(), cleaned.lazy()).collect()
    return {
        "docs": cleaned,
        "blocks": b,
        "articles": a,
        "fragments": fragments(b.lazy(), cleaned.lazy()).collect(),
        "sentences": sentences(a.lazy()).collect(),
    }


def _texts(frame: pl.DataFrame, key: str = "doc_id") -> dict[str, str]:
    return dict(zip(frame[key], frame["text"], strict=True))


@given(document_frames)
def test_blocks_never_overlap_and_cover_every_non_whitespace_character(docs):
    out = _segment(docs)
    texts = _texts(out["docs"])
    assert set(out["blocks"]["kind"]) <= set(KINDS)
    for doc_id, text in texts.items():
        rows = out["blocks"].filter(pl.col("doc_id") == doc_id).sort("block")
        assert rows["block"].to_list() == list(range(rows.height))
        covered = [False] * len(text)
        last_end = 0
        for start, end in rows.select("start", "end").iter_rows():
            assert last_end <= start < end <= len(text)
            assert text[start:end] == text[start:end].strip()
            covered[start:end] = [True] * (end - start)
            last_end = end
        assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))


@given(document_frames)
def test_article_text_is_its_blocks_joined_by_blank_lines(docs):
    out = _segment(docs)
    texts = _texts(out["docs"])
    for art in out["articles"].iter_rows(named=True):
        doc = texts[art["doc_id"]]
        slices = [doc[s:e] for s, e in zip(art["block_starts"], art["block_ends"], strict=True)]
        assert art["text"] == "\n\n".join(slices)
        if art["title_start"] is not None:
            assert art["title"] == doc[art["title_start"] : art["title_end"]]
    in_blocks = out["blocks"].filter(pl.col("kind") == "article").height
    assert sum(len(s) for s in out["articles"]["block_starts"]) == in_blocks


@given(document_frames)
def test_fragments_are_the_non_article_blocks_with_decoded_text(docs):
    out = _segment(docs)
    texts = _texts(out["docs"])
    other = out["blocks"].filter(~pl.col("kind").is_in(["title", "article"]))
    frags = out["fragments"]
    assert frags.select("doc_id", "start", "end", "kind").equals(other.select("doc_id", "start", "end", "kind"))
    assert frags["fragment_id"].n_unique() == frags.height
    for frag, decoded in zip(frags.iter_rows(named=True), other["decoded"], strict=True):
        assert frag["text"] == (decoded if decoded is not None else texts[frag["doc_id"]][frag["start"] : frag["end"]])



@pytest.mark.parametrize("long_text", [0, spans.LONG_TEXT])
@given(docs=document_frames)
def test_block_pieces_are_pythons_slices_of_the_document_text(long_text, docs):
    # Each document text is joined once per document, whatever its number of blocks (`toolkit.contract.spans`).
    cleaned = clean_documents(docs.lazy()).collect()
    b = blocks(cleaned.lazy()).collect()
    with long_text_path(long_text):
        pieces = _with_slices(b.lazy(), cleaned.lazy()).collect()
    texts = _texts(cleaned)
    assert pieces.drop("piece").equals(b.sort("doc_id", "start"))
    spans_of = pieces.select("doc_id", "start", "end").iter_rows()
    assert pieces["piece"].to_list() == [texts[doc_id][start:end] for doc_id, start, end in spans_of]


@given(document_frames)
def test_sentence_spans_round_trip_in_order_and_cover_the_article(docs):
    out = _segment(docs)
    texts = _texts(out["articles"], "article_id")
    counts = dict(out["sentences"].group_by("article_id").len().iter_rows())
    for art in out["articles"].iter_rows(named=True):
        assert art["n_sentences"] == counts.get(art["article_id"], 0)
    for article_id, text in texts.items():
        rows = out["sentences"].filter(pl.col("article_id") == article_id)
        assert rows["sentence"].to_list() == list(range(rows.height))
        covered, last_end = [False] * len(text), 0
        for start, end in rows.select("start", "end").iter_rows():
            assert last_end <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end]
            covered[start:end] = [True] * (end - start)
            last_end = end
        assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))


@given(document_frames, st.randoms())
def test_segmentation_is_deterministic_under_repeats_and_shuffled_rows(docs, rnd):
    first = _segment(docs)
    order = list(range(docs.height))
    rnd.shuffle(order)
    again = _segment(docs[order])
    keys = {"blocks": ["doc_id", "block"], "articles": ["article_id"], "fragments": ["fragment_id"],
            "sentences": ["article_id", "sentence"]}  # fmt: skip
    for table, key in keys.items():
        assert first[table].sort(key).equals(again[table].sort(key)), table


def test_rejected_documents_produce_no_blocks():
    docs = documents_frame(["A prose line that is long enough to count as an article here."] * 2)
    docs = docs.with_columns(
        status=pl.Series(["ok", "rejected"]), raw_text=pl.when(pl.int_range(2) == 0).then("raw_text")
    )
    out = _segment(docs)
    assert out["blocks"]["doc_id"].unique().to_list() == [docs["doc_id"][0]]


def test_a_documents_title_field_is_the_article_title_and_a_repeat_of_it_is_a_duplicate():
    body = "Field title here\nThe minister said on Monday that the talks would resume next week in Geneva."
    out = _segment(documents_frame([body], titles=["Field title here"]))
    art = out["articles"].row(0, named=True)
    assert (art["title"], art["title_start"], art["title_end"]) == ("Field title here", None, None)
    assert out["blocks"]["kind"].to_list() == ["duplicate", "article"]


def _kinds(text: str) -> list[tuple[str, str]]:
    out = _segment(documents_frame([text]))
    doc = out["docs"]["text"][0]
    return [(k, doc[s:e]) for k, s, e in out["blocks"].select("kind", "start", "end").iter_rows()]


def test_noise_lines_are_classified_and_a_title_with_caption_is_split():
    text = (
        "en fr de\n\nTalks resume in Geneva\n\n"
        "Talks resume in Geneva Delegates arrive at the venue (photo: Getty Images)\n\n"
        "The delegations met on Monday for the first time since the summit collapsed in May.\n"
        "Read more: what the summit achieved\n"
        "Subscribe to our newsletter\n"
        "Europe: more stories\n"
        "You can read more about the earlier rounds in our article.\n"
        "Negotiators said they expected a draft text to be ready by the end of the week.\n"
        "Summit facts\nVenue: Palais des Nations\n- Two days\nEXPATS\n"
        "Agenda%3A%20%3Cp%3Etrade%20%26amp%3B%20security%3C%2Fp%3E"
    )
    assert _kinds(text) == [
        ("navigation", "en fr de"),
        ("title", "Talks resume in Geneva"),
        ("duplicate", "Talks resume in Geneva"),
        ("caption", "Delegates arrive at the venue (photo: Getty Images)"),
        ("article", "The delegations met on Monday for the first time since the summit collapsed in May."),
        ("promo", "Read more: what the summit achieved"),
        ("boilerplate", "Subscribe to our newsletter"),
        ("promo", "Europe: more stories"),
        ("promo", "You can read more about the earlier rounds in our article."),
        ("article", "Negotiators said they expected a draft text to be ready by the end of the week."),
        ("factbox", "Summit facts"),
        ("factbox", "Venue: Palais des Nations"),
        ("factbox", "- Two days"),
        ("factbox", "EXPATS"),
        ("factbox", "Agenda%3A%20%3Cp%3Etrade%20%26amp%3B%20security%3C%2Fp%3E"),
    ]
    out = _segment(documents_frame([text]))
    assert out["fragments"]["text"][-1] == "Agenda: trade & security"


_PRONOUN_OPENER = (
    "Officials in Lisbon confirmed on Tuesday that the new bridge would open to traffic next spring.\n"
    "He said the delay was caused by a shortage of steel and by heavy rain on Monday and Friday.\n"
    "Engineers in Porto on Sunday asked for more time to test the cables before the first cars cross."
)
_UNDATED = (
    "Officials in Lisbon confirmed on Tuesday that the new bridge would open to traffic next spring.\n"
    "Engineers blamed a shortage of steel and heavy rain over the winter for the long delay.\n"
    "Portugal's transport ministry expects about 40,000 vehicles to use the crossing every day."
)
_BRIEFS = (
    "Officials in Lisbon confirmed on Tuesday that the new bridge would open to traffic next spring.\n"
    "The Lisbon council said the delay was caused by a shortage of steel over the winter months.\n"
    "Floods in Bavaria forced hundreds of people from their homes on Tuesday, rescuers reported.\n"
    "The two rescue teams also asked the army for boats, a spokeswoman for the region said.\n"
    "Kenya's central bank left its main interest rate unchanged at its meeting on Wednesday afternoon."
)


@pytest.mark.parametrize(
    ("text", "groups"),
    [(_PRONOUN_OPENER, [0, 0, 0]), (_UNDATED, [0, 0, 0]), (_BRIEFS, [0, 0, 1, 1, 2])],
    ids=["pronoun opener keeps one article", "undated paragraphs keep one article", "dated briefs split"],
)
def test_briefs_split_only_when_paragraphs_are_dated_leads_with_new_subjects(text, groups):
    out = _segment(documents_frame([text]))
    assert out["blocks"]["group"].to_list() == groups
    assert out["articles"].height == max(groups) + 1


_PAGE = (
    "Home\nWorld\nBusiness\nSign In\nBig storm hits the coast\nBy Jane Roe\n"
    "A storm hit the coast on Monday, cutting power to thousands of homes in the region.\n"
    "What happens next\n"
    "Rescue teams were still searching the flooded streets late on Tuesday evening, officials said.\n"
    "Most popular\nAnother headline about something else entirely\nThird story headline"
)


def test_menus_before_and_lists_after_the_densest_prose_run_are_not_article():
    assert _kinds(_PAGE) == [
        ("navigation", "Home"),
        ("navigation", "World"),
        ("navigation", "Business"),
        ("boilerplate", "Sign In"),
        ("title", "Big storm hits the coast"),
        ("boilerplate", "By Jane Roe"),  # a byline by its shape, wherever it stands
        ("article", "A storm hit the coast on Monday, cutting power to thousands of homes in the region."),
        ("article", "What happens next"),
        ("article", "Rescue teams were still searching the flooded streets late on Tuesday evening, officials said."),
        ("promo", "Most popular"),
        ("factbox", "Another headline about something else entirely"),
        ("factbox", "Third story headline"),
    ]


_PROSE = [
    f"{who} said on {day} that the flooded streets of the old town would stay closed for days."
    for who in ("The mayor", "A police spokeswoman", "The regional governor", "An army officer")
    for day in ("Monday", "Tuesday", "Wednesday")
]
_ONE_LINE_PAGE = " ".join(
    ["Home World Business Sign In Subscribe Video Sport Weather Markets Opinion Culture Travel Style", *_PROSE,
     "34 responses to “Floods” jane says: May 3, 2019 at 6:34 am Great story, thanks for the report."]
)  # fmt: skip


def test_a_page_dumped_on_one_line_is_cut_into_sentence_blocks_and_the_article_rejoined():
    kinds = _kinds(_ONE_LINE_PAGE)
    assert [k for k, _ in kinds] == ["navigation", "article", "boilerplate"]
    # The menu runs on into the first sentence (no full stop between them), which goes with it.
    assert kinds[0][1].endswith(_PROSE[0])
    assert kinds[1][1] == " ".join(_PROSE[1:])
    assert kinds[2][1].startswith("34 responses to")


def test_share_bars_and_credits_are_boilerplate_fragments_even_glued_into_a_one_line_page():
    bar = "Send Facebook Twitter Google+ WhatsApp Permalink https://example.org/p/2Wx5C"
    sign_off = "(Reporting by Jane Doe; Editing by John Smith)"
    page = " ".join([*_PROSE[:6], bar, *_PROSE[6:], sign_off])
    kinds = _kinds(page)
    assert [k for k, _ in kinds] == ["article", "boilerplate", "article", "boilerplate"]
    assert kinds[1][1] == bar and kinds[3][1] == sign_off
    assert kinds[0][1] == " ".join(_PROSE[:6]) and kinds[2][1] == " ".join(_PROSE[6:])
    lined = "\n".join(["By JANE DOE, Reuters", *_PROSE[:4], "Share: Facebook | Twitter | Email", *_PROSE[4:8]])
    assert [k for k, _ in _kinds(lined)] == ["boilerplate", *["article"] * 4, "boilerplate", *["article"] * 4]


def test_reader_comments_never_join_the_article():
    text = "\n".join([*_PROSE[:3], "12 Comments", *(["I think this is a fine and thoughtful report, really."] * 1),
                     "bob says: May 3, 2019 at 6:34 am The report was long and detailed, thank you."])  # fmt: skip
    out = _segment(documents_frame([text]))
    assert out["articles"]["text"].to_list() == ["\n\n".join(_PROSE[:3])]


def _seed(shared: Path, prefix: str) -> dict[str, pl.DataFrame]:
    path = next((shared / "seeds").glob(f"{prefix}_*.txt"))
    docs, _ = read_files(discover([path]))
    return _segment(docs)


def test_seed_000_is_one_article_with_fact_boxes_decoded_into_fragments(shared):
    out = _seed(shared, "000")
    assert out["articles"].height == 1
    text = out["articles"]["text"][0]
    assert "Mr Kirby" in text
    for box_text in ["Marie Curie", "Founder/CEO", "Rating:", "%3C", "Royal Rumble", "Total fights"]:
        assert box_text not in text
    boxes = out["fragments"].filter(pl.col("kind") == "factbox")["text"]
    assert boxes.str.contains("Sixteen boys").any() and not boxes.str.contains("%3C").any()


def test_seed_003_is_several_briefs(shared):
    arts = _seed(shared, "003")["articles"]["text"].to_list()
    assert len(arts) >= 5
    opening = arts[0]
    for other_story in ["Israel stepped up", "assault rifles", "Kharkiv", "Myanmar"]:
        assert other_story not in opening
    assert len({next(i for i, a in enumerate(arts) if s in a) for s in ["Israel", "rifles", "Kharkiv", "Myanmar"]}) == 4


def test_seed_004_is_one_titled_article_without_switcher_caption_or_promo(shared):
    arts = _seed(shared, "004")["articles"]
    assert arts.height == 1
    assert arts["title"][0].startswith("United States insists on")
    for noise in ["ua en ru", "(photo:", "you can read the article"]:
        assert noise not in arts["text"][0]


_WIRE = (
    "ACME TO SELL UNIT\n\n"
    "Acme Industries Inc said it\n"
    "agreed in principle to sell its metals unit to a group of\n"
    "investors for undisclosed terms.\n"
    "    The sale, expected to close by mid-April, is subject to\n"
    "certain conditions, including board approval.\n"
    " REUTER"
)


def test_a_hard_wrapped_wire_story_is_kept_whole_one_block_per_indented_paragraph():
    kinds = _kinds(_WIRE)
    assert kinds[0] == ("title", "ACME TO SELL UNIT")
    body = [text for kind, text in kinds if kind == "article"]
    assert body == [
        "Acme Industries Inc said it\nagreed in principle to sell its metals unit to a group of\ninvestors for undisclosed terms.",
        "The sale, expected to close by mid-April, is subject to\ncertain conditions, including board approval.",
    ]


_WIRE_NAMES = (
    "ACME FORMS UNIT\n"
    "The senior Republican on the U.S.\n"
    "Senate Trade Committee, Tomas Varga of Ruritania, Acme Corp\n"
    "and Westmark Holdings Ltd, called for repeal of the shipping\n"
    "law that he said hurts farmers.\n"
    "    Acme Freight Services Advisory Committee voted\n"
    "to form a unit, Acme Freight Services Corp, to carry grain\n"
    "and coal from the port, the company said.\n"
    " REUTER"
)


def test_lines_of_names_inside_a_wrapped_wire_paragraph_are_article_text():
    body = [text for kind, text in _kinds(_WIRE_NAMES) if kind == "article"]
    assert body == [
        "The senior Republican on the U.S.\nSenate Trade Committee, Tomas Varga of Ruritania, Acme Corp\n"
        "and Westmark Holdings Ltd, called for repeal of the shipping\nlaw that he said hurts farmers.",
        "Acme Freight Services Advisory Committee voted\nto form a unit, Acme Freight Services Corp, to carry grain\n"
        "and coal from the port, the company said.",
    ]


_CUT_OFF = (
    "Runner sets indoor mark\n\n"
    "The junior champion ran the third fastest indoor race of all time at the meeting on Saturday evening.\n\n"
    "She finished well clear of the rest of the field in the final. Only one athlete has gone quicker over "
    "the distance indoors, setting the record nine years ago. Her coach said the time showed what she could "
    "do in the summer. The winner of the mile was on course for a record through most of the race but faded. "
    "The Olympic silver medallist from\n\n"
    "- The coach said: \"She trained hard all winter. We always knew she had this in her, and the summer "
    "will show it.\" The federation will name its team next month.\n"
    "- Points to watch:\n\n"
    "The next meeting is in Birmingham on Sunday, where she is expected to run the shorter distance."
)


def test_a_paragraph_of_several_sentences_is_article_text_however_it_ends_or_is_bulleted():
    kinds = _kinds(_CUT_OFF)
    body = " ".join(text for kind, text in kinds if kind == "article")
    for kept in ["She finished well clear", "The Olympic silver medallist from", "She trained hard", "The next meeting"]:
        assert kept in body


def test_a_comments_button_in_a_share_bar_does_not_end_the_article():
    bar = ["Twitter", "Comments", "Print", "Email"]
    text = "\n".join([_PROSE[0], *bar, *_PROSE[1:6]])
    out = _segment(documents_frame([text]))
    assert out["articles"]["text"].to_list() == ["\n\n".join(_PROSE[:6])]


def test_a_comment_signed_over_its_posting_time_ends_the_article_and_a_quote_lead_does_not():
    signed = "\n".join([*_PROSE[:4], "Jane D. says:", "March 4, 2024 at 9:40 am", "Thanks for writing this up, it is a fine report."])
    assert _segment(documents_frame([signed]))["articles"]["text"].to_list() == ["\n\n".join(_PROSE[:4])]
    quoted = "\n".join([*_PROSE[:2], "The minister says:", *_PROSE[2:4]])
    assert _kinds(quoted)[2] == ("article", "The minister says:")


def test_tag_lists_and_links_to_neighbouring_posts_are_navigation():
    text = "\n".join([*_PROSE[:3], "Tags: Elections, Budget, Parliament", *_PROSE[3:5], "Next post: A story about a bridge"])
    kinds = dict((t, k) for k, t in _kinds(text))
    assert kinds["Tags: Elections, Budget, Parliament"] == "navigation"
    assert kinds["Next post: A story about a bridge"] == "navigation"


def test_the_sentences_of_a_one_line_page_are_never_a_hard_wrapped_paragraph():
    # Teaser headlines run on without full stops, lower-case enough not to read as a menu.
    menu = "Latest news council approves a budget for the new year ahead and the roads plan is delayed again " * 6
    page = menu + " ".join(_PROSE[:6])
    kinds = _kinds(page)
    assert not any(k == "article" and t.startswith("Latest news") for k, t in kinds)


def test_text_an_html_extractor_gave_keeps_the_lines_around_its_prose():
    # Lines after the densest run of prose: furniture in a plain-text dump, but the main text itself
    # when an extractor already cut the page down to it.
    text = (
        "Key facts\n\n"
        "The council of Strelsau voted on Monday to close the old bridge to all traffic for a year.\n\n"
        "The engineers said the repairs would cost more than the town had set aside for them.\n\n"
        "Bridge closed: March\nReopening: next spring\n"
    )
    plain = documents_frame([text])
    page = plain.with_columns(format=pl.lit("html"))
    kept_plain = _segment(plain)["articles"]["text"].str.join("\n").item()
    kept_page = _segment(page)["articles"]["text"].str.join("\n").item()
    assert "Reopening" not in kept_plain
    assert "Bridge closed: March" in kept_page and "Reopening: next spring" in kept_page
