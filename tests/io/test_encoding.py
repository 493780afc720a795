"""Claims about decoding inputs: detected encodings, repaired mojibake, compressed files, undecodable bytes,
control characters, and the confidence bar that turns a guess into a reject."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tempfile
import zlib
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252, the decoding that makes real mojibake
import pytest
import zstandard
from hypothesis import assume, given
from hypothesis import strategies as st

from toolkit.io.encoding import (
    MIXED_CODEC, REASONS, CompressionError, decode_bytes, decode_html, decompress, repair_mojibake, strip_controls,
)
from toolkit.errors import TooLargeError
from toolkit.io.read import discover, read_files

# Latin letters of Western European languages; UTF-8 encodes each non-ASCII one as two bytes. Left
# out: "œ" and "å", whose mojibake ("Å“", "Ã¥") ftfy leaves alone when nothing else in the text is broken.
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàáâäãæçèéêëìíîïñòóôöõøùúûüÿßÀÉÈÇÖÜÑ"
latin_texts = st.text(alphabet=LATIN + " .,;-'", min_size=1, max_size=200).filter(
    lambda t: any(c.isalpha() for c in t)
)


def _read_one(name: str, data: bytes) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        docs, rejects = read_files(discover([Path(tmp)], Path(tmp)))
    assert docs.height == 1
    return {**docs.row(0, named=True), "reasons": rejects["reason"].to_list()}


def _mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 and written back as UTF-8, as a misconfigured export does."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


@given(latin_texts)
def test_mojibake_of_latin_text_is_repaired_back_to_the_original_and_recorded(text):
    broken = _mojibake(text)
    row = _read_one("a.txt", broken.encode("utf-8"))
    assert row["raw_text"] == text
    assert row["encoding"] == "utf-8"
    assert row["repair"] == ("ftfy:mojibake" if broken != text else None)


@given(latin_texts)
def test_correct_latin_text_is_never_repaired(text):
    assert repair_mojibake(text) == (text, None)


def test_repair_leaves_french_guillemets_after_an_accent_alone():
    assert repair_mojibake("Il a dit « oui » à Zürich, puis é»") == ("Il a dit « oui » à Zürich, puis é»", None)


def test_mojibake_in_a_jsonl_text_field_is_repaired_per_record(tmp_path):
    lines = [{"text": _mojibake("Café in Zürich – “talks”")}, {"text": "Plain record."}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    docs, rejects = read_files(discover([tmp_path], tmp_path))
    assert docs.select("raw_text", "repair").rows() == [
        ("Café in Zürich – “talks”", "ftfy:mojibake"), ("Plain record.", None)
    ]  # fmt: skip
    assert rejects.height == 0


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        pytest.param("Delegates met in a small café in Zürich.", "latin-1", id="latin-1"),
        pytest.param("Ministers said “no” – twice, at 5 € a head.", "cp1252", id="cp1252 quotes dash euro"),
        pytest.param("Die Gespräche in München über Straßenbau dauerten bis Mitternacht.", "cp1252",
                     id="cp1252 German"),
        pytest.param("Переговоры в Москве продолжатся в понедельник, сообщил министр.", "cp1251",
                     id="cp1251 Russian"),
    ],
)
def test_single_byte_files_are_kept_with_the_encoding_they_decode_with(text, codec):
    raw = text.encode(codec)
    row = _read_one("a.txt", raw)
    assert (row["status"], row["raw_text"], row["reasons"]) == ("ok", text, [])
    assert raw.decode(row["encoding"]) == text  # the recorded encoding reproduces the text
    assert row["sha256"] == hashlib.sha256(raw).hexdigest()


def test_utf16_with_a_byte_order_mark_is_decoded_not_called_binary():
    assert decode_bytes("Grüße".encode("utf-16")) == decode_bytes("Grüße".encode("utf-16"))
    assert decode_bytes("Grüße".encode("utf-16")).text == "Grüße"


def test_html_meta_charset_is_used_when_the_bytes_are_not_utf8():
    page = '<html><head><meta charset="windows-1252"></head><body><p>Österreich – „Hilfe“</p></body></html>'
    decoded = decode_html(page.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (page, "cp1252")


def test_a_wrong_declared_charset_loses_to_valid_utf8():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'
    assert decode_html(page.encode("utf-8")).encoding == "utf-8"


def test_undecodable_bytes_are_a_reason_not_an_exception():
    decoded = decode_bytes(bytes(range(0x80, 0x100)))
    assert (decoded.text, decoded.encoding, decoded.reason) == (None, None, "not_decodable")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize(("suffix", "compress"), [(".gz", _gzip), (".zst", _zstd)], ids=["gzip", "zstd"])
@pytest.mark.parametrize("name", ["a.txt", "a.jsonl", "a.html"])
def test_compressed_files_read_like_the_plain_file_but_hash_the_stored_bytes(tmp_path, name, suffix, compress):
    plain = {
        "a.txt": "Talks resumed in Genève on Monday.\n".encode(),
        "a.jsonl": b'{"id": 1, "text": "First record."}\n{"id": 2, "text": "Second record."}\n',
        "a.html": b"<html lang='en'><body><article><p>Talks resumed in Geneva on Monday after a "
        b"two-week pause, officials said.</p></article></body></html>",
    }[name]
    (tmp_path / "plain").mkdir()
    (tmp_path / "packed").mkdir()
    (tmp_path / "plain" / name).write_bytes(plain)
    packed = compress(plain)
    (tmp_path / "packed" / (name + suffix)).write_bytes(packed)
    want, _ = read_files(discover([tmp_path / "plain"], tmp_path / "plain"))
    got, rejects = read_files(discover([tmp_path / "packed"], tmp_path / "packed"))
    assert rejects.height == 0
    same = ["format", "encoding", "status", "external_id", "raw_text", "published_at", "declared_language"]
    assert got.select(same).equals(want.select(same))
    if name != "a.jsonl":  # a whole-file document hashes the file as stored; a JSONL line, the line
        assert got.select("sha256", "n_bytes").row(0) == (hashlib.sha256(packed).hexdigest(), len(packed))
    else:
        assert got["sha256"].to_list() == want["sha256"].to_list()


def test_decompress_raises_compression_error_naming_the_method():
    with pytest.raises(CompressionError, match="gzip") as info:
        decompress(b"\x1f\x8b\x08 truncated", "gzip")
    assert isinstance(info.value, ValueError)
    assert decompress(_zstd(b"abc"), "zstd") == b"abc"


def test_a_jsonl_file_with_some_cp1252_lines_keeps_every_line_with_its_own_encoding(tmp_path):
    good = '{"text": "Talks in Genève – “progress”."}'.encode()
    latin = '{"text": "Délégués à Zürich, façade grise, été chaud."}'.encode("cp1252")
    (tmp_path / "a.jsonl").write_bytes(good + b"\n" + latin + b"\n" + latin + b"\n")
    docs, rejects = read_files(discover([tmp_path], tmp_path))
    assert rejects.height == 0
    assert docs["encoding"].to_list() == ["utf-8", "cp1252", "cp1252"]
    assert docs["raw_text"][1] == "Délégués à Zürich, façade grise, été chaud."


# --- detection with a confidence bar ---------------------------------------------------------------

# Real words of Western European news, accented and not; sentences of them are what a researcher's
# cp1252 or ISO-8859-1 files hold.
WESTERN_WORDS = {
    "fr": "le la les des une été déjà où à ça français délégués réunis Genève après préparer très "
          "ministère économie hôpital Noël mercredi journée grève élève garçon façade problème "
          "cœur œuvre naïf Zoë coût août".split(),
    "de": "die der und über Gespräche München Straße Bürger Außenminister Mädchen Grüße früher "
          "Europäischen Zölle hieß dass für Österreich Ärzte Übung".split(),
    "es": "el la los señor Muñoz reunión miércoles Málaga según próxima además también niños "
          "Gobierno política ¿qué? ¡sí! económica".split(),
    "pt": "o a não são reunião inflação próximos meses terça-feira ações também está Brasília "
          "eleições coração português".split(),
    "it": "il la è più perché città lunedì Unione però già sarà crescita così".split(),
    "nl": "de het een financiële coördinatie reünie ideeën België twee".split(),
    "sv": "och på år förhandlingar överenskommelse årsskiftet måndag".split(),
}
PUNCTUATION = ["", "", "", ",", ";", ":", " –", " «", "»", " “", "”", "’s", "…"]


@st.composite
def western_sentences(draw, max_sentences: int = 3) -> str:
    """One to three sentences in one Western language, each of 3-14 words, some with punctuation."""
    words = WESTERN_WORDS[draw(st.sampled_from(sorted(WESTERN_WORDS)))]
    sentences = []
    for _ in range(draw(st.integers(1, max_sentences))):
        n = draw(st.integers(3, 14))
        parts = [draw(st.sampled_from(words)) + draw(st.sampled_from(PUNCTUATION)) for _ in range(n)]
        sentences.append(" ".join(parts).capitalize() + draw(st.sampled_from([".", "!", "?"])))
    return " ".join(sentences)


def _round_trip(text: str, codec: str):
    raw = text.encode(codec)
    decoded = decode_bytes(raw)
    if decoded.text is None:
        assert decoded.reason in REASONS and decoded.detail
    else:
        assert decoded.text == text, (decoded.encoding, decoded.text)
        assert raw.decode(decoded.encoding) == text
    return decoded


@given(western_sentences(), st.sampled_from(["cp1252", "latin-1"]))
def test_western_text_in_cp1252_or_latin1_decodes_to_itself_or_is_rejected_never_another_text(text, codec):
    try:
        text.encode(codec)
    except UnicodeEncodeError:  # “ ” – … € œ are cp1252 only
        codec = "cp1252"
    assume(not _utf8_by_accident(text.encode(codec)))
    _round_trip(text, codec)


def _utf8_by_accident(raw: bytes) -> bool:
    """Whether cp1252 bytes hold a valid UTF-8 sequence ("ß»" is 0xDF 0xBB, U+07FB): strict UTF-8 comes
    first by design, so such text may come back as UTF-8 (documented; real text rarely pairs up)."""
    return any(len(m.group()) > 1 and not m.group().isascii() for m in _VALID_UTF8_RUN.finditer(raw))


_VALID_UTF8_RUN = __import__("re").compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@given(western_sentences(max_sentences=1))
def test_a_short_latin1_sentence_is_never_read_as_a_cjk_or_other_alphabet(text):
    assume(not _utf8_by_accident(text.encode("cp1252")))
    decoded = _round_trip(text, "cp1252")
    assert decoded.encoding is None or decoded.encoding in ("cp1252", "utf-8")


@given(st.lists(western_sentences(max_sentences=2), min_size=2, max_size=6))
def test_a_file_of_western_news_in_cp1252_is_read_back_whole(paragraphs):
    text = "\n\n".join(paragraphs)
    assume(not _utf8_by_accident(text.encode("cp1252")))
    decoded = _round_trip(text, "cp1252")
    if any(ord(c) > 127 for c in text):
        assert decoded.encoding == "cp1252", decoded.detail


NAMED_CASES = [
    ("Ça va? Très bien.", "latin-1", "cp1252"),
    ("Le président a démissionné hier soir.", "latin-1", "cp1252"),
    ("Die Gespräche in München dauerten bis Mitternacht.", "latin-1", "cp1252"),
    ("El señor Muñoz llegó a Málaga el miércoles.", "latin-1", "cp1252"),
    ("A reunião em São Paulo não terminou.", "latin-1", "cp1252"),
    ("Minister spraw zagranicznych spotkał się w czwartek w Warszawie ze swoim niemieckim "
     "odpowiednikiem. Według rzecznika rozmowy dotyczyły współpracy gospodarczej.", "cp1250", "cp1250"),
    ("Министр иностранных дел России в четверг провёл переговоры в Москве со своим немецким коллегой. "
     "По словам представителя министерства, стороны обсудили экономическое сотрудничество.", "cp1251", "cp1251"),
    ("Министр иностранных дел России в четверг провёл переговоры в Москве со своим немецким коллегой. "
     "По словам представителя министерства, стороны обсудили экономическое сотрудничество.", "koi8-r", "koi8_r"),
    ("Ο υπουργός Εξωτερικών της Ελλάδας συναντήθηκε την Πέμπτη στην Αθήνα με τον Γερμανό ομόλογό του. "
     "Σύμφωνα με τον εκπρόσωπο, οι δύο πλευρές συζήτησαν την οικονομική συνεργασία.", "cp1253", "cp1253"),
    ("外務大臣は木曜日、東京でドイツの外相と会談した。外務省の報道官によると、両国は経済協力とエネルギー"
     "安全保障について話し合った。次回の会合は来月に予定されている。", "shift_jis", "shift_jis"),
    ("外務大臣は木曜日、東京でドイツの外相と会談した。外務省の報道官によると、両国は経済協力とエネルギー"
     "安全保障について話し合った。", "euc_jp", "euc_jp"),
    ("外交部长星期四在北京会见了德国外长。据外交部发言人介绍，双方讨论了经济合作和能源安全问题。", "gb2312", "gb18030"),
    ("外交部長星期四在台北會見了德國外長。據外交部發言人介紹，雙方討論了經濟合作和能源安全問題。", "big5", "big5"),
    ("외교부 장관은 목요일 서울에서 독일 외무장관과 회담했다. 외교부 대변인에 따르면 양측은 경제 협력과 "
     "에너지 안보에 대해 논의했다.", "euc_kr", "euc_kr"),
]


@pytest.mark.parametrize(("text", "codec", "detected"), NAMED_CASES, ids=[f"{c[1]}:{c[0][:12]}" for c in NAMED_CASES])
def test_named_texts_are_detected_with_their_code_page(text, codec, detected):
    raw = text.encode(codec)
    assert decode_bytes(raw) == decode_bytes(raw)
    decoded = decode_bytes(raw)
    assert (decoded.text, decoded.encoding, decoded.reason) == (text, detected, None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param(bytes(range(0x80, 0x100)), "not_decodable", id="every high byte"),
        pytest.param("é".encode("latin-1"), "uncertain_encoding", id="one byte: é or й or ι"),
        pytest.param("外".encode("euc_jp") * 2, "uncertain_encoding", id="two CJK characters"),
        pytest.param(b"\x1b[31m" * 40 + b"\xff", "not_decodable", id="terminal escapes"),
        pytest.param(b"ok\x00ok", "binary_content", id="NUL byte"),
    ],
)
def test_bytes_nothing_reads_confidently_are_a_reason_not_a_guess(raw, reason):
    decoded = decode_bytes(raw)
    assert (decoded.text, decoded.encoding, decoded.reason) == (None, None, reason)
    assert reason in REASONS and decoded.detail


@given(st.binary(min_size=1, max_size=400))
def test_any_bytes_give_text_that_the_encoding_reproduces_or_a_reason(raw):
    decoded = decode_bytes(raw)
    if decoded.text is None:
        assert decoded.encoding is None and decoded.reason in REASONS
    else:
        assert strip_controls(raw.decode(decoded.encoding))[0] == decoded.text


# --- mixed UTF-8 and cp1252 --------------------------------------------------------------------------


@given(st.lists(st.tuples(western_sentences(max_sentences=1), st.booleans()), min_size=2, max_size=8))
def test_a_utf8_file_with_cp1252_lines_is_read_whole_or_rejected_as_mixed(lines):
    raw = b"\n".join(line.encode("cp1252" if legacy else "utf-8") for line, legacy in lines)
    text = "\n".join(line for line, _ in lines)
    decoded = decode_bytes(raw)
    if decoded.text is None:
        assert decoded.reason in REASONS
    else:
        assert decoded.text == text
        assert raw.decode(decoded.encoding) == text


def test_utf8_with_cp1252_apostrophes_is_decoded_as_utf8_with_those_bytes_read_as_cp1252():
    raw = "Talks in Genève – “progress”.\n".encode() + "It’s Zürich’s turn, the délégués said.\n".encode("cp1252")
    decoded = decode_bytes(raw)
    assert (decoded.text, decoded.encoding) == (
        "Talks in Genève – “progress”.\nIt’s Zürich’s turn, the délégués said.\n", MIXED_CODEC
    )
    assert raw.decode(MIXED_CODEC) == decoded.text and "cp1252" in decoded.detail


def test_utf8_with_cp1251_lines_is_a_mixed_encoding_reject():
    raw = ("Talks in Genève – “progress”.\n" * 3).encode() + "Переговоры в Москве продолжатся.\n".encode("cp1251")
    decoded = decode_bytes(raw)
    assert (decoded.text, decoded.reason) == (None, "mixed_encoding")


# --- control characters ------------------------------------------------------------------------------

CONTROL_HEAVY = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(
    [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]] + ["â", "€", "Ã"]), max_size=200)


@given(CONTROL_HEAVY)
def test_strip_controls_replaces_one_character_for_one_and_counts_them(text):
    out, n = strip_controls(text)
    assert len(out) == len(text)
    changed = [i for i, (a, b) in enumerate(zip(text, out, strict=True)) if a != b]
    assert len(changed) == n
    assert all(text[i] in "\x0b\x0c" or ord(text[i]) < 0x20 or 0x7F <= ord(text[i]) < 0xA0 for i in changed)
    for i, c in enumerate(out):
        if ord(c) < 0x20 and c not in "\t\n\r" or 0x7F <= ord(c) < 0xA0:
            # only the cp1252-undefined C1 controls finishing a Latin-1-read UTF-8 sequence stay
            assert c in "\x81\x8d\x8f\x90\x9d" and i > 0 and "\u00c2" <= out[i - 1] <= "\u00f4" or (
                i > 1 and c in "\x81\x8d\x8f\x90\x9d" and "\u00c2" <= out[i - 2] <= "\u00f4"
            )
    assert strip_controls(out) == (out, 0)


def test_strip_controls_decisions():
    assert strip_controls("a\tb\nc\rd") == ("a\tb\nc\rd", 0)
    assert strip_controls("page\x0cbreak\x0bline") == ("page\nbreak\nline", 2)
    assert strip_controls("it\x92s \x93so\x94 \x85") == ("it’s “so” …", 4)
    assert strip_controls("bell\x07 del\x7f c1\x81") == ("bell  del  c1 ", 3)
    assert strip_controls("â€\x9d") == ("â€\x9d", 0)  # mojibake of ”, left for repair_mojibake
    assert repair_mojibake("“talksâ€\x9d") == ("“talks”", "ftfy:mojibake") or repair_mojibake("“talksâ€\x9d")[0] == "“talks”"


def test_decoded_text_has_stray_controls_replaced_and_too_many_rejected():
    body = "Talks resumed in Genève on Monday after a two-week pause, officials said. " * 4
    decoded = decode_bytes(f"Talks\x07 {body}\x1b.\x0c".encode())
    assert (decoded.text, decoded.encoding) == (f"Talks  {body} .\n", "utf-8")
    assert "3 control characters replaced" in decoded.detail
    terminal = ("\x1b[1m bold \x1b[0m " * 20).encode()
    assert decode_bytes(terminal).reason == "control_characters"
    latin = "Délégués\x07 à Genève.".encode("cp1252")
    assert decode_bytes(latin).text == "Délégués  à Genève."


# --- decompression -----------------------------------------------------------------------------------

payloads = st.binary(min_size=1, max_size=3000) | st.text(max_size=2000).map(lambda t: (t * 3).encode())


def _zstd_unsized(data: bytes) -> bytes:
    out = io.BytesIO()
    with zstandard.ZstdCompressor(write_checksum=True).stream_writer(out, closefd=False) as writer:
        writer.write(data)
    return out.getvalue()


@given(payloads, payloads)
def test_decompress_reads_multi_member_gzip_and_multi_frame_zstd(a, b):
    assert decompress(_gzip(a) + _gzip(b), "gzip") == a + b
    assert decompress(_gzip(a) + b"\x00" * 7, "gzip") == a  # NUL padding, as gzip.decompress allows
    assert decompress(_zstd(a) + _zstd_unsized(b), "zstd") == a + b
    assert decompress(_zstd_unsized(a), "zstd", max_bytes=len(a)) == a  # the limit is inclusive


@given(payloads, st.data())
def test_a_gzip_or_zstd_file_cut_at_any_byte_is_a_compression_error(data, draw):
    for packed, method in ((_gzip(data), "gzip"), (_zstd(data), "zstd"), (_zstd_unsized(data), "zstd")):
        cut = draw.draw(st.integers(0, len(packed) - 1), label=f"{method} cut")
        with pytest.raises(CompressionError, match=method):
            decompress(packed[:cut], method)


def test_every_cut_of_a_small_file_is_a_compression_error():
    data = b"Talks resumed in Geneva on Monday. " * 40
    for packed, method in ((_gzip(data) + _gzip(b"x"), "gzip"), (_zstd(data), "zstd"), (_zstd_unsized(data), "zstd")):
        for cut in range(len(packed)):
            if method == "gzip" and cut == len(_gzip(data)):
                continue  # a whole first member: a complete file
            with pytest.raises(CompressionError):
                decompress(packed[:cut], method)


@pytest.mark.parametrize("method", ["gzip", "zstd"])
def test_trailing_garbage_and_empty_input_are_compression_errors(method):
    packed = _gzip(b"text") if method == "gzip" else _zstd(b"text")
    with pytest.raises(CompressionError, match="offset"):
        decompress(packed + b"garbage", method)
    with pytest.raises(CompressionError, match="empty"):
        decompress(b"", method)


def _gzip_bomb(size: int) -> bytes:
    """`size` zero bytes gzip-compressed without ever holding them all."""
    packer, zeros = zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(size >> 20)) + packer.flush()


def _zstd_bomb(size: int) -> bytes:
    out, zeros = io.BytesIO(), bytes(1 << 20)
    with zstandard.ZstdCompressor(level=3).stream_writer(out, closefd=False) as writer:  # no content size
        for _ in range(size >> 20):
            writer.write(zeros)
    return out.getvalue()


@pytest.mark.parametrize(("method", "bomb"), [("gzip", _gzip_bomb), ("zstd", _zstd_bomb)])
def test_a_bomb_past_the_limit_is_too_large_before_it_is_inflated(method, bomb):
    packed = bomb(1 << 30)  # 1 GiB of zeros in about a megabyte (gzip) or a few kilobytes (zstd)
    with pytest.raises(TooLargeError, match=f"{method}.*1,048,576") as info:
        decompress(packed, method, max_bytes=1 << 20)
    assert isinstance(info.value, ValueError)


def test_a_zstd_frame_declaring_a_size_past_the_limit_is_refused_before_decompressing():
    with pytest.raises(TooLargeError, match="declare"):
        decompress(_zstd(b"x" * 5000), "zstd", max_bytes=4999)
    with pytest.raises(TooLargeError):
        decompress(b"x" * 10, None, max_bytes=9)
