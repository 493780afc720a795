"""Deterministic, atomic output: Parquet with fixed settings, JSON with sorted keys, and a dataset
folder that appears whole or not at all, and only where the toolkit owns the folder.

`--out` safety: a build replaces a folder only when it is a dataset the toolkit built (a
`manifest.json` that lists every file in the folder) or an empty folder; anything else is refused
with `OutputError` before any work is done. `--out` equal to, inside or above an input, the recipe
or one of its dictionaries is refused too. Builds into one `--out` take a lock
(`.<name>.lock` beside it); a second one fails at once with `BuildLockedError`. The new dataset is
written into a temporary sibling (`.<name>.tmp-<pid>`) and swapped in by one atomic exchange of the
two folders where the system has one (Linux `renameat2`); elsewhere by two renames, and a build
killed between them leaves the old dataset at `.<name>.old-<pid>`, which the next build or
`validate` puts back. Temporary folders of dead builds are removed by the next build into the same
`--out`.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from toolkit.errors import BuildLockedError, OutputError

# Fixed writer settings: together with a total row order and pinned versions they make the bytes
# of every Parquet file reproducible.
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "row_group_size": 65_536, "statistics": True}
MANIFEST = "manifest.json"
# The manifest's own checksum, beside it: `validate` catches any edit of the manifest.
MANIFEST_CHECKSUM = "manifest.sha256"
# Files a dataset folder holds besides those its manifest lists.
_UNLISTED_OWN = {MANIFEST, MANIFEST_CHECKSUM}


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


def manifest_checksum_text(manifest_bytes: bytes) -> str:
    """Content of manifest.sha256 for these manifest bytes, in `sha256sum` format (`sha256sum -c` checks it)."""
    return f"{hashlib.sha256(manifest_bytes).hexdigest()}  {MANIFEST}\n"


def file_entry(path: Path) -> dict:
    """Checksum and size of a file, as the manifest records it (read in chunks, never whole)."""
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return {"sha256": digest, "bytes": path.stat().st_size}


def foreign_files(folder: Path) -> list[str]:
    """Files in `folder` that its manifest does not list (all of them when there is no usable manifest).

    An empty list means the toolkit owns every file there: a dataset it built, or an empty folder.
    """
    present = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("files", {})
        listed = set(listed) if isinstance(listed, dict) else set()
    except (OSError, ValueError, AttributeError):
        return present
    return [name for name in present if name not in listed and name not in _UNLISTED_OWN]


def check_out(out: Path, protected: Sequence[Path]) -> Path:
    """`out`, resolved, once it is sure a build may write there; else OutputError saying what to do.

    `protected` are the build's inputs, recipe and dictionary files: `out` may not equal, contain or
    lie inside any of them.
    """
    given, out = out, Path(out).resolve()
    for p in protected:
        p = Path(p).resolve()
        if out == p or out in p.parents or p in out.parents:
            where = "is" if out == p else "contains" if out in p.parents else "lies inside"
            raise OutputError(
                f"--out {given} {where} the input {p}; a build never writes over or among its inputs: "
                "choose an output folder outside them"
            )
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"--out {given} is not a folder; choose a folder (a new or empty one, or an earlier dataset)")
    if out.is_dir():
        foreign = foreign_files(out)
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise OutputError(
                f"--out {given} holds files this toolkit did not write ({shown}); it only replaces a "
                "dataset it built or an empty folder: choose a new folder or move those files"
            )
    return out


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold the lock of `out` (a `.<name>.lock` file beside it) for the block, or BuildLockedError."""
    import fcntl

    lock = out.parent / f".{out.name}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLockedError(
                f"another build is writing {out} right now (lock {lock}); wait for it to finish or choose "
                "another --out"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays, so no two builds race on creating it


def _leftovers(out: Path, kind: str) -> list[Path]:
    """Temporary (`tmp`) or displaced (`old`) folders of earlier builds into `out`, newest first."""
    found = out.parent.glob(f".{out.name}.{kind}-*")
    return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def recover(out: Path) -> None:
    """Put back a dataset that a build killed between its two renames left displaced beside `out`."""
    out = Path(out)
    if not out.exists():
        for old in _leftovers(out, "old")[:1]:
            os.replace(old, out)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def atomic_dir(out: Path, protected: Sequence[Path] = ()) -> Iterator[Path]:
    """Yield a temporary sibling folder; on success it replaces `out`, on error it is removed.

    `out` is checked first (`check_out`) and locked for the whole build. An interrupted build never
    leaves a half-written dataset at `out`: the old dataset stays until the new one is complete.
    """
    out = Path(out)
    if not out.name:  # "." or "/": name the folder itself
        out = out.resolve()
    check_out(out, protected)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        recover(out)
        out = check_out(out, protected)  # again under the lock: a recovered or concurrent folder
        for dead in _leftovers(out, "tmp") + _leftovers(out, "old"):
            shutil.rmtree(dead, ignore_errors=True)
        tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
        tmp.mkdir()
        try:
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()  # an empty folder: nothing to keep, and a plain rename needs the name free
        if not out.exists():
            os.replace(tmp, out)
        elif _exchange(tmp, out):
            shutil.rmtree(tmp, ignore_errors=True)  # it now holds the previous dataset
        else:
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
