"""Claims about the kept-text measurement on real layouts (wire copy and a news site's stories)."""

from __future__ import annotations

from toolkit.evaluate.layouts import bbc, kept_share, reuters

_SGM = (
    '<REUTERS NEWID="7"><TITLE>ACME SELLS UNIT</TITLE><BODY>Acme Industries Inc said it\n'
    "agreed to sell its metals unit to a group of investors for\nundisclosed terms.\n"
    " REUTER\n&#3;</BODY></REUTERS>\n"
    '<REUTERS NEWID="8"><TITLE>NO BODY</TITLE></REUTERS>\n'
)


def test_the_wire_sign_off_is_fed_in_but_is_no_body(tmp_path):
    folder = tmp_path / "corpora" / "reuters21578"
    folder.mkdir(parents=True)
    (folder / "reut2-000.sgm").write_text(_SGM, encoding="latin-1")
    stories = reuters(tmp_path)
    assert list(stories) == ["reuters/7"]  # a story without a body is no story here
    fed, body = stories["reuters/7"]
    assert "REUTER" in fed and "REUTER" not in body
    assert body.endswith("undisclosed terms.")


def test_the_headline_is_fed_in_but_is_no_body_and_kept_characters_are_counted_without_spaces(tmp_path):
    folder = tmp_path / "corpora" / "bbc_news_greene" / "bbc" / "politics"
    folder.mkdir(parents=True)
    story = "Minister quits\n\nThe minister resigned on Monday after a vote in parliament.\n\nHe said he was proud of his work."
    (folder / "001.txt").write_text(story, encoding="utf-8")
    table = kept_share(bbc(tmp_path), "bbc")
    body_chars = len("".join(story.split("\n", 1)[1].split()))
    assert table.rows() == [("bbc/politics/001", body_chars, body_chars)]
