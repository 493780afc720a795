"""Article-text extraction measured on the Zyte article-extraction benchmark's whole-page text dumps.

`../shared/corpora/scrapinghub_aeb/fulltext_dumps/<converter>.json` hold the text five converters
(html-text, inscriptis, BeautifulSoup, html2text, jusText) made of 181 pages, menus and footers
included; `ground-truth.json` holds the human article body of each page. Each dump runs through the
toolkit's real path (documents -> clean -> blocks -> articles) and the body text of its articles
(titles left out: the gold `articleBody` has none) is scored against the gold body word by word.

`--pages DIR` runs the same measure on HTML pages that no rule was tuned on: each `*.html` page is
flattened with whichever of the five converters are installed (they are not dependencies of the
toolkit), and its gold body is the text of its `itemprop="articleBody"` element without the figures,
asides, tables and ad slots inside it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

import polars as pl

from toolkit.text import clean, segment
from toolkit.contract.ids import sha256_hex, stable_id_py
from toolkit.io.read import DOCUMENTS_SCHEMA

CONVERTERS = ("html-text", "inscriptis", "beautifulsoup", "html2text", "justext")
_CORPUS = Path("corpora/scrapinghub_aeb")
_TOKEN = re.compile(r"\w+")


def word_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the multiset of lowercase `\\w+` words of `predicted` against `truth`.

    Empty cases: both empty is a perfect (1, 1, 1); predicting nothing for a non-empty truth scores
    precision 1 (nothing wrong was said), recall 0; predicting words for an empty truth scores
    precision 0, recall 1. F1 is 0 whenever precision + recall is 0.
    """
    pred = Counter(_TOKEN.findall(predicted.lower()))
    gold = Counter(_TOKEN.findall(truth.lower()))
    n_pred, n_gold = sum(pred.values()), sum(gold.values())
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    overlap = sum((pred & gold).values())
    precision = overlap / n_pred if n_pred else 1.0
    recall = overlap / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def dump_documents(texts: dict[str, str], converter: str) -> pl.DataFrame:
    """A documents frame (read.py's contract) with one accepted document per page of a dump."""
    rows = []
    for key in sorted(texts):
        raw = texts[key]
        digest = sha256_hex(raw.encode("utf-8"))
        source = f"{converter}/{key}.txt"
        rows.append({
            "doc_id": stable_id_py(source, digest, prefix="document"), "source": source, "format": "txt",
            "sha256": digest, "n_bytes": len(raw.encode("utf-8")), "encoding": "utf-8", "status": "ok",
            "external_id": key, "url": None, "title": None, "published_at": None, "raw_text": raw,
            "n_chars": None,
        })  # fmt: skip
    return pl.DataFrame(rows, schema=DOCUMENTS_SCHEMA)


def predicted_bodies(docs: pl.DataFrame) -> tuple[dict[str, str], float]:
    """Article body text per `external_id` (articles joined by blank lines) and the seconds it took."""
    started = time.perf_counter()
    cleaned = docs.lazy().pipe(clean.clean_documents).collect()
    blocks = segment.blocks(cleaned.lazy()).collect()
    arts = segment.articles(blocks.lazy(), cleaned.lazy()).collect()
    seconds = time.perf_counter() - started
    bodies = (
        arts.sort("doc_id", "position")
        .group_by("doc_id", maintain_order=True)
        .agg(pl.col("text").str.join("\n\n"))
        .join(docs.select("doc_id", "external_id"), on="doc_id")
    )
    out = {key: "" for key in docs["external_id"]}
    out.update(zip(bodies["external_id"], bodies["text"], strict=True))
    return out, seconds


def evaluate_dumps(shared: Path) -> pl.DataFrame:
    """Per converter: pages, mean word precision/recall/F1 over pages, and pages/s of clean+segment."""
    corpus = shared / _CORPUS
    truth = {k: v["articleBody"] for k, v in json.loads((corpus / "ground-truth.json").read_text()).items()}
    rows = []
    for converter in CONVERTERS:
        output = json.loads((corpus / "fulltext_dumps" / f"{converter}.json").read_text())["output"]
        texts = {k: output[k]["articleBody"] or "" for k in sorted(truth) if k in output}
        rows.append(_scored(converter, texts, truth))
    return pl.DataFrame(rows)


def _scored(converter: str, texts: dict[str, str], truth: dict[str, str]) -> dict:
    """One converter's row: pages, mean word precision/recall/F1 of the kept article text, pages/s."""
    predicted, seconds = predicted_bodies(dump_documents(texts, converter))
    scores = [word_prf(predicted[k], truth[k]) for k in sorted(texts)]
    return {
        "converter": converter, "pages": len(scores),
        "precision": sum(s[0] for s in scores) / len(scores),
        "recall": sum(s[1] for s in scores) / len(scores),
        "f1": sum(s[2] for s in scores) / len(scores),
        "pages_per_s": len(scores) / seconds if seconds else float("inf"),
    }  # fmt: skip


_NOT_BODY = frozenset({"figure", "aside", "table", "script", "style", "form"})


def gold_body(html: str) -> str:
    """The text of a page's `itemprop="articleBody"` element, less its figures, asides, tables and ads."""
    import lxml.html

    root = lxml.html.fromstring(html)
    body = root.xpath('//*[@itemprop="articleBody"]')
    if not body:
        return ""
    for node in body[0].xpath(".//*"):
        is_ad = "ad" in (node.get("class") or "").replace("-", " ").split()
        if (node.tag in _NOT_BODY or is_ad) and node.getparent() is not None:
            node.drop_tree()
    return "\n".join(t.strip() for t in body[0].itertext() if t.strip())


def _html_text(html: str, lang: str) -> str:
    import html_text

    return html_text.extract_text(html)


def _inscriptis(html: str, lang: str) -> str:
    import inscriptis

    return inscriptis.get_text(html)


def _beautifulsoup(html: str, lang: str) -> str:
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())


def _html2text(html: str, lang: str) -> str:
    import html2text

    return html2text.html2text(html)


def _justext(html: str, lang: str) -> str:
    import justext

    stoplist = justext.get_stoplist({"de": "German", "fr": "French", "es": "Spanish"}.get(lang, "English"))
    paragraphs = justext.justext(html.encode("utf-8"), stoplist)
    return " ".join(p.text for p in paragraphs if not p.is_boilerplate)


# Converter name -> (the module it needs, `(html, language) -> text` the way the benchmark's dumps
# were made: BeautifulSoup and jusText output on one line).
_CONVERTERS: dict[str, tuple[str, Callable[[str, str], str]]] = {
    "html-text": ("html_text", _html_text),
    "inscriptis": ("inscriptis", _inscriptis),
    "beautifulsoup": ("bs4", _beautifulsoup),
    "html2text": ("html2text", _html2text),
    "justext": ("justext", _justext),
}


def _converters() -> dict[str, Callable[[str, str], str]]:
    """The whole-page converters that are installed."""
    return {name: convert for name, (module, convert) in _CONVERTERS.items() if importlib.util.find_spec(module)}


def evaluate_pages(folder: Path) -> pl.DataFrame:
    """Per installed converter: the word precision/recall/F1 of the article text kept from the
    flattened `*.html` pages of `folder`, against the gold body of each page."""
    pages = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))}
    truth = {k: gold_body(html) for k, html in pages.items()}
    langs = {k: (re.search(r'<html[^>]*\blang="([a-z]{2})', html) or [None, "en"])[1] for k, html in pages.items()}
    rows = []
    for converter, flatten in _converters().items():
        texts = {k: flatten(html, langs[k]) for k, html in pages.items()}
        rows.append(_scored(converter, texts, truth))
    return pl.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Print the per-converter table; the shared folder is the first argument (default ../shared),
    or `--pages DIR` for a folder of HTML pages."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--pages"] and len(argv) == 2:
        table = evaluate_pages(Path(argv[1]))
    else:
        shared = Path(argv[0]) if argv else Path(__file__).resolve().parents[3] / "shared"
        table = evaluate_dumps(shared)
    with pl.Config(tbl_rows=-1, float_precision=3, tbl_hide_dataframe_shape=True):
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
