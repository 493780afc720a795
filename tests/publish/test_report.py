"""The visual report is self-contained, deterministic, escapes text, and survives empty tables."""

from datetime import date

import polars as pl

from toolkit.publish.report import report_html
from toolkit.contract.schema import TABLES, empty_frame


def _tables(**frames):
    return {t: frames.get(t, empty_frame(t)) for t in TABLES}


def _events(rows):
    base = empty_frame("events")
    return pl.DataFrame(
        [{**{c: None for c in base.columns}, **r} for r in rows], schema=base.schema
    )


def test_report_of_an_empty_dataset_renders_every_section_as_empty():
    html = report_html(_tables(), "Empty")
    assert html.startswith("<!doctype html>") and html.count("<section>") == 9
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org", "")


def test_report_counts_roots_dyads_and_fills_month_gaps():
    events = _events(
        [
            {"root_code": "19", "source_code": "RUS", "target_code": "UKR", "modality": "asserted", "event_date": date(2024, 1, 5)},
            {"root_code": "19", "source_code": "RUS", "target_code": "UKR", "modality": "asserted", "event_date": date(2024, 3, 1)},
        ]
    )
    html = report_html(_tables(events=events), "T")
    assert "19 FIGHT" in html and "RUS → UKR" in html
    assert "2024-02: 0" in html  # the empty month between two dated events is shown, not skipped


def test_report_escapes_labels_and_is_deterministic():
    events = _events([{"root_code": "11", "source_code": "<b>", "target_code": "X&Y", "modality": "asserted"}])
    first = report_html(_tables(events=events), "A <title>")
    assert "<b>" not in first.split("<body>")[1] and "&lt;b&gt;" in first
    assert report_html(_tables(events=events), "A <title>") == first
