"""Claims about how the build cuts its input files into shards."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from toolkit.pipeline.run import MIN_PARALLEL_SHARD, plan_shards


@given(
    sizes=st.lists(st.integers(1, 3000), min_size=1, max_size=40),
    shard_size=st.integers(100, 20_000),
    workers=st.integers(1, 8),
)
def test_shards_keep_file_order_and_bounds_and_give_workers_equal_shares(sizes, shard_size, workers):
    files = list(range(len(sizes)))
    shards = plan_shards(files, shard_size, workers, sizes)
    assert [f for shard in shards for f in shard] == files  # every file once, in order
    docs = [sum(sizes[f] for f in shard) for shard in shards]
    # A shard holds more than the shard size only when it is one file.
    assert all(n <= shard_size or len(shard) == 1 for n, shard in zip(docs, shards, strict=True))
    if workers > 1:
        # Every worker gets a shard, unless there are too few files or documents for it.
        enough = min(workers, len(files), -(-sum(sizes) // MIN_PARALLEL_SHARD))
        assert len(shards) >= enough


def test_files_of_two_workers_are_cut_in_two_near_equal_halves():
    sizes = [453, 424, 467, 473, 500, 505, 508, 494]
    shards = plan_shards(list(range(8)), 10_000, 2, sizes)
    assert shards == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # Whole files that do not split evenly still keep a shard within the shard size.
    assert plan_shards([0, 1, 2], 1000, 2, [600, 600, 600]) == [[0], [1], [2]]
