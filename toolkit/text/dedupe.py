"""Duplicates across the corpus: articles with the same normalised content, or nearly the same words.

Exact duplicates share `content_hash` (SHA-256 of the cleaned text). Near-duplicates are found with
MinHash over word shingles, in polars expressions over whole columns:

1. words (lowercased `\\w+`) are hashed once with xxhash64 (polars-hash: stable across versions and
   platforms), and the hashes of `shingle_size` consecutive words are mixed into one 64-bit shingle hash;
2. one-permutation MinHash (Li, Owen & Zhang 2012): a shingle falls into bin `hash mod num_perm`, and a
   bin keeps its smallest hash; bins left empty by short texts take the value of the next filled bin
   (rotation densification, Shrivastava & Li 2014), so every article has `num_perm` values. One hash per
   shingle instead of one per shingle and permutation makes this `num_perm` times cheaper;
3. LSH: `bands` keys of `rows` values each (a band's bins are `bands` apart); articles sharing a key
   are candidates; those whose share of equal values (an estimate of their Jaccard similarity) comes
   near `threshold` have the exact Jaccard of their shingle-hash sets computed, which decides;
4. clusters are the connected components of exact and near matches (min-label propagation to a fixed
   point), and `duplicate_of` names the cluster's first article in a stable order.
"""

from __future__ import annotations

import polars as pl
import polars_hash  # noqa: F401  registers the `nchash` namespace

from toolkit.errors import RecipeError

SHINGLE_SIZE = 5
NUM_PERM = 128
BANDS = 16
ROWS = 8
THRESHOLD = 0.8
# Articles whose shingles are hashed at once: bounds the memory of the exploded word frame.
CHUNK_SIZE = 20_000
_PAIRS_PER_CHECK = 200_000
# How far below the threshold a MinHash estimate may fall and still have its exact Jaccard computed:
# about three standard deviations of an estimate from 128 values near 0.8.
_MARGIN = 0.1

_U64 = pl.UInt64
# Odd 64-bit constants of splitmix64 / the golden ratio; multiplication wraps modulo 2^64.
_MIX1, _MIX2, _GOLDEN = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0x9E3779B97F4A7C15


def _mix(lf: pl.LazyFrame, name: str) -> pl.LazyFrame:
    """splitmix64's finaliser on column `name`: every input bit flips about half the output bits.

    One step per `with_columns`: nesting the steps in one expression would repeat its input each time.
    """
    x = pl.col(name)
    lf = lf.with_columns((x.xor(x // (1 << 30)) * pl.lit(_MIX1, _U64)).alias(name))
    lf = lf.with_columns((x.xor(x // (1 << 27)) * pl.lit(_MIX2, _U64)).alias(name))
    return lf.with_columns(x.xor(x // (1 << 31)).alias(name))


def mark_duplicates(
    articles: pl.LazyFrame,
    documents: pl.LazyFrame,
    *,
    near: bool = True,
    shingle_size: int = SHINGLE_SIZE,
    num_perm: int = NUM_PERM,
    bands: int = BANDS,
    rows: int = ROWS,
    threshold: float = THRESHOLD,
    chunk_size: int = CHUNK_SIZE,
) -> pl.LazyFrame:
    """Set `duplicate_of` to the first article of its duplicate cluster, null for that first one.

    "First" is a total order that does not depend on input order: earliest `published_at` (unknown
    dates last), then the document's source path, then the position inside the document, then the id.
    Clusters join articles with equal `content_hash` and, when `near` and a `text` column is present,
    articles whose estimated Jaccard similarity of word shingles is at least `threshold`.
    This corpus-wide stage materialises the small frames it iterates on (order, signatures, edges).
    """
    if bands * rows > num_perm:
        raise RecipeError(f"[dedupe] bands × rows ({bands} × {rows}) must not exceed num_perm ({num_perm})")
    order = (
        articles.select("article_id", "doc_id", "position", "published_at", "content_hash")
        .join(documents.select("doc_id", "source"), on="doc_id", how="left")
        .sort(
            pl.col("published_at").is_null(), "published_at", "source", "position", "article_id",
            nulls_last=True, maintain_order=True,
        )
        .unique("article_id", keep="first", maintain_order=True)
        .select("article_id", "content_hash", _ord=pl.int_range(pl.len(), dtype=pl.UInt32))
        .collect()
    )
    # One representative per content: the earliest; near-duplicates are searched among these only.
    rep = order.group_by("content_hash", maintain_order=True).agg(_rep=pl.col("_ord").min())
    edges = pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32})
    if near and "text" in articles.collect_schema() and order.height:  # no articles: no pairs to look for
        reps = order.join(rep, left_on="_ord", right_on="_rep", how="semi").select("article_id", "_ord")
        texts = articles.select("article_id", "text")
        n_rows = texts.select(pl.len()).collect().item()
        sigs = (
            pl.concat(
                [
                    signatures(chunk.join(reps, on="article_id"), shingle_size=shingle_size, num_perm=num_perm)
                    for chunk in _chunks(texts, n_rows, chunk_size)
                ],
                how="vertical",
            )
            # An id repeated across shards is one article (the build rejects the later copies).
            .unique("_ord", keep="first")
            .sort("_ord")
        )
        # The estimate lets through pairs a little below the threshold; their shingle sets decide.
        likely = near_pairs(sigs, bands=bands, rows=rows, threshold=threshold - _MARGIN)
        ords = pl.concat([likely["a"], likely["b"]]).unique().to_frame("_ord")
        involved = texts.join(reps.join(ords, on="_ord").lazy(), on="article_id").unique("_ord").sort("_ord")
        edges = exact_jaccard(likely, involved.collect(), shingle_size=shingle_size, threshold=threshold)
    label = components(edges)
    first = (
        order.join(rep, on="content_hash")
        .join(label, left_on="_rep", right_on="node", how="left")
        .with_columns(_first=pl.coalesce("label", "_rep"))
        .join(order.select(pl.col("_ord").alias("_first"), pl.col("article_id").alias("_first_id")), on="_first")
        .select("article_id", "_first_id")
    )
    return (
        articles.join(first.lazy(), on="article_id", how="left")
        .with_columns(
            duplicate_of=pl.when(pl.col("_first_id") != pl.col("article_id")).then(pl.col("_first_id"))
        )
        .drop("_first_id")
    )


def _chunks(texts: pl.LazyFrame, n: int, size: int):
    """Consecutive slices of `size` rows: the exploded words of one slice are what memory holds."""
    for offset in range(0, n, size):
        yield texts.slice(offset, size).collect()


def shingles(texts: pl.DataFrame, shingle_size: int) -> pl.LazyFrame:
    """`_row` (position of the text in `texts`) and `s`, the 64-bit hash of each word shingle."""
    k = shingle_size
    words = (
        texts.lazy()
        .select(_row=pl.int_range(pl.len(), dtype=_U64), w=pl.col("text").str.to_lowercase().str.extract_all(r"\w+"))
        .explode("w")
        .drop_nulls("w")
        .select("_row", h=pl.col("w").nchash.xxhash64())
    )
    # A shingle starts at each word followed by k-1 more words of the same text (rows are in order).
    # Its hash is a polynomial in the word hashes (wrapping mod 2^64), then mixed once.
    out = words.with_columns(s=pl.col("h"))
    for j in range(1, k):
        out = out.with_columns(s=pl.col("s") * pl.lit(_GOLDEN, _U64) + pl.col("h").shift(-j))
    return _mix(out, "s").filter(pl.col("_row").shift(-(k - 1)) == pl.col("_row")).select("_row", "s")


def signatures(texts: pl.DataFrame, *, shingle_size: int, num_perm: int) -> pl.DataFrame:
    """One row per text with at least `shingle_size` words: `_ord` and MinHash values `m0`…; others dropped."""
    p = num_perm
    # A chunk whose articles all repeat earlier content has no text to sign.
    if texts.height == 0:
        return pl.DataFrame(schema={"_ord": texts.schema["_ord"], **{f"m{i}": _U64 for i in range(p)}})
    # Slot of a bin in a flat array holding each text's bins twice, so that a backward fill wraps round.
    mins = (
        shingles(texts, shingle_size).group_by(slot=pl.col("_row") * (2 * p) + pl.col("s") % p)
        .agg(pl.col("s").min())
        .collect()
    )
    n = texts.height
    flat = pl.Series("s", [None], dtype=_U64).extend_constant(None, 2 * p * n - 1)
    src = pl.Series("src", [None], dtype=_U64).extend_constant(None, 2 * p * n - 1)
    slots = pl.concat([mins["slot"], mins["slot"] + p])
    flat = flat.scatter(slots, pl.concat([mins["s"], mins["s"]]))
    src = src.scatter(slots, slots)
    dense = (
        pl.DataFrame([flat.backward_fill(), src.backward_fill()])
        .with_columns(slot=pl.int_range(pl.len(), dtype=_U64))
        .filter(pl.col("slot") % (2 * p) < p)
        # An empty bin takes the next filled bin's value, marked by how far away that bin is.
        .select(
            _row=pl.col("slot") // (2 * p),
            m=pl.col("s").xor((pl.col("src") - pl.col("slot")) * pl.lit(_GOLDEN, _U64)),
        )
        .lazy()
        .pipe(_mix, "m")
        .collect()
    )
    has_shingles = pl.Series([False] * n).scatter(mins["slot"] // (2 * p), True)
    wide = dense.select(pl.col("m").reshape((n, p)).arr.to_struct([f"m{i}" for i in range(p)])).unnest("m")
    return pl.concat([texts.select("_ord"), wide], how="horizontal").filter(has_shingles)


def near_pairs(sigs: pl.DataFrame, *, bands: int, rows: int, threshold: float) -> pl.DataFrame:
    """Pairs `a < b` of signature rows sharing an LSH band whose estimated Jaccard is at least `threshold`."""
    num_perm = len(sigs.columns) - 1
    keys = []
    for b in range(bands):
        # Bins of a band are `bands` apart: a densified empty bin copies its right neighbour, so
        # adjacent bins are not independent draws for short texts. The values are already mixed,
        # so a weighted sum (wrapping mod 2^64) tells different bands of values apart.
        key = pl.lit(0, _U64)
        for j, i in enumerate(range(b, bands * rows, bands)):
            key = key + pl.col(f"m{i}") * pl.lit((_GOLDEN * (2 * j + 1)) % 2**64, _U64)
        keys.append(sigs.lazy().select("_ord", band=pl.lit(b, pl.UInt32), key=key))
    buckets = pl.concat(keys).collect()
    candidates = (
        buckets.lazy()
        .join(buckets.lazy(), on=["band", "key"], suffix="_r")
        .filter(pl.col("_ord") < pl.col("_ord_r"))
        .select(a="_ord", b="_ord_r")
        .unique()
        .sort("a", "b")
        .collect()
    )
    other = sigs.lazy().rename({c: f"{c}_r" for c in sigs.columns})
    equal = pl.sum_horizontal(*(pl.col(f"m{i}") == pl.col(f"m{i}_r") for i in range(num_perm)))
    # Candidates are checked in slices: each carries two full signatures.
    verified = [
        candidates.slice(offset, _PAIRS_PER_CHECK)
        .lazy()
        .join(sigs.lazy(), left_on="a", right_on="_ord")
        .join(other, left_on="b", right_on="_ord_r")
        .filter(equal >= threshold * num_perm)
        .select("a", "b")
        .collect()
        for offset in range(0, candidates.height, _PAIRS_PER_CHECK)
    ]
    return pl.concat([pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32}), *verified]).sort("a", "b")


def exact_jaccard(pairs: pl.DataFrame, texts: pl.DataFrame, *, shingle_size: int, threshold: float) -> pl.DataFrame:
    """The pairs `a < b` whose texts (`_ord`, `text`) share at least `threshold` of their shingles (Jaccard)."""
    sets = (
        shingles(texts, shingle_size)
        .unique()
        .join(texts.lazy().select(_row=pl.int_range(pl.len(), dtype=_U64), _ord="_ord"), on="_row")
        .select("_ord", "s")
    )
    sizes = sets.group_by("_ord").agg(n=pl.len())
    shared = (
        pairs.lazy()
        .join(sets, left_on="a", right_on="_ord")
        .join(sets, left_on=["b", "s"], right_on=["_ord", "s"])
        .group_by("a", "b")
        .agg(shared=pl.len())
    )
    return (
        pairs.lazy()
        .join(shared, on=["a", "b"], how="left")
        .join(sizes.rename({"_ord": "a", "n": "n_a"}), on="a")
        .join(sizes.rename({"_ord": "b", "n": "n_b"}), on="b")
        .with_columns(pl.col("shared").fill_null(0))
        .filter(pl.col("shared") >= threshold * (pl.col("n_a") + pl.col("n_b") - pl.col("shared")))
        .select("a", "b")
        .sort("a", "b")
        .collect()
    )


def components(edges: pl.DataFrame) -> pl.DataFrame:
    """Each node of an edge list with `label`, the smallest node of its connected component."""
    links = pl.concat([edges, edges.select(a="b", b="a")]).unique()
    label = links.group_by("a").agg(pl.col("b").min()).select(
        node="a", label=pl.min_horizontal("a", "b")
    ).sort("node")
    while True:
        # Each node takes the smallest label among its neighbours, then the label of its label.
        step = (
            links.join(label, left_on="b", right_on="node")
            .group_by("a").agg(pl.col("label").min().alias("nb"))
            .join(label, left_on="a", right_on="node")
            .select(node="a", label=pl.min_horizontal("label", "nb"))
        )
        step = (
            step.join(step.select(pl.col("node").alias("label"), pl.col("label").alias("jump")), on="label")
            .select("node", label=pl.min_horizontal("label", "jump"))
            .sort("node")
        )
        if step.equals(label):
            return label
        label = step
