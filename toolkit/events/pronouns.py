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
"""

from __future__ import annotations

import polars as pl

MAX_DISTANCE = 400
_CLAUSE_OPENING = (
    r"(?i:^|[.!?;:,\"“”]\s*|\n\s*|\b(?:and|but|said|says|told|added|that|when|after|before|because|while|as|where"
    r"|although|though|since|until|once|if)\s+)"
    # An adverb may stand between the opening and the pronoun ("Later it …", "and then they …").
    r"(?i:(?:later|then|also|now|again|earlier|still|meanwhile|\w+ly),?\s+)?"
)
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Ii]t|[Tt]hey)"
_EXPLETIVE = r"^\s*(?:is|was|'s|’s|seems|seemed|appears|appeared|remains|remained|will be|would be|has been|had been|may|might|takes|took|means|meant)\b"
# A subject pronoun stands for an earlier subject: a name opening its clause, with at most an article and
# capitalised words (titles, other names) before it. An object ("struck Syria") or a name after a
# preposition ("in Syria") is not.
_SUBJECT_POSITION = r"(?:[.!?;:,\n\"“]\s*|\b(?i:and|but|that|said|says)\s+)(?:(?i:the|a|an)\s+)?(?:\p{Lu}[\p{L}'’.-]*\s+)*$"
_KINDS = {
    "he": ["person"], "she": ["person"], "it": ["country", "organisation", "group"],
    "they": ["country", "organisation", "group"],
}


def mentions(articles_lf: pl.LazyFrame, ments: pl.LazyFrame) -> pl.LazyFrame:
    """Pronoun mentions with the columns of `ments` but `sentence` (article_id, entity_id, start, end, …, code)."""
    found = (
        articles_lf.select("article_id", piece=pl.col("text").str.extract_all(rf"(?s).*?{_CLAUSE_OPENING}{_PRONOUN}\b"))
        .filter(pl.col("piece").list.len() > 0)
        .with_columns(n=pl.col("piece").list.eval(pl.element().str.len_chars().cast(pl.Int64).cum_sum()))
        .explode("piece", "n")
        .drop_nulls("piece")
        .with_columns(word=pl.col("piece").str.extract(rf"({_PRONOUN})$", 1).str.to_lowercase())
        .select("article_id", "word", end="n", start=pl.col("n") - pl.col("word").str.len_chars().cast(pl.Int64))
    )
    texts = articles_lf.select("article_id", "text")
    found = (
        found.join(texts, on="article_id", how="inner")
        .filter(~((pl.col("word") == "it") & pl.col("text").str.slice(pl.col("end"), 20).str.contains(_EXPLETIVE)))
        .drop("text")
    )
    window = pl.col("text").str.slice((pl.col("start") - 60).clip(lower_bound=0), pl.col("start").clip(upper_bound=60))
    # The text's own start counts as a clause opening.
    before = pl.when(pl.col("start") <= 60).then(pl.concat_str(pl.lit("\n"), window)).otherwise(window)
    subjects = (
        ments.join(texts, on="article_id", how="inner")
        .filter(before.str.contains(_SUBJECT_POSITION))
        .drop("text")
    )
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
    return pl.concat(resolved)
