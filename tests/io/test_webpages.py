"""Claims about web inputs: main text out of HTML pages, one document per HTML response of a WARC."""

from __future__ import annotations

import gzip
import io
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastwarc.warc import WarcRecord, WarcRecordType

from toolkit.io.read import discover, estimate_documents, read_files
from toolkit.io.webpages import EXTRACTOR, declared_language, parse_page_date

ARTICLE = [
    "Norway and Finland signed an agreement on Monday to run joint coast guard patrols along the Arctic "
    "shipping lanes north of Tromsø, the two defence ministries said in a joint statement.",
    "Under the agreement, Finnish patrol aircraft will operate from the Norwegian air base at Andøya for "
    "two weeks every quarter, and crews will share radar data on vessels that switch off their transponders.",
    "Russia’s embassy in Oslo criticised the plan. The Norwegian foreign ministry rejected the criticism and "
    "said the patrols were purely defensive.",
]
CHROME = [
    "We use cookies to improve your experience",
    "Accept all cookies",
    "Share on Facebook",
    "Subscribe now",
    "Ferry operators warn of winter timetable cuts",
    "All rights reserved",
]


def page(lang: str = "en-GB", paragraphs: list[str] = ARTICLE) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>Norway and Finland agree Arctic patrols | The Harbour Ledger</title>
<meta property="og:title" content="Norway and Finland agree Arctic patrols">
<meta property="article:published_time" content="2024-03-04T08:30:00+01:00">
<link rel="canonical" href="https://ledger.example/world/arctic-patrols"></head><body>
<div class="cookie-banner">{CHROME[0]} and to show advertising. <button>{CHROME[1]}</button></div>
<nav><ul><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/subscribe">{CHROME[3]}</a></li></ul></nav>
<main><article><h1>Norway and Finland agree Arctic patrols</h1>
<div class="share"><a href="#">{CHROME[2]}</a> <a href="#">Share on X</a></div>
{body}
</article></main>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/w/1">{CHROME[4]}</a></li>
<li><a href="/w/2">Quiz: how well do you know the capitals?</a></li></ul></aside>
<footer><p>© 2024 The Harbour Ledger. {CHROME[5]}.</p></footer></body></html>"""


def _read(folder: Path):
    return read_files(discover([folder], folder))


def test_html_extraction_keeps_the_article_and_drops_cookie_banner_menus_share_and_related_links(tmp_path):
    (tmp_path / "p.html").write_text(page(), encoding="utf-8")
    docs, rejects = _read(tmp_path)
    assert rejects.height == 0
    row = docs.row(0, named=True)
    for paragraph in ARTICLE:
        assert paragraph in row["raw_text"]
    for chrome in CHROME:
        assert chrome not in row["raw_text"]
    assert (row["format"], row["status"], row["extractor"]) == ("html", "ok", EXTRACTOR)
    assert row["title"] == "Norway and Finland agree Arctic patrols"
    assert row["url"] == "https://ledger.example/world/arctic-patrols"
    assert row["published_at"] == datetime(2024, 3, 4, 7, 30, tzinfo=timezone.utc)
    assert row["declared_language"] == "en"


@pytest.mark.parametrize(
    ("html", "code"),
    [
        pytest.param('<html lang="en-GB"><head>', "en", id="region subtag dropped"),
        pytest.param("<HTML class=x LANG=de>", "de", id="upper case unquoted"),
        pytest.param('<html lang="fra">', "fr", id="three-letter code"),
        pytest.param('<html><head><meta http-equiv="Content-Language" content="es-ES">', "es", id="meta"),
        pytest.param('<html lang="xx">', None, id="not a language"),
        pytest.param("<html><body>", None, id="undeclared"),
    ],
)
def test_declared_language_is_iso_639_1_or_null(html, code):
    assert declared_language(html) == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-04T08:30:00+0100", datetime(2024, 3, 4, 7, 30, tzinfo=timezone.utc)),
        ("2024-03-04T08:30:00", datetime(2024, 3, 4, 8, 30, tzinfo=timezone.utc)),
        ("2024-03-04", datetime(2024, 3, 4, tzinfo=timezone.utc)),
        ("sometime", None),
        (None, None),
    ],
    ids=["offset", "naive is utc", "date only", "not a date", "missing"],
)
def test_page_dates_are_utc(value, expected):
    assert parse_page_date(value) == expected


def _record(rtype: WarcRecordType, n: int, uri: str, block: bytes) -> bytes:
    rec = WarcRecord()
    rec.init_headers(record_type=rtype, record_urn=f"uuid:00000000-0000-4000-8000-{n:012d}".encode())
    rec.headers["WARC-Date"] = f"2024-03-05T12:00:0{n}Z"
    rec.headers["WARC-Target-URI"] = uri
    rec.headers["Content-Type"] = "application/http; msgtype=response"
    rec.set_bytes_content(block)
    buf = io.BytesIO()
    rec.write(buf)
    return gzip.compress(buf.getvalue(), mtime=0)


def _http(status: str, ctype: str, body: bytes) -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n\r\n".encode() + body


def _crawl() -> bytes:
    return b"".join([
        _record(WarcRecordType.response, 1, "https://a.example/1", _http("200 OK", "text/html; charset=utf-8", page().encode())),
        _record(WarcRecordType.response, 2, "https://a.example/logo.png", _http("200 OK", "image/png", b"\x89PNG")),
        _record(WarcRecordType.response, 3, "https://a.example/2", _http("200 OK", "text/html", page("fr").encode())),
    ])  # fmt: skip


def test_warc_gives_a_document_per_html_response_and_a_skip_reject_per_other_record(tmp_path):
    (tmp_path / "crawl.warc.gz").write_bytes(_crawl())
    docs, rejects = _read(tmp_path)
    ok = docs.filter(docs["status"] == "ok")
    assert ok.height == 2 and docs.height == 3
    assert ok["url"].to_list() == ["https://ledger.example/world/arctic-patrols"] * 2  # the canonical link
    assert ok["declared_language"].to_list() == ["en", "fr"]
    assert ok["fetched_at"].to_list() == [datetime(2024, 3, 5, 12, 0, s, tzinfo=timezone.utc) for s in (1, 3)]
    assert ok["published_at"].to_list() == [datetime(2024, 3, 4, 7, 30, tzinfo=timezone.utc)] * 2
    assert all(s.startswith("crawl.warc.gz#B") for s in docs["source"])
    assert docs["external_id"].to_list() == [f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>" for n in (1, 2, 3)]
    assert rejects.select("reason", "doc_id").rows() == [("warc_record_skipped", docs["doc_id"][1])]
    assert "image/png" in rejects["detail"][0]


def test_warc_record_offsets_point_at_the_records(tmp_path):
    data = _crawl()
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    docs, _ = _read(tmp_path)
    offsets = [int(s.rsplit("#B", 1)[1]) for s in docs["source"]]
    for offset, n in zip(offsets, (1, 2, 3), strict=True):
        assert f"00000000-0000-4000-8000-{n:012d}".encode() in gzip.decompress(data[offset:])[:400]


def test_estimate_documents_counts_warc_records_and_compressed_jsonl_lines(tmp_path):
    (tmp_path / "crawl.warc.gz").write_bytes(_crawl())
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(b'{"text": "a"}\n{"text": "b"}\n', mtime=0))
    (tmp_path / "p.html").write_text(page(), encoding="utf-8")
    counts = {f.source: estimate_documents(f) for f in discover([tmp_path], tmp_path)}
    assert counts == {"a.jsonl.gz": 2, "crawl.warc.gz": 3, "p.html": 1}
