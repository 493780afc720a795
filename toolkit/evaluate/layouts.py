"""Article text kept on real layouts: the share of a story's body characters that the toolkit files as
article text, on wire copy and on a news site's stories.

    .venv/bin/python -m toolkit.evaluate.layouts [--shared ../shared] [--lost N]

- Reuters-21578 (`corpora/reuters21578/reut2-*.sgm`): the `<BODY>` of every story, hard-wrapped at
  about 70 characters with indented paragraphs. The wire's sign-off at its end ("Reuter", "REUTER")
  and the end-of-text mark after it are not story text and are left out of the body.
- BBC News (`corpora/bbc_news_greene/bbc/<topic>/*.txt`): every story, its first line the headline
  (a title, not body) and blank lines between paragraphs.

Each story runs through the toolkit's real path (documents -> clean -> blocks -> articles) as a plain
text file. Characters are counted without whitespace; a story's kept characters are those of its
articles' text. `--lost N` lists the N stories that lost the most. The corpora are read at run time
from `../shared` and never stored.
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

import polars as pl

from toolkit.evaluate.text import dump_documents, predicted_bodies

_STORY = re.compile(r'NEWID="(\d+)">(.*?)</REUTERS>', re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_SIGN_OFF = re.compile(r"\s*\bReuter\s*(?:&#3;|\x03)?\s*$", re.I)
_SPACE = re.compile(r"\s+")


def reuters(shared: Path) -> dict[str, tuple[str, str]]:
    """{story id: (text fed in, body scored)}: the sign-off is fed in but is no body."""
    out = {}
    for path in sorted((shared / "corpora" / "reuters21578").glob("reut2-*.sgm")):
        for story in _STORY.finditer(path.read_bytes().decode("latin-1")):
            body = _BODY.search(story.group(2))
            if body:
                text = html.unescape(body.group(1))
                out[f"reuters/{story.group(1)}"] = (text, _SIGN_OFF.sub("", text))
    return out


def bbc(shared: Path) -> dict[str, tuple[str, str]]:
    """{story id: (text fed in, body scored)}: the headline line is fed in but is no body."""
    out = {}
    for path in sorted((shared / "corpora" / "bbc_news_greene" / "bbc").glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        out[f"bbc/{path.parent.name}/{path.stem}"] = (text, text.split("\n", 1)[1] if "\n" in text else "")
    return out


def _chars(text: str) -> int:
    return len(_SPACE.sub("", text))


def kept_share(stories: dict[str, tuple[str, str]], name: str) -> pl.DataFrame:
    """One row per story: body characters and those kept as article text (at most the body's)."""
    predicted, _ = predicted_bodies(dump_documents({k: fed for k, (fed, _) in stories.items()}, name))
    return pl.DataFrame(
        [(k, _chars(body), min(_chars(predicted[k]), _chars(body))) for k, (_, body) in stories.items()],
        schema={"story": pl.Utf8, "body": pl.Int64, "kept": pl.Int64}, orient="row",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit.evaluate.layouts", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2].parent / "shared")
    parser.add_argument("--lost", type=int, default=0, metavar="N", help="list the N stories that lost the most")
    args = parser.parse_args(argv)
    for name, read in (("reuters", reuters), ("bbc", bbc)):
        table = kept_share(read(args.shared), name)
        body, kept = table["body"].sum(), table["kept"].sum()
        print(f"{name}: {table.height} stories, {body:,} body characters, {kept:,} kept as article text: {kept / body:.2%}")
        if args.lost:
            with pl.Config(tbl_rows=args.lost):
                print(table.with_columns(lost=pl.col("body") - pl.col("kept")).sort("lost", descending=True).head(args.lost))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
