"""Decoding raw bytes to text: decompression, BOMs, UTF-8, declared charsets, detection, mojibake repair.

Decompression. Compression is known from the file name's last suffix (`COMPRESSIONS`: .gz, .zst).
`decompress` streams in chunks of `CHUNK_BYTES` and raises `TooLargeError` as soon as the output would
pass `max_bytes`, so it never holds more than `max_bytes` + 1 bytes of output (a zstd frame that
declares a larger content size is refused before any decompression). It raises `CompressionError`
(a reader turns it into a reject) for input that is corrupt or cut short at any byte: gzip is read
member by member (multi-member files are one stream, as `cat a.gz b.gz` makes them); after the last
member only NUL padding is allowed, as `gzip.decompress` allows it, and any other trailing bytes are
an error, not silently dropped. zstd input is walked frame by frame (frame and block headers, and
skippable frames) before decompression, so a frame without a content size, several frames, and a
frame cut anywhere are all told apart; bytes after the last frame that are not a frame are an error.
Empty input is an error for both formats (no member, no frame).

Decoding, `decode_bytes(raw, declared)`. Order of trust: a byte-order mark; strict UTF-8 (valid UTF-8
with non-ASCII bytes is almost never anything else); a charset the container declared (HTTP header,
HTML `<meta>`; WHATWG's rule reads latin-1/ascii labels as cp1252); then detection, which decides only
when it is sure. Encoding names are Python codec names: `raw.decode(encoding)` gives the text, except
for the control characters `strip_controls` replaced (one character for one, so offsets never move).

Detection. Each code page in `CANDIDATES` decodes the bytes (a sample of the lines with non-ASCII
bytes, for large inputs); a decoding is *readable* when its non-ASCII characters are letters of one
script forming whole words (no word mixes scripts, e.g. "Trиs" is cp1251 read from Latin-1 "Très"),
no symbol, control or stray combining mark sits in a word ("Za¿ó³æ" is Polish cp1250 read as cp1252),
cased words have normal case ("пЕРЕГОВОРЫ" is KOI8-R read as cp1251), Latin text is mostly ASCII
letters ("Ïåðåãîâîðû" is Cyrillic read as cp1252), a non-Latin script outweighs the Latin letters
around it, and a CJK decoding has at least `MIN_CJK_CHARS` characters, in runs, in one language's
scripts and in its codec's everyday repertoire (GB2312, Big5, JIS X 0208, KS X 1001). Readings too
short to judge (`MIN_SCRIPT_LETTERS`, `MIN_CJK_CHARS`) cannot win but block other scripts. Within a
script: Latin keeps the earliest code page (cp1252 first, so Western European text in cp1252 or
ISO-8859-1 stays cp1252) unless another explains the accented letters with one of its languages
clearly better *and* charset-normalizer's coherence agrees (Czech in cp1250, Turkish in cp1254);
other scripts take the least chaos (charset-normalizer's mess ratio), then the best coherence, then
the earlier code page. Between scripts, the best must beat every other by `SCRIPT_MARGIN` in
coherence minus chaos; otherwise the bytes are `uncertain_encoding`. So a short Latin-1 French
sentence is never Big5 (too few CJK characters, each glued to Latin letters) and one lone "é" byte
is uncertain (é, й or ι), not a guess. Known limit: cp1252 bytes that happen to form valid UTF-8
("ß»" is 0xDF 0xBB, U+07FB) are read as UTF-8, which comes first by the order of trust; it takes an
accented capital or ß right before cp1252 punctuation, and no other non-ASCII byte in the file.

Mixed UTF-8 and cp1252. A file of valid UTF-8 with some bytes that are not (the common case: a UTF-8
file with a few cp1252 bytes pasted in, 0x92 apostrophes, 0xE9 accents) is decoded as UTF-8 with each
invalid byte run read as cp1252, when the lines holding those runs read cleanly (no mixed scripts, no
odd characters, no U+0180-U+07FF, which two cp1252 bytes can spell by accident); its encoding is
"utf-8+cp1252", a codec this module registers (`raw.decode("utf-8+cp1252")` reproduces the text
wherever toolkit.io.encoding is imported). Otherwise detection gets the bytes (a code page whose bytes
happen to form a few UTF-8 sequences, as cp1251 and Shift-JIS text does), and if it finds nothing and
most non-ASCII bytes were valid UTF-8 the file is `mixed_encoding` (Cyrillic cp1251 lines in a UTF-8
file, binary junk).

Control characters. Decoded text never carries C0 controls other than tab, LF and CR, nor DEL nor C1
controls. `strip_controls` replaces each by one character: form feed and vertical tab (page and
manual line breaks in Word or PDF exports, line breaks to `str.splitlines`) by "\\n"; a C1 control
that is a cp1252 byte (U+0092 from cp1252 text read as ISO-8859-1, which WHATWG says is cp1252) by
that cp1252 character ("’"); every other one by a space. One exception: the five C1 controls cp1252
leaves undefined stay when they end a UTF-8 sequence read as Latin-1 ("â€\\x9d" is the mojibake of
”): `MOJIBAKE_HINT` flags such text and `repair_mojibake` repairs them or replaces them. UTF-8 text
with more than `MAX_CONTROL_SHARE` (and more than one) of its characters spaced-out controls is
`control_characters`; a non-UTF-8 input that is over `MAX_UNREADABLE` control bytes is
`not_decodable`.

Reason codes (`Decoded.reason`, stable; the reader turns them into reject rows), in `REASONS`:
  binary_content      a NUL byte in input without a UTF-16/32 byte-order mark
  not_decodable       not UTF-8 and no candidate encoding gives readable text
  uncertain_encoding  readable in more than one script and the evidence does not decide
  mixed_encoding      valid UTF-8 mixed with bytes that are not UTF-8 and not readable as cp1252
  control_characters  decoded, but too many control characters to be text

Repair is separate (`repair_mojibake`): ftfy's encoding fixer only (never its quote uncurling or
width folding), run on texts a vectorised pre-filter (`MOJIBAKE_HINT`) flags, and recorded as a
short code: "ftfy:mojibake" (text re-encoded/decoded, e.g. "Ã©" -> "é"), or "ftfy:<fixer>" for
ftfy's smaller fixers ("ftfy:fix_c1_controls", "ftfy:restore_byte_a0", ...), joined with "+".
"""

from __future__ import annotations

import codecs
import functools
import gzip
import io
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from toolkit.errors import CompressionError, TooLargeError

COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}
CHUNK_BYTES = 1 << 16  # decompressed bytes produced per step
REASONS = ("binary_content", "not_decodable", "uncertain_encoding", "mixed_encoding", "control_characters")

# Byte-order marks, longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip
# WHATWG Encoding: browsers read these labels as windows-1252, and so do the pages that use them.
_WINDOWS_1252_LABELS = {"latin_1", "iso8859-1", "ascii", "iso-8859-1", "us-ascii"}
# Share of control or replacement characters above which a declared decoding is judged garbage.
MAX_UNREADABLE = 0.1
# Share of characters that may be controls strip_controls turns into spaces before the text is refused.
MAX_CONTROL_SHARE = 0.01
# UTF-8 lead byte read as Latin-1/cp1252 (Â..ô) followed by a continuation byte read the same way:
# the fingerprint of UTF-8 decoded as cp1252. Cheap to test on a whole column; ftfy decides.
MOJIBAKE_HINT = (
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039"
    "\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
)
_MOJIBAKE_RE = re.compile(MOJIBAKE_HINT)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# The HTML spec's prescan looks at the first 1024 bytes; real pages put <meta> after long <script>s.
_PRESCAN_BYTES = 4096


@dataclass(frozen=True)
class Decoded:
    """Text and the encoding it was decoded with, or a reason from `REASONS` and a detail.

    With text, `detail` may say what was changed (controls replaced, cp1252 runs in UTF-8)."""

    text: str | None
    encoding: str | None
    reason: str | None = None
    detail: str | None = None


# --- decompression -------------------------------------------------------------------------------


def compression(path: Path) -> str | None:
    """"gzip", "zstd" or None, from the file name's last suffix."""
    return COMPRESSIONS.get(Path(path).suffix.lower())


def decompress(raw: bytes, method: str | None, max_bytes: int | None = None) -> bytes:
    """`raw` decompressed with `method` (None: unchanged), streamed in chunks.

    CompressionError when it is corrupt, cut short or followed by garbage; TooLargeError as soon as
    the output would exceed `max_bytes` (also for method None), before that memory is spent."""
    if method is None:
        if max_bytes is not None and len(raw) > max_bytes:
            raise TooLargeError(f"{len(raw):,} bytes, more than the limit of {max_bytes:,}")
        return raw
    if method not in ("gzip", "zstd"):
        raise ValueError(f"unknown compression method {method!r}")
    if not raw:
        raise CompressionError(f"cannot be decompressed as {method} (empty file)")
    out = _Sink(max_bytes, method)
    try:
        if method == "gzip":
            _gunzip(raw, out)
        else:
            _unzstd(raw, out)
    except (CompressionError, TooLargeError):
        raise
    except Exception as exc:  # noqa: BLE001 - zlib and zstandard each raise their own errors
        raise CompressionError(f"cannot be decompressed as {method} ({type(exc).__name__}: {exc})") from None
    return out.value()


class _Sink:
    """Decompressed bytes so far; `want()` is how much the next step may produce (limit + 1 at most)."""

    def __init__(self, limit: int | None, method: str) -> None:
        self.limit, self.method, self.size, self.buf = limit, method, 0, io.BytesIO()

    def want(self) -> int:
        return CHUNK_BYTES if self.limit is None else max(1, min(CHUNK_BYTES, self.limit + 1 - self.size))

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise TooLargeError(f"decompresses ({self.method}) to more than the limit of {self.limit:,} bytes")
        self.buf.write(chunk)

    def value(self) -> bytes:
        return self.buf.getvalue()  # the buffer's own bytes object: no second copy


def _truncated(method: str, detail: str) -> CompressionError:
    return CompressionError(f"cannot be decompressed as {method} (truncated: {detail})")


def _gunzip(raw: bytes, out: _Sink) -> None:
    data, member = raw, 1
    while True:
        d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer (CRC-32, length)
        pending = data
        while not d.eof:
            chunk = d.decompress(pending, out.want())
            out.write(chunk)
            pending = d.unconsumed_tail
            if not d.eof and not chunk and not pending:  # no input left and nothing more came out
                raise _truncated("gzip", f"member {member} ends before its trailer")
        rest = d.unused_data
        if not rest.strip(b"\x00"):  # end of input, or NUL padding as gzip.decompress allows
            return
        if not rest.startswith(b"\x1f\x8b"):
            offset = len(raw) - len(rest)
            raise CompressionError(f"cannot be decompressed as gzip (bytes after member {member} at offset "
                                   f"{offset} are not another gzip member)")  # fmt: skip
        data, member = rest, member + 1


_ZSTD_MAGIC = 0xFD2FB528
_ZSTD_SKIPPABLE = range(0x184D2A50, 0x184D2A60)


def _zstd_frames(raw: bytes) -> int | None:
    """Walk the frames' headers; CompressionError when cut short or not zstd. Sum of declared sizes."""
    pos, end, declared = 0, len(raw), 0
    while pos < end:
        if end - pos < 5:
            raise _truncated("zstd", f"frame header at offset {pos} is cut")
        magic = int.from_bytes(raw[pos : pos + 4], "little")
        if magic in _ZSTD_SKIPPABLE:
            pos += 8 + int.from_bytes(raw[pos + 4 : pos + 8], "little")
            if pos > end:
                raise _truncated("zstd", "skippable frame is cut")
            continue
        if magic != _ZSTD_MAGIC:
            raise CompressionError(f"cannot be decompressed as zstd (no zstd frame at offset {pos})")
        fhd = raw[pos + 4]
        fcs_flag, single, did_flag = fhd >> 6, (fhd >> 5) & 1, fhd & 3
        fcs_size = (single, 2, 4, 8)[fcs_flag]
        fcs_at = pos + 5 + (0 if single else 1) + (0, 1, 2, 4)[did_flag]
        pos = fcs_at + fcs_size
        if pos > end:
            raise _truncated("zstd", "frame header is cut")
        if fcs_size:
            declared += int.from_bytes(raw[fcs_at:pos], "little") + (256 if fcs_size == 2 else 0)
        last = 0
        while not last:
            if end - pos < 3:
                raise _truncated("zstd", f"block header at offset {pos} is cut")
            header = int.from_bytes(raw[pos : pos + 3], "little")
            last, kind, size = header & 1, (header >> 1) & 3, header >> 3
            if kind == 3:
                raise CompressionError(f"cannot be decompressed as zstd (reserved block type at offset {pos})")
            pos += 3 + (1 if kind == 1 else size)  # an RLE block stores one byte
            if pos > end:
                raise _truncated("zstd", "block is cut")
        pos += 4 * ((fhd >> 2) & 1)  # content checksum
        if pos > end:
            raise _truncated("zstd", "checksum is cut")
    return declared


def _unzstd(raw: bytes, out: _Sink) -> None:
    import zstandard

    declared = _zstd_frames(raw)
    if out.limit is not None and declared > out.limit:
        raise TooLargeError(f"frames declare {declared:,} bytes (zstd), more than the limit of {out.limit:,}")
    # A stream reader handles frames without a content size, as `zstd` pipes write them; the frame walk
    # above made sure it cannot stop silently at a cut.
    with zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True) as reader:
        while chunk := reader.read(out.want()):
            out.write(chunk)


def open_decompressed(path: Path) -> BinaryIO:
    """A binary stream of the file's decompressed bytes, for counting without reading it whole."""
    method = compression(path)
    if method == "gzip":
        return gzip.open(path, "rb")
    if method == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), read_across_frames=True, closefd=True)
    return open(path, "rb")


# --- control characters --------------------------------------------------------------------------

_ALL_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FULL_CONTROLS_RE = re.compile(f"[{_ALL_CONTROLS}]")
# The five C1 controls cp1252 leaves undefined stay where they finish a UTF-8 sequence read as
# Latin-1 ("â€\x9d" is ”, "Ã\x81" is Á): repair_mojibake needs them, and replaces whatever it cannot fix.
_MOJIBAKE_LEAD = "[\u00c2-\u00f4]"
_MOJIBAKE_CONT = MOJIBAKE_HINT[MOJIBAKE_HINT.index("]") + 1 :]
_CONTROLS_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80\x82-\x8c\x8e\x91-\x9c\x9e\x9f]"
    f"|(?<!{_MOJIBAKE_LEAD})(?<!{_MOJIBAKE_LEAD}{_MOJIBAKE_CONT})[\x81\x8d\x8f\x90\x9d]"
)


def _control_replacement(ch: str) -> str:
    if ch in "\x0b\x0c":
        return "\n"
    if "\x80" <= ch <= "\x9f":
        try:
            return bytes([ord(ch)]).decode("cp1252")
        except UnicodeDecodeError:
            return " "
    return " "


_CONTROL_MAP = {chr(c): _control_replacement(chr(c)) for c in [*range(0x20), *range(0x7F, 0xA0)]}


def strip_controls(text: str) -> tuple[str, int]:
    """`text` with each control character replaced by one character, and how many were replaced.

    Tab, LF and CR stay; form feed and vertical tab become "\\n"; a C1 control that is a cp1252 byte
    becomes that cp1252 character (U+0092 -> "’"); every other C0/C1 control and DEL becomes " ".
    One exception: a C1 control cp1252 leaves undefined (U+0081, 8D, 8F, 90, 9D) right after a UTF-8
    lead byte read as Latin-1 ("â€\x9d") stays for `repair_mojibake`, which `MOJIBAKE_HINT` sends such
    text to, and which replaces it when it cannot repair it."""
    return _strip(text, _CONTROLS_RE)


def _strip(text: str, pattern: re.Pattern[str]) -> tuple[str, int]:
    # Every pattern here matches a subset of one plain character class, which rules out clean text
    # many times faster than a pattern with lookbehinds can.
    if _FULL_CONTROLS_RE.search(text) is None:
        return text, 0
    return pattern.subn(lambda m: _CONTROL_MAP[m.group()], text)


def _spaced_controls(text: str) -> int:
    """How many controls in `text` strip_controls turns into spaces (not line breaks or cp1252)."""
    return sum(1 for m in _CONTROLS_RE.finditer(text) if _CONTROL_MAP[m.group()] == " ")


# --- decoding ------------------------------------------------------------------------------------


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


def decode_bytes(raw: bytes, declared: str | None = None) -> Decoded:
    """Text of `raw` by BOM, UTF-8, the declared charset, then confident detection; else a reason."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                return _finished(raw.decode(name), name)
            except UnicodeDecodeError:
                break
    if b"\x00" in raw:
        return Decoded(None, None, "binary_content", f"NUL byte at offset {raw.index(0)}; the input is binary, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:  # the common case: look for controls in the bytes, faster than in the text
        if len(raw.translate(None, _CONTROL_BYTES)) == len(raw) and not _UTF8_C1.search(raw):
            return Decoded(text, "utf-8")
        return _finished(text, "utf-8")
    codec = _codec(declared)
    if codec:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            pass
        else:
            share = _unreadable_share(text)
            if share <= MAX_UNREADABLE:
                return _finished(text, codec)
            return Decoded(None, None, "not_decodable",
                           f"not UTF-8 (byte offset {first_bad}) and as the declared {codec} {share:.0%} of the "
                           "characters are control or replacement characters; re-encode the input as UTF-8")  # fmt: skip
    if not _UTF8_PAIR.search(raw) or not _UTF8_SEQUENCE.search(raw):  # a fast necessary test first
        return _detected(raw, first_bad)
    # Some valid UTF-8 sequences: a UTF-8 file with cp1252 bytes pasted in, or a code page whose bytes
    # happen to form a few (common in cp1251, Shift-JIS, GBK). The repair goes first when readable.
    mixed = _mixed(raw, first_bad)
    if mixed.text is not None:
        return mixed
    detected = _detected(raw, first_bad)
    if detected.text is not None or _utf8_share(raw) < 0.5:
        return detected
    return mixed


_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_UTF8_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def _finished(text: str, encoding: str, detail: str | None = None) -> Decoded:
    """Decoded text with controls replaced, or control_characters when there are too many."""
    if _FULL_CONTROLS_RE.search(text) is None:  # a plain character class: one fast scan, no copy
        return Decoded(text, encoding, None, detail)
    spaced = _spaced_controls(text)
    if spaced > max(1, MAX_CONTROL_SHARE * len(text)):
        return Decoded(None, None, "control_characters",
                       f"decoded as {encoding}, but {spaced} of {len(text)} characters are control characters; "
                       "the input is binary or a terminal capture, not text")  # fmt: skip
    text, n = strip_controls(text)
    note = f"{n} control character{'s' if n > 1 else ''} replaced"
    return Decoded(text, encoding, None, f"{detail}; {note}" if detail else note)


_UNREADABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _unreadable_share(text: str) -> float:
    return len(_UNREADABLE.findall(text)) / max(1, len(text))


# A valid UTF-8 sequence of two or more bytes (RFC 3629: no overlongs, surrogates or code points past
# U+10FFFF). Its presence in bytes that are not valid UTF-8 as a whole marks a mixed file.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
MIXED_CODEC = "utf-8+cp1252"


def is_utf8(data: bytes) -> bool:
    """True where the bytes are valid UTF-8 as a whole."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_share(raw: bytes) -> float:
    """Share of the non-ASCII bytes that are part of valid UTF-8 sequences."""
    high = len(raw) - len(raw.translate(None, bytes(range(0x80, 0x100))))
    return sum(len(m) for m in _UTF8_SEQUENCE.findall(raw)) / max(1, high)


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Error handler: the bytes UTF-8 could not decode, read as cp1252 (raises on its 5 unused bytes)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("cp1252"), exc.end


codecs.register_error("toolkit.cp1252", _cp1252_fallback)


def _mixed_codec(name: str) -> codecs.CodecInfo | None:
    if name != "utf_8_cp1252":  # codecs.lookup("utf-8+cp1252") searches for the normalised name
        return None
    utf8 = codecs.lookup("utf-8")

    def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
        return codecs.utf_8_decode(data, "toolkit.cp1252" if errors == "strict" else errors, True)

    return codecs.CodecInfo(utf8.encode, decode, name=MIXED_CODEC)


codecs.register(_mixed_codec)


# Two-byte UTF-8 sequences whose lead is a cp1252 letter (Æ..ß, 0xC6-0xDF) and whose continuation is
# cp1252 punctuation spell U+0180-U+07FF (Latin Extended-B to NKo, combining marks aside). Text with
# them is not repaired: it may be cp1252 alone ("È»" is U+023B), and a reject beats a wrong guess.
_ACCIDENT = re.compile("[\u0180-\u02ff\u0370-\u07ff]")


def _mixed(raw: bytes, first_bad: int) -> Decoded:
    """UTF-8 with some bytes that are not: the invalid runs read as cp1252 when that is readable."""
    where = f"valid UTF-8 except from byte offset {first_bad} (0x{raw[first_bad]:02x})"
    try:
        text = raw.decode(MIXED_CODEC)
    except UnicodeDecodeError as exc:
        return Decoded(None, None, "mixed_encoding",
                       f"{where}, and byte 0x{exc.object[exc.start]:02x} there is not cp1252 either; "
                       "re-encode the input as UTF-8")  # fmt: skip
    # Judge the lines that hold the bytes read as cp1252: a few Cyrillic lines in a long UTF-8 file must
    # not hide behind its good lines.
    lines = [line for line in raw.split(b"\n") if not is_utf8(line)]
    reading = _Reading(b"\n".join(lines).decode(MIXED_CODEC))
    problem = reading.problem()
    if problem is None and _ACCIDENT.search(text):  # "hieß…" is 0xDF 0x85, valid UTF-8 for "hie߅"
        problem = ("garbage", "UTF-8 characters two cp1252 bytes can spell by accident (U+0180-U+07FF)")
    if problem is None and (reading.mixed or reading.odd):  # a repair must be clean, not merely readable
        problem = ("garbage", f"{reading.mixed} words mix scripts, {reading.odd} odd characters")
    if problem:
        return Decoded(None, None, "mixed_encoding",
                       f"{where}, and those bytes are not readable as cp1252 ({problem[1]}); re-encode the input as UTF-8")
    runs = sum(1 for _ in re.finditer(rb"[\x80-\xff]+", raw)) - len(_UTF8_SEQUENCE.findall(raw))
    return _finished(text, MIXED_CODEC, f"{where}: the bytes that are not UTF-8 read as cp1252 (~{max(runs, 1)} runs)")


# --- detection -----------------------------------------------------------------------------------

# Code pages detection tries, most likely first within a script: ties go to the earlier one. cp1252 is
# a superset of ISO-8859-1's printable range, so Latin-1 text decodes as cp1252. gb18030 covers GB2312
# and GBK; cp950 Big5 with Microsoft's additions; cp932 and cp949 likewise Shift-JIS and EUC-KR.
CANDIDATES = (
    "cp1252", "cp1250", "iso8859_2", "cp1254", "cp1257",
    "cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic",
    "cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874",
    "gb18030", "big5", "cp950", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949",
)  # fmt: skip
MIN_CJK_CHARS = 10  # fewer CJK characters are no evidence for a CJK codec
MIN_SCRIPT_LETTERS = 5  # ... nor fewer letters for another non-Latin script
SCRIPT_MARGIN = 0.1  # coherence - chaos by which the best script must beat every other one
_COHERENCE_TIE = 0.03  # within one script: coherence closer than this is a tie
_CHAOS_TIE = 0.02  # ... and so is chaos
_FIT_TIE = 0.05  # ... and so is the share of accented letters one language explains
_SAMPLE_BYTES = 1 << 14  # detection looks at lines with non-ASCII bytes, up to this many bytes

# Accented letters of the languages each Latin code page is made for. A Latin reading is scored by
# the largest share of its accented letters one of its code page's languages uses: Czech read as
# cp1252 ("zahranièí", "pøíští") fits no Western language well, read as cp1250 it fits Czech.
_WESTERN = {
    "fr": "àâæçéèêëîïôœùûüÿ", "de": "äöüßé", "es": "áéíóúüñ", "pt": "àáâãçéêíóôõúü", "it": "àèéìíîòóùú",
    "ca": "àçèéíïòóúü·", "nl": "áäéëïóöüèêà", "da": "æøåéó", "sv": "åäöé", "fi": "äöåšž", "is": "áðéíóúýþæö",
    "ga": "áéíóú", "et": "äõöüšž",
}  # fmt: skip
_CENTRAL = {
    "pl": "ąćęłńóśźż", "cs": "áčďéěíňóřšťúůýž", "sk": "áäčďéíĺľňóôŕšťúýž", "hu": "áéíóöőúüű",
    "hr": "čćđšž", "sl": "čšž", "ro": "ăâîşţșț", "de": "äöüßé",
}  # fmt: skip
_LANGUAGES = {
    "cp1252": _WESTERN, "cp1250": _CENTRAL, "iso8859_2": _CENTRAL,
    "cp1254": {"tr": "çğıöşüâîû", **{k: v for k, v in _WESTERN.items() if not set(v) & set("ðþýæø")}},
    "cp1257": {"lt": "ąčęėįšųūž", "lv": "āčēģīķļņšūž", "et": "äõöüšž", "pl": "ąćęłńóśźż", "de": "äöüßé"},
}  # fmt: skip
# Non-ASCII symbols that real text carries; any other symbol (box drawing, ¤, ¦, ¬, ...) is odd.
_TEXT_SYMBOLS = set("€£¥¢°©®™§±×÷¶µ¹²³½¼¾‰†‡")
_INSIDE_WORD_OK = set("’‘ʼ·\u00ad\u200b\u200c\u200d\u2010\u2011")  # apostrophes, hyphens, joiners
_CJK_GROUPS = {"HAN", "KANA", "HANGUL", "HALFWIDTH"}
# The everyday repertoire inside each wide CJK codec: real text stays almost wholly inside it, while
# bytes of another CJK codec land in the rarely used extensions (Shift-JIS read as cp949: "둖뼮묈").
_COMMON_REPERTOIRE = {"gb18030": "gb2312", "cp949": "euc_kr", "euc_kr": "euc_kr", "cp950": "big5", "big5": "big5",
                      "cp932": "shift_jis", "shift_jis": "shift_jis", "euc_jp": "shift_jis"}  # fmt: skip
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# A non-ASCII character that is not a letter, right after a letter: a combining mark, or a symbol or
# punctuation inside a word ("Za¿ó³æ" is Polish cp1250 read as cp1252, "продолжатс€" cp1251 as mac).
_AFTER_LETTER = re.compile(r"(?<=[^\W\d_])(?![^\W\d_])[^\x00-\x7f\s]")
_CJK_CHAR = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
_LONE_CJK = re.compile(f"(?<![{_CJK_CHAR}])[{_CJK_CHAR}](?![{_CJK_CHAR}])")


@functools.lru_cache(maxsize=8192)
def _char(ch: str) -> tuple[str, str]:
    """(script, Unicode category) of a character; the script is its Unicode name's first word."""
    word = unicodedata.name(ch, "?").split(" ", 1)[0]
    script = {"CJK": "HAN", "IDEOGRAPHIC": "HAN", "HIRAGANA": "KANA", "KATAKANA": "KANA",
              "KATAKANA-HIRAGANA": "KANA", "FULLWIDTH": "HAN", "BOPOMOFO": "HAN"}.get(word, word)  # fmt: skip
    if script == "HALFWIDTH" and "HANGUL" in unicodedata.name(ch, ""):
        script = "HANGUL"
    return script, unicodedata.category(ch)


@functools.lru_cache(maxsize=65536)
def _encodable(ch: str, codec: str) -> bool:
    try:
        return len(ch.encode(codec)) <= 2  # euc_kr spells syllables outside KS X 1001 as 8-byte jamo runs
    except UnicodeEncodeError:
        return False


def _carries_mark(text: str, at: int) -> bool:
    """Whether the character before `at` is a letter or another mark, which a combining mark may follow."""
    return at > 0 and (text[at - 1].isalpha() or unicodedata.category(text[at - 1])[0] == "M")


class _Reading:
    """What one decoding's non-ASCII characters look like, and whether that is readable text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.odd = 0  # controls, unassigned, private use, stray symbols, marks on another script's letter
        self.n = 0
        for c in set(text):
            if c >= "\x80":
                script, cat = _char(c)
                k = text.count(c)
                self.n += k
                if cat in ("Cc", "Cn", "Co", "Cs") or c == "\ufffd" or (cat[0] == "S" and c not in _TEXT_SYMBOLS):
                    self.odd += k
                elif cat[0] == "M":  # a combining mark on nothing: after a space, digit or punctuation
                    self.odd += sum(1 for m in re.finditer(re.escape(c), text) if not _carries_mark(text, m.start()))
        for m in _AFTER_LETTER.finditer(text):
            c, at = m.group(), m.start()
            script, cat = _char(c)
            if cat[0] == "M":
                base = text[at - 1]
                if script != "COMBINING" and script != ("LATIN" if base.isascii() else _char(base)[0]):
                    self.odd += 1  # an Arabic or Thai mark on a Latin letter: "anunciَ", "l'้t้"
            elif at + 1 < len(text) and text[at + 1].isalpha() and c not in _INSIDE_WORD_OK:
                counted = cat[0] == "S" and c not in _TEXT_SYMBOLS
                if not (counted or 0x3000 <= ord(c) <= 0x303F or 0xFF00 <= ord(c) <= 0xFF65):
                    self.odd += 1  # "miesi±c": even a text symbol is odd inside a word
        self.scripts: dict[str, int] = {}
        self.accented: dict[str, int] = {}  # lower-cased non-ASCII Latin letters
        self.words = self.mixed = self.cased = self.scrambled = self.capitals = 0
        latin_letters = latin_accented = self.ascii_letters = 0
        for word in _LETTER_RUN.findall(text):
            if word.isascii():
                self.ascii_letters += len(word)
                latin_letters += len(word)
                continue
            self.words += 1
            groups = set()
            accented = 0
            for c in word:
                if c.isascii():
                    groups.add("LATIN")
                    self.ascii_letters += 1
                    continue
                script = _char(c)[0]
                groups.add(script)
                self.scripts[script] = self.scripts.get(script, 0) + 1
                if script == "LATIN":
                    accented += 1
                    self.accented[c.lower()] = self.accented.get(c.lower(), 0) + 1
            if groups == {"LATIN"}:
                latin_letters += len(word)
                latin_accented += accented
            elif len(groups - _CJK_GROUPS) > 1 or (groups & _CJK_GROUPS and groups - _CJK_GROUPS - {"LATIN"}):
                self.mixed += 1  # CJK next to ASCII letters ("iPhoneを") is normal; CJK next to "é" is not
            if word.lower() != word.upper():
                self.cased += 1
                self.scrambled += not (word.islower() or word.isupper() or word.istitle())
                self.capitals += len(word) > 1 and word.isupper()
        self.latin_letters, self.latin_density = latin_letters, latin_accented / max(1, latin_letters)
        script = max(self.scripts, key=self.scripts.__getitem__) if self.scripts else "LATIN"
        if script in _CJK_GROUPS:  # readings in different CJK languages compete like scripts
            script = "HANGUL" if self.scripts.get("HANGUL") else "JAPANESE" if self.scripts.get("KANA") else "HAN"
        self.script = script

    def problem(self) -> tuple[str, str] | None:
        """Why this is not readable text: ("garbage", why), ("short", why) when it is too little to
        tell, or None."""
        if self.odd > 0.02 * self.n:
            return "garbage", f"{self.odd} control, unassigned, symbol or misplaced characters"
        if self.mixed > 0.05 * self.words:
            return "garbage", f"{self.mixed} of {self.words} words mix scripts"
        if self.scrambled > 0.05 * self.cased:
            return "garbage", f"{self.scrambled} of {self.cased} words have capitals inside lower case"
        if self.script == "LATIN":
            if self.latin_density > 0.4 and self.latin_letters >= 20:
                return "garbage", "Latin text made mostly of accented letters"
            return None
        if self.script in ("HANGUL", "JAPANESE", "HAN"):
            return self._cjk_problem()
        if self.cased >= 5 and self.capitals == self.cased:  # Hebrew or Arabic bytes read as Cyrillic
            return "garbage", f"all {self.cased} words in capitals"
        letters = sum(self.scripts.values())
        if letters < self.ascii_letters:  # "at 5 Ђ a head": cp1251 reading of a cp1252 euro sign
            return "garbage", f"{letters} {self.script.lower()} letters among more Latin ones"
        if letters < MIN_SCRIPT_LETTERS:
            return "short", f"only {letters} {self.script.lower()} letters"
        return None

    def _cjk_problem(self) -> tuple[str, str] | None:
        s = self.scripts
        han, kana, hangul, half = (s.get(k, 0) for k in ("HAN", "KANA", "HANGUL", "HALFWIDTH"))
        cjk = han + kana + hangul + half
        if cjk < self.ascii_letters:
            return "garbage", "CJK characters scattered among more Latin letters"
        if half > 0.05 * cjk:
            return "garbage", "half-width katakana"
        if hangul and (kana or han > 0.2 * (han + hangul)):
            return "garbage", "Hangul mixed with Han or kana"
        if len(_LONE_CJK.findall(self.text)) > 0.2 * cjk:
            return "garbage", "CJK characters standing alone, not in runs"
        if cjk < MIN_CJK_CHARS:
            return "short", f"only {cjk} CJK characters"
        return None

    def rare(self, codec: str) -> tuple[str, str] | None:
        """A problem when more than a tenth of the CJK letters are outside `codec`'s everyday set."""
        base = _COMMON_REPERTOIRE.get(codec)
        if base is None:
            return None
        counts = {c: self.text.count(c) for c in set(self.text) if c > "\u2fff" and c.isalpha()}
        outside = sum(n for c, n in counts.items() if not _encodable(c, base))
        if outside > 0.1 * sum(counts.values()):
            return "garbage", f"{outside} characters outside {base}, the everyday part of {codec}"
        return None

    def fit(self, codec: str) -> float:
        """Share of the accented Latin letters that a language of `codec` uses, each line choosing its
        best language (1 if none): a file may change language between paragraphs, not inside one."""
        languages = _LANGUAGES.get(codec)
        if not sum(self.accented.values()) or not languages:
            return 1.0
        total = explained = 0
        for line in self.text.split("\n"):
            letters = [c.lower() for c in line if c.isalpha() and not c.isascii() and _char(c)[0] == "LATIN"]
            if letters:
                total += len(letters)
                explained += max(sum(c in known for c in letters) for known in languages.values())
        return explained / total if total else 1.0


def _sample(raw: bytes) -> tuple[bytes, bool]:
    """The bytes detection scores (whole input when small) and whether that is all of it."""
    if len(raw) <= _SAMPLE_BYTES:
        return raw, True
    lines, size = [], 0
    for m in re.finditer(rb"[^\n]*[\x80-\xff][^\n]*", raw):
        lines.append(m.group()[: _SAMPLE_BYTES - size])
        size += len(lines[-1]) + 1
        if size >= _SAMPLE_BYTES:
            break
    return b"\n".join(lines), False


@dataclass
class _Candidate:
    codec: str
    rank: int
    reading: _Reading
    coherence: float = 0.0
    chaos: float = 0.0

    @property
    def score(self) -> float:
        return self.coherence - self.chaos


_C0_BYTES = bytes([*range(0x09), *range(0x0E, 0x20), 0x7F])


def _detected(raw: bytes, first_bad: int) -> Decoded:
    from charset_normalizer.cd import coherence_ratio
    from charset_normalizer.md import mess_ratio

    where = f"not UTF-8 (byte 0x{raw[first_bad]:02x} at offset {first_bad})"
    controls = len(raw) - len(raw.translate(None, _C0_BYTES))
    if controls > MAX_UNREADABLE * len(raw):  # control bytes are controls in every candidate
        return Decoded(None, None, "not_decodable",
                       f"{where} and {controls} of {len(raw)} bytes are control characters; the input is binary")
    sample, whole = _sample(raw)
    readable: list[_Candidate] = []
    short: dict[str, str] = {}  # script -> codec of a reading too short to judge
    problems: dict[str, str] = {}
    for rank, codec in enumerate(CANDIDATES):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(sample, final=whole)
        except UnicodeDecodeError:
            continue
        reading = _Reading(text)
        problem = reading.problem() or reading.rare(codec)
        if problem is None and not whole:
            try:
                raw.decode(codec)  # the bytes past the sample must decode too
            except UnicodeDecodeError:
                continue
        if problem is None:
            readable.append(_Candidate(codec, rank, reading))
        elif problem[0] == "short":
            short.setdefault(reading.script, codec)
        else:
            problems[codec] = problem[1]
    if not readable:
        if short:
            return _uncertain(where, [f"{codec} ({script.lower()}, too short)" for script, codec in short.items()])
        tried = "; ".join(f"{c}: {p}" for c, p in list(problems.items())[:3])
        return Decoded(None, None, "not_decodable",
                       f"{where} and no candidate encoding gives readable text ({tried or 'none decodes'}); "
                       "re-encode the input as UTF-8")  # fmt: skip
    by_script: dict[str, list[_Candidate]] = {}
    for cand in readable:
        by_script.setdefault(cand.reading.script, []).append(cand)
    several = len(by_script) > 1
    for cands in by_script.values():
        if several or len(cands) > 1:
            for cand in cands:
                cand.chaos = mess_ratio(cand.reading.text, 1.0)
                langs = coherence_ratio(cand.reading.text)
                cand.coherence = langs[0][1] if langs else 0.0
    best = {script: _best_within(script, cands) for script, cands in by_script.items()}
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.rank))
    winner = ranked[0]
    rivals = [c for c in ranked[1:] if winner.score - c.score < SCRIPT_MARGIN]
    blocked = {s: c for s, c in short.items() if s != winner.reading.script}
    if rivals or blocked:
        return _uncertain(where, [f"{c.codec} ({c.reading.script.lower()})" for c in [winner, *rivals]]
                          + [f"{codec} ({script.lower()}, too short)" for script, codec in blocked.items()])
    return _finished(raw.decode(winner.codec), winner.codec)


def _uncertain(where: str, readings: list[str]) -> Decoded:
    return Decoded(None, None, "uncertain_encoding",
                   f"{where}; readable as {', '.join(readings[:4])}, and the text is too short or too plain to "
                   "tell which; re-encode the input as UTF-8 or declare its charset")  # fmt: skip


def _best_within(script: str, cands: list[_Candidate]) -> _Candidate:
    """Among decodings in one script, the best; ties go to the earlier code page in CANDIDATES.

    Latin: the accented letters one of the code page's languages explains best (charset-normalizer's
    language fit is noise on short text). Other scripts: least chaos, then best language fit."""
    if len(cands) == 1:
        return cands[0]
    if script == "LATIN":  # the earliest keeps the win unless another fits better by both measures
        fits = {c.codec: c.reading.fit(c.codec) for c in cands}
        best = min(cands, key=lambda c: c.rank)
        for c in sorted(cands, key=lambda c: c.rank):
            if fits[c.codec] > fits[best.codec] + _FIT_TIE and c.coherence >= best.coherence + _COHERENCE_TIE:
                best = c
        return best
    least = min(c.chaos for c in cands)
    cands = [c for c in cands if c.chaos <= least + _CHAOS_TIE]
    top = max(c.coherence for c in cands)
    return min((c for c in cands if c.coherence >= top - _COHERENCE_TIE), key=lambda c: c.rank)


def declared_charset(html: bytes) -> str | None:
    """The charset a page's `<meta charset>` or `<meta http-equiv content>` declares, if any."""
    found = _META_CHARSET.search(html[:_PRESCAN_BYTES])
    return found.group(1).decode("ascii") if found else None


def decode_html(raw: bytes, declared: str | None = None) -> Decoded:
    """A page decoded by BOM, UTF-8, the HTTP charset or else its `<meta>` charset, then detection."""
    return decode_bytes(raw, declared or declared_charset(raw))


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """`text` with ftfy's encoding fixes applied and their code, or unchanged with None.

    Either way no control character is left (see `strip_controls`): ftfy turns C1 controls of
    mojibake into the characters they stood for, and the rest are replaced one for one."""
    if not _MOJIBAKE_RE.search(text):
        return text, None
    import ftfy

    fixed, steps = ftfy.fix_encoding_and_explain(text)
    if fixed == text or not steps:
        return _strip(text, _FULL_CONTROLS_RE)[0], None  # controls strip_controls left for this step
    codes: list[str] = []
    for action, parameter in steps:
        code = "mojibake" if action in ("encode", "decode") else parameter
        if code not in codes:
            codes.append(code)
    return _strip(fixed, _FULL_CONTROLS_RE)[0], "ftfy:" + "+".join(codes)


__all__ = ["CANDIDATES", "COMPRESSIONS", "MIXED_CODEC", "MOJIBAKE_HINT", "REASONS", "CompressionError", "Decoded",
           "TooLargeError", "compression", "decompress", "open_decompressed", "decode_bytes", "decode_html",
           "declared_charset", "is_utf8", "repair_mojibake", "strip_controls"]  # fmt: skip
