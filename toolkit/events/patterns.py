"""Event patterns: the verb and noun phrases coded to CAMEO, matched in every sentence.

Two kinds of rows feed one table: the lexicon (`toolkit.events.lexicon`: lemma-level entries of
toolkit/data/lexicon/*.tsv, expanded into their surface forms), and patterns (toolkit/data/verbs.tsv:
phrases that are no event, and constructions a head word and its frame cannot say). A recipe's files
may be of either kind, told apart by their columns.

A pattern is a regular expression (Rust `regex` syntax, matched case-insensitively as whole words) with
the CAMEO code it codes and the `roles` saying where its actors stand. All patterns of a run are joined
into one alternation and every non-overlapping match of each sentence is found in one pass: where two
patterns could match at the same place, the one listed first wins (user patterns come before the
built-in ones, and inside a file specific phrases are listed before general verbs). Rows with the very
same pattern all apply, so one phrase can code two events ("left for" as visit and host). The code
"---" (PETRARCH's "no code") marks a phrase that is not an event: it claims its words, so no other
pattern codes them ("attack helicopters", "peace-keeping force"), and codes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import polars as pl

from toolkit.events import lexicon
from toolkit.vocab.codes import cameo_table, read_table, read_text_table
from toolkit.errors import DictionaryError

# Patterns per alternation are limited by a cost budget: each word gap ("{0,6}?" repetitions) costs
# far more compiled regex than a literal phrase, and a compiled regex must stay under 10 MB.
_CHUNK_BUDGET = 200
# Lexicon frames per regex (see `_lexicon_matches`): a few regexes, each well under the size limit.
_FRAMES_PER_REGEX = 40
# The words (up to five) right before a passive auxiliary that ends the text before a participle:
# where the passive's subject, the act's object, stands.
_PASSIVE_BEFORE = r"((?:[a-z0-9_'-]+\s+){1,5})(?:was|were|been|being|is|are|be|get|gets|got)\s+(?:[a-z]+ly\s+)?$"
# The words of a clause up to its end: what follows the last clause break.
_CLAUSE_TAIL = r"([^,;:!?()]*)$"
_GAP_COST = 12
ROLES = ("forward", "reverse", "pair", "between", "passive")
PATTERN_SCHEMA = {"pattern": pl.Utf8, "cameo_code": pl.Utf8, "roles": pl.Utf8, "notes": pl.Utf8}
NO_EVENT = "---"


def check_patterns(table: pl.DataFrame, origin: str) -> pl.DataFrame:
    """`table` unchanged when every row has a known CAMEO code (or NO_EVENT), a known role and a valid regex."""
    missing = [c for c in PATTERN_SCHEMA if c not in table.columns]
    if missing:
        raise DictionaryError(f"{origin}: columns {missing} are missing; expected {list(PATTERN_SCHEMA)}")
    table = table.select(pl.col(c).cast(t) for c, t in PATTERN_SCHEMA.items())
    if table["pattern"].null_count() or table["cameo_code"].null_count():
        raise DictionaryError(f"{origin}: every row needs a pattern and a cameo_code")
    known = pl.col("cameo_code").is_in(cameo_table()["cameo_code"].implode()) | (pl.col("cameo_code") == NO_EVENT)
    unknown = table.filter(~known)
    bad_roles = table.filter(~pl.col("roles").is_in(ROLES))
    if unknown.height or bad_roles.height:
        raise DictionaryError(
            f"{origin}: unknown CAMEO codes {unknown['cameo_code'].to_list()} or roles "
            f"{bad_roles['roles'].to_list()} (roles must be one of {ROLES})"
        )
    for pattern in table["pattern"]:
        if "(" in pattern.replace("(?:", "").replace("\\(", ""):
            raise DictionaryError(f"{origin}: pattern {pattern!r} has a capturing group; write (?:…) instead")
        try:
            pl.select(pl.lit("").str.contains(_wrap(pattern)))
        except pl.exceptions.PolarsError as exc:
            raise DictionaryError(f"{origin}: pattern {pattern!r} is not a valid regex ({exc})") from exc
    return table


def _wrap(pattern: str) -> str:
    return rf"(?i:\b(?:{pattern})\b)"


@cache
def builtin_patterns() -> pl.DataFrame:
    """toolkit/data/verbs.tsv, checked."""
    return check_patterns(read_table("verbs.tsv", PATTERN_SCHEMA), "verbs.tsv")


TABLE_SCHEMA = {
    **PATTERN_SCHEMA, "heads": pl.List(pl.Utf8), "frame": pl.Utf8, "lead": pl.List(pl.Utf8), "need": pl.List(pl.Utf8),
    "participles": pl.List(pl.Utf8), "passive_need": pl.List(pl.Utf8), "subject": pl.List(pl.Utf8), "kind": pl.Utf8,
    "object_first": pl.Boolean,  # a lexicon row whose object comes right after its head (no particle)
}


def _from_lexicon(table: pl.DataFrame) -> pl.DataFrame:
    """Lexicon rows as pattern rows: `heads` (surface forms) and `frame` set, `pattern` the equivalent regex."""
    forms = lexicon.expand(table).group_by("entry", maintain_order=True).agg(
        pl.col("head"), pl.col("frame").first(), pl.col("lead").first(), pl.col("need").first(),
        participles=pl.col("head").filter(pl.col("participle")), passive_need=pl.col("passive_need").first(),
        _subject=pl.col("subject").first())
    out = table.with_row_index("entry").join(forms, on="entry", how="inner", maintain_order="left")
    return out.select(
        pattern=pl.struct("head", "frame", "_subject").map_elements(
            lambda r: lexicon.display_pattern(r["head"], r["frame"], r["_subject"]), return_dtype=pl.Utf8),
        cameo_code="cameo_code", roles="roles", notes="notes", heads="head", frame="frame", lead="lead",
        need="need", participles="participles", passive_need="passive_need", subject="_subject", kind="kind",
        object_first=(pl.col("object").fill_null("") != "") & (pl.col("particle").fill_null("") == ""),
    )


def _as_table(table: pl.DataFrame, origin: str) -> pl.DataFrame:
    """A pattern or lexicon frame, checked, in TABLE_SCHEMA (lexicon rows are told by their `lemma` column)."""
    if "lemma" in table.columns:
        return _from_lexicon(lexicon.check_lexicon(table, origin))
    return check_patterns(table, origin).with_columns(
        heads=pl.lit(None, dtype=pl.List(pl.Utf8)), frame=pl.lit(None, dtype=pl.Utf8),
        lead=pl.lit(None, dtype=pl.List(pl.Utf8)), need=pl.lit(None, dtype=pl.List(pl.Utf8)),
        participles=pl.lit(None, dtype=pl.List(pl.Utf8)), passive_need=pl.lit(None, dtype=pl.List(pl.Utf8)),
        subject=pl.lit(None, dtype=pl.List(pl.Utf8)), kind=pl.lit(None, dtype=pl.Utf8),
        object_first=pl.lit(None, dtype=pl.Boolean))


def load_patterns(paths: Iterable[str | Path]) -> pl.DataFrame:
    """A recipe's pattern and lexicon files, concatenated in order and checked (see the module docstring)."""
    frames = []
    for path in paths:
        raw = read_text_table(Path(path), "a tab-separated pattern or lexicon file")
        frames.append(_as_table(raw, str(path)))
    return pl.concat(frames) if frames else pl.DataFrame(schema=TABLE_SCHEMA)


@cache
def _builtin_table() -> pl.DataFrame:
    return pl.concat([_as_table(builtin_patterns(), "verbs.tsv"), _from_lexicon(lexicon.builtin_lexicon())])


def pattern_table(extra: pl.DataFrame | None = None, *, builtin: bool = True) -> pl.DataFrame:
    """The patterns of a run, in priority order, numbered by `verb`: a recipe's first, then verbs.tsv, then
    the lexicon. Lexicon rows have `heads` and `frame`; pattern rows have them null."""
    parts = [] if extra is None else [extra if "heads" in extra.columns else _as_table(extra, "patterns=")]
    if builtin:
        parts.append(_builtin_table())
    table = pl.concat(parts) if parts else pl.DataFrame(schema=TABLE_SCHEMA)
    return table.with_row_index("verb")


def _chunk_matches(sent: pl.LazyFrame, chunk: list[str]) -> pl.LazyFrame:
    """(article_id, sentence, pattern_key, v_start, v_end) of one alternation's non-overlapping matches."""
    big = "|".join(_wrap(p) for p in chunk)
    return (
        sent.select("article_id", "sentence", "start", piece=pl.col("s_text").str.extract_all(rf"(?s).*?(?:{big})"))
        # Most sentences match no pattern of a chunk: dropped before the per-piece work.
        .filter(pl.col("piece").list.len() > 0)
        # End of each piece inside its sentence: a running length within the list (no window needed).
        .with_columns(n=pl.col("piece").list.eval(pl.element().str.len_chars().cast(pl.Int64).cum_sum()))
        .explode("piece", "n")
        .drop_nulls("piece")
        .with_columns(
            v_end=pl.col("n") + pl.col("start"),
            # The leftmost start of a match that ends the piece is the longest match there (the same as
            # after the shortest prefix `^.*?`, which the engine runs many times slower).
            trigger=pl.col("piece").str.extract(rf"(?s)((?:{big}))$", 1),
        )
        .with_columns(v_start=pl.col("v_end") - pl.col("trigger").str.len_chars().cast(pl.Int64))
        .select("article_id", "sentence", "v_start", "v_end", key=pl.col("trigger").str.to_lowercase())
    )


# Words after which a verb form is a noun: determiners and possessives ("her" and "that" may stand before
# a verb: "made her resign", "the deal that ended the war").
_NOT_A_VERB_BEFORE = r"(?i)(?:^|[^a-z])(?:the|a|an|this|these|those|its|his|their|our|my|your|whose|every|each) +$"
# The gap before an object (up to four words) holding a coordinator.
_COORDINATED_OBJECT = r"(?i)^ +(?:[^ ]+ +){0,3}(?:and|or|as well as) "


def _lexicon_matches(sent: pl.LazyFrame, lex: pl.DataFrame) -> pl.LazyFrame:
    """(article_id, sentence, v_start, v_end, pattern) of the lexicon rows, one per head found: its longest frame.

    The head words of all rows are found in one Aho-Corasick pass over an ASCII copy of each sentence
    (every other character replaced one for one, so offsets stay those of the text), kept where they
    stand as whole words; each head then tries the frames of the rows it belongs to on the text after
    it (at most 120 characters), and the longest fit wins, at equal length the row listed first.
    """
    forms = (
        lex.select("rank", "pattern", "frame", "lead", "need", "participles", "passive_need", "subject",
                   "object_first", "kind", key=pl.col("heads")).explode("key")
        .with_columns(participle=pl.col("participles").list.contains(pl.col("key")).fill_null(False))
        .drop("participles")
        .unique(["key", "rank"])
    )
    heads = sorted(forms["key"].unique().to_list(), key=lambda h: (-len(h), h))
    keys = ["article_id", "sentence"]
    # Sentences are short: each candidate carries its sentence's ASCII copy to read the frame after it.
    copies = sent.select(*keys, "start", _a=lexicon.ascii_copy(pl.col("s_text")))
    hits = (
        lexicon.word_hits(sent.select(*keys, text="s_text"), keys, heads)
        .rename({"w_start": "h_start", "w_end": "h_end"})
        .join(copies, on=keys, how="inner")
        .with_columns(
            tail=pl.col("_a").str.slice(pl.col("h_end"), 120),
            # What the tests below read before the head: at most 60 characters, so that the copy of the
            # sentence need not follow each candidate through the joins.
            _pre=pl.col("_a").str.slice((pl.col("h_start") - 60).clip(lower_bound=0), pl.col("h_start").clip(upper_bound=60)),
        )
        .with_columns(_words=pl.col("tail").str.slice(0, 60).str.to_lowercase().str.extract_all(r"[a-z0-9_'-]+"))
        .with_columns(_next=pl.col("_words").list.first())
        # A verb form after a determiner or a possessive is a noun ("a cave in Afghanistan", "this battle"),
        # an act only as the noun of its object ("the arrest of", "the shooting of"); a participle after a
        # hyphen is an adjective ("military-backed"; after a plural, a hyphen is a scraped dash: "a string
        # of attacks-killed 130").
        .with_columns(_no_verb=(
            (pl.col("_pre").str.slice(-12).str.contains(_NOT_A_VERB_BEFORE) & (pl.col("_next") != "of"))
            | (pl.col("key").str.contains("(?:ed|en)$") & pl.col("_pre").str.slice(-2).str.contains("^[A-Za-rt-z0-9]-$"))
        ).fill_null(False))
        .drop("_a")
        .collect()
        .with_row_index("_hit")
        .lazy()
    )
    # Which rows each head tries, found by joins on words rather than by trying every row of the head
    # (common heads, "called" or "take", have dozens): a row with a first word (`lead`) where that word
    # comes next, a row with an object where one of its words (`need`) comes in the words ahead, and the
    # rest (no frame, or a participle that may stand in the passive) everywhere.
    plain = ~pl.col("participle")
    by_lead = forms.filter(plain & pl.col("lead").is_not_null()).select("key", "rank", _next="lead").explode("_next")
    by_need = forms.filter(plain & pl.col("lead").is_null() & pl.col("need").is_not_null()).select(
        "key", "rank", _w="need").explode("_w")
    anywhere = forms.filter(~plain | (pl.col("lead").is_null() & pl.col("need").is_null())).select("key", "rank")
    pairs = pl.concat([
        hits.select("_hit", "key", "_next").join(by_lead.lazy(), on=["key", "_next"]).select("_hit", "key", "rank"),
        hits.select("_hit", "key", _w="_words").explode("_w").join(by_need.lazy(), on=["key", "_w"])
        .select("_hit", "key", "rank").unique(),
        hits.select("_hit", "key").join(anywhere.lazy(), on="key").select("_hit", "key", "rank"),
    ])
    found = (
        pairs.join(hits, on=["_hit", "key"]).join(forms.lazy(), on=["key", "rank"])
        # A participle after "was", "were", "been" … with one of its object words in the words before:
        # the object is the subject of the passive ("the opposition party was banned"), and the head
        # alone is the match.
        .with_columns(_passive=pl.col("participle") & pl.when(pl.col("participle")).then(
            pl.col("_pre").str.to_lowercase().str.extract(_PASSIVE_BEFORE, 1).str.extract_all(r"[a-z0-9_'-]+")
            .list.set_intersection("passive_need").list.len() > 0).fill_null(False))
        # Cheap tests before the frame's regex, where most candidates fail: a frame that must go on with
        # one of a few words needs it next; a frame with a gap needs one of its object words ahead.
        .filter(pl.col("_passive") | pl.col("lead").is_null() | pl.col("lead").list.contains(pl.col("_next")).fill_null(False))
        .filter(pl.col("_passive") | pl.col("need").is_null() | (pl.col("need").list.set_intersection("_words").list.len() > 0))
        .filter((pl.col("kind") != "verb") | ~pl.col("_no_verb"))
        # A row for acts of certain actors only needs one of its subject words in the clause before the head.
        .filter(pl.col("subject").is_null() | pl.when(pl.col("subject").is_not_null()).then(
            pl.col("_pre").str.to_lowercase().str.extract(_CLAUSE_TAIL, 1).str.extract_all(r"[a-z0-9_'-]+")
            .list.set_intersection("subject").list.len() > 0).fill_null(False))
        .select("article_id", "sentence", "rank", "pattern", "frame", "start", "h_start", "h_end", "tail", "_passive",
                "object_first")
        .collect()
    )
    passives = found.filter(pl.col("_passive")).with_columns(fit=pl.lit(""))
    found = found.filter(~pl.col("_passive"))
    # All frames run as a few regexes: each candidate's tail is prefixed with its frame's number, and a
    # regex is an alternation of "number, then that frame", so a tail can fit only its own frame. (A
    # frame per row as a column of patterns compiles a regex per row; a regex per frame pays a call per
    # frame.)
    schema = {"article_id": pl.Utf8, "sentence": pl.Int64, "rank": pl.UInt32, "pattern": pl.Utf8,
              "v_start": pl.Int64, "v_end": pl.Int64}
    if found.height + passives.height == 0:
        return pl.LazyFrame(schema=schema)
    frames = found.select("frame").unique().sort("frame").with_row_index("_f")
    found = found.join(frames, on="frame", how="left").with_columns(
        _tagged=pl.concat_str(pl.col("_f").cast(pl.Utf8), pl.lit("\x1f"), pl.col("tail"))
    )
    fitted = [passives.select("article_id", "sentence", "rank", "pattern", "start", "h_start", "h_end", "fit",
                              "object_first")]
    for chunk in frames.iter_slices(_FRAMES_PER_REGEX):
        branches = "|".join(
            f"{i}\x1f{lexicon.ascii_frame(frame)}" for i, frame in chunk.iter_rows()
        )
        part = found.filter(pl.col("_f").is_in(chunk["_f"].implode()))
        fitted.append(
            part.with_columns(fit=pl.col("_tagged").str.extract(f"^(?:{branches})", 0))
            .drop_nulls("fit")
            .with_columns(fit=pl.col("fit").str.slice(pl.col("_f").cast(pl.Utf8).str.len_chars() + 1))
            .select("article_id", "sentence", "rank", "pattern", "start", "h_start", "h_end", "fit", "object_first")
        )
    return (
        pl.concat(fitted).lazy()
        .select(
            "article_id", "sentence", "rank", "pattern",
            v_start=pl.col("h_start") + pl.col("start"),
            v_end=pl.col("h_end") + pl.col("start") + pl.col("fit").str.len_chars().cast(pl.Int64),
            # An object reached past "and"/"or" is the second of coordinated objects: the frame that
            # fits the first wins ("fired tear gas and plastic bullets" is tear gas fired).
            _past_and=pl.col("object_first").fill_null(False) & pl.col("fit").str.contains(_COORDINATED_OBJECT),
        )
        .sort(["article_id", "sentence", "v_start", "_past_and", "v_end", "rank"],
              descending=[False, False, False, False, True, False])
        .unique(["article_id", "sentence", "v_start"], keep="first", maintain_order=True)
        .drop("_past_and")
    )


def matches(sent: pl.LazyFrame, table: pl.DataFrame) -> pl.LazyFrame:
    """Every non-overlapping pattern match of each sentence: (article_id, sentence, verb, v_start, v_end).

    `sent` has article_id, sentence, start (article offset of the sentence) and s_text. The patterns
    run as a few alternations (one regex would exceed the engine's size limit), the lexicon as one pass
    over its head words (`_lexicon_matches`); matches are then resolved across them: leftmost first,
    and at one place the row listed first. The piece of text before each match gives its character
    offset, so no byte arithmetic is needed.
    """
    schema = {"article_id": pl.Utf8, "sentence": pl.Int64, "verb": pl.UInt32, "v_start": pl.Int64, "v_end": pl.Int64}
    if table.height == 0:
        return pl.LazyFrame(schema=schema)
    unique = table.unique("pattern", keep="first", maintain_order=True).with_row_index("rank")
    regex_rows = unique.filter(pl.col("heads").is_null())
    lex_rows = unique.filter(pl.col("heads").is_not_null())
    parts = []
    if regex_rows.height:
        parts.append(_regex_matches(sent, regex_rows))
    if lex_rows.height:
        parts.append(_lexicon_matches(sent, lex_rows))
    ranked = pl.concat(parts).sort(
        ["article_id", "sentence", "v_start", "rank", "v_end"], descending=[False, False, False, False, True]
    )
    # The furthest end seen before each match in its sentence: rows are sorted by sentence, so one running
    # max over (sentence number, v_end) packed in an integer stays inside the sentence (a window over
    # tens of thousands of sentences costs many times more).
    group = pl.struct("article_id", "sentence").rle_id().cast(pl.Int64)
    packed = (group * (1 << 32) + pl.col("v_end")).cum_max()
    seen_end = pl.when(group.shift(1) == group).then(packed.shift(1) - group * (1 << 32))
    kept = ranked.filter(seen_end.is_null() | (pl.col("v_start") >= seen_end))
    # Every row sharing the winning pattern's text applies ("left for": visit and host).
    return (
        kept.join(table.lazy().select("verb", "pattern"), on="pattern", how="inner")
        .select(list(schema))
        .sort("article_id", "sentence", "v_start", "verb")
    )


def _regex_matches(sent: pl.LazyFrame, unique: pl.DataFrame) -> pl.LazyFrame:
    """(article_id, sentence, v_start, v_end, rank, pattern) of the pattern rows, from a few alternations."""
    chunks: list[list[str]] = [[]]
    used = 0
    for pattern in unique["pattern"]:
        cost = 1 + _GAP_COST * pattern.count("{")
        if chunks[-1] and used + cost > _CHUNK_BUDGET:
            chunks.append([])
            used = 0
        chunks[-1].append(pattern)
        used += cost
    # Read twice below (which triggers, and their matches): cached, the regexes run once.
    found = pl.concat([_chunk_matches(sent, c) for c in chunks]).cache()
    # Which pattern a trigger came from: the first listed pattern matching it whole, found over the
    # (few) distinct trigger strings.
    owner = found.select("key").unique().with_columns(
        pattern=pl.coalesce(
            pl.when(pl.col("key").str.contains(rf"^{_wrap(p)}$")).then(pl.lit(p)) for p in unique["pattern"]
        )
    ).drop_nulls("pattern").join(unique.lazy().select("pattern", "rank"), on="pattern")
    return found.join(owner, on="key", how="inner").select("article_id", "sentence", "rank", "pattern", "v_start", "v_end")
