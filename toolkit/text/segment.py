"""Segmentation: document text -> classified blocks -> articles and fragments (sentences: sentences.py).

A block is a line, or a sentence of a line longer than a page of prose (whole pages dumped without
line breaks), merged back when neighbouring sentences of a line get the same kind. Kinds:
  factbox      a URL-encoded line (decoded into `decoded`), the short title line just before one, and
               the lines after the article (lists, "key: value", short labels);
  navigation   a line of 2-letter language codes ("en fr de"), a "A | B | C" menu, and the lines
               before the article (menus, section lists, bylines);
  duplicate    a line equal to an earlier line (or to the JSONL title), or a line that starts with the
               previous line and continues with a caption (split into duplicate + caption blocks);
  caption      "(photo: ...)", "Photo: ...", short agency credits ("Getty Images");
  promo        "Read more", "... in pictures", "you can read more …";
  boilerplate  cookie, subscribe, copyright and share lines, share bars and bylines by their shape
               wherever they stand (a share bar or bracketed sign-off glued into a line is cut out of it);
  title        a short line without final punctuation at most a few lines before the article;
  article      the article region: the densest contiguous run of prose (>= 8 words ending . ! ? or a
               closing quote, mostly lower-case, not link-like; or the lines of a hard-wrapped
               paragraph), found as the maximum-sum run of per-line scores (a prose line scores its
               words, any other line a cost), with the short lines inside it (subheadings, bylines)
               and without the noise kinds above. A document without prose is all article. A
               paragraph starts after a blank line, or on an indented line after a sentence end (wire
               copy); the lines of a hard-wrapped paragraph form one block.
Briefs: a document is read as a list of briefs when it has 3+ prose paragraphs, no title and no
subheadings, no paragraph opens with a pronoun or a quotation ("He ...", "“..."), and at least half of
its paragraphs open with a dated lead sentence ("... on Friday", "last month"). In such a document a
paragraph starts a new article when the first capitalised word of its opening (its subject, e.g.
"Ruritania") appears in none of the three lines before it, unless it opens like a continuation
("The two ministers also ..."). Known weak spots: one article per document outside briefs (a second
story on the page is cut off); prose-like comments or footers next to the article join it; briefs
without dates, or whose subject was named in a neighbouring brief, are not split.
"""

from __future__ import annotations

import polars as pl

from toolkit.regex import fast_regex
from toolkit.text.clean import COMMENT_AUTHOR, COMMENT_TIME, decode_factbox, has_caption_mark, line_features, with_furniture
from toolkit.contract.ids import sha256_expr, stable_id
from toolkit.text.sentences import sentence_pieces, sentences, with_sentence_counts
from toolkit.contract.spans import slice_spans

# `sentences` lives in toolkit.text.sentences; entities, events and annotation import it from here.
__all__ = ["KINDS", "articles", "blocks", "fragments", "sentences", "with_sentence_counts"]

# Formats whose text an HTML extractor already cut down to the main text (`toolkit.io.webpages`).
EXTRACTED_FORMATS = ["html", "warc"]
KINDS = ("title", "article", "factbox", "boilerplate", "caption", "navigation", "promo", "duplicate")
_PROSE_MIN_WORDS = 8
_WRAPPED_MIN_WORDS = 6
_LONG_LINE = 800  # characters
_SENTENCE_MAX_WORDS = 80
_KEY_VALUE_MAX_WORDS = 12  # longer lines with a "Label:" lead are prose ("ASK THE DOCTOR: My son ...")
_TITLE_REACH = 3  # a title stands at most this many lines before the article
# Region scores, in tenths of a word: a prose line gains 10 per word.
_NOISE_COST = 10
_BARRIER_COST = 10**7
_COMMENTS_WEIGHT = 2
_DOC_STEP = 2**40
_NOISE = ("enc", "box_title", "nav", "dup", "caption", "promo", "boiler")  # boiler last
_LINE_COST = 20
_PARAGRAPH_SENTENCES = 2  # sentence breaks inside a line that make it prose whatever its end
_PARAGRAPH_MIN_WORDS = 25
_WORD_COST = 5
_TITLE_MAX_WORDS = 25
_BOX_TITLE_MAX_WORDS = 10
# A paragraph opening with a pronoun or a quotation continues a story: such a document is one article.
_CONTINUES_DOC = r"^(?:[\"“‘'«„‚»]|(?:He|She|They|It|We|I|His|Her|Their|Its)\b)"
# Openers that continue the previous paragraph without ruling out briefs ("The two ministers also ...").
_CONTINUES_PARA = (
    r"(?i)^(?:(?:but|and|however|meanwhile|both)\b|(?:\S+\s+){0,5}?(?:also|the two|the pair|the latter|the former)\b)"
)
# A line that ends a sentence, and a line that stops on a comma, a function word or a speech verb and so
# runs on into the next (hard-wrapped wire copy: "Moore Resources Inc said it").
_SENTENCE_END = r"[.!?…][\"'”’)]*\s*$"
# A line ending on an abbreviation or initials ("the U.S.", "Acme Corp.") has not ended its sentence.
_ABBREVIATION_END = (
    r"(?:\b(?:\p{Lu}\.){1,3}|\b(?:Inc|Corp|Co|Ltd|Bros|Jr|Sr|St|Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Prof|No"
    r"|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.)$"
)
_RUNS_ON = (
    r"(?:,|\b(?:the|a|an|of|to|in|on|for|and|or|but|with|by|at|from|that|which|who|it|its|his|her|their"
    r"|said|says|will|would|could|has|have|had|was|were|is|are|be|been|as|than|this|into|over|after)) ?$"
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


# Rows of a document are contiguous, so per-document shifts and running sums are global ones masked
# or rebased at document edges: as `.over()` windows they cost 10-50 times more with thousands of
# documents (window aggregations such as `.max().over()` stay cheap and are used as they are).
_DN = pl.col("dn")


def _prev(expr: pl.Expr, k: int = 1) -> pl.Expr:
    """`expr` of the row k rows earlier in the same document (null at the document's start)."""
    return pl.when(_DN.shift(k) == _DN).then(expr.shift(k))


def _next(expr: pl.Expr) -> pl.Expr:
    """`expr` of the next row in the same document (null at the document's end)."""
    return pl.when(_DN.shift(-1) == _DN).then(expr.shift(-1))


def _doc_first() -> pl.Expr:
    return _DN.ne_missing(_DN.shift(1))


def _doc_cum_sum(expr: pl.Expr) -> pl.Expr:
    """Running sum of a non-null `expr` that restarts at each document."""
    total = expr.cum_sum()
    return total - pl.when(_doc_first()).then(total - expr).forward_fill()


def _doc_row() -> pl.Expr:
    """0-based row number inside the document."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    return row - pl.when(_doc_first()).then(row).forward_fill()


def _units(docs_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Non-blank lines (long ones cut into sentences) of accepted documents, with exact character spans.

    `gap` marks a unit after a blank line, `line` is the start of the line it comes from.
    """
    n, piece = pl.col("n"), pl.col("piece")
    stripped_len = lambda e: e.str.len_chars().cast(pl.Int64)  # noqa: E731
    # Text an HTML extractor gave (pages, web archives) is the page's main text already: no line of it is
    # furniture for standing outside the densest run of prose (see `_classify`).
    names = docs_lf.collect_schema().names()
    extracted = pl.col("format").is_in(EXTRACTED_FORMATS) if "format" in names else pl.lit(False)
    lines = (
        docs_lf.filter((pl.col("status") == "ok") & pl.col("text").is_not_null())
        .select(
            "doc_id", pl.col("title").alias("doc_title"), pl.col("text").str.split("\n").alias("line"),
            dn=pl.int_range(pl.len(), dtype=pl.Int64),  # windows over an integer key are cheaper
            extracted=extracted,
        )
        .explode("line")
        .with_columns(n=stripped_len(pl.col("line")))
        .with_columns(
            line_end=_doc_cum_sum(n + 1) - 1,
            lead=n - stripped_len(pl.col("line").str.strip_chars_start()),
        )
        # A paragraph starts after a blank line, or on an indented line after a sentence end (wire copy
        # and plain-text archives indent their paragraphs instead of leaving a line blank).
        .with_columns(gap=_prev(pl.col("lead") >= n).fill_null(True)
                      | ((pl.col("lead") > 0) & _prev(pl.col("line")).str.contains(_SENTENCE_END).fill_null(False)))
        .filter(pl.col("lead") < n)
        .select(
            "doc_id", "dn", "doc_title", "gap", "extracted",
            line=pl.col("line_end") - n + pl.col("lead"),
            piece=pl.col("line").str.strip_chars(),
        )  # fmt: skip
    )
    # A line longer than a page of prose is a page dumped without line breaks: cut it into sentences.
    long = piece.str.len_chars() > _LONG_LINE
    lines = lines.with_columns(split=long, piece=pl.when(long).then(sentence_pieces(piece)).otherwise(pl.concat_list(piece)))
    lines = lines.with_columns(p_end=piece.list.eval(pl.element().str.len_chars().cum_sum().cast(pl.Int64)))
    # A share bar or a bracketed sign-off glued to prose is cut out of its piece to stand on its own.
    # A piece holds no line break, so one marks the cuts; the pieces cut (few) split in two or three,
    # and a running sum over the rows of a piece gives where each part ends.
    at, cut = pl.col("furniture_at"), pl.col("furniture")
    marked = pl.concat_str(piece.str.head(at), pl.lit("\n"), cut, pl.lit("\n"), piece.str.slice(at + cut.str.len_chars()))
    p_start = pl.col("p_start")
    first_part = p_start.ne_missing(p_start.shift(1)) | _DN.ne_missing(_DN.shift(1)) | pl.col("line").ne_missing(pl.col("line").shift(1))
    total = piece.str.len_chars().cast(pl.Int64).cum_sum()
    lines = (
        lines.explode("piece", "p_end")
        .pipe(with_furniture, "piece")
        .with_columns(
            split=pl.col("split") | cut.is_not_null(),
            piece=pl.when(cut.is_not_null()).then(marked).otherwise(piece).str.split("\n"),
            p_start=pl.col("p_end") - piece.str.len_chars().cast(pl.Int64),
        )
        .drop("furniture", "furniture_at")
        .explode("piece")
        .with_columns(p_end=p_start + total - pl.when(first_part).then(total - piece.str.len_chars().cast(pl.Int64)).forward_fill())
        .drop("p_start")
    )
    return (
        lines.with_columns(n=stripped_len(piece))
        .with_columns(lead=n - stripped_len(piece.str.strip_chars_start()), trail=n - stripped_len(piece.str.strip_chars_end()))
        .filter(pl.col("lead") < n)
        .select(
            "doc_id", "dn", "doc_title", "line", "split", "extracted",
            gap=pl.col("gap") & (pl.col("p_end") == n),
            start=pl.col("line") + pl.col("p_end") - n + pl.col("lead"),
            end=pl.col("line") + pl.col("p_end") - pl.col("trail"),
            s=piece.str.strip_chars(),
        )  # fmt: skip
        .with_columns(idx=_doc_row(), words=pl.col("s").str.count_matches(r"\S+").cast(pl.Int64))
    )


def _region(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Add `r_start`, `r_end`: first and last `idx` of the maximum-sum run of `score` (Kadane)."""
    total, before, lowest, idx = pl.col("_total"), pl.col("_before"), pl.col("_lowest"), pl.col("idx")
    # Lowering each document by _DOC_STEP more than the one before keeps a global running minimum
    # from reaching back into earlier documents (their sums stay far below _DOC_STEP / 2).
    lines = (
        lines.with_columns(_total=_doc_cum_sum(pl.col("score")))
        .with_columns(_before=total - pl.col("score"))  # the sum of the scores before this unit
        .with_columns(_lowest=(before - _DN * _DOC_STEP).cum_min() + _DN * _DOC_STEP)
    )
    best = (total - lowest).arg_max()  # the first unit where a run ends with the best sum
    lines = lines.with_columns(r_end=idx.get(best).over("dn"), _low_at_end=lowest.get(best).over("dn"))
    start = pl.when((before == pl.col("_low_at_end")) & (idx <= pl.col("r_end"))).then(idx).max().over("dn")
    return lines.with_columns(r_start=start).drop("_total", "_before", "_lowest", "_low_at_end")


def _classify(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Add `kind`, `enc` (URL-encoded), `prose` and the caption split point `cut` (chars into the line)."""
    words, s, doc, idx = pl.col("words"), pl.col("s"), "dn", pl.col("idx")
    prev = _prev(s)
    lines = line_features(lines)
    # "Comments" between share buttons ("Twitter", "Comments", "Print") is one of them, not the
    # header of a comments section: it stays boilerplate and stops nothing. "Jane says:" over the
    # time of posting signs a reader comment (a quote leads on to words, not a date).
    signature = s.str.contains(COMMENT_AUTHOR) & _next(s.str.contains(COMMENT_TIME)).fill_null(False)
    lines = lines.with_columns(
        comments=(pl.col("comments")
                  & ~(pl.col("button") & (_prev(pl.col("button")) | _next(pl.col("button"))).fill_null(False)))
        | signature
    ).with_columns(
        cut=pl.when(
            s.str.starts_with(pl.concat_str(prev, pl.lit(" ")))
            & (prev.str.len_chars() >= 15)
            & has_caption_mark(s.str.slice(prev.str.len_chars()))
        ).then(prev.str.len_chars()),
    )
    last_in_para = pl.col("last_in_para")
    lines = lines.with_columns(last_in_para=_next(pl.col("gap")).fill_null(True))
    # The last line of every document ends a paragraph, so the fill never crosses a document edge.
    para_ends_prose = pl.when(last_in_para).then("ends").backward_fill()
    # Lines of a hard-wrapped paragraph (html2text, e-mail, wire copy): long lines running on to a
    # sentence end, and shorter ones that stop mid-clause, on a lower-case word or a comma; one that
    # stops on a function word or a speech verb runs on even in Title Case ("Moore Resources Inc said
    # it"), as menus never end so.
    mid_clause = (words >= 3) & s.str.contains(r"(?:\b\p{Ll}[\p{L}'’-]*|,)$")
    runs_on = (words >= 3) & s.str.contains(_RUNS_ON)
    # Only whole lines wrap: the sentences of a long line cut up here are judged one by one.
    lines = lines.with_columns(
        wrapped=~last_in_para & para_ends_prose & ~pl.col("split")
        & ((((words >= _WRAPPED_MIN_WORDS) | mid_clause) & ~pl.col("listy")) | runs_on)
    )
    wrapped = pl.col("wrapped")
    # The first line of a wrapped run is part of it whatever its end ("General Electric Co's GE"), or
    # however many names it holds when it stops mid-clause ("Drugs Advisory Committee voted"), and so
    # is a line of names between two lines of the run, after one that stops mid-sentence ("... said its" /
    # "Facilities Management Group subsidiary, Aster Facilities Service" / "Corp, was awarded ...").
    lines = lines.with_columns(stops=pl.col("ends") & ~s.str.contains(_ABBREVIATION_END))
    inside = _prev(wrapped & ~pl.col("stops")).fill_null(False) & ~pl.col("gap") & (
        _next(wrapped).fill_null(False) | (_next(last_in_para & pl.col("ends")).fill_null(False) & ~last_in_para)
    )
    lines = lines.with_columns(
        wrapped=wrapped | (~last_in_para & (words >= 2) & para_ends_prose & (~pl.col("listy") | mid_clause)
                           & _next(wrapped).fill_null(False) & pl.col("gap"))
        | (inside & para_ends_prose & (words >= 2) & ~pl.col("split"))
    )
    # A paragraph of several sentences is prose however it ends: cut off mid-sentence by a removed
    # link ("... of Ireland's"), or leading into a list ("Points raised included:").
    sentences_in = s.str.count_matches(r"\p{Ll}[.!?][\"'”’)]*\s+[\"'“‘(]?\p{Lu}")
    lines = lines.with_columns(
        paragraph=(sentences_in >= _PARAGRAPH_SENTENCES) & (words >= _PARAGRAPH_MIN_WORDS) & ~pl.col("listy")
        & ~pl.col("split")
    )
    lines = lines.with_columns(
        # A "sentence" of a long line running past _SENTENCE_MAX_WORDS is a menu with a full stop.
        prose_like=(pl.col("ends") & (words >= _PROSE_MIN_WORDS) & ~pl.col("listy")
                    & ~(pl.col("split") & (words > _SENTENCE_MAX_WORDS)))
        | pl.col("paragraph")
        | wrapped
        | (last_in_para & ~pl.col("gap") & pl.col("ends") & _prev(wrapped).fill_null(False)),
        box_title=_next(pl.col("enc")).fill_null(False) & ~pl.col("ends")
        & (words <= _BOX_TITLE_MAX_WORDS),
        dup=~pl.struct(doc, "s").is_first_distinct() | (s == pl.col("doc_title")).fill_null(False)
        | pl.col("cut").is_not_null(),
    )
    noise = pl.any_horizontal(*_NOISE)
    lines = lines.with_columns(noise=noise).with_columns(
        # A bulleted paragraph of several sentences is prose too; a bulleted line is not.
        prose=pl.col("prose_like") & ~pl.col("noise") & (~pl.col("list_item") | pl.col("paragraph"))
        & ~(pl.col("kv") & (words <= _KEY_VALUE_MAX_WORDS))
    )
    # Recognised noise is cut out wherever it stands, so it costs little; other lines cost more
    # the longer they are, so that menus and teaser lists end the article region. Share bars and
    # bylines are cut out too, but cost what any line does: they stand between a story and the
    # headers and teasers above it, and should not draw the region over those.
    # The end matter of a page (teasers, comments, then the footer's legal notices) opens with the
    # first related-stories or comments header; prose after it counts for little.
    in_comments = _doc_cum_sum(pl.col("comments").cast(pl.Int64)) > 0
    # Scores in tenths of a word, so that the region search runs on exact integers.
    score = (
        pl.when(pl.col("related") | pl.col("comments")).then(-_BARRIER_COST)
        .when(pl.col("prose") & in_comments).then(_COMMENTS_WEIGHT * words)
        .when("prose").then(10 * words)
        .when(pl.any_horizontal(*_NOISE[:-1], pl.col("boiler") & ~pl.col("furniture"))).then(-_NOISE_COST)
        .otherwise(-(_LINE_COST + _WORD_COST * words))
    )  # fmt: skip
    lines = _region(lines.with_columns(score=score.cast(pl.Int64)))
    has_prose = pl.col("prose").any().over(doc)
    lines = lines.with_columns(pl.when(has_prose).then(pl.col("r_start", "r_end")))
    title_like = (
        ~pl.col("noise") & ~pl.col("prose_like") & pl.col("doc_title").is_null() & (words <= _TITLE_MAX_WORDS)
        & ~s.str.contains(r"[.:,;]$") & ~pl.col("list_item") & ~pl.col("byline") & ~pl.col("wrapped")
        & (idx < pl.col("r_start")) & (idx >= pl.col("r_start") - _TITLE_REACH)
    )  # fmt: skip
    is_title = idx == pl.when(title_like).then(idx).max().over(doc)
    kind = (
        pl.when("enc").then(pl.lit("factbox"))
        .when("nav").then(pl.lit("navigation"))
        .when("dup").then(pl.lit("duplicate"))
        .when("caption").then(pl.lit("caption"))
        .when("promo").then(pl.lit("promo"))
        .when("boiler").then(pl.lit("boilerplate"))
        .when("box_title").then(pl.lit("factbox"))
        .when(is_title.fill_null(False)).then(pl.lit("title"))
        .when((idx < pl.col("r_start")) & ~pl.col("extracted")).then(pl.lit("navigation"))
        .when((idx > pl.col("r_end")) & ~pl.col("extracted")).then(pl.lit("factbox"))
        .otherwise(pl.lit("article"))
    )  # fmt: skip
    return lines.with_columns(kind=kind)


def _groups(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Add `group`: which article of its document an article/title line belongs to (null otherwise)."""
    doc = "dn"
    is_text = pl.col("kind").is_in(["title", "article"])
    first_sentence = pl.col("s").str.extract(r"^(.*?[.!?…])(?:\s|$)").fill_null(pl.col("s"))
    dated = pl.col("prose") & first_sentence.str.contains(fast_regex(_DATED_LEAD))
    briefs = (
        (pl.col("prose").sum().over(doc) >= 3)
        & (dated.sum().over(doc) >= _BRIEFS_MIN_DATED * pl.col("prose").sum().over(doc))
        & pl.col("doc_title").is_null()
        & ~(pl.col("kind") == "title").any().over(doc)
        & ~(is_text & ~pl.col("prose")).any().over(doc)
        & ~(pl.col("prose") & pl.col("s").str.contains(fast_regex(_CONTINUES_DOC))).any().over(doc)
    )
    # Only the prose paragraphs of a list of briefs take part; the neighbours of a paragraph are the
    # lines before it, which in such a document are prose or recognised noise.
    brief = pl.col("prose") & pl.col("brief_doc")
    opening = pl.col("s").str.extract(r"^((?:\S+\s+){0,8}\S*)")
    capitalised = opening.str.extract_all(r"\b\p{Lu}[\p{L}\p{N}]*")
    subject = capitalised.list.eval(pl.element().filter(~pl.element().is_in(_SUBJECT_STOP))).list.first()
    text = pl.when(brief).then("s")
    earlier = pl.concat_str([_prev(text, k).fill_null("") for k in (1, 2, 3)], separator="\n")
    seen_prose = _doc_cum_sum(brief.cast(pl.Int64)) > 1
    new = (
        brief & seen_prose & pl.col("subject").is_not_null()
        & ~pl.col("s").str.contains(fast_regex(_CONTINUES_PARA))
        & ~earlier.str.contains(pl.col("subject"), literal=True)
    )  # fmt: skip
    return (
        lines.with_columns(brief_doc=briefs)
        .with_columns(subject=pl.when(brief).then(subject))
        .with_columns(new=new.fill_null(False).cast(pl.Int64))
        .with_columns(group=pl.when(is_text).then(_doc_cum_sum(pl.col("new"))))
    )


def blocks(docs_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Classified, non-overlapping blocks covering every non-whitespace character of each `text`."""
    lines = _groups(_classify(_units(docs_lf)))
    doc, cut = "dn", pl.col("cut")
    # Neighbouring sentences of one long line that share kind and article become one block again, and
    # so does an article line with the wrapped line before it when that one stops mid-sentence (a
    # hard-wrapped paragraph is one block, its line breaks inside it, so that its sentences run on).
    solo = pl.col("enc") | cut.is_not_null()
    changed = [pl.col(c).ne_missing(pl.col(c).shift(1)) for c in ("dn", "kind", "group")]
    apart = pl.any_horizontal(*changed, solo, solo.shift(1).fill_null(True))
    same_line = pl.col("split") & ~pl.col("line").ne_missing(pl.col("line").shift(1))
    same_paragraph = (
        (pl.col("kind") == "article") & ~pl.col("gap")
        & (pl.col("wrapped") & ~pl.col("stops")).shift(1).fill_null(False)
    )
    opens = apart | ~(same_line | same_paragraph)
    closes = _next(opens).fill_null(True)
    run_end = pl.when(closes).then(pl.col("end")).backward_fill()
    lines = lines.with_columns(end=run_end).filter(opens)
    # A title repeated with a caption ("<title> <caption>") becomes two blocks: duplicate, then caption.
    rest = pl.col("s").str.slice(cut)
    rest_lead = (rest.str.len_chars() - rest.str.strip_chars_start().str.len_chars()).cast(pl.Int64)
    second = pl.col("part") == 1
    return (
        lines.with_columns(part=pl.int_ranges(cut.is_not_null().cast(pl.Int64) + 1))
        .explode("part")
        .with_columns(
            start=pl.when(second).then(pl.col("start") + cut + rest_lead).otherwise("start"),
            end=pl.when(second | cut.is_null()).then("end").otherwise(pl.col("start") + cut),
            kind=pl.when(second).then(pl.lit("caption")).otherwise("kind"),
            enc=pl.col("enc") & ~second,
        )
        .select(
            "doc_id", pl.col("start", "end").cast(pl.Int64), "kind",
            block=_doc_row(), decoded=pl.when("enc").then(pl.col("s")), group=pl.col("group").cast(pl.Int64),
        )  # fmt: skip
        .select("doc_id", "block", "start", "end", "kind", "decoded", "group")
        .sort("doc_id", "block")
        # Decoded on the narrow, final frame: on the wide one of the classification the decoder
        # added some 13 ms to every collect, however few boxes there were.
        .with_columns(decoded=decode_factbox(pl.col("decoded")))
    )


_WORD = r"[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*"


def _with_slices(blocks_lf: pl.LazyFrame, docs_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Blocks with `piece`, their text, sorted by document and start.

    A join of the document text onto every block, then a slice per row, costs the square of a
    document's length (see `toolkit.contract.spans`): `slice_spans` joins each text once.
    """
    spans = {"piece": (pl.col("start"), pl.col("end"))}
    return slice_spans(blocks_lf, docs_lf.select("doc_id", "text"), "doc_id", spans).sort("doc_id", "start")


def articles(blocks_lf: pl.LazyFrame, docs_lf: pl.LazyFrame, *, count_sentences: bool = True) -> pl.LazyFrame:
    """One article per (document, group): its "article" blocks joined by blank lines, and its title.

    `count_sentences=False` leaves `n_sentences` null, for a caller that splits the sentences anyway
    and fills it with `with_sentence_counts`.
    """
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
    return with_sentence_counts(arts, sentences(arts)) if count_sentences else arts


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
