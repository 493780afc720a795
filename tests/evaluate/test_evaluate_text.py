"""Claims about the article-text measurement against the Zyte benchmark's whole-page dumps."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.evaluate.text import CONVERTERS, dump_documents, evaluate_dumps, evaluate_pages, gold_body, word_prf
from toolkit.io.read import DOCUMENTS_SCHEMA

# Mean word F1 per converter reached by the segmenter, minus a small margin. jusText has already
# dropped part of each article (keeping all of its text scores 0.73), so its ceiling is low.
F1_FLOOR = {"html-text": 0.86, "inscriptis": 0.85, "beautifulsoup": 0.78, "html2text": 0.85, "justext": 0.71}


@pytest.mark.parametrize(
    ("predicted", "truth", "expected"),
    [
        ("The cat sat.", "the cat sat", (1.0, 1.0, 1.0)),
        ("", "", (1.0, 1.0, 1.0)),
        ("", "some words", (1.0, 0.0, 0.0)),
        ("some words", "", (0.0, 1.0, 0.0)),
        ("a b c d", "a b x", (0.5, 2 / 3, 4 / 7)),
        ("the the the", "the cat", (1 / 3, 1 / 2, 0.4)),
        ("Hello, World! — 3.5", "hello world 3 5", (1.0, 1.0, 1.0)),
        ("Ünïcode café", "ünïcode CAFÉ", (1.0, 1.0, 1.0)),
    ],
    ids=["same words", "both empty", "nothing predicted", "nothing to find", "partial", "multiset",
         "case and punctuation", "non-ascii"],  # fmt: skip
)
def test_word_prf_scores_the_multiset_of_lowercase_words(predicted, truth, expected):
    assert word_prf(predicted, truth) == pytest.approx(expected)


def test_word_prf_is_symmetric_in_f1_and_swaps_precision_and_recall():
    p, r, f = word_prf("one two three four", "two four five")
    assert word_prf("two four five", "one two three four") == pytest.approx((r, p, f))


def test_dump_documents_follow_the_documents_contract_in_key_order():
    docs = dump_documents({"b": "second page", "a": "first page"}, "html-text")
    assert docs.schema == DOCUMENTS_SCHEMA
    assert docs["external_id"].to_list() == ["a", "b"]
    assert docs["doc_id"].n_unique() == 2
    assert docs["source"].to_list() == ["html-text/a.txt", "html-text/b.txt"]


def test_segmenter_keeps_article_text_of_whole_page_dumps(shared):
    table = evaluate_dumps(shared)
    assert table["converter"].to_list() == list(CONVERTERS)
    assert (table["pages"] == 181).all()
    scores = dict(zip(table["converter"], table["f1"], strict=True))
    for converter, floor in F1_FLOOR.items():
        assert scores[converter] >= floor, (converter, scores[converter])


HELD_OUT = Path(__file__).resolve().parents[1] / "text" / "heldout"


def test_gold_body_is_the_article_body_without_figures_asides_tables_and_ads():
    html = (
        '<html><body><nav>Home News</nav><div itemprop="articleBody"><p>First paragraph.</p>'
        "<figure><figcaption>A caption</figcaption></figure><aside>Read more: elsewhere</aside>"
        '<div class="ad-slot">Advertisement</div><table><tr><td>1</td></tr></table>'
        "<p>Second <b>paragraph</b>.</p></div><footer>© 2024</footer></body></html>"
    )
    assert gold_body(html).split() == ["First", "paragraph.", "Second", "paragraph", "."]
    assert gold_body("<html><body><p>no marked body</p></body></html>") == ""


def test_held_out_pages_are_scored_with_every_installed_converter():
    pytest.importorskip("justext")
    table = evaluate_pages(HELD_OUT)
    assert "justext" in table["converter"].to_list()
    assert (table["pages"] == len(list(HELD_OUT.glob("*.html")))).all()
    assert (table["f1"] > 0.5).all()
