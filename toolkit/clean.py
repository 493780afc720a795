"""Cleaning: normalise raw document text, and decode URL-encoded HTML fact boxes into plain text.

Normalisation keeps every visible character and the document's line structure: it rewrites line
ends, spaces and Unicode composition, deletes only invisible zero-width characters and the spaces
that end a line, and keeps leading and trailing blank lines (so the text still lines up with the
raw input). Everything here is a whole-column polars expression; nothing runs per row in Python.
"""

from __future__ import annotations

import html.entities

import polars as pl

# Unicode line and paragraph separators and NEL end a line like "\n" does.
_LINE_BREAKS = r"\r\n|[\r\x{2028}\x{2029}\x{85}]"
# Tabs, vertical tab, form feed and every Unicode space separator other than " " (Zs category).
_SPACES = r"[\t\x0B\x0C\x{A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]"
# Zero-width space, non-joiner, joiner, word joiner and BOM carry no visible text.
_ZERO_WIDTH = r"[\x{200B}-\x{200D}\x{2060}\x{FEFF}]"


def normalize_text(expr: pl.Expr) -> pl.Expr:
    """NFC text with "\\n" line ends and plain spaces; drops zero-width chars and line-final spaces.

    Idempotent. NFC runs last because deleting a zero-width char can join a base letter to a
    combining mark; NFC itself never produces the characters the earlier steps remove.
    """
    return (
        expr.str.replace_all(_LINE_BREAKS, "\n")
        .str.replace_all(_ZERO_WIDTH, "")
        .str.replace_all(_SPACES, " ")
        .str.replace_all(r"(?m) +$", "")
        .str.normalize("NFC")
    )


def clean_documents(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Add `text` (normalised `raw_text`, null for rejected documents) and its length `n_chars`."""
    text = normalize_text(pl.col("raw_text"))
    return lf.with_columns(text=text).with_columns(n_chars=pl.col("text").str.len_chars().cast(pl.Int64))


# --- URL decoding -------------------------------------------------------------------------------
# A run of %XX escapes that spell well-formed UTF-8 (RFC 3629 table 3-7), so that decoding the run
# as bytes always yields valid text. Escapes outside such a run (%E9 from Latin-1, %00) are kept
# verbatim rather than guessed at: nothing is lost, and the box can still be read.
_H = "[0-9A-Fa-f]"
_C = f"%[89ABab]{_H}"
_UTF8_CHAR = "|".join(
    [
        f"%0[1-9A-Fa-f]|%[1-7]{_H}",
        f"%(?:[Cc][2-9A-Fa-f]|[Dd]{_H}){_C}",
        f"%[Ee]0%[ABab]{_H}{_C}",
        f"%[Ee][1-9A-Ca-cEeFf]{_C}{_C}",
        f"%[Ee][Dd]%[89]{_H}{_C}",
        f"%[Ff]0%(?:9|[ABab]){_H}{_C}{_C}",
        f"%[Ff][1-3]{_C}{_C}{_C}",
        f"%[Ff]4%8{_H}{_C}{_C}",
    ]
)
_URL_TOKEN = f"(?:{_UTF8_CHAR})+|[^%]+|%"


def url_decode(expr: pl.Expr) -> pl.Expr:
    """Percent-decode (like urllib.parse.unquote, "+" kept); escapes that are not UTF-8 stay as typed."""
    tok = pl.element()
    is_run = tok.str.starts_with("%") & (tok.str.len_bytes() >= 3)
    # Only well-formed runs reach the decoder (other tokens become ""), so the cast cannot fail.
    hex_digits = pl.when(is_run).then(tok.str.replace_all("%", "", literal=True)).otherwise(pl.lit(""))
    decoded = hex_digits.str.decode("hex").cast(pl.String)
    tokens = expr.str.extract_all(_URL_TOKEN)
    return tokens.list.eval(pl.when(is_run).then(decoded).otherwise(tok)).list.join("")


# --- HTML to text -------------------------------------------------------------------------------
_BREAK_TAGS = r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote)\s*>"
# The 252 HTML 4 entities plus &apos; cover what news markup uses; the full HTML5 table (2,125 names)
# made every decode several times slower. Names outside the table stay as typed.
_NAMED = {f"&{k};": chr(v) for k, v in sorted({**html.entities.name2codepoint, "apos": 39}.items())}
_ENTITY_TOKEN = r"&#[0-9]{1,7};|&#[xX][0-9A-Fa-f]{1,6};|&[A-Za-z][A-Za-z0-9]*;|[^&]+|&"
_HEX = pl.lit("0123456789ABCDEF")


def _hex_byte(b: pl.Expr) -> pl.Expr:
    return pl.concat_str(_HEX.str.slice(b // 16, 1), _HEX.str.slice(b % 16, 1))


def _code_point_to_text(cp: pl.Expr) -> pl.Expr:
    """The character of a code point, via its UTF-8 bytes; null for surrogates, 0 and > U+10FFFF."""
    valid = (cp > 0) & (cp <= 0x10FFFF) & ~cp.is_between(0xD800, 0xDFFF)
    # Invalid code points are swapped for "?" before encoding so the UTF-8 cast never fails.
    cp = pl.when(valid).then(cp).otherwise(pl.lit(0x3F))
    cont = lambda shift: _hex_byte(0x80 + (cp // (1 << shift)) % 64)  # noqa: E731
    hex_bytes = (
        pl.when(cp < 0x80)
        .then(_hex_byte(cp))
        .when(cp < 0x800)
        .then(pl.concat_str(_hex_byte(0xC0 + cp // 64), cont(0)))
        .when(cp < 0x10000)
        .then(pl.concat_str(_hex_byte(0xE0 + cp // 4096), cont(6), cont(0)))
        .otherwise(pl.concat_str(_hex_byte(0xF0 + cp // 262144), cont(12), cont(6), cont(0)))
    )
    return pl.when(valid).then(hex_bytes.str.decode("hex").cast(pl.String))


def html_unescape(expr: pl.Expr) -> pl.Expr:
    """Replace HTML5 named (";"-terminated) and numeric entities in one pass, so "&amp;lt;" gives "&lt;"."""
    tok = pl.element()
    number = (
        pl.when(tok.str.starts_with("&#x") | tok.str.starts_with("&#X"))
        .then(tok.str.slice(3).str.strip_chars_end(";").str.to_integer(base=16, strict=False))
        .otherwise(tok.str.slice(2).str.strip_chars_end(";").str.to_integer(base=10, strict=False))
    )
    # A one-item inner list makes the code point a plain element reference: the UTF-8 arithmetic
    # uses it a dozen times, and inlining the parse each time made the plan several times larger.
    char = pl.concat_list(number).list.eval(_code_point_to_text(pl.element())).list.first()
    named = tok.replace(pl.Series(list(_NAMED)), pl.Series(list(_NAMED.values())))
    return (
        expr.str.extract_all(_ENTITY_TOKEN)
        .list.eval(
            pl.when(tok.str.starts_with("&#"))
            .then(char.fill_null(tok))
            .when(tok.str.starts_with("&"))
            .then(named)
            .otherwise(tok)
        )
        .list.join("")
    )


def decode_factbox(expr: pl.Expr) -> pl.Expr:
    """Plain text of a URL-encoded HTML box: tags dropped, one line per paragraph/<br>, spaces collapsed."""
    text = url_decode(expr).str.replace_all(_BREAK_TAGS, "\n").str.replace_all(r"<[^>]*>", "")
    return (
        normalize_text(html_unescape(text))
        .str.replace_all(r" {2,}", " ")
        .str.replace_all(r" ?\n[ \n]*", "\n")
        .str.strip_chars(" \n")
    )
