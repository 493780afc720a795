"""Claims about the HTML extractor's quality on the Zyte benchmark's 181 real pages (developers' ../shared only)."""

from __future__ import annotations

from toolkit.evaluate.html import evaluate_extractors

# Measured mean word F1 of toolkit.io.webpages on the 181 pages: 0.965 (P 0.964, R 0.975), minus a margin
# for extractor upgrades; a real regression (menus kept, paragraphs lost) falls well below.
F1_FLOOR = 0.95
PRECISION_FLOOR = 0.95


def test_toolkit_html_extraction_keeps_its_measured_word_f1(shared):
    row = evaluate_extractors(shared, ["toolkit.io.webpages"]).row(0, named=True)
    assert row["pages"] == 181
    assert row["f1"] >= F1_FLOOR, row
    assert row["precision"] >= PRECISION_FLOOR, row
