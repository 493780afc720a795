"""Deterministic, atomic output: Parquet with fixed settings, JSON with sorted keys, and a dataset
folder that appears whole or not at all."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from toolkit.ids import sha256_hex

# Fixed writer settings: together with a total row order and pinned versions they make the bytes
# of every Parquet file reproducible.
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "row_group_size": 65_536, "statistics": True}


def write_parquet(df: pl.DataFrame | pl.LazyFrame, path: Path) -> None:
    """Write a frame (a lazy one is streamed) with the project's fixed Parquet settings."""
    if isinstance(df, pl.LazyFrame):
        df.sink_parquet(path, maintain_order=True, **PARQUET_OPTIONS)
    else:
        df.write_parquet(path, **PARQUET_OPTIONS)


def dumps_json(obj: object) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def write_text(path: Path, text: str) -> None:
    """Write text as UTF-8 with LF line ends, whatever the platform."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def file_entry(path: Path) -> dict:
    """Checksum and size of one output file, as the manifest records it."""
    data = path.read_bytes()
    return {"sha256": sha256_hex(data), "bytes": len(data)}


@contextmanager
def atomic_dir(out: Path) -> Iterator[Path]:
    """Yield a temporary sibling folder; on success it replaces `out`, on error it is removed.

    An interrupted build never leaves a half-written dataset at `out`: the old dataset stays until
    the new one is complete, then the two are swapped by renames on the same filesystem.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
