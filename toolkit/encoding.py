"""Decoding raw bytes to text: decompression, BOMs, UTF-8, declared charsets, detection, mojibake repair.

Compression is known from the file name's last suffix (`COMPRESSIONS`: .gz, .zst); a compressed
file that cannot be decompressed raises `CompressionError`, which readers turn into a reject.

Order of trust: a byte-order mark; strict UTF-8 (valid UTF-8 with non-ASCII bytes is almost never
anything else); a charset the container declared (HTTP header, HTML `<meta>`); charset-normalizer's
best guess. Bytes none of these decode, or that decode to mostly control or replacement characters,
are `not_decodable`. Encoding names are Python codec names (`bytes.decode(encoding)` reproduces the
text), e.g. "utf-8", "utf-8-sig", "utf-16", "cp1252".

Repair is separate (`repair_mojibake`): ftfy's encoding fixer only (never its quote uncurling or
width folding), run on texts a vectorised pre-filter (`MOJIBAKE_HINT`) flags, and recorded as a
short code: "ftfy:mojibake" (text re-encoded/decoded, e.g. "Ã©" -> "é"), or "ftfy:<fixer>" for
ftfy's smaller fixers ("ftfy:fix_c1_controls", "ftfy:restore_byte_a0", ...), joined with "+".
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from toolkit.errors import CompressionError

COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}

# Byte-order marks, longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip
# WHATWG Encoding: browsers read these labels as windows-1252, and so do the pages that use them.
_WINDOWS_1252_LABELS = {"latin_1", "iso8859-1", "ascii", "iso-8859-1", "us-ascii"}
# Share of control or replacement characters above which a decoding is judged garbage.
MAX_UNREADABLE = 0.1
# UTF-8 lead byte read as Latin-1/cp1252 (Â..ô) followed by a continuation byte read the same way:
# the fingerprint of UTF-8 decoded as cp1252. Cheap to test on a whole column; ftfy decides.
MOJIBAKE_HINT = (
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039"
    "\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
)
_MOJIBAKE_RE = re.compile(MOJIBAKE_HINT)
# Control characters other than whitespace (Unicode category Cc), and the replacement character.
_UNREADABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# The HTML spec's prescan looks at the first 1024 bytes; real pages put <meta> after long <script>s.
_PRESCAN_BYTES = 4096


@dataclass(frozen=True)
class Decoded:
    """Text and the encoding it was decoded with, or a reason (binary_content, not_decodable)."""

    text: str | None
    encoding: str | None
    reason: str | None = None
    detail: str | None = None


def compression(path: Path) -> str | None:
    """"gzip", "zstd" or None, from the file name's last suffix."""
    return COMPRESSIONS.get(Path(path).suffix.lower())


def decompress(raw: bytes, method: str | None) -> bytes:
    """`raw` decompressed with `method` (None: unchanged); CompressionError when it is not valid."""
    if method is None:
        return raw
    try:
        if method == "gzip":
            return gzip.decompress(raw)  # every member of a multi-member file
        import zstandard

        # A stream reader also handles frames written without a content size, as `zstd` pipes do.
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw), read_across_frames=True) as reader:
            return reader.read()
    except Exception as exc:  # noqa: BLE001 - gzip, zlib and zstandard each raise their own errors
        raise CompressionError(f"cannot be decompressed as {method} ({type(exc).__name__}: {exc})") from None


def open_decompressed(path: Path) -> BinaryIO:
    """A binary stream of the file's decompressed bytes, for counting without reading it whole."""
    method = compression(path)
    if method == "gzip":
        return gzip.open(path, "rb")
    if method == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), read_across_frames=True, closefd=True)
    return open(path, "rb")


def _codec(label: str | None) -> str | None:
    """Python codec name of an encoding label, with WHATWG's latin-1 -> cp1252 rule; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):  # WHATWG: a page cannot declare itself UTF-16 in ASCII
        return None
    return "cp1252" if name in _WINDOWS_1252_LABELS else name


def _unreadable_share(text: str) -> float:
    return len(_UNREADABLE.findall(text)) / max(1, len(text))


def decode_bytes(raw: bytes, declared: str | None = None) -> Decoded:
    """Text of `raw` by BOM, UTF-8, the declared charset, then detection; else a reason."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(name), name)
            except UnicodeDecodeError:
                break
    if b"\x00" in raw:
        return Decoded(None, None, "binary_content", f"NUL byte at offset {raw.index(0)}; the input is binary, not text")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    codec = _codec(declared)
    if codec:
        try:
            return _checked(raw.decode(codec), codec, first_bad)
        except UnicodeDecodeError:
            pass
    return _detected(raw, first_bad)


def _detected(raw: bytes, first_bad: int) -> Decoded:
    import charset_normalizer

    # UTF-16/32 without a byte-order mark would have NUL bytes in any Latin text: not a real candidate.
    results = list(charset_normalizer.from_bytes(raw))
    fits = [m for m in results if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not fits:
        return Decoded(None, None, "not_decodable",
                       f"byte 0x{raw[first_bad]:02x} at offset {first_bad} is not UTF-8 and no other "
                       "encoding fits; re-encode the input as UTF-8")  # fmt: skip
    # Short Western texts fit many single-byte code pages equally well (charset-normalizer may rank
    # cp1006 or cp1250 first); among the equally good fits cp1252 is by far the likeliest.
    tied = [m for m in results if m.chaos <= fits[0].chaos]
    codec = "cp1252" if any("cp1252" in m.could_be_from_charset for m in tied) else fits[0].encoding
    return _checked(raw.decode(codec), codec, first_bad)


def _checked(text: str, codec: str, first_bad: int) -> Decoded:
    share = _unreadable_share(text)
    if share > MAX_UNREADABLE:
        return Decoded(None, None, "not_decodable",
                       f"not UTF-8 (byte offset {first_bad}) and as {codec} {share:.0%} of the characters are "
                       "control or replacement characters; re-encode the input as UTF-8")  # fmt: skip
    return Decoded(text, codec)


def declared_charset(html: bytes) -> str | None:
    """The charset a page's `<meta charset>` or `<meta http-equiv content>` declares, if any."""
    found = _META_CHARSET.search(html[:_PRESCAN_BYTES])
    return found.group(1).decode("ascii") if found else None


def decode_html(raw: bytes, declared: str | None = None) -> Decoded:
    """A page decoded by BOM, UTF-8, the HTTP charset or else its `<meta>` charset, then detection."""
    return decode_bytes(raw, declared or declared_charset(raw))


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """`text` with ftfy's encoding fixes applied and their code, or unchanged with None."""
    if not _MOJIBAKE_RE.search(text):
        return text, None
    import ftfy

    fixed, steps = ftfy.fix_encoding_and_explain(text)
    if fixed == text or not steps:
        return text, None
    codes: list[str] = []
    for action, parameter in steps:
        code = "mojibake" if action in ("encode", "decode") else parameter
        if code not in codes:
            codes.append(code)
    return fixed, "ftfy:" + "+".join(codes)


__all__ = ["COMPRESSIONS", "MOJIBAKE_HINT", "CompressionError", "Decoded", "compression", "decompress",
           "open_decompressed", "decode_bytes", "decode_html", "declared_charset", "repair_mojibake"]  # fmt: skip
