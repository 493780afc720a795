"""Dataset recipes: `datasets/<name>/dataset.toml` names the inputs and the build parameters."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from toolkit import dedupe
from toolkit.errors import RecipeError

FORMATS = ("txt", "jsonl", "parquet", "html", "warc")
SECTIONS = ("dataset", "inputs", "build", "limits", "language", "dedupe", "entities", "events")
# Documents per shard. Each shard pays about 0.3 s of fixed cost (validation, query set-up); at 5,000
# news articles that is a tenth of the shard's work, and a worker peaks near 600 MB.
SHARD_SIZE = 5000


@dataclass(frozen=True)
class Fields:
    """Names of the document fields in JSONL and Parquet inputs."""

    id: str = "id"
    title: str = "title"
    text: str = "text"
    published_at: str = "published_at"
    url: str = "url"


@dataclass(frozen=True)
class Limits:
    """`[limits]`: the largest input a build takes in; anything larger is a reject, decided before the
    memory is spent. Memory then stays bounded by the shard and these limits, not by the input."""

    max_document_bytes: int = 32 * 2**20  # one document's bytes as read (a file, a JSONL line, a page)
    max_text_chars: int = 4_000_000  # characters of one document's text that go through the text stages
    max_file_bytes: int = 2**30  # one input file's bytes after decompression
    max_json_depth: int = 64  # nesting of objects and arrays in one JSONL line


@dataclass(frozen=True)
class Language:
    """`[language]`: when a detected language is trusted (see `toolkit.language.detect_language`)."""

    # The defaults of `detect_language` (not imported: reading a recipe needs no language model).
    min_confidence: float = 0.5  # share of the text in the top language
    min_chars: int = 20  # letters below which the language is null
    max_chars: int = 1000  # characters read from the start of each text


@dataclass(frozen=True)
class Dedupe:
    """`[dedupe]`: near-duplicate search (see `toolkit.dedupe.mark_duplicates`)."""

    near: bool = True  # False: exact duplicates only
    shingle_size: int = dedupe.SHINGLE_SIZE  # words per shingle
    num_perm: int = dedupe.NUM_PERM  # MinHash values per article
    bands: int = dedupe.BANDS  # LSH bands
    rows: int = dedupe.ROWS  # values per band
    threshold: float = dedupe.THRESHOLD  # estimated Jaccard similarity that makes a near-duplicate


@dataclass(frozen=True)
class Recipe:
    """Everything a build needs besides the toolkit itself; recorded in the manifest."""

    name: str = "dataset"
    title: str = ""
    description: str = ""
    license: str = "other"
    version: str = "0.0.0"
    inputs: tuple[Path, ...] = ()
    format: str | None = None  # None: from each file's extension
    fields: Fields = field(default_factory=Fields)
    shard_size: int = SHARD_SIZE  # documents per shard: bounds memory
    root: Path = Path(".")  # folder that input sources are named relative to
    limits: Limits = field(default_factory=Limits)
    language: Language = field(default_factory=Language)
    dedupe: Dedupe = field(default_factory=Dedupe)
    actors: tuple[Path, ...] = ()  # `[entities] actors`: the recipe's own actor dictionaries
    agents: tuple[Path, ...] = ()  # `[entities] agents`: role words that join a country ("police")
    patterns: tuple[Path, ...] = ()  # `[events] patterns`: the recipe's own event patterns
    code_events: bool = True  # `[events] code = false`: an entities-only dataset (empty events table)

    def parameters(self) -> dict:
        """The parameters that shape the output, as recorded in the manifest (no absolute paths)."""
        return {
            "name": self.name,
            "version": self.version,
            "format": self.format,
            "fields": asdict(self.fields),
            "shard_size": self.shard_size,
            "limits": asdict(self.limits),
            "language": asdict(self.language),
            "dedupe": asdict(self.dedupe),
            "actors": [self._file(p) for p in self.actors],
            "agents": [self._file(p) for p in self.agents],
            "patterns": [self._file(p) for p in self.patterns],
            "code_events": self.code_events,
        }

    def _file(self, path: Path) -> dict:
        """A dictionary file as the manifest records it: where, relative to the recipe, and its sha256."""
        from toolkit.ids import sha256_hex

        name = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else path.name
        return {"path": name, "sha256": sha256_hex(path.read_bytes())}


def load_recipe(path: Path) -> Recipe:
    """Read a dataset.toml; inputs are resolved relative to the recipe's folder."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecipeError(f"{path}: recipe not found; pass a dataset.toml, a folder or files") from None
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"{path}: not valid TOML ({exc}); fix the file and build again") from None
    ds = raw.get("dataset", {})
    inp = raw.get("inputs", {})
    build = raw.get("build", {})
    unknown = set(raw) - set(SECTIONS)
    if unknown:
        raise RecipeError(f"{path}: unknown section(s) {sorted(unknown)}; allowed: {', '.join(SECTIONS)}")
    paths = inp.get("paths", ["raw"])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise RecipeError(f"{path}: [inputs] paths must be a list of strings")
    fmt = inp.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise RecipeError(f"{path}: [inputs] format {fmt!r} is not one of {FORMATS}")
    try:
        fields = Fields(**inp.get("fields", {}))
    except TypeError as exc:
        raise RecipeError(f"{path}: [inputs.fields] {exc}; allowed: {list(asdict(Fields()))}") from None
    shard_size = build.get("shard_size", SHARD_SIZE)
    if not isinstance(shard_size, int) or shard_size < 1:
        raise RecipeError(f"{path}: [build] shard_size must be a positive integer")
    # `_files` below checks that [events] is a table with known keys; here only its switch is read.
    patterns = _files(path, raw, "events", "patterns", ("patterns", "code"))
    code_events = raw.get("events", {}).get("code", True)
    if not isinstance(code_events, bool):
        raise RecipeError(f"{path}: [events] code must be true or false, not {code_events!r}")
    base = path.parent
    return Recipe(
        name=ds.get("name", base.name),
        title=ds.get("title", ""),
        description=ds.get("description", ""),
        license=ds.get("license", "other"),
        version=ds.get("version", "0.0.0"),
        inputs=tuple(base / p for p in paths),
        format=fmt,
        fields=fields,
        shard_size=shard_size,
        root=base,
        limits=_section(path, raw, "limits", Limits),
        language=_section(path, raw, "language", Language),
        dedupe=_section(path, raw, "dedupe", Dedupe),
        actors=_files(path, raw, "entities", "actors", ("actors", "agents")),
        agents=_files(path, raw, "entities", "agents", ("actors", "agents")),
        patterns=patterns,
        code_events=code_events,
    )


def _files(path: Path, raw: dict, section: str, key: str, allowed: tuple[str, ...]) -> tuple[Path, ...]:
    """`[section] key = [...]`: data files relative to the recipe, each of which must exist."""
    values = raw.get(section, {})
    unknown = set(values) - set(allowed) if isinstance(values, dict) else {"?"}
    if unknown:
        raise RecipeError(f"{path}: [{section}] allows only {', '.join(allowed)}")
    names = values.get(key, [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise RecipeError(f"{path}: [{section}] {key} must be a list of file names")
    files = tuple(path.parent / n for n in names)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise RecipeError(f"{path}: [{section}] {key}: file(s) not found: {', '.join(missing)}")
    return files


def _section(path: Path, raw: dict, name: str, cls: type) -> Limits | Language | Dedupe:
    """A parameter section, each value of its default's type; ranges are checked by `_check`."""
    values = raw.get(name, {})
    if not isinstance(values, dict):
        raise RecipeError(f"{path}: [{name}] must be a table of parameters")
    defaults = asdict(cls())
    unknown = set(values) - set(defaults)
    if unknown:
        raise RecipeError(f"{path}: [{name}] unknown key(s) {sorted(unknown)}; allowed: {list(defaults)}")
    typed = {}
    for key, value in values.items():
        want = type(defaults[key])
        # bool is an int in Python but not in a recipe; an integer is a fine float.
        numeric = (int, float) if want is float else (want,)
        if not isinstance(value, numeric) or (isinstance(value, bool) and want is not bool):
            raise RecipeError(f"{path}: [{name}] {key} must be a {want.__name__}, not {value!r}")
        typed[key] = want(value)
    params = cls(**typed)
    problem = _check(params)
    if problem:
        raise RecipeError(f"{path}: [{name}] {problem}")
    return params


def _check(params: Limits | Language | Dedupe) -> str | None:
    """What is wrong with a parameter section, or None."""
    if isinstance(params, Limits):
        if min(asdict(params).values()) < 1:
            return "every limit must be a positive integer"
        return None
    if isinstance(params, Language):
        if not 0 <= params.min_confidence <= 1:
            return "min_confidence must lie between 0 and 1"
        if params.min_chars < 0 or params.max_chars < 1:
            return "min_chars must be at least 0 and max_chars at least 1"
        return None
    if params.shingle_size < 1 or params.num_perm < 1 or params.bands < 1 or params.rows < 1:
        return "shingle_size, num_perm, bands and rows must be positive"
    if params.bands * params.rows > params.num_perm:
        return f"bands × rows ({params.bands} × {params.rows}) must not exceed num_perm ({params.num_perm})"
    if not 0 < params.threshold <= 1:
        return "threshold must lie in (0, 1]"
    return None
