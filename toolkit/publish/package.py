"""Packaging: `datapackage.json`, `croissant.json` and the dataset card, generated from schemas/.

Every function here is pure with respect to the built folder: it takes the recipe metadata, the
manifest written by write.py and the table schemas, and returns a dict or a string that the caller
writes atomically. Nothing reads the clock, so the same build gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping

import polars as pl

from toolkit.errors import DatasetError, SchemaFileError
from toolkit.contract.schema import FILLED_BY, TABLES, filled_by, load_schemas
from toolkit.publish.coverage import kept_note, text_kept
from toolkit.publish.languages import (
    EXTRACTION_HEADER, extraction_by_language, extraction_limitation, extraction_note, extraction_table,
)

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"  # IANA registration (2024)
CROISSANT_PARQUET = "application/x-parquet"  # the encodingFormat mlcroissant recognises
CROISSANT_1_0 = "http://mlcommons.org/croissant/1.0"

# JSON-LD context of Croissant 1.0: the spec's Appendix 1 keys plus the two later 1.0 additions
# (equivalentProperty, samplingRate); mlcroissant warns "not standard" on any other key set.
CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

CROISSANT_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "datetime": "sc:DateTime",
    "date": "sc:Date",
}
# Table Schema v1 constraint keywords, in the order the spec lists them.
CONSTRAINTS = ("required", "unique", "minLength", "maxLength", "minimum", "maximum", "pattern", "enum")

LIMITATIONS = (
    "Entities come from a model-free, dictionary- and pattern-driven extractor (CoNLL-2003 dev micro F1 "
    "0.77): organisations are often missed, and names of two title-case words may be taken for people.",
    "Events come from verb and noun patterns mapped to CAMEO codes, with actors from clause structure "
    "rather than a parser; paraphrases outside the patterns are missed and distant actors can be wrong.",
    "Article and sentence segmentation is heuristic; unusual layouts can split or merge articles.",
    "Fact boxes, captions and other fragments are kept as fragments but yield no entities or events.",
    "Sports reports (articles dense in sport-only words) yield no events: their team names read as "
    "countries. Other articles about sport can still yield false events.",
)


def _meta(recipe_meta) -> dict:
    """Recipe fields the packaging uses, from a dict or a Recipe; missing ones get neutral defaults."""
    get = recipe_meta.get if isinstance(recipe_meta, Mapping) else lambda k, d=None: getattr(recipe_meta, k, d)
    name = slug(str(get("name", "") or "dataset"))
    return {
        "name": name,
        "title": str(get("title", "") or name),
        "description": str(get("description", "") or ""),
        "license": str(get("license", "") or "other"),
        "version": str(get("version", "") or "0.0.0"),
        "url": get("url"),
        "citation": get("citation"),
        "date_published": get("date_published"),
    }


def slug(text: str) -> str:
    """Lowercase name allowed by Data Package (`[a-z0-9._-]`); other runs become one hyphen."""
    return re.sub(r"[^a-z0-9._]+", "-", text.lower()).strip("-") or "dataset"


def _tables(schemas: dict) -> list[str]:
    """Tables in output order: TABLES first, any extra schema after, by name."""
    return [t for t in TABLES if t in schemas] + sorted(set(schemas) - set(TABLES))


def _file(manifest: dict, table: str) -> tuple[str, dict]:
    """The table's file path and its {sha256, bytes} record from the manifest."""
    try:
        path = manifest["tables"][table]["path"]
        return path, manifest["files"][path]
    except KeyError as exc:
        raise DatasetError(
            f"manifest.json has no file record for table {table!r} (missing key {exc}); rebuild the dataset"
        ) from None


def _field_type(field: dict, table: str) -> str:
    """The field's Table Schema type, checked against the types the toolkit knows."""
    kind = field.get("type", "string")
    if kind == "list":
        kind = field.get("itemType", "string")
    if kind not in CROISSANT_TYPES:
        raise SchemaFileError(f"schemas/{table}.yaml: field {field.get('name')!r} has unknown type {kind!r}")
    return field.get("type", "string")


def _frictionless_field(field: dict, table: str) -> dict:
    """One Table Schema v1 field descriptor; a list column becomes `array` (see datapackage())."""
    kind = _field_type(field, table)
    out = {"name": field["name"], "type": "array" if kind == "list" else kind}
    if kind == "list":
        out["itemType"] = field.get("itemType", "string")
    out["description"] = field.get("description", "")
    given = field.get("constraints") or {}
    constraints = {k: given[k] for k in CONSTRAINTS if k in given}
    if constraints:
        out["constraints"] = constraints
    if filled_by(field):  # an extra property, which Table Schema allows (Croissant does not: left out there)
        out[FILLED_BY] = field[FILLED_BY]
    return out


def _as_list(value) -> list:
    """Key columns as a list: Table Schema allows a single name or a list."""
    return [value] if isinstance(value, str) else list(value)


def datapackage(recipe_meta: dict, manifest: dict, schemas: dict | None = None) -> dict:
    """Frictionless Tabular Data Package v1 with one resource per table; hashes from the manifest.

    Parquet list columns are declared `"type": "array"`, the v1 type for a JSON-array value; v1 has
    no item type, so the item type is kept in an extra `itemType` property (the name v2 uses), which
    v1 allows since descriptors may carry properties beyond the spec. Each field keeps the schema's
    `x-filled-by` (the toolkit module that computes it) on the same ground.
    """
    schemas = load_schemas() if schemas is None else schemas
    meta = _meta(recipe_meta)
    license_ = meta["license"]
    resources = []
    for table in _tables(schemas):
        spec = schemas[table]
        path, record = _file(manifest, table)
        schema: dict = {"fields": [_frictionless_field(f, table) for f in spec["fields"]]}
        if spec.get("primaryKey"):
            schema["primaryKey"] = _as_list(spec["primaryKey"])
        if spec.get("foreignKeys"):
            schema["foreignKeys"] = [
                {
                    "fields": _as_list(fk["fields"]),
                    "reference": {
                        "resource": fk["reference"]["resource"],
                        "fields": _as_list(fk["reference"]["fields"]),
                    },
                }
                for fk in spec["foreignKeys"]
            ]
        resources.append(
            {
                "name": table,
                "path": path,
                "profile": "tabular-data-resource",
                "title": spec.get("title", table),
                "description": spec.get("description", ""),
                "format": "parquet",
                "mediatype": PARQUET_MEDIATYPE,
                "bytes": record["bytes"],
                "hash": f"sha256:{record['sha256']}",
                "schema": schema,
            }
        )
    out = {
        "profile": "tabular-data-package",
        "name": meta["name"],
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "licenses": [{"path": license_} if "://" in license_ else {"name": license_}],
    }
    if meta["url"]:
        out["homepage"] = meta["url"]
    out["resources"] = resources
    return out


def _croissant_field(field: dict, table: str, path: str) -> dict:
    """One cr:Field reading a Parquet column; a list column is a repeated field of its item type."""
    kind = _field_type(field, table)
    name = field["name"]
    out = {
        "@type": "cr:Field",
        "@id": f"{table}/{name}",
        "name": name,
        "description": field.get("description", ""),
        "dataType": CROISSANT_TYPES[field.get("itemType", "string") if kind == "list" else kind],
    }
    if kind == "list":
        out["repeated"] = True
    out["source"] = {"fileObject": {"@id": path}, "extract": {"column": name}}
    return out


def croissant(recipe_meta: dict, manifest: dict, schemas: dict | None = None) -> dict:
    """MLCommons Croissant 1.0 JSON-LD: one FileObject and one RecordSet per table.

    Foreign keys are left out on purpose (they are in datapackage.json and the card): mlcroissant
    turns a field's `references` into a join of the two whole tables when records are read, which
    repeats rows, costs memory at corpus scale, and fails as a cycle on a self-reference such as
    articles.duplicate_of.
    """
    schemas = load_schemas() if schemas is None else schemas
    meta = _meta(recipe_meta)
    distribution, record_sets = [], []
    for table in _tables(schemas):
        spec = schemas[table]
        path, record = _file(manifest, table)
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": path,
                "name": path,
                "description": f"The {table} table.",
                "contentSize": f"{record['bytes']} B",
                "contentUrl": path,
                "encodingFormat": CROISSANT_PARQUET,
                "sha256": record["sha256"],
            }
        )
        record_set = {
            "@type": "cr:RecordSet",
            "@id": table,
            "name": table,
            "description": spec.get("description", ""),
        }
        key = [{"@id": f"{table}/{k}"} for k in _as_list(spec.get("primaryKey") or [])]
        if key:
            record_set["key"] = key[0] if len(key) == 1 else key
        record_set["field"] = [_croissant_field(f, table, path) for f in spec["fields"]]
        record_sets.append(record_set)
    out = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "name": meta["name"],
        "description": meta["description"] or meta["title"],
        "conformsTo": CROISSANT_1_0,
        "license": meta["license"],
        "version": meta["version"],
    }
    if meta["url"]:
        out["url"] = meta["url"]
    # A recipe without a citation still gets one, so users can cite the exact version they used.
    out["citeAs"] = meta["citation"] or (
        f"@misc{{{meta['name']}, title = {{{meta['title']}}}, version = {{{meta['version']}}}, "
        f"note = {{built with newsdata-toolkit {manifest.get('toolkit_version', 'unknown')}}}}}"
    )
    if meta["date_published"]:
        # Only from the recipe: reading the clock would make two builds differ.
        out["datePublished"] = str(meta["date_published"])
    out["distribution"] = distribution
    out["recordSet"] = record_sets
    return out


def _cell(value) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _table_md(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    """A Markdown table, rows in the order given."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]


# Known statistics: heading and column names; any other key is rendered generically after these.
STAT_SECTIONS = {
    "extraction": ("Languages", EXTRACTION_HEADER),
    "text_kept": ("Text kept as articles", ("document far below", "share kept", "characters")),
    "languages": ("Languages", ("language", "articles")),
    "top_entities": ("Top entities", ("entity", "mentions")),
    "event_roots": ("Events by CAMEO root code", ("root code", "events")),
    "cluster_sizes": ("Event clusters by size", ("events in cluster", "clusters")),
    "rejects": ("Rejects by reason", ("reason", "rows")),
}


def _stat_md(key: str, value) -> list[str]:
    """One statistic as Markdown: counts by key (largest first, ties by key), ranked pairs, or a value."""
    title, header = STAT_SECTIONS.get(key, (key.replace("_", " ").capitalize(), (key, "n")))
    lines = [f"### {title}", ""]
    if key == "extraction":
        lines += [extraction_note(value), ""] + _table_md(header, extraction_table(value))
    elif key == "text_kept":
        lines.append(kept_note(value))
        if value["documents"]:
            shown = [(f"`{s}`", f"{share:.1%}", f"{n:,}") for s, share, n in value["documents"]]
            more = value["flagged"] - len(shown)
            lines += [""] + _table_md(header, shown) + ([f"\nand {more:,} more."] if more > 0 else [])
    elif isinstance(value, Mapping):
        rows = sorted(value.items(), key=lambda kv: (-kv[1] if isinstance(kv[1], int | float) else 0, str(kv[0])))
        lines += _table_md(header, rows) if rows else ["(none)"]
    elif isinstance(value, list | tuple):
        # A list is already ranked (card_stats orders it), so its order is kept.
        lines += _table_md(header, [tuple(r) for r in value]) if value else ["(none)"]
    else:
        lines.append(_cell(value))
    return lines + [""]


def _input_bytes(entry: dict) -> int:
    """Size of one manifest input; write.py names it `bytes` like the output files, older drafts `n_bytes`."""
    return int(entry.get("bytes", entry.get("n_bytes")) or 0)


def dataset_card(recipe_meta: dict, manifest: dict, stats: dict, schemas: dict | None = None) -> str:
    """The dataset card README.md: what, how built, tables, data dictionary, statistics, limitations."""
    schemas = load_schemas() if schemas is None else schemas
    meta = _meta(recipe_meta)
    tables = _tables(schemas)
    inputs = manifest.get("inputs") or []
    lockfile = manifest.get("lockfile_sha256")
    out = [f"# {meta['title']}", ""]
    if meta["description"]:
        out += [meta["description"], ""]
    out += [f"Name `{meta['name']}`, version {meta['version']}, licence {meta['license']}.", ""]

    out += ["## How it was built", ""]
    out += [
        f"- Toolkit version: {manifest.get('toolkit_version', 'unknown')}",
        f"- Lockfile sha256: `{lockfile}`" if lockfile else "- Lockfile sha256: not recorded",
        f"- Inputs: {len(inputs)} files, {sum(_input_bytes(i) for i in inputs)} bytes in total "
        "(each input's sha256 is listed in manifest.json)",
    ]
    skipped = Counter(s.get("reason") for s in manifest.get("skipped_inputs") or [])
    if skipped:
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items()))
        out.append(f"- Inputs not read: {sum(skipped.values())} ({why}; listed under skipped_inputs in manifest.json)")
    versions = manifest.get("schema_versions") or {}
    if versions:
        out.append("- Schema versions: " + ", ".join(f"{t} v{versions[t]}" for t in sorted(versions)))
    parameters = json.dumps(manifest.get("parameters") or {}, indent=2, sort_keys=True, ensure_ascii=False)
    out += ["- Parameters:", "", "```json", parameters, "```", ""]

    out += ["## Tables", ""]
    rows = []
    for table in tables:
        path, record = _file(manifest, table)
        rows.append((table, manifest["tables"][table].get("rows", ""), f"`{path}`", record["bytes"]))
    out += _table_md(("table", "rows", "file", "bytes"), rows) + [""]

    out += ["## Data dictionary", ""]
    if any(filled_by(f) for t in tables for f in schemas[t]["fields"]):
        out += ["\"filled by\" names the toolkit module(s) whose code computes the column's values.", ""]
    for table in tables:
        spec = schemas[table]
        out += [f"### {table}", ""]
        if spec.get("description"):
            out += [_cell(spec["description"]), ""]
        keys = []
        if spec.get("primaryKey"):
            keys.append("- Primary key: " + ", ".join(f"`{k}`" for k in _as_list(spec["primaryKey"])))
        for fk in spec.get("foreignKeys") or []:
            ref = fk["reference"]
            target = ", ".join(f"`{ref['resource'] or table}.{c}`" for c in _as_list(ref["fields"]))
            keys.append("- Foreign key: " + ", ".join(f"`{c}`" for c in _as_list(fk["fields"])) + f" → {target}")
        out += keys + [""] if keys else []
        # The "filled by" column appears for a table whose schema names the modules filling its columns.
        fillers = any(filled_by(f) for f in spec["fields"])
        fields = []
        for f in spec["fields"]:
            kind = _field_type(f, table)
            kind = f"list of {f.get('itemType', 'string')}" if kind == "list" else kind
            required = "yes" if (f.get("constraints") or {}).get("required") else "no"
            row = (f"`{f['name']}`", kind, required, f.get("description", ""))
            fields.append(row + (", ".join(f"`{m}`" for m in filled_by(f)),) if fillers else row)
        header = ("column", "type", "required", "description") + (("filled by",) if fillers else ())
        out += _table_md(header, fields) + [""]

    stats = dict(stats)
    if "rejects" not in stats and (manifest.get("validation") or {}).get("rejects") is not None:
        stats["rejects"] = manifest["validation"]["rejects"]
    if "extraction" in stats:  # its table has the articles per language too
        stats.pop("languages", None)
    ordered = [k for k in STAT_SECTIONS if k in stats] + sorted(set(stats) - set(STAT_SECTIONS))
    if ordered:
        out += ["## Statistics", ""]
        for key in ordered:
            out += _stat_md(key, stats[key])

    first = "events" if "events" in tables else tables[0]
    out += [
        "## How to read it",
        "",
        "```python",
        "import polars as pl",
        "",
        f'{first} = pl.read_parquet("{first}.parquet")',
    ]
    if first == "events" and "articles" in tables:
        out += [
            'articles = pl.read_parquet("articles.parquet")',
            'events.join(articles.select("article_id", "title", "published_at"), on="article_id")',
        ]
    out += [
        "```",
        "",
        "Column types, keys and constraints are also machine-readable in `datapackage.json` "
        "(Frictionless) and `croissant.json` (MLCommons Croissant).",
        "",
        "## Limitations",
        "",
    ] + [f"- {item}" for item in (extraction_limitation(), *LIMITATIONS)]
    return "\n".join(out) + "\n"


def _counts(frame: pl.DataFrame, column: str, null: str) -> dict[str, int]:
    """Rows per value of a column (nulls under `null`), largest first, ties by value."""
    counted = (
        frame.select(pl.col(column).cast(pl.Utf8).fill_null(null))
        .group_by(column, maintain_order=True)
        .len()
        .sort(["len", column], descending=[True, False])
    )
    return dict(zip(counted[column].to_list(), counted["len"].to_list(), strict=True))


def card_stats(tables: dict[str, pl.DataFrame], top: int = 10, *, code_events: bool = True) -> dict:
    """Statistics for the card from built tables; a stat whose table or column is absent is left out.

    `code_events`: whether the recipe coded events (`[events] code`), for what was extracted per language.
    """
    stats: dict = {}

    def has(table: str, *columns: str) -> bool:
        return table in tables and all(c in tables[table].columns for c in columns)

    if has("articles", "language"):
        stats["languages"] = _counts(tables["articles"], "language", "und")  # ISO 639-2 "undetermined"
    if has("articles", "article_id", "language"):
        stats["extraction"] = extraction_by_language(tables, code_events=code_events)
    kept = text_kept(tables)
    if kept:
        stats["text_kept"] = kept
    if has("entities", "name", "n_mentions"):
        ranked = (
            tables["entities"]
            .select("name", "n_mentions")
            .sort(["n_mentions", "name"], descending=[True, False], nulls_last=True)
            .head(top)
        )
        stats["top_entities"] = [(n, int(m)) for n, m in ranked.iter_rows()]
    if has("events", "root_code"):
        stats["event_roots"] = _counts(tables["events"], "root_code", "none")
    if has("events", "event_id", "cluster_id"):
        # An event without a cluster stands alone: a cluster of one.
        sizes = (
            tables["events"]
            .group_by(pl.coalesce("cluster_id", "event_id").alias("cluster"), maintain_order=True)
            .len()
            .rename({"len": "size"})
        )
        stats["cluster_sizes"] = _counts(sizes, "size", "0")
    if has("rejects", "reason"):
        stats["rejects"] = _counts(tables["rejects"], "reason", "none")
    return stats
