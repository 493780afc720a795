"""Subject pronouns resolved to the last compatible actor, so that "He met …" has a source.

A pronoun counts only where it starts a clause (the start of a sentence, after a clause break, a
conjunction, a speech verb or "that"): there it is the subject of what follows. It stands for the
nearest mention in subject position before it in the article (see `_SUBJECT_POSITION`: in "Ruritania
struck Syldavia as it accused …" it is Ruritania), at most `MAX_DISTANCE` characters back, of a
compatible kind: "he" and "she" a person; "it" and "they" a country, an organisation or a collective actor
(`toolkit.events.collectives`). "It" before a
copula or a weather/time word ("it is", "it was", "it's") is an expletive and stands for nothing.
The pronoun becomes a mention of that entity with the pronoun's own offsets; when the nearest
compatible mention has no actor code, neither has the pronoun, and no event takes a more distant
actor instead.

A title after "the" ("the president", "the foreign minister"; the titles of role_words.tsv) is the
nearest person before it in the article named with that title ("President Ana Varga … the
president said"), at most `MAX_TITLE_DISTANCE` characters back; "the president of …" and a title
before a name are not such references.
"""

from __future__ import annotations

import polars as pl

from toolkit.contract.spans import slice_spans
from toolkit.events import lexicon
from toolkit.vocab.dictionaries import shipped

MAX_DISTANCE = 400
MAX_TITLE_DISTANCE = 2000
_CLAUSE_OPENING = (
    r"(?i:[.!?;:,\"“”]\s*|\n\s*|\b(?:and|but|said|says|told|added|that|when|after|before|because|while|as|where"
    r"|although|though|since|until|once|if)\s+"
    # A speech verb and when it was said: "said on Wednesday they …".
    r"|\b(?:said|says|added|announced)\s+(?:(?:on|last|this)\s+\w+|yesterday|today|tonight)\s+(?:that\s+)?)"
    # An adverb may stand between the opening and the pronoun ("Later it …", "and then they …").
    r"(?i:(?:later|then|also|now|again|earlier|still|meanwhile|\w+ly),?\s+)?"
)
_EXPLETIVE = r"^\s*(?:is|was|'s|’s|seems|seemed|appears|appeared|remains|remained|will be|would be|has been|had been|may|might|takes|took|means|meant)\b"
# A subject pronoun stands for an earlier subject: a name opening its clause, with at most an article and
# capitalised words (titles, other names) before it. An object ("struck Syria") or a name after a
# preposition ("in Syria") is not.
_SUBJECT_POSITION = r"(?:[.!?;:,\n\"“]\s*|\b(?i:and|but|that|said|says)\s+)(?:(?i:the|a|an)\s+)?(?:\p{Lu}[\p{L}'’.-]*\s+)*$"
_KINDS = {
    "he": ["person"], "she": ["person"], "it": ["country", "organisation", "group"],
    "they": ["country", "organisation", "group"],
}


def _from_text_start(window: pl.Expr, n: int) -> pl.Expr:
    """The `n` characters before `start`, led by a line break where they reach the text's start: the
    text's own start counts as a clause opening."""
    return pl.when(pl.col("start") <= n).then(pl.concat_str(pl.lit("\n"), window)).otherwise(window)


def mentions(articles_lf: pl.LazyFrame, ments: pl.LazyFrame) -> pl.LazyFrame:
    """Pronoun mentions with the columns of `ments` but `sentence` (article_id, entity_id, start, end, …, code)."""
    texts = articles_lf.select("article_id", "text")
    titles = _title_phrases()
    # Pronouns and titles are found in one pass over the texts.
    hits = lexicon.word_hits(texts, "article_id", [*_KINDS, *(f"the {t}" for t in titles)]).collect().lazy()
    opening = _from_text_start(pl.col("_b"), 40)
    found = (
        slice_spans(
            hits.filter(pl.col("key").is_in(list(_KINDS))).select("article_id", word="key", start="w_start", end="w_end"),
            texts, "article_id", {"_b": (pl.col("start") - 40, pl.col("start")), "_a": (pl.col("end"), pl.col("end") + 20)},
        )
        .filter(opening.str.contains(rf"{_CLAUSE_OPENING}$")
                & ~((pl.col("word") == "it") & pl.col("_a").str.contains(_EXPLETIVE)))
        .drop("_b", "_a")
        # Collected here: left lazy, the optimiser moves work into the explode above and runs many times slower.
        .collect()
        .lazy()
    )
    before = _from_text_start(pl.col("_w"), 60)
    subjects = (
        slice_spans(ments, texts, "article_id", {"_w": (pl.col("start") - 60, pl.col("start"))})
        .filter(before.str.contains(_SUBJECT_POSITION))
        .drop("_w")
        .cache()  # read once per pronoun below
    )
    found = found.cache()
    resolved = []
    for word, kinds in _KINDS.items():
        cands = (
            subjects.filter(pl.col("kind").is_in(kinds))
            .select(pl.exclude("start", "sentence"), a_end="end")
            .drop("end")
            .sort("article_id", "a_end")
        )
        resolved.append(
            found.filter(pl.col("word") == word)
            .sort("article_id", "start")
            .join_asof(cands, left_on="start", right_on="a_end", by="article_id", strategy="backward",
                       check_sortedness=False)
            .filter((pl.col("start") - pl.col("a_end")) <= MAX_DISTANCE)
            .drop("a_end", "word")
        )
    title_hits = hits.filter(~pl.col("key").is_in(list(_KINDS)))
    return pl.concat([*resolved, _titles(texts, ments, title_hits, titles)])


def _title_phrases() -> list[str]:
    """The titles of role_words.tsv, lower-case, longest first."""
    return sorted(shipped().role_words["phrase"].str.to_lowercase().unique().to_list(), key=lambda t: (-len(t), t))


def _titles(texts: pl.LazyFrame, ments: pl.LazyFrame, hits: pl.LazyFrame, titles: list[str]) -> pl.LazyFrame:
    """Mentions of "the <title>" (`hits` of `lexicon.word_hits`) resolved to the nearest person named with
    that title before them."""
    alternation = "|".join(t.replace("-", r"\-") for t in titles)
    found = (
        slice_spans(
            hits.select("article_id", _title=pl.col("key").str.slice(4), start="w_start", end="w_end"),
            texts, "article_id", {"_a": (pl.col("end"), pl.col("end") + 30)},
        )
        # "the president of Syldavia" is someone else; "the President Ana Varga" is the name itself.
        .filter(~pl.col("_a").str.contains(r"^(?:\s+of\b|\s+\p{Lu}|-)"))
        .drop("_a")
        .sort("article_id", "start")
    )
    named = (
        slice_spans(ments.filter(pl.col("kind") == "person"), texts, "article_id",
                    {"_w": (pl.col("start") - 40, pl.col("start"))})
        .with_columns(_title=pl.col("_w").str.extract(rf"(?i:\b({alternation}))\s+(?:\p{{Lu}}[\p{{L}}.'’-]*\s+)?$", 1)
                      .str.to_lowercase())
        .drop_nulls("_title")
        .select(pl.exclude("start", "sentence", "_w"), a_end="end")
        .drop("end")
        .sort("article_id", "a_end")
    )
    return (
        found.join_asof(named, left_on="start", right_on="a_end", by=["article_id", "_title"], strategy="backward",
                        check_sortedness=False)
        .filter((pl.col("start") - pl.col("a_end")) <= MAX_TITLE_DISTANCE)
        .drop("a_end", "_title")
    )
