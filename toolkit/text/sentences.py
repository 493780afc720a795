"""Sentences: exact character spans of the sentences of each article's `text`, vectorised.

The text is cut into pieces that tile it exactly: each piece runs lazily to terminal punctuation
(with closing quotes or brackets) followed by whitespace, or to a line break. Cumulative character
lengths of the pieces give exact offsets without byte/char conversion. A piece end is then a sentence
end unless it is a known abbreviation (titles, ranks, months, "No."/"Nr."), an initial ("J. K."), a
one-letter abbreviation ("z. B."), a dotted acronym ("U.S.", "e.g.", "p.m.") not followed by a
sentence opener, or the next piece opens in lower case ("“Why?” he asked."). Decimals ("3.5") never
end a piece: a piece needs whitespace after its full stop. A line break ends a sentence unless it
wraps a paragraph: a single break after at least 30 characters of running prose (two words in five
lower-case) that stop on a word, a comma or a hyphen, before a line that goes on with a word.
"""

from __future__ import annotations

import polars as pl

_CLOSERS = "[\"'”’“»«)\\]]*"
# French sets a closing guillemet off by a space: "« Nous partons. » Il est parti."
SENTENCE_PIECE = rf"(?s).*?(?:[.!?…]+{_CLOSERS}(?: »)?(?:\s+|$)|\n\s*|$)"
# Words after which a full stop does not end a sentence: titles and ranks precede names, and the
# rest are abbreviations followed by a number or a noun. English, then German, French and Spanish.
_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Mx|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Cpt|Maj|Adm|Cmdr|Cdr|Brig|Sen|Rep|Gov|Pres|Amb|Rev|Hon"
    "|Supt|Insp|Det|St|Mt|Ft|No|Nos|Art|Fig|Vol|Ch|Sec|vs|approx|cf|ca|dept|Dept|Univ"
    "|Nr|Str|bzw|vgl|ggf|evtl|inkl|zzgl|Hrsg|Jh|Abs|Tel|Mio|Mrd|Bd|Bde|geb|gest"
    "|Mme|Mlle|Mgr|env|av|Sra|Srta|Ud|Uds|Dña|Av|pág|núm"
)
# Abbreviations that often end a sentence too ("Apple Inc. The company ..."): weak ends.
_WEAK = (
    "Inc|Ltd|Corp|Co|Bros|Jr|Sr|etc|Mon|Tue|Tues|Wed|Thu|Thurs|Fri"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_TAIL = rf"\.{_CLOSERS}\s*$"
# A piece end that is not a sentence end: an abbreviation, a capital initial ("J."), or a dotted
# acronym ("U.S.", "e.g.").
_NO_BREAK = rf"(?:(?:^|[^\w])(?:{_ABBREVIATIONS}|{_WEAK})|(?:^|[^\w.])\p{{Lu}}|(?:^|[^\w])(?:\w\.)+\w){_TAIL}"
# A one-letter lower-case abbreviation followed by another ("z. B.", "d. h.", "u. a.").
_LETTER_PAIR_END = rf"(?:^|[^\w.])\p{{Ll}}{_TAIL}"
_LETTER_OPENING = r"^\p{L}\."
# An acronym, a weak abbreviation or a capital initial still ends a sentence before a sentence opener.
_WEAK_END = rf"(?:(?:^|[^\w])(?:(?:\w\.)+\w|{_WEAK})|(?:^|[^\w.])\p{{Lu}}){_TAIL}"
_SENTENCE_OPENER = (
    r"^[\"'“‘«(]*(?:The|He|She|It|They|We|I|You|But|In|On|A|An|This|That|These|Those|There|Its|His|Her"
    r"|Their|Our|Then|Now|So|However|Meanwhile|After|When|Some|Many|Both|Der|Die|Das|Er|Sie|Es|Wir"
    r"|Le|La|Les|Il|Elle|El|Los|Las)\s"
)
# A hard-wrapped line: prose ending in a word, a comma or a hyphen, then a single line break.
_WRAPPED_TAIL = r"[\p{L}\p{N},;)\-–]\n[ \t]*$"
_WRAPPED_MIN_CHARS = 30
# A lower-case continuation ("“Why?” he asked.", "approx. five") never opens a sentence.
_LOWER_OPENING = r"^[\"'“‘«(\[]*\p{Ll}"


def sentence_pieces(text: pl.Expr) -> pl.Expr:
    """The list of pieces that tile `text` (see the module docstring)."""
    return text.str.extract_all(SENTENCE_PIECE)


def sentences(articles_lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per sentence of each article's `text`: character spans, no surrounding whitespace."""
    piece, n = pl.col("piece"), pl.col("n")
    pieces = (
        articles_lf.select("article_id", sentence_pieces(pl.col("text")).alias("piece"))
        .explode("piece")
        .filter(piece.str.len_bytes() > 0)
        .with_columns(n=piece.str.len_chars().cast(pl.Int64))
        .with_columns(
            p_end=n.cum_sum().over("article_id"),
            lead=n - piece.str.strip_chars_start().str.len_chars().cast(pl.Int64),
            trail=n - piece.str.strip_chars_end().str.len_chars().cast(pl.Int64),
        )
        .filter(pl.col("lead") < n)  # whitespace-only pieces hold no sentence
    )
    nxt = piece.shift(-1).over("article_id")
    no_break = piece.str.contains(_NO_BREAK) & ~(
        piece.str.contains(_WEAK_END) & nxt.str.contains(_SENTENCE_OPENER).fill_null(False)
    )
    letter_pair = piece.str.contains(_LETTER_PAIR_END) & nxt.str.contains(_LETTER_OPENING).fill_null(False)
    glued = no_break | letter_pair | nxt.str.contains(_LOWER_OPENING).fill_null(False)
    # A line break ends a sentence, except inside a hard-wrapped paragraph (wire copy, e-mail, plain-text
    # archives): one line break after a line of running prose that stops without a sentence end.
    line_end = piece.str.contains(r"\n\s*$")
    words = piece.str.count_matches(r"\b\p{L}+").cast(pl.Int64)
    wrapped = (
        piece.str.contains(_WRAPPED_TAIL)
        & (piece.str.strip_chars().str.len_chars() >= _WRAPPED_MIN_CHARS)
        # Running prose, not a headline in title case: lower-case words are common in it.
        & (piece.str.count_matches(r"\b\p{Ll}").cast(pl.Int64) * 5 >= words * 2)
        & nxt.str.contains(r"^[\p{L}\p{N}\"'“‘(]").fill_null(False)
    )
    brk = (nxt.is_null() | (line_end & ~wrapped) | (~line_end & ~glued)).cast(pl.Int64)
    return (
        pieces.with_columns(brk=brk)
        .with_columns(
            sentence=pl.col("brk").cum_sum().over("article_id") - pl.col("brk"),
            start=pl.col("p_end") - n + pl.col("lead"),
            end=pl.col("p_end") - pl.col("trail"),
        )
        .group_by("article_id", "sentence", maintain_order=True)
        .agg(pl.col("start").first(), pl.col("end").last())
        .sort("article_id", "sentence")
    )


def with_sentence_counts(articles_lf: pl.LazyFrame, sentences_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Fill `n_sentences` of each article from a sentences frame (0 when it has none)."""
    counts = sentences_lf.group_by("article_id", maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("_n_sentences")
    )
    return (
        articles_lf.join(counts, on="article_id", how="left", maintain_order="left")
        .with_columns(n_sentences=pl.col("_n_sentences").fill_null(0))
        .drop("_n_sentences")
    )
