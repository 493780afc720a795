"""The visual report: one self-contained `report.html` with inline SVG charts (no scripts, no
network), computed from the built tables with polars. Deterministic: same tables, same bytes."""

from __future__ import annotations

from html import escape

import polars as pl

from toolkit.vocab.codes import cameo_table

TOP = 15
# QuadClass colours: cooperation in blues, conflict in reds (verbal lighter than material).
QUAD_COLOURS = {1: "#9ecae1", 2: "#3182bd", 3: "#fc9272", 4: "#de2d26"}
NEUTRAL = "#6b7b8c"


def _counts(df: pl.DataFrame, column: str, top: int | None = TOP) -> list[tuple[str, int]]:
    """(value, count) pairs, most frequent first, ties by value; nulls left out."""
    if df.height == 0 or column not in df.columns:
        return []
    counted = df.select(pl.col(column).drop_nulls().cast(pl.Utf8)).group_by(column).len()
    rows = counted.sort(["len", column], descending=[True, False]).rows()
    return rows[:top] if top else rows


def _bars(title: str, rows: list[tuple[str, int]], colours: list[str] | None = None) -> str:
    """A horizontal bar chart as inline SVG."""
    if not rows:
        return f"<section><h2>{escape(title)}</h2><p class='empty'>nothing to show</p></section>"
    label_w, bar_w, row_h = 260, 420, 22
    peak = max(n for _, n in rows)
    parts = []
    for i, (label, n) in enumerate(rows):
        y = i * row_h
        w = max(1, round(bar_w * n / peak))
        colour = colours[i] if colours else NEUTRAL
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 6}" fill="{colour}"/>'
            f'<text x="{label_w + w + 4}" y="{y + 15}">{n:,}</text>'
        )
    height = row_h * len(rows)
    svg = f'<svg viewBox="0 0 {label_w + bar_w + 70} {height}" width="100%" role="img" aria-label="{escape(title)}">{"".join(parts)}</svg>'
    return f"<section><h2>{escape(title)}</h2>{svg}</section>"


def _timeline(title: str, rows: list[tuple[str, int]]) -> str:
    """Counts per month as vertical bars, in time order."""
    if not rows:
        return f"<section><h2>{escape(title)}</h2><p class='empty'>no dated events</p></section>"
    rows = _fill_months(dict(rows))
    width, height, pad = 700, 180, 30
    step = (width - 2 * pad) / len(rows)
    peak = max(n for _, n in rows)
    parts = []
    for i, (month, n) in enumerate(rows):
        h = round((height - 2 * pad) * n / peak)
        x = pad + i * step
        parts.append(
            f'<rect x="{x:.1f}" y="{height - pad - h}" width="{max(step - 2, 1):.1f}" height="{h}" fill="{NEUTRAL}">'
            f"<title>{escape(month)}: {n:,}</title></rect>"
        )
    first, last = rows[0][0], rows[-1][0]
    parts.append(f'<text x="{pad}" y="{height - 8}">{escape(first)}</text>')
    parts.append(f'<text x="{width - pad}" y="{height - 8}" text-anchor="end">{escape(last)}</text>')
    parts.append(f'<text x="{pad}" y="{pad - 10}">max {peak:,} per month</text>')
    svg = f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(title)}">{"".join(parts)}</svg>'
    return f"<section><h2>{escape(title)}</h2>{svg}</section>"


def _fill_months(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Every month from the first to the last (gaps shown as zero), in time order."""
    months = pl.date_range(
        pl.lit(min(counts) + "-01").str.to_date(), pl.lit(max(counts) + "-01").str.to_date(), "1mo", eager=True
    ).dt.strftime("%Y-%m")
    return [(m, counts.get(m, 0)) for m in months]


def report_html(tables: dict[str, pl.DataFrame], title: str) -> str:
    """The report page for a built dataset's tables."""
    events = tables["events"]
    articles = tables["articles"]
    dated = events.join(articles.select("article_id", "published_at"), on="article_id", how="left").select(
        month=pl.coalesce(pl.col("event_date"), pl.col("published_at").dt.date()).dt.strftime("%Y-%m")
    )
    roots = cameo_table().filter(pl.col("cameo_code") == pl.col("root_code"))
    root_names = dict(zip(roots["root_code"], roots["name"]))
    root_quads = dict(zip(roots["root_code"], roots["quad_class"]))
    by_root = _counts(events, "root_code", top=None)
    dyads = events.select(dyad=pl.concat_str(["source_code", "target_code"], separator=" → "))
    actors = pl.concat(
        [events.select(actor="source_code"), events.select(actor="target_code")], how="vertical"
    )
    sections = [
        _timeline("Events per month (event date, else publication date)", _counts(dated, "month", top=None)),
        _bars(
            "Event types (CAMEO root; colour = QuadClass)",
            [(f"{r} {root_names.get(r, '')}", n) for r, n in by_root],
            [QUAD_COLOURS.get(root_quads.get(r), NEUTRAL) for r, _ in by_root],
        ),
        _bars("Top actors (source or target)", _counts(actors, "actor")),
        _bars("Top dyads (source → target)", _counts(dyads, "dyad")),
        _bars("Events by modality", _counts(events, "modality")),
        _bars("Top entities by mentions", _top_entities(tables["entities"])),
        _bars("Article languages", _counts(articles.with_columns(pl.col("language").fill_null("unknown")), "language")),
        _bars("Fragments by kind (text kept out of articles)", _counts(tables["fragments"], "kind")),
        _bars("Rejects by reason", _counts(tables["rejects"], "reason")),
    ]
    legend = " ".join(
        f'<span style="background:{c}">&nbsp;&nbsp;</span> {n}'
        for c, n in zip(QUAD_COLOURS.values(), ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict"])
    )
    counts = " · ".join(f"{t}: {tables[t].height:,}" for t in ("articles", "entities", "mentions", "events"))
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} report</title><style>"
        "body{font:14px system-ui,sans-serif;max-width:860px;margin:2em auto;color:#222}"
        "svg text{font:12px system-ui,sans-serif;fill:#222}section{margin:2em 0}.empty{color:#888}"
        "h2{font-size:16px;border-bottom:1px solid #ddd}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{counts}</p><p>QuadClass: {legend}</p>"
        + "".join(sections)
        + "</body></html>\n"
    )


def _top_entities(entities: pl.DataFrame) -> list[tuple[str, int]]:
    if entities.height == 0:
        return []
    top = entities.sort(["n_mentions", "name", "entity_id"], descending=[True, False, False]).head(TOP)
    return [(f"{name} ({kind})", n) for name, kind, n in top.select("name", "kind", "n_mentions").rows()]
