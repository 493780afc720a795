"""HTML main-text extraction measured on the Zyte article-extraction benchmark (181 real pages).

`../shared/corpora/scrapinghub_aeb/html/<sha256>.html.gz` are the raw pages and `ground-truth.json`
the human `articleBody` of each. Every candidate extractor turns each page into text, scored word by
word against the gold body (`toolkit.evaluate.text.word_prf`); precision, recall and F1 are averaged
over pages, and speed is pages per CPU-second of extraction alone (decoding excluded; CPU time, not
wall time, so a busy machine does not skew the comparison).
The toolkit's own reader path (`toolkit.io.webpages.extract_pages`) is one of the rows, and the last row
scores what a build keeps: that text after segmentation (`build_path`).
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from toolkit.io.encoding import decode_html
from toolkit.evaluate.text import word_prf

_CORPUS = Path("corpora/scrapinghub_aeb")
_WARM_UP = 3


def _trafilatura(**options) -> Callable[[str], str]:
    import trafilatura

    def run(html: str) -> str:
        return trafilatura.extract(html, include_comments=False, **options) or ""

    return run


def _resiliparse(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True, comments=False)


def _toolkit(html: str) -> str:
    from toolkit.io.webpages import extract_pages

    return extract_pages([html])[0].text or ""


def _combined(html: str) -> str:
    """resiliparse first; trafilatura when resiliparse finds next to nothing."""
    text = _resiliparse(html)
    return text if len(text.split()) >= 50 else _trafilatura()(html)


def _resiliparse_then_trafilatura(html: str) -> str:
    """trafilatura on resiliparse's main-content markup: 4x faster, but class names are gone, so
    cookie banners, captions and promos that trafilatura drops by class come through."""
    from resiliparse.extract.html2text import extract_plain_text

    markup = extract_plain_text(html, main_content=True, comments=False, preserve_formatting="minimal_html", links=True)
    return _trafilatura(favor_precision=True)(f"<html><body>{markup}</body></html>")


EXTRACTORS: dict[str, Callable[[str], str]] = {
    "trafilatura": _trafilatura(),
    "trafilatura favor_precision": _trafilatura(favor_precision=True),
    "trafilatura favor_recall": _trafilatura(favor_recall=True),
    "trafilatura favor_precision fast": _trafilatura(favor_precision=True, fast=True),
    "trafilatura fast": _trafilatura(fast=True),
    "resiliparse main_content": _resiliparse,
    "resiliparse, trafilatura if <50 words": _combined,
    "resiliparse markup, trafilatura favor_precision": _resiliparse_then_trafilatura,
    "toolkit.io.webpages": _toolkit,
}


def load_pages(shared: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Decoded HTML and gold article body per page key, both sorted by key."""
    corpus = shared / _CORPUS
    gold = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for key in sorted(gold):
        raw = gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes())
        pages[key] = decode_html(raw).text or ""
    return pages, {k: gold[k]["articleBody"] or "" for k in sorted(gold)}


def score(extract: Callable[[str], str], pages: dict[str, str], truth: dict[str, str]) -> dict:
    """Mean per-page word precision/recall/F1 of one extractor, median F1, failed pages, and pages/s."""
    for html in list(pages.values())[:_WARM_UP]:  # imports and caches are not the extractor's speed
        extract(html)
    started = time.process_time()
    predicted = {k: extract(html) for k, html in pages.items()}
    seconds = time.process_time() - started
    return _summary([word_prf(predicted[k], truth[k]) for k in pages], seconds)


def build_path(pages: dict[str, str], truth: dict[str, str]) -> dict:
    """The scores of the text a build keeps of each page: the reader's extraction, then segmentation of
    the whole batch as HTML documents (`toolkit.text.segment`, which keeps every line an extractor gave
    but furniture by its shape), the article bodies joined; pages/s of both steps together."""
    from toolkit.evaluate.text import dump_documents, predicted_bodies
    from toolkit.io.webpages import extract_pages

    keys = list(pages)
    started = time.process_time()
    texts = {k: p.text or "" for k, p in zip(keys, extract_pages([pages[k] for k in keys]), strict=True)}
    docs = dump_documents(texts, "html").with_columns(format=pl.lit("html"))
    bodies, _ = predicted_bodies(docs)
    seconds = time.process_time() - started
    return _summary([word_prf(bodies[k], truth[k]) for k in keys], seconds)


def _summary(scores: list[tuple[float, float, float]], seconds: float) -> dict:
    """Pages, mean precision, recall and F1, median F1, pages below 0.5 and pages/s of per-page scores."""
    n = len(scores)
    return {
        "pages": n,
        "precision": sum(s[0] for s in scores) / n,
        "recall": sum(s[1] for s in scores) / n,
        "f1": sum(s[2] for s in scores) / n,
        "f1_median": sorted(s[2] for s in scores)[n // 2],
        "pages_f1_below_0.5": sum(s[2] < 0.5 for s in scores),
        "pages_per_s": n / seconds if seconds else float("inf"),
    }


def evaluate_extractors(shared: Path, names: list[str] | None = None) -> pl.DataFrame:
    """One row per extractor: pages, mean precision, recall, F1, median F1, pages below 0.5, pages/s; and
    a last row for what a build keeps (`build_path`)."""
    pages, truth = load_pages(shared)
    rows = [{"extractor": name, **score(EXTRACTORS[name], pages, truth)} for name in names or EXTRACTORS]
    if names is None:
        rows.append({"extractor": "build: toolkit.io.webpages, then segmentation", **build_path(pages, truth)})
    return pl.DataFrame(rows)


def main(shared: Path | None = None) -> int:
    """Print the per-extractor table; `shared` defaults to ../shared next to the checkout."""
    shared = Path(shared) if shared else Path(__file__).resolve().parents[3] / "shared"
    with pl.Config(tbl_rows=-1, float_precision=3, tbl_hide_dataframe_shape=True, fmt_str_lengths=60):
        print(evaluate_extractors(shared))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
