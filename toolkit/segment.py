"""Segmentation: document text -> classified blocks -> articles, fragments and sentences.

Baseline heuristics, one line = one block (every scraped dump we have puts a paragraph on a line):
  factbox      a URL-encoded line (decoded into `decoded`), the short title line just before one, and
               every non-noise line after the last prose line (lists, "key: value", short labels);
  navigation   a line of 2-letter language codes ("ua en ru") or a "A | B | C" menu;
  duplicate    a line equal to an earlier line (or to the JSONL title), or a line that starts with the
               previous line and continues with a caption (split into duplicate + caption blocks);
  caption      "(photo: ...)", "Photo: ...", short agency credits ("Getty Images");
  promo        "Read more", "... in pictures", "you can read the article by";
  boilerplate  cookie, subscribe, copyright and share lines;
  title        a short first content line without a final full stop, followed by prose;
  article      prose (>= 8 words ending . ! ? or a closing quote) and the short lines between prose
               (subheadings, bylines).
Briefs: a document is read as a list of briefs when it has 3+ prose paragraphs, no title and no
subheadings, no paragraph opens with a pronoun or a quotation ("He ...", "“..."), and at least half of
its paragraphs open with a dated lead sentence ("... on Friday", "last month"). In such a document a
paragraph starts a new article when the first capitalised word of its opening (its subject, e.g.
"Israel") appears in none of the three previous paragraphs, unless it opens like a continuation
("The two leaders also ..."). Known weak spots: hard-wrapped paragraphs become one block per line;
briefs without dates, or whose subject was named in a neighbouring brief, are not split.
"""

from __future__ import annotations

import polars as pl

from toolkit.clean import decode_factbox
from toolkit.ids import sha256_expr, stable_id

KINDS = ("title", "article", "factbox", "boilerplate", "caption", "navigation", "promo", "duplicate")
_CLOSE = "[\"'”’)\\]]*"
# Prose ends a sentence: terminal punctuation (then closing quotes/brackets), or a closing quote.
_PROSE_END = rf"(?:[.!?…]{_CLOSE}|[\"”’])$"
_PROSE_MIN_WORDS = 8
_TITLE_MAX_WORDS = 25
_BOX_TITLE_MAX_WORDS = 10
_NOISE_MAX_WORDS = 40  # boilerplate patterns only count on lines this short
_URL_ESCAPE = r"%[0-9A-Fa-f]{2}"
# Two-letter codes with spaces or separators between them ("ua en ru", "EN | FR"; not "EXPATS").
_NAVIGATION = r"(?i)^[a-z]{2}(?:\s*[|/·•,]\s*[a-z]{2}|\s+[a-z]{2})+$|^(?:[^|]{1,30}\|){2,}[^|]{1,30}$"
_CAPTION_MARK = r"(?i)\((?:photo|image|picture|video)s?\b|\bgetty images\b|©|\b(?:AFP|EPA|AP|Reuters)\s*(?:/|photo)"
_CAPTION = (
    r"(?i)^\(?(?:photo|photograph|image|picture|video|illustration|credit)s?\s*(?::|/|by\b)"
    r"|\((?:photo|image|picture|video)s?\s*[:/][^)]*\)$"
)
_CREDIT = r"(?i)\bgetty images\b|\bshutterstock\b|\b(?:AFP|EPA|AP|Reuters)\s*(?:/|photo|via)"
_PROMO = (
    r"(?i)^(?:read (?:more|also)|see also|related(?: articles?| stories)?:|click here|more on this)\b"
    r"|\bin (?:pictures|photos|photographs|charts|maps|numbers|graphics|videos?)[.!]?$|\bexplained$"
    r"|^[^:]{2,40}: (?:more (?:news|stories)|(?:all )?the latest)\b"
    r"|\byou can read (?:more|the (?:article|story))\b|\bin our (?:article|story|coverage|explainer|live blog)\b"
    r"|^(?:watch|listen)(?: now)?:"
)
_BOILERPLATE = (
    r"(?i)^(?:©|\(c\)|copyright\b|share (?:this|on|via)\b|share$|follow us\b|sign up\b|subscribe\b"
    r"|advertisement$|sponsored\b)|\ball rights reserved\b|\b(?:we use|accept(?: all)?) cookies\b"
    r"|\bcookie (?:policy|settings)\b|\bsubscribe to (?:our|the) newsletter\b"
)
_KEY_VALUE = r"^\p{Lu}[\p{L}\p{N} /&'().-]{0,40}:\s+\S"
_LIST_ITEM = r"^(?:[-–—•*·▪●]|\d{1,2}[.)])\s+\S"
# A paragraph opening with a pronoun or a quotation continues a story: such a document is one article.
_CONTINUES_DOC = r"^(?:[\"“‘'«„‚»]|(?:He|She|They|It|We|I|His|Her|Their|Its)\b)"
# Openers that continue the previous paragraph without ruling out briefs ("The two leaders also ...").
_CONTINUES_PARA = (
    r"(?i)^(?:(?:but|and|however|meanwhile|both)\b|(?:\S+\s+){0,5}?(?:also|the two|the pair|the latter|the former)\b)"
)
# A dated lead ("... on Friday", "last month", "am Montag", "lundi", "el lunes") in a paragraph's first
# sentence. Briefs open almost every paragraph with one; an article dates its first paragraph only.
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DATED_LEAD = (
    rf"\b(?:on|early on|late on|overnight on|since|by|until) (?:{_DAYS})\b"
    r"|\b(?:last|next|earlier this|later this|this) (?:week|weekend|month|year)\b"
    r"|\bam (?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)\b"
    r"|\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b"
    r"|\bel (?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)\b"
)
_BRIEFS_MIN_DATED = 0.5  # share of prose paragraphs with a dated lead that marks a list of briefs
_SUBJECT_STOP = (
    "The A An In On At For After Before As But And With From By To Of Over Under During While When Since "
    "Despite According Last Earlier Later This That These Those Its Their Our Some Many Several More Most "
    "Mr Mrs Ms Dr President Prime Minister Secretary General Leader Officials Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday January February March April May June July August September "
    "October November December"
).split()


def _flag(pattern: str) -> pl.Expr:
    return pl.col("s").str.contains(pattern)


def _lines(docs_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Non-blank lines of accepted documents with exact character spans of their stripped text."""
    n = pl.col("n")
    return (
        docs_lf.filter((pl.col("status") == "ok") & pl.col("text").is_not_null())
        .select("doc_id", pl.col("title").alias("doc_title"), pl.col("text").str.split("\n").alias("line"))
        .explode("line")
        .with_columns(n=pl.col("line").str.len_chars().cast(pl.Int64))
        .with_columns(
            line_end=(n + 1).cum_sum().over("doc_id") - 1,
            lead=n - pl.col("line").str.strip_chars_start().str.len_chars().cast(pl.Int64),
            trail=n - pl.col("line").str.strip_chars_end().str.len_chars().cast(pl.Int64),
        )
        .filter(pl.col("lead") < n)
        .select(
            "doc_id",
            "doc_title",
            start=pl.col("line_end") - n + pl.col("lead"),
            end=pl.col("line_end") - pl.col("trail"),
            s=pl.col("line").str.strip_chars(),
        )
        .with_columns(idx=pl.int_range(pl.len()).over("doc_id"), words=pl.col("s").str.count_matches(r"\S+"))
    )


def _classify(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Add `kind`, `enc` (URL-encoded), `prose` and the caption split point `cut` (chars into the line)."""
    words, s, doc = pl.col("words"), pl.col("s"), "doc_id"
    n_esc = s.str.count_matches(_URL_ESCAPE)
    prev = s.shift(1).over(doc)
    rest = s.str.slice(prev.str.len_chars())
    lines = lines.with_columns(
        # One escape in a word with no spaces ("The%20trailblazers"), or escapes dense enough that
        # spaces are incidental: 3+ of them making up at least a fifth of the line.
        enc=(n_esc > 0)
        & (~s.str.contains(" ", literal=True) | ((n_esc >= 3) & (n_esc * 15 >= s.str.len_chars()))),
        prose_like=_flag(_PROSE_END) & (words >= _PROSE_MIN_WORDS),
        nav=_flag(_NAVIGATION),
        cut=pl.when(
            s.str.starts_with(pl.concat_str(prev, pl.lit(" ")))
            & (prev.str.len_chars() >= 15)
            & rest.str.contains(_CAPTION_MARK)
        ).then(prev.str.len_chars()),
    ).with_columns(
        box_title=pl.col("enc").shift(-1).over(doc).fill_null(False) & ~pl.col("prose_like")
        & (words <= _BOX_TITLE_MAX_WORDS),
        dup=~s.is_first_distinct().over(doc) | (s == pl.col("doc_title")).fill_null(False)
        | pl.col("cut").is_not_null(),
        caption=_flag(_CAPTION) | (_flag(_CREDIT) & ~pl.col("prose_like") & (words <= 15)),
        promo=_flag(_PROMO),
        boiler=_flag(_BOILERPLATE) & (words <= _NOISE_MAX_WORDS),
    )
    noise = pl.any_horizontal("enc", "box_title", "nav", "dup", "caption", "promo", "boiler")
    lines = lines.with_columns(noise=noise).with_columns(
        prose=pl.col("prose_like") & ~pl.col("noise") & ~_flag(_KEY_VALUE) & ~_flag(_LIST_ITEM)
    )
    last_prose = pl.when(pl.col("prose")).then(pl.col("idx")).max().over(doc)
    first_content = pl.when(~pl.col("noise")).then(pl.col("idx")).min().over(doc)
    next_content_prose = pl.when(~pl.col("noise")).then(pl.col("prose")).shift(-1).backward_fill().over(doc)
    is_title = (
        (pl.col("idx") == first_content) & ~pl.col("noise") & ~pl.col("prose_like")
        & pl.col("doc_title").is_null() & (words <= _TITLE_MAX_WORDS) & ~s.str.contains(r"[.:,;]$")
        & next_content_prose.fill_null(False)
    )  # fmt: skip
    kind = (
        pl.when("enc").then(pl.lit("factbox"))
        .when("nav").then(pl.lit("navigation"))
        .when("dup").then(pl.lit("duplicate"))
        .when("caption").then(pl.lit("caption"))
        .when("promo").then(pl.lit("promo"))
        .when("boiler").then(pl.lit("boilerplate"))
        .when("box_title").then(pl.lit("factbox"))
        .when(is_title).then(pl.lit("title"))
        .when(pl.col("idx") > last_prose).then(pl.lit("factbox"))
        .otherwise(pl.lit("article"))
    )  # fmt: skip
    return lines.with_columns(kind=kind)


def _groups(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Add `group`: which article of its document an article/title line belongs to (null otherwise)."""
    doc = "doc_id"
    is_text = pl.col("kind").is_in(["title", "article"])
    first_sentence = pl.col("s").str.extract(r"^(.*?[.!?…])(?:\s|$)").fill_null(pl.col("s"))
    dated = pl.col("prose") & first_sentence.str.contains(_DATED_LEAD)
    briefs = (
        (pl.col("prose").sum().over(doc) >= 3)
        & (dated.sum().over(doc) >= _BRIEFS_MIN_DATED * pl.col("prose").sum().over(doc))
        & pl.col("doc_title").is_null()
        & ~(pl.col("kind") == "title").any().over(doc)
        & ~(is_text & ~pl.col("prose")).any().over(doc)
        & ~(pl.col("prose") & pl.col("s").str.contains(_CONTINUES_DOC)).any().over(doc)
    )
    lines = lines.with_columns(briefs=briefs)
    prose = lines.filter(pl.col("prose") & pl.col("briefs")).select(doc, "start", "s")
    opening = pl.col("s").str.extract(r"^((?:\S+\s+){0,8}\S*)")
    capitalised = opening.str.extract_all(r"\b\p{Lu}[\p{L}\p{N}]*")
    subject = capitalised.list.eval(pl.element().filter(~pl.element().is_in(_SUBJECT_STOP))).list.first()
    earlier = pl.concat_str([pl.col("s").shift(k).over(doc).fill_null("") for k in (1, 2, 3)], separator="\n")
    new = prose.with_columns(subject=subject).with_columns(
        new=(pl.int_range(pl.len()).over(doc) > 0)
        & pl.col("subject").is_not_null()
        & ~pl.col("s").str.contains(_CONTINUES_PARA)
        # The subject holds only letters and digits, so it is safe inside a regex.
        & ~earlier.str.contains(pl.concat_str(pl.lit(r"\b"), pl.col("subject").fill_null("x"), pl.lit(r"\b")))
    ).select(doc, "start", "new")
    return (
        lines.join(new, on=[doc, "start"], how="left", maintain_order="left")
        .with_columns(group=pl.when(is_text).then(pl.col("new").fill_null(False).cum_sum().over(doc)))
    )


def blocks(docs_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Classified, non-overlapping blocks covering every non-whitespace character of each `text`."""
    lines = _groups(_classify(_lines(docs_lf)))
    cut = pl.col("cut")
    rest = pl.col("s").str.slice(cut)
    rest_lead = (rest.str.len_chars() - rest.str.strip_chars_start().str.len_chars()).cast(pl.Int64)
    # A title repeated with a caption ("<title> <caption>") becomes two blocks: duplicate, then caption.
    captions = lines.filter(cut.is_not_null()).with_columns(
        start=pl.col("start") + cut + rest_lead, kind=pl.lit("caption"), enc=pl.lit(False)
    )
    lines = lines.with_columns(end=pl.coalesce(pl.col("start") + cut, pl.col("end")))
    cols = ["doc_id", "start", "end", "kind", "enc", "s", "group"]
    return (
        pl.concat([lines.select(cols), captions.select(cols)])
        .sort("doc_id", "start")
        .with_columns(
            block=pl.int_range(pl.len(), dtype=pl.Int64).over("doc_id"),
            decoded=decode_factbox(pl.when("enc").then(pl.col("s"))),
        )
        .select(
            "doc_id", "block", pl.col("start", "end").cast(pl.Int64), "kind", "decoded",
            pl.col("group").cast(pl.Int64),
        )  # fmt: skip
    )


_WORD = r"[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*"


def _with_slices(blocks_lf: pl.LazyFrame, docs_lf: pl.LazyFrame) -> pl.LazyFrame:
    text = docs_lf.select("doc_id", pl.col("text").alias("_doc_text"))
    return (
        blocks_lf.join(text, on="doc_id", how="left")
        .with_columns(piece=pl.col("_doc_text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .drop("_doc_text")
        .sort("doc_id", "start")
    )


def articles(blocks_lf: pl.LazyFrame, docs_lf: pl.LazyFrame) -> pl.LazyFrame:
    """One article per (document, group): its "article" blocks joined by blank lines, and its title."""
    is_title, is_body = pl.col("kind") == "title", pl.col("kind") == "article"
    parts = _with_slices(blocks_lf.filter(pl.col("kind").is_in(["title", "article"])), docs_lf)
    meta = docs_lf.select("doc_id", pl.col("title").alias("doc_title"), "published_at")
    arts = (
        parts.group_by("doc_id", "group", maintain_order=True)
        .agg(
            block_title=pl.col("piece").filter(is_title).first(),
            title_start=pl.col("start").filter(is_title).first(),
            title_end=pl.col("end").filter(is_title).first(),
            text=pl.col("piece").filter(is_body).str.join("\n\n"),
            block_starts=pl.col("start").filter(is_body),
            block_ends=pl.col("end").filter(is_body),
        )
        .join(meta, on="doc_id", how="left", maintain_order="left")
        .select(
            article_id=stable_id("doc_id", "group", prefix="article"),
            doc_id="doc_id",
            position=pl.col("group").cast(pl.Int64),
            title=pl.coalesce("block_title", pl.when(pl.col("group") == 0).then("doc_title")),
            text="text",
            language=pl.lit(None, pl.String),
            published_at="published_at",
            n_words=pl.col("text").str.count_matches(_WORD).cast(pl.Int64),
            n_sentences=pl.lit(None, pl.Int64),
            content_hash=sha256_expr(pl.col("text")),
            duplicate_of=pl.lit(None, pl.String),
            title_start=pl.col("title_start").cast(pl.Int64),
            title_end=pl.col("title_end").cast(pl.Int64),
            block_starts=pl.col("block_starts").cast(pl.List(pl.Int64)),
            block_ends=pl.col("block_ends").cast(pl.List(pl.Int64)),
        )
        .sort("doc_id", "position")
    )
    return with_sentence_counts(arts, sentences(arts))


def fragments(blocks_lf: pl.LazyFrame, docs_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Every non-article block as a fragment; URL-encoded boxes carry their decoded text."""
    frags = _with_slices(blocks_lf.filter(~pl.col("kind").is_in(["title", "article"])), docs_lf)
    return frags.select(
        fragment_id=stable_id("doc_id", "start", "end", prefix="fragment"),
        doc_id="doc_id",
        position=pl.int_range(pl.len(), dtype=pl.Int64).over("doc_id"),
        kind="kind",
        text=pl.coalesce("decoded", "piece"),
        start="start",
        end="end",
    )


# A sentence piece runs lazily up to terminal punctuation (plus closing quotes/brackets) followed by
# whitespace or the end, or up to a line break. Pieces tile the text exactly, so cumulative character
# lengths give exact offsets without any byte/char conversion.
_PIECE = r"(?s).*?(?:[.!?…]+[\"'”’)\]]*(?:\s+|$)|\n\s*|$)"
# Words after which a full stop does not end a sentence: titles and ranks precede names.
_TITLES = (
    "Mr|Mrs|Ms|Mx|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Cpt|Maj|Adm|Cmdr|Sen|Rep|Gov|Pres|Amb|Rev|Hon|St|Mt|Ft"
    "|No|Nos|Art|Fig|Vol|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|cf|ca"
)
# Piece ends that are not sentence ends: a title, a single initial ("John F."), a dotted acronym
# ("U.S.", "U.N.", "e.g."). Decimals ("3.5") never end a piece: a piece needs whitespace after the stop.
_NO_BREAK = rf"(?:(?:^|[^\w])(?:{_TITLES})|(?:^|[^\w.])\p{{Lu}}|(?:^|[^\w])(?:\w\.)+\w)\.[\"'”’)\]]*\s*$"
# An acronym still ends a sentence when the next piece opens like a new sentence.
_ACRONYM_END = r"(?:^|[^\w])(?:\w\.)+\w\.\s*$"
_SENTENCE_OPENER = r"^(?:The|He|She|It|They|We|I|But|In|On|A|An|This|That|These|Those|There|Its|His|Her|Their)\s"


def sentences(articles_lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per sentence of each article's `text`: character spans, no surrounding whitespace."""
    pieces = (
        articles_lf.select("article_id", pl.col("text").str.extract_all(_PIECE).alias("piece"))
        .explode("piece")
        .filter(pl.col("piece").str.len_chars() > 0)
        .with_columns(n=pl.col("piece").str.len_chars().cast(pl.Int64))
        .with_columns(
            p_end=pl.col("n").cum_sum().over("article_id"),
            lead=pl.col("n") - pl.col("piece").str.strip_chars_start().str.len_chars().cast(pl.Int64),
            trail=pl.col("n") - pl.col("piece").str.strip_chars_end().str.len_chars().cast(pl.Int64),
        )
        .filter(pl.col("lead") < pl.col("n"))  # whitespace-only pieces hold no sentence
    )
    nxt = pl.col("piece").shift(-1).over("article_id")
    ends_line = pl.col("piece").str.contains(r"\n\s*$")
    no_break = pl.col("piece").str.contains(_NO_BREAK) & ~(
        pl.col("piece").str.contains(_ACRONYM_END) & nxt.str.contains(_SENTENCE_OPENER)
    )
    # A lowercase continuation ("“Why?” he asked.", "approx. five") never opens a sentence.
    lower_next = nxt.str.contains(r"^[\"'“‘(\[]*\p{Ll}")
    breaks = ends_line | nxt.is_null() | ~(no_break | lower_next.fill_null(False))
    return (
        pieces.with_columns(brk=breaks)
        .with_columns(
            sentence=pl.col("brk").cast(pl.Int64).cum_sum().over("article_id") - pl.col("brk").cast(pl.Int64),
            start=pl.col("p_end") - pl.col("n") + pl.col("lead"),
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
