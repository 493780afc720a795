"""Optional model-based recognisers behind the same interface as the model-free name finder (people.py).

    import spacy, toolkit
    from toolkit.entities.recognizers import SpacyRecognizer
    res = toolkit.annotate(df, recognizer=SpacyRecognizer(spacy.load("en_core_web_sm")))

The model's spans replace the capitalisation patterns; the gazetteer (countries, places, actors,
metonyms), the resolution rules and the output frame stay the same, and a model span on the very
span of a gazetteer match yields to the gazetteer's codes. spaCy is not a dependency of the toolkit:
install it (and a pipeline) yourself.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from toolkit.vocab.dictionaries import Dictionaries, canonical_key

# spaCy's OntoNotes and CoNLL label sets, mapped to the toolkit's kinds; other labels are not entities here.
LABEL_KINDS = {
    "PERSON": "person", "PER": "person",
    "ORG": "organisation", "NORP": None,
    "GPE": "place", "LOC": "place", "FAC": "place",
}
_SPAN = pl.Struct({"start": pl.Int64, "end": pl.Int64, "label": pl.Utf8})


class SpacyRecognizer:
    """Name candidates from a spaCy `Language` run with `nlp.pipe` over the whole text column."""

    def __init__(self, nlp: Any, *, batch_size: int = 64, label_kinds: dict[str, str | None] | None = None) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.label_kinds = dict(LABEL_KINDS if label_kinds is None else label_kinds)

    def _spans(self, texts: pl.Series) -> pl.Series:
        """One list of (start, end, label) character spans per text, in text order."""
        docs = self.nlp.pipe((t or "" for t in texts.to_list()), batch_size=self.batch_size)
        rows = [[{"start": e.start_char, "end": e.end_char, "label": e.label_} for e in doc.ents] for doc in docs]
        return pl.Series(rows, dtype=pl.List(_SPAN))

    def candidates(self, articles_lf: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame:
        """The model's PERSON/ORG/GPE/LOC/FAC spans as candidates (method "model"); other labels dropped."""
        spans = pl.col("text").map_batches(self._spans, return_dtype=pl.List(_SPAN))
        return (
            articles_lf.select("article_id", "text", spans.alias("_ent"))
            .explode("_ent")
            .drop_nulls("_ent")
            .unnest("_ent")
            .with_columns(
                kind=pl.col("label").replace_strict(self.label_kinds, default=None, return_dtype=pl.Utf8),
                surface=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")),
            )
            .filter(pl.col("kind").is_not_null())
            .select(
                "article_id", "start", "end", "surface", "kind", canonical_key(pl.col("surface")).alias("key"),
                pl.lit(None, pl.Utf8).alias("country_code"), pl.lit(None, pl.Utf8).alias("role_code"),
                pl.lit("model").alias("method"),
                (pl.col("surface").str.count_matches(r"\s").cast(pl.Int64) + 1).alias("n_tokens"),
            )
        )
