"""Hypothesis strategies for messy news text, shared by every test module.

Lines (each draws one line without its line end):
  prose_lines()      1-2 sentences of 8+ words: “curly quotes”, é/ü/ł, dashes, Mr/U.S./3.5; end . ! ? ”
  title_lines        short capitalised lines without a final full stop
  list_lines         "- Item" fact-box list entries
  key_value_lines    "Key: value" fact-box entries
  url_encoded_lines  percent-encoded HTML boxes ("%3Cp%3E..."), made by `encode_factbox`
  switcher_lines     language switchers ("ua en ru", "en | fr | de")
  caption_lines      "(photo: Getty Images)", "Photo: Reuters", bare agency credits
  promo_lines        "Read more: ...", "... – in pictures"
  menu_lines         short Title Case menu entries ("World", "Sign In", "Most popular")
  page_lines         a whole page dumped on one line (menu words, prose sentences, reader comments),
                     longer than the segmenter's long-line limit
Texts:
  documents()        a raw scraped document: the lines above mixed with blank lines, CRLF/CR line
                     ends, NBSP, tabs, zero-width characters, padding, and sometimes a title repeated
                     with a photo caption (what read.py hands to clean.py)
  messy_text         short arbitrary text over an alphabet full of whitespace and composition traps
  factbox_texts      NFC plain text as `decode_factbox` returns it; `encode_factbox` inverts it
Frames:
  documents_frame(texts, titles=None)  a documents frame (read.py's contract) of accepted .txt docs
  document_frames                      a documents frame of 1-4 `documents()`
"""

from __future__ import annotations

import html
import unicodedata
import urllib.parse

import polars as pl
from hypothesis import strategies as st

from toolkit.contract.ids import sha256_hex, stable_id_py
from toolkit.io.read import DOCUMENTS_SCHEMA

_LOWER = ["said", "the", "of", "military", "talks", "café", "über", "naïve", "weapons", "and", "with",
          "officials", "région", "łódź", "on", "in", "a", "3.5", "20,000", "co-operation", "it’s"]  # fmt: skip
_NAMES = ["Mr Kirby", "Ms Nowak", "Dr Émile", "U.S.", "Kyiv", "Zoë", "Seoul", "Gen. Park", "Ana"]
_OPEN_QUOTES = ["", "", "", "“", '"', "‘"]

words = st.sampled_from(_LOWER)
names = st.sampled_from(_NAMES)
_vocabulary = st.sampled_from(_LOWER + _NAMES)


@st.composite
def prose_lines(draw: st.DrawFn) -> str:
    """A prose paragraph of one or two sentences, each of 8+ words."""
    sentences = []
    for _ in range(draw(st.integers(1, 2))):
        body = draw(st.lists(_vocabulary, min_size=7, max_size=12))
        quote = draw(st.sampled_from(_OPEN_QUOTES))
        dash = draw(st.sampled_from(["", " – ", " — "]))
        text = f"{draw(names)} {' '.join(body[:4])}{dash or ' '}{' '.join(body[4:])}"
        end = draw(st.sampled_from([".", "!", "?", "."]))
        close = {"“": "”", '"': '"', "‘": "’"}.get(quote, "")
        sentences.append(f"{quote}{text}{end}{close}")
    return " ".join(sentences)


title_lines = st.builds(
    lambda ws, name: f"{name} {' '.join(ws)}".strip(), st.lists(words, min_size=1, max_size=6), names
)
list_lines = st.builds(lambda w: f"- {w.capitalize()}", words)
key_value_lines = st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["Director", "Rating", "Wins", "Based"]),
                            st.one_of(words, names))  # fmt: skip
switcher_lines = st.sampled_from(["ua en ru", "en | fr | de", "EN RU"])
caption_lines = st.sampled_from(["(photo: Getty Images)", "Photo: Reuters", "Getty Images", "Image: AFP/EPA"])
promo_lines = st.sampled_from(["Read more: the latest", "Ukraine war latest – in pictures"])
menu_lines = st.sampled_from(["World", "Business News", "Sign In", "Most popular", "Home", "Video & Audio"])
_MENU_WORDS = ["Home", "World", "Business", "Sign In", "Subscribe", "Video", "Sport", "Weather", "U.S."]
_COMMENT = "34 responses to “Talks” jane says: May 3, 2019 at 6:34 am Great story."
page_lines = st.builds(
    lambda menu, prose, comment: " ".join([*menu, *prose, *([_COMMENT] if comment else [])]),
    st.lists(st.sampled_from(_MENU_WORDS), min_size=10, max_size=30),
    st.lists(prose_lines(), min_size=6, max_size=10),
    st.booleans(),
)


def encode_factbox(text: str) -> str:
    """The URL-encoded HTML a scraper leaves for a plain-text box: one <p> per line, percent-escaped."""
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n"))
    return urllib.parse.quote(body, safe="")


# Text a decoded box can hold: no control characters, single spaces, no blank or padded lines.
_BOX_CHARS = st.characters(codec="utf-8", categories=("L", "N", "P", "S"), exclude_characters="\x7f")
_box_line = st.lists(st.text(_BOX_CHARS, min_size=1, max_size=8), min_size=1, max_size=5).map(" ".join)
# NFC text only: cleaning composes characters, so a decomposed box could not round-trip.
factbox_texts = st.lists(_box_line, min_size=1, max_size=4).map("\n".join).filter(
    lambda t: unicodedata.normalize("NFC", t) == t
)
url_encoded_lines = factbox_texts.map(encode_factbox)

_TRAPS = "\r\n\t \u00a0\u2009\u3000\u200b\u200d\ufeff\u2028\u0301\u0308e\u00e9“”–—’"
messy_text = st.text(st.one_of(st.sampled_from(list(_TRAPS)), st.characters(codec="utf-8")), max_size=60)

_line = st.one_of(
    prose_lines(), prose_lines(), prose_lines(), title_lines, list_lines, key_value_lines,
    url_encoded_lines, switcher_lines, caption_lines, promo_lines, menu_lines, page_lines, st.just(""),
)  # fmt: skip


@st.composite
def documents(draw: st.DrawFn, min_lines: int = 1, max_lines: int = 10) -> str:
    """A raw scraped document: mixed lines, messy whitespace, any line-end convention."""
    lines = draw(st.lists(_line, min_size=min_lines, max_size=max_lines))
    mess = st.sampled_from(["", "", "", " ", "\t", "\u00a0", "  ", "\u200b"])
    lines = [f"{draw(mess)}{line}{draw(mess)}" for line in lines]
    if draw(st.booleans()) and lines:  # a title repeated with a photo caption, as scrapers leave it
        lines.insert(1, f"{lines[0].strip()} Jane Roe, a minister (photo: Getty Images)")
    sep = draw(st.sampled_from(["\n", "\n", "\r\n", "\n\n", "\r"]))
    text = sep.join(lines)
    if not text.strip():
        text += "Fallback line"
    return text


def documents_frame(texts: list[str], titles: list[str | None] | None = None) -> pl.DataFrame:
    """A documents frame (read.py's contract) with one accepted .txt document per raw text."""
    titles = titles or [None] * len(texts)
    rows = []
    for i, (text, title) in enumerate(zip(texts, titles, strict=True)):
        raw, source = text.encode("utf-8"), f"doc{i:05d}.txt"
        digest = sha256_hex(raw)
        rows.append({
            "doc_id": stable_id_py(source, digest, prefix="document"), "source": source, "format": "txt",
            "sha256": digest, "n_bytes": len(raw), "encoding": "utf-8", "status": "ok", "external_id": None,
            "url": None, "title": title, "published_at": None, "raw_text": text, "n_chars": None,
        })  # fmt: skip
    return pl.DataFrame(rows, schema=DOCUMENTS_SCHEMA)


document_frames = st.lists(documents(), min_size=1, max_size=4).map(documents_frame)
