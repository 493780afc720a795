"""The build: a recipe's inputs through every stage into one dataset folder.

Reads recipes (`recipe`), plans shards and runs every per-document stage on each, in this process or
a pool of them (`run`, on polars' in-memory engine: `engine`), then the corpus-wide stages,
validation and packaging; `bench` measures a build of a synthetic corpus.

Fills documents: n_articles; rows of rejects for keys repeated across shards.
"""
