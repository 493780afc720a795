"""ZIP and tar archives as folders of inputs: list their members, read the members a shard needs.

An archive is never unpacked to disk. Each regular member becomes an input of its own, named
`<archive source>/<member path>` and read as the format of its own name (`a.zip/2017/b.jsonl.gz` is
gzipped JSONL). Members are passed over with a reason as files of a folder are: hidden ones (a part
starting with "." or `__MACOSX`), links and devices (`not_a_file`), and a second member of a name
already seen (`duplicate_member`). Tar archives may be plain, gzip, bzip2, xz or zstd compressed;
they are read as one stream, once per shard, so a compressed tar needs no random access.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import zstandard

ARCHIVE_SUFFIXES = {
    ".zip": "zip", ".tar": "tar", ".tgz": "tar", ".tbz2": "tar", ".txz": "tar",
    ".tar.gz": "tar", ".tar.bz2": "tar", ".tar.xz": "tar", ".tar.zst": "tar",
}  # fmt: skip
CHUNK_BYTES = 1 << 20
_ERRORS = (zipfile.BadZipFile, tarfile.TarError, zstandard.ZstdError, OSError, EOFError, ValueError,
           NotImplementedError, RuntimeError)  # fmt: skip


class ArchiveError(Exception):
    """An archive whose member list cannot be read (not an archive, damaged, cut short)."""


@dataclass(frozen=True)
class Member:
    """One entry of an archive: its path inside it, its size as the archive declares it, and why it is
    passed over (None for a member that is read)."""

    name: str
    size: int
    skip: str | None = None


def archive_kind(path: Path) -> str | None:
    """"zip" or "tar" from the file name's suffixes, else None."""
    name = path.name.lower()
    for suffix, kind in ARCHIVE_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return None


def _clean_name(name: str) -> str:
    """A member path without leading "/" or "./" (archives written from absolute or relative paths)."""
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("/", ".")]
    return "/".join(parts)


def _hidden(name: str) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in name.split("/"))


def list_members(path: Path, kind: str) -> list[Member]:
    """Every entry of the archive except folders, in the archive's order; ArchiveError when unreadable."""
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as zf:
                entries = [(i.filename, i.file_size, i.is_dir(), True) for i in zf.infolist()]
        else:
            with _tar(path) as tf:
                entries = [(m.name, m.size, m.isdir(), m.isfile()) for m in tf]
    except _ERRORS as exc:
        raise ArchiveError(f"{type(exc).__name__}: {exc}") from None
    members, seen = [], set()
    for raw_name, size, is_dir, is_file in entries:
        if is_dir:
            continue
        name = _clean_name(raw_name)
        skip = None
        if not name:
            continue
        if _hidden(name):
            skip = "hidden"
        elif not is_file:
            skip = "not_a_file"
        elif name in seen:
            skip = "duplicate_member"
        seen.add(name)
        members.append(Member(name, size, skip))
    return members


def read_members(path: Path, kind: str, names: set[str], limit: int) -> dict[str, bytes | str]:
    """The bytes of the named members (first of each name), or why one could not be read: "too_large"
    past `limit` bytes, "encrypted", or "damaged: <what>". Members not found are left out."""
    out: dict[str, bytes | str] = {}
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    name = _clean_name(info.filename)
                    if name not in names or name in out or info.is_dir():
                        continue
                    encrypted = info.flag_bits & 0x1
                    out[name] = "encrypted" if encrypted else _read_capped(lambda info=info: zf.open(info), limit)
        else:
            with _tar(path) as tf:
                for m in tf:
                    name = _clean_name(m.name)
                    if name in names and name not in out and m.isfile():
                        out[name] = _read_capped(lambda m=m: tf.extractfile(m), limit)
    except _ERRORS as exc:
        for name in names - set(out):  # members after the damage
            out[name] = f"damaged: {type(exc).__name__}: {exc}"
    return out


def _read_capped(opener, limit: int) -> bytes | str:
    """A member's bytes read in chunks, "too_large" as soon as they pass `limit`."""
    try:
        with opener() as fh:
            chunks, size = [], 0
            while chunk := fh.read(min(CHUNK_BYTES, limit + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    return "too_large"
            return b"".join(chunks)
    except _ERRORS as exc:
        return f"damaged: {type(exc).__name__}: {exc}"


@contextmanager
def _tar(path: Path) -> Iterator[tarfile.TarFile]:
    """The archive opened as a stream (no seeking back): compression detected, zstd included."""
    with open(path, "rb") as raw:
        stream: BinaryIO = raw
        if path.name.lower().endswith(".tar.zst"):
            stream = zstandard.ZstdDecompressor().stream_reader(raw)  # type: ignore[assignment]
        with tarfile.open(fileobj=stream, mode="r|*") as tf:
            yield tf
