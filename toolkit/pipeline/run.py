"""A build: inputs in deterministic shards through every stage, then corpus-wide stages, validation
and packaging into one dataset folder that appears atomically."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, pairwise
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import polars as pl

from toolkit import __version__
from toolkit.text import clean, dedupe, language, segment
from toolkit.entities import LANGUAGES as ENTITY_LANGUAGES, mentions as entities
from toolkit.events import LANGUAGES as EVENT_LANGUAGES, coder as events
from toolkit.publish import package
from toolkit.io import read
from toolkit.vocab.dictionaries import load_dictionaries
from toolkit.pipeline.engine import per_document_engine
from toolkit.events.patterns import load_patterns
from toolkit.errors import InputError, RecipeError
from toolkit.contract.ids import sha256_hex
from toolkit.pipeline.recipe import Recipe, load_recipe
from toolkit.publish.report import report_html
from toolkit.contract.schema import TABLES, conform, empty_frame, polars_schema, primary_key, table_schemas
from toolkit.contract.validate import validate_table, validate_tables
from toolkit.io.write import (
    MANIFEST_CHECKSUM, atomic_dir, check_out, dumps_json, file_entry, manifest_checksum_text, write_parquet, write_text,
)  # fmt: skip

# Tables produced shard by shard; entities are aggregated over the whole corpus afterwards.
SHARD_TABLES = ("documents", "articles", "fragments", "mentions", "events", "rejects")
# Row order of each output table: a total order that does not depend on the order of the inputs.
SORT_KEYS = {
    "documents": ["source", "doc_id"],
    "articles": ["article_id"],
    "fragments": ["fragment_id"],
    "entities": ["entity_id"],
    "mentions": ["mention_id"],
    "events": ["event_id"],
    "rejects": ["table", "key", "reason"],
}


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, for the summary table and `--json`."""

    out: Path
    rows: dict[str, int]
    rejects: dict[str, int]
    n_inputs: int
    n_bytes: int
    seconds: float = field(compare=False)
    skipped: dict[str, int] = field(default_factory=dict)  # inputs passed over, by reason (see the manifest)
    # Per article language: articles, and whether and how many mentions and events were extracted.
    languages: list[dict] = field(default_factory=list)
    # Share of document characters kept as article text, and the documents far below it.
    text_kept: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "out": str(self.out),
            "rows": self.rows,
            "rejects": self.rejects,
            "inputs": self.n_inputs,
            "bytes": self.n_bytes,
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped,
            "languages": self.languages,
            "text_kept": self.text_kept,
        }


def resolve_recipe(inputs: Sequence[str | Path], fmt: str | None = None, shard_size: int | None = None) -> Recipe:
    """A recipe from the build's INPUT arguments: one dataset.toml, or folders and files."""
    paths = [Path(p) for p in inputs]
    if not paths:
        raise RecipeError("no input given: pass a dataset.toml, a folder or files")
    tomls = [p for p in paths if p.suffix == ".toml"]
    if tomls:
        if len(paths) > 1:
            raise RecipeError(f"{tomls[0]}: a recipe names its own inputs; pass it alone")
        recipe = load_recipe(tomls[0])
    else:
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise InputError(f"input not found: {', '.join(missing)}; check the path")
        resolved = [p.resolve() for p in paths]
        root = Path(*_common_parts([p if p.is_dir() else p.parent for p in resolved]))
        recipe = Recipe(name=root.name or "dataset", inputs=tuple(resolved), root=root)
    if fmt is not None:
        recipe = replace(recipe, format=fmt)
    if shard_size is not None:
        recipe = replace(recipe, shard_size=shard_size)
    return recipe


def _common_parts(paths: list[Path]) -> tuple[str, ...]:
    parts = paths[0].parts
    for p in paths[1:]:
        n = 0
        while n < min(len(parts), len(p.parts)) and parts[n] == p.parts[n]:
            n += 1
        parts = parts[:n]
    return parts


def process_shard(files: Sequence[read.InputFile], recipe: Recipe) -> dict[str, pl.DataFrame]:
    """Every per-document stage on one shard, validated; mentions keep their entity attributes."""
    with per_document_engine():
        return _process_shard(files, recipe)


def _process_shard(files: Sequence[read.InputFile], recipe: Recipe) -> dict[str, pl.DataFrame]:
    docs, read_rejects = read.read_files(list(files), recipe.fields, recipe.limits, recipe.csv, recipe.dates)
    extra = recipe.fields.extra
    carried = docs.select("doc_id", *(pl.col(f"extra:{c}").alias(c) for c, _ in extra))
    docs = docs.select(*read.DOCUMENTS_SCHEMA)
    # Each stage's output is collected once: later stages read it several times, and one lazy
    # graph over all stages would recompute the shared parts.
    documents = docs.lazy().pipe(clean.clean_documents).collect()
    blocks = segment.blocks(documents.lazy()).collect()
    arts = segment.articles(blocks.lazy(), documents.lazy(), count_sentences=False).collect()
    sents = segment.sentences(arts.lazy()).collect()
    arts = language.detect_language(
        segment.with_sentence_counts(arts.lazy(), sents.lazy())
        .join(documents.lazy().select("doc_id", "declared_language"), on="doc_id", how="left")
        .collect(),
        **asdict(recipe.language),
    ).drop("declared_language")
    frags = segment.fragments(blocks.lazy(), documents.lazy()).collect()
    dictionaries, patterns = _extensions(recipe.actors, recipe.agents, recipe.patterns)
    # Articles in a language the rules are not written for are kept with their countries only (their
    # CLDR names), no other entities and no events: English rules read German capitals as names ("Die
    # Regierung" is no person).
    ent_arts, ent_sents = _in_languages(arts, sents, ENTITY_LANGUAGES)
    other = arts.filter(~language.language_in(ENTITY_LANGUAGES))
    ments = pl.concat([
        entities.mentions(ent_arts, ent_sents, dictionaries=dictionaries),
        entities.country_mentions(other.lazy(), sents.lazy(), other["language"].unique().sort().to_list()),
    ]).collect()
    evt_arts, evt_sents = _in_languages(arts, sents, EVENT_LANGUAGES)
    evts = (
        events.events(
            evt_arts, evt_sents, ments.lazy().join(evt_arts.select("article_id"), on="article_id", how="semi"),
            patterns=patterns,
        ).collect()
        if recipe.code_events
        else empty_frame("events")
    )
    counts = arts.group_by("doc_id").agg(n_articles=pl.len())
    documents = documents.join(counts, on="doc_id", how="left").with_columns(
        pl.col("n_articles").fill_null(0)
    )
    tables = {
        "documents": conform(documents, "documents"),
        "articles": conform(arts.join(carried, on="doc_id", how="left") if extra else arts, "articles", extra),
        "fragments": conform(frags, "fragments"),
        "entities": conform(entities.entities(ments.lazy()).collect(), "entities"),
        "mentions": conform(ments, "mentions"),
        "events": conform(evts, "events"),
        "rejects": conform(read_rejects, "rejects"),
    }
    valid, rejects = validate_tables(tables, extra)
    out = {t: valid[t] for t in SHARD_TABLES if t != "rejects"}
    # Mentions keep the entity attributes the corpus-wide entity table is aggregated from.
    out["mentions"] = ments.join(valid["mentions"].select("mention_id"), on="mention_id", how="semi")
    out["rejects"] = rejects
    return out


def _in_languages(
    arts: pl.DataFrame, sents: pl.DataFrame, languages: Sequence[str]
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """The articles a stage reads (in `languages`, or too short to tell) and their sentences."""
    kept = arts.lazy().filter(language.language_in(languages))
    return kept, sents.lazy().join(kept.select("article_id"), on="article_id", how="semi")


@lru_cache(maxsize=4)  # the few recipes a process builds at once; each holds whole dictionaries
def _extensions(actors: tuple[Path, ...], agents: tuple[Path, ...], patterns: tuple[Path, ...]) -> tuple:
    """The recipe's actor and agent dictionaries and event patterns, loaded once per process."""
    return (
        load_dictionaries(actors, agents=agents) if actors or agents else None,
        load_patterns(patterns) if patterns else None,
    )


def build(
    *inputs: str | Path,
    out: str | Path,
    fmt: str | None = None,
    shard_size: int | None = None,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build a dataset from a recipe, folders or files into `out` (replaced atomically).

    `workers` > 1 runs shards in that many processes (default: the cores this process may use); the
    output is the same bytes either way.
    """
    started = time.perf_counter()
    recipe = resolve_recipe(inputs, fmt, shard_size)
    protected = [*map(Path, inputs), *recipe.inputs, *recipe.actors, *recipe.agents, *recipe.patterns]
    check_out(Path(out), protected)  # refuse before any work; checked again under the build's lock
    files, skipped = read.walk_inputs(
        list(recipe.inputs), recipe.root, recipe.format, recipe.allow_outside, recipe.include, recipe.exclude
    )
    # One entry per file on disk: an archive once, however many members it gives.
    input_entries = list({f.stored_source: _input_entry(f) for f in files}.values())
    sizes = [read.estimate_documents(f) for f in files]
    if workers is None:
        # By default every core, but a small corpus in this process: starting workers would cost more.
        workers = available_cores() if sum(sizes) > MIN_PARALLEL_SHARD else 1
    shards = plan_shards(files, recipe.shard_size, workers, sizes)
    out = Path(out)
    with atomic_dir(out, protected) as tmp:
        parts = tmp / "_parts"
        for t in SHARD_TABLES:
            (parts / t).mkdir(parents=True)
        _run_shards(shards, recipe, parts, workers, on_progress)
        rows = _corpus_stages(parts, tmp, recipe)
        manifest, stats = _package(tmp, recipe, input_entries, skipped, rows)
        shutil.rmtree(parts)
    return BuildResult(
        out=out,
        rows=rows,
        rejects=manifest["validation"]["rejects"],
        n_inputs=len(files),
        n_bytes=sum(e["bytes"] or 0 for e in input_entries),
        seconds=time.perf_counter() - started,
        skipped=dict(sorted(Counter(s["reason"] for s in skipped).items())),
        languages=stats.get("extraction", []),
        text_kept=stats.get("text_kept", {}),
    )


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


def _input_entry(f: read.InputFile) -> dict:
    """An input as the manifest records it; one the system will not read has no checksum (and a reject)."""
    try:
        return {"source": f.stored_source, **file_entry(f.path)}
    except OSError:
        return {"source": f.source, "sha256": None, "bytes": None}


def _write_shard(index: int, files: Sequence[read.InputFile], recipe: Recipe, parts: Path) -> int:
    """Process one shard and write its part files, named by shard number so order never matters."""
    for t, df in process_shard(files, recipe).items():
        write_parquet(df, parts / t / f"{index:06d}.parquet")
    return index


def _run_shards(
    shards: list[list[read.InputFile]],
    recipe: Recipe,
    parts: Path,
    workers: int,
    on_progress: Callable[[int, int], None] | None,
) -> None:
    """Every shard, in this process or in a pool of `workers` processes."""
    workers = max(1, min(workers, len(shards)))
    if workers == 1:
        for i, shard in enumerate(shards):
            _write_shard(i, shard, recipe, parts)
            if on_progress:
                on_progress(i + 1, len(shards))
        return
    # "spawn": a forked child would inherit polars' thread pool in an undefined state. Each worker
    # gets an even share of the cores, so workers do not fight over polars threads.
    context = multiprocessing.get_context("spawn")
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    with _environment(POLARS_MAX_THREADS=threads), ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_write_shard, i, shard, recipe, parts) for i, shard in enumerate(shards)]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                future.result()
                if on_progress:
                    on_progress(done, len(shards))
        except BaseException:
            for future in futures:
                future.cancel()
            raise


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Environment variables set for the processes started inside the block."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# Starting a worker (imports, dictionaries, the event lexicon) costs more than a shard of fewer
# documents takes: shards for workers are not made smaller, and by default a corpus of at most this
# many documents is built in the calling process.
MIN_PARALLEL_SHARD = 1000


def plan_shards(
    files: Sequence[read.InputFile], shard_size: int, workers: int = 1, sizes: Sequence[int] | None = None
) -> list[list[read.InputFile]]:
    """Consecutive files grouped until a shard holds about `shard_size` documents.

    Documents per file are estimated by `read.estimate_documents`; a single file larger than the
    shard size forms a shard of its own (`sizes`: the estimates, when already made). With several
    workers, the files are cut into a multiple of the workers of shards as equal as whole files allow,
    so that each worker gets an equal share (as many as the shard size asks for, and not more than one
    per MIN_PARALLEL_SHARD documents); the tables do not depend on it.
    """
    if sizes is None:
        sizes = [read.estimate_documents(f) for f in files]
    if workers > 1 and files:
        total = sum(sizes)
        needed = -(-total // shard_size)  # the shards the shard size asks for
        n = -(-needed // workers) * workers  # rounded up to a multiple of the workers
        n = max(needed, min(n, -(-total // MIN_PARALLEL_SHARD)))
        balanced = _balanced(list(zip(files, sizes, strict=True)), max(1, min(n, len(files))))
        # A cut that came out above the shard size (whole files do not always split evenly) is cut again.
        return [shard for part in balanced for shard in _greedy(part, shard_size)]
    return _greedy(list(zip(files, sizes, strict=True)), shard_size)


def _greedy(sized: list[tuple[read.InputFile, int]], shard_size: int) -> list[list[read.InputFile]]:
    """Consecutive files grouped until the next would take a shard above `shard_size` documents."""
    shards: list[list[read.InputFile]] = [[]]
    count = 0
    for f, n in sized:
        if shards[-1] and count + n > shard_size:
            shards.append([])
            count = 0
        shards[-1].append(f)
        count += n
    return [s for s in shards if s]


def _balanced(sized: list[tuple[read.InputFile, int]], n: int) -> list[list[tuple[read.InputFile, int]]]:
    """Consecutive (file, documents) in `n` groups, each cut after the file whose running total of
    documents comes nearest to its share of the whole."""
    running = list(accumulate(n_docs for _, n_docs in sized))
    cuts = [0]
    for i in range(1, n):
        share = running[-1] * i / n
        # The file after the last cut that ends nearest the share, leaving a file for each group after.
        best = min(range(cuts[-1], len(sized) - (n - i)), key=lambda j: (abs(running[j] - share), j))
        cuts.append(best + 1)
    cuts.append(len(sized))
    return [sized[a:b] for a, b in pairwise(cuts) if b > a]


def _scan(parts: Path, table: str) -> pl.LazyFrame:
    files = sorted((parts / table).glob("*.parquet"))
    if not files:
        return empty_frame(table).lazy()
    return pl.scan_parquet(files)


def _corpus_stages(parts: Path, out: Path, recipe: Recipe) -> dict[str, int]:
    """Entities, duplicates and cross-shard key checks over the shard parts; writes the tables."""
    mentions_full = _scan(parts, "mentions")
    ents, ent_rejects = validate_table(
        conform(entities.entities(mentions_full).collect(), "entities"), "entities"
    )
    lazy = {t: _scan(parts, t) for t in SHARD_TABLES}
    lazy["entities"] = ents.lazy()
    lazy["articles"] = dedupe.mark_duplicates(lazy["articles"], lazy["documents"], **asdict(recipe.dedupe))
    # An entity that failed validation takes its mentions with it; events keep the actor codes.
    lazy["mentions"] = lazy["mentions"].join(ents.lazy().select("entity_id"), on="entity_id", how="semi")
    reject_parts = [lazy["rejects"], ent_rejects.lazy()]
    for t in ("documents", "articles", "fragments", "mentions", "events"):
        key = primary_key(t)
        # Each shard's keys are unique, so copies only arise across shards, and rarely: finding them
        # first spares the common case a corpus-wide `unique` (half the cost of writing the table).
        copies = lazy[t].filter(pl.struct(key).is_duplicated()).collect()
        if copies.height:
            later_copies = copies.lazy().filter(pl.int_range(pl.len()).over(key) > 0)
            reject_parts.append(_duplicate_rejects(later_copies, t, key))
            lazy[t] = lazy[t].unique(subset=key, keep="first", maintain_order=True)
    lazy["rejects"] = pl.concat([conform(r.collect(), "rejects").lazy() for r in reject_parts]).unique(
        subset=SORT_KEYS["rejects"], keep="first", maintain_order=True
    )
    rows = {}
    for t in TABLES:
        extra = recipe.fields.extra if t == "articles" else ()
        frame = lazy[t].pipe(lambda lf, t=t, extra=extra: conform(lf, t, extra)).sort(SORT_KEYS[t])
        write_parquet(frame, out / f"{t}.parquet")
        rows[t] = pl.scan_parquet(out / f"{t}.parquet").select(pl.len()).collect().item()
    return rows


def _duplicate_rejects(copies: pl.LazyFrame, table: str, key: list[str]) -> pl.LazyFrame:
    """Reject rows for keys that another shard already produced, each with the copy as its payload."""
    columns = [c for c in polars_schema(table) if c in copies.collect_schema()]
    return copies.select(
        table=pl.lit(table),
        key=pl.concat_str([pl.col(k).cast(pl.Utf8) for k in key], separator="|"),
        reason=pl.lit("duplicate_key"),
        detail=pl.lit("the same key was produced by more than one shard"),
        payload=pl.struct(sorted(columns)).struct.json_encode(),
        doc_id=pl.col("doc_id") if "doc_id" in columns else pl.lit(None, pl.Utf8),
    )


def _package(
    out: Path, recipe: Recipe, input_entries: list[dict], skipped: list[dict], rows: dict[str, int]
) -> tuple[dict, dict]:
    """Manifest, Frictionless and Croissant metadata, the dataset card and report; returns the manifest
    and the card's statistics."""
    schemas = table_schemas(recipe.fields.extra)
    tables = {t: pl.read_parquet(out / f"{t}.parquet") for t in TABLES}
    rejects = tables["rejects"]
    manifest = {
        "toolkit_version": __version__,
        "schema_versions": {t: schemas[t].get("version", 1) for t in TABLES},
        "lockfile_sha256": _lockfile_sha256(),
        "inputs": input_entries,
        "skipped_inputs": skipped,
        "parameters": recipe.parameters(),
        "tables": {t: {"path": f"{t}.parquet", "rows": rows[t]} for t in TABLES},
        "validation": {
            "rejects": dict(sorted(rejects["reason"].value_counts().iter_rows())),
            "rejects_by_table": dict(sorted(rejects["table"].value_counts().iter_rows())),
        },
    }
    meta = {
        "name": recipe.name,
        "title": recipe.title or recipe.name,
        "description": recipe.description,
        "license": recipe.license,
        "version": recipe.version,
    }
    manifest["files"] = {f"{t}.parquet": file_entry(out / f"{t}.parquet") for t in TABLES}
    write_text(out / "datapackage.json", dumps_json(package.datapackage(meta, manifest, schemas)))
    write_text(out / "croissant.json", dumps_json(package.croissant(meta, manifest, schemas)))
    stats = package.card_stats(tables, code_events=recipe.code_events)
    write_text(out / "README.md", package.dataset_card(meta, manifest, stats, schemas))
    write_text(out / "report.html", report_html(tables, meta["title"]))
    for name in ("datapackage.json", "croissant.json", "README.md", "report.html"):
        manifest["files"][name] = file_entry(out / name)
    write_text(out / "manifest.json", dumps_json(manifest))
    # Written last, over the manifest's bytes: `validate` catches any later edit of the manifest.
    write_text(out / MANIFEST_CHECKSUM, manifest_checksum_text((out / "manifest.json").read_bytes()))
    return manifest, stats


def _lockfile_sha256() -> str | None:
    """Checksum of the lockfile the environment was built from, when running from a checkout."""
    lock = Path(__file__).resolve().parents[2] / "uv.lock"
    return sha256_hex(lock.read_bytes()) if lock.is_file() else None
