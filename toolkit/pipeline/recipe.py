"""Dataset recipes: `datasets/<name>/dataset.toml` names the inputs and the build parameters."""

from __future__ import annotations

import codecs
import difflib
import os
import reprlib
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from toolkit.text import dedupe
from toolkit.errors import RecipeError
from toolkit.contract.schema import table_schema
from toolkit.io.options import EPOCHS, FORMATS, Csv, Dates, Fields, Limits, time_zone

# Documents per shard. Each shard pays about 0.3 s of fixed cost (validation, query set-up); at 5,000
# news articles that is a tenth of the shard's work, and a worker peaks near 600 MB.
SHARD_SIZE = 5000


@dataclass(frozen=True)
class Language:
    """`[language]`: when a detected language is trusted (see `toolkit.text.language.detect_language`)."""

    # The defaults of `detect_language` (not imported: reading a recipe needs no language model).
    min_confidence: float = 0.5  # share of the text in the top language
    min_chars: int = 20  # letters below which the language is null
    max_chars: int = 1000  # characters read from the start of each text


@dataclass(frozen=True)
class Dedupe:
    """`[dedupe]`: near-duplicate search (see `toolkit.text.dedupe.mark_duplicates`)."""

    near: bool = True  # False: exact duplicates only
    shingle_size: int = dedupe.SHINGLE_SIZE  # words per shingle
    num_perm: int = dedupe.NUM_PERM  # MinHash values per article
    bands: int = dedupe.BANDS  # LSH bands
    rows: int = dedupe.ROWS  # values per band
    threshold: float = dedupe.THRESHOLD  # estimated Jaccard similarity that makes a near-duplicate


def _types(cls: type, leave: tuple[str, ...] = ()) -> dict[str, type]:
    """The keys of a parameter dataclass and the types of their defaults (but the keys in `leave`)."""
    return {key: type(value) for key, value in asdict(cls()).items() if key not in leave}


class Names(dict):
    """In SCHEMA: a table whose keys the recipe chooses, each naming a string (`[inputs.extra]`)."""


# Every key a recipe may have and the type it wants: this one table drives the unknown-key check (with
# its "did you mean") and the type check. `list` is a list of strings; a dict is a sub-table.
SCHEMA: dict[str, dict] = {
    "dataset": dict.fromkeys(("name", "title", "description", "license", "version"), str),
    "inputs": {
        "paths": list, "format": str, "include": list, "exclude": list, "allow_outside": bool,
        "date_formats": list, "timezone": str, "fields": _types(Fields, ("extra",)), "csv": _types(Csv),
        "extra": Names(),
    },  # fmt: skip
    "build": {"shard_size": int},
    "limits": _types(Limits),
    "language": _types(Language),
    "dedupe": _types(Dedupe),
    "entities": {"actors": list, "agents": list},
    "events": {"patterns": list, "code": bool},
}
SECTIONS = tuple(SCHEMA)
# How a message names each type.
WANTED = {
    str: "a string", list: "a list of strings", bool: "true or false", int: "an integer", float: "a number"
}


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
    include: tuple[str, ...] = ()  # `[inputs] include`: glob patterns of the sources to read (all when empty)
    exclude: tuple[str, ...] = ()  # `[inputs] exclude`: glob patterns of sources not to read
    csv: Csv = field(default_factory=Csv)
    dates: Dates = field(default_factory=Dates)
    shard_size: int = SHARD_SIZE  # documents per shard: bounds memory
    root: Path = Path(".")  # folder that input sources are named relative to
    limits: Limits = field(default_factory=Limits)
    language: Language = field(default_factory=Language)
    dedupe: Dedupe = field(default_factory=Dedupe)
    actors: tuple[Path, ...] = ()  # `[entities] actors`: the recipe's own actor dictionaries
    agents: tuple[Path, ...] = ()  # `[entities] agents`: role words that join a country ("police")
    patterns: tuple[Path, ...] = ()  # `[events] patterns`: the recipe's own event patterns
    code_events: bool = True  # `[events] code = false`: an entities-only dataset (empty events table)
    allow_outside: bool = False  # `[inputs] allow_outside = true`: paths may leave the recipe's folder

    def parameters(self) -> dict:
        """The parameters that shape the output, as recorded in the manifest (no absolute paths)."""
        return {
            "name": self.name,
            "version": self.version,
            "format": self.format,
            "fields": asdict(self.fields),
            "include": list(self.include),
            "exclude": list(self.exclude),
            "csv": asdict(self.csv),
            "dates": asdict(self.dates),
            "shard_size": self.shard_size,
            "limits": asdict(self.limits),
            "language": asdict(self.language),
            "dedupe": asdict(self.dedupe),
            "actors": [self._file(p) for p in self.actors],
            "agents": [self._file(p) for p in self.agents],
            "patterns": [self._file(p) for p in self.patterns],
            "code_events": self.code_events,
            "allow_outside": self.allow_outside,
        }

    def _file(self, path: Path) -> dict:
        """A dictionary file as the manifest records it: where, relative to the recipe, and its sha256."""
        from toolkit.contract.ids import sha256_hex

        name = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else path.name
        return {"path": name, "sha256": sha256_hex(path.read_bytes())}


def load_recipe(path: Path) -> Recipe:
    """Read a dataset.toml; inputs are resolved relative to the recipe's folder."""
    path = Path(path)
    raw = _read(path)
    _check_keys(path, raw, SCHEMA)
    # Keys and types are checked above; what is left are ranges, values and files.
    ds = raw.get("dataset", {})
    inp = raw.get("inputs", {})
    fmt = inp.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise RecipeError(f"{path}: [inputs] format {fmt!r}{_suggest(fmt, FORMATS)} is not one of {FORMATS}")
    shard_size = raw.get("build", {}).get("shard_size", SHARD_SIZE)
    if shard_size < 1:
        raise RecipeError(f"{path}: [build] shard_size must be a positive integer")
    allow_outside = inp.get("allow_outside", False)
    base = path.parent
    return Recipe(
        name=ds.get("name", base.name),
        title=ds.get("title", ""),
        description=ds.get("description", ""),
        license=ds.get("license", "other"),
        version=ds.get("version", "0.0.0"),
        inputs=_inside(path, "inputs", "paths", inp.get("paths", ["raw"]), allow_outside),
        format=fmt,
        fields=_fields(path, inp),
        include=tuple(inp.get("include", ())),
        exclude=tuple(inp.get("exclude", ())),
        csv=_csv(path, inp.get("csv", {})),
        dates=_dates(path, inp),
        shard_size=shard_size,
        root=base,
        allow_outside=allow_outside,
        limits=_section(path, raw, "limits", Limits),
        language=_section(path, raw, "language", Language),
        dedupe=_section(path, raw, "dedupe", Dedupe),
        actors=_files(path, raw, "entities", "actors", allow_outside),
        agents=_files(path, raw, "entities", "agents", allow_outside),
        patterns=_files(path, raw, "events", "patterns", allow_outside),
        code_events=raw.get("events", {}).get("code", True),
    )


def _fields(path: Path, inp: dict) -> Fields:
    """`[inputs.fields]` and `[inputs.extra]`: the extra columns must be new names the articles take."""
    extra = tuple(inp.get("extra", {}).items())
    try:
        table_schema("articles", extra)
    except ValueError as exc:
        raise RecipeError(f"{path}: [inputs.extra] {str(exc).removeprefix('articles: ')}") from None
    return Fields(**inp.get("fields", {}), extra=extra)


def _csv(path: Path, table: dict) -> Csv:
    """`[inputs.csv]`, each character one character long."""
    options = Csv(**table)
    if len(options.delimiter) > 1 or len(options.quote) > 1 or options.delimiter in ("\n", "\r"):
        raise RecipeError(f"{path}: [inputs.csv] delimiter and quote must be one character each (or \"\" to detect "
                          "the delimiter, no quoting)")  # fmt: skip
    if options.encoding:
        try:
            codecs.lookup(options.encoding)
        except LookupError:
            raise RecipeError(f"{path}: [inputs.csv] encoding {options.encoding!r} is not a codec Python "
                              "knows; use a name such as 'utf-8', 'cp1252' or 'latin-1'") from None  # fmt: skip
    return options


def _dates(path: Path, inp: dict) -> Dates:
    """`[inputs] date_formats` and `timezone`: strptime patterns need a %-directive, zones must exist."""
    formats = tuple(inp.get("date_formats", ()))
    for f in formats:
        if f not in EPOCHS and "%" not in f:
            raise RecipeError(f"{path}: [inputs] date_formats: {f!r} is neither a strptime pattern such as "
                              f"'%d.%m.%Y %H:%M' nor one of {', '.join(EPOCHS)}")  # fmt: skip
    zone = inp.get("timezone", "UTC")
    try:
        time_zone(zone)
    except ValueError as exc:
        raise RecipeError(f"{path}: [inputs] timezone: {exc}") from None
    return Dates(formats, zone)


def _read(path: Path) -> dict:
    """The recipe's TOML; every way of failing to read it is a RecipeError that says what to do."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RecipeError(f"{path}: recipe not found; pass a dataset.toml, a folder or files") from None
    except IsADirectoryError:
        raise RecipeError(f"{path}: is a folder, not a recipe; pass the dataset.toml file") from None
    except OSError as exc:
        raise RecipeError(f"{path}: the recipe cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        byte = f"byte {exc.object[exc.start]:#04x} at offset {exc.start}"
        raise RecipeError(f"{path}: the recipe is not UTF-8 text ({byte}); save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"{path}: not valid TOML ({exc}); fix the file and build again") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise RecipeError(f"{path}: not valid TOML (values nested too deeply)") from None


def _check_keys(path: Path, table: dict, schema: dict, where: str = "") -> None:
    """Every key of `table` is one that `schema` allows, with the type it wants; sub-tables in turn."""
    for key, value in table.items():
        name = f"[{where}] {key}" if where else f"[{key}]"
        if key not in schema:
            if where:
                allowed = ", ".join(schema)
                problem = f"[{where}] unknown key {key!r}{_suggest(key, schema)}; allowed: {allowed}"
            else:  # a key above every section is most likely one that lost its section header
                what = f"section [{key}]" if isinstance(value, dict) else f"top-level key {key!r}"
                allowed = ", ".join(f"[{s}]" for s in schema)
                problem = f"unknown {what}{_suggest(key, schema, '[{}]')}; allowed sections: {allowed}"
            raise RecipeError(f"{path}: {problem}")
        want = schema[key]
        if isinstance(want, Names):
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise RecipeError(f"{path}: {name} must be a table of column = \"input field\" names")
            continue
        if not _fits(value, want):
            wanted = "a table" if isinstance(want, dict) else WANTED[want]
            # reprlib keeps a long value short; a boolean is shown as TOML spells it.
            shown = str(value).lower() if isinstance(value, bool) else reprlib.repr(value)
            raise RecipeError(f"{path}: {name} must be {wanted}, not {shown}")
        if isinstance(want, dict):
            _check_keys(path, value, want, f"{where}.{key}" if where else key)


def _suggest(key: str, allowed: Iterable[str], form: str = "{!r}") -> str:
    """The hint after an unknown name: the sections where the key belongs (it lost its header), else the
    closest allowed one."""
    homes = [f"[{section}]" for section, keys in _tables(SCHEMA) if key in keys]
    if homes:  # a key of another table: it most likely lost its header
        return f" (a key of {' and '.join(homes)})"
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f" (did you mean {form.format(close[0])}?)" if close else ""


def _tables(schema: dict, where: str = "") -> Iterator[tuple[str, dict]]:
    """(name, keys) of every table in the schema, sub-tables included: `inputs.fields`."""
    for key, want in schema.items():
        if isinstance(want, dict):
            name = f"{where}.{key}" if where else key
            yield name, want
            yield from _tables(want, name)


def _fits(value: object, want: type | dict) -> bool:
    """Whether a TOML value has the type a key wants. bool is an int in Python but not in a recipe; an
    integer is a fine float."""
    if isinstance(want, dict):
        return isinstance(value, dict)
    if want is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if isinstance(value, bool):
        return want is bool
    return isinstance(value, (int, float) if want is float else want)


def _inside(path: Path, section: str, key: str, names: list[str], allow_outside: bool) -> tuple[Path, ...]:
    """`[section] key = [...]`: paths relative to the recipe's folder, which they may leave only when the
    recipe says so: a recipe someone else wrote should not read files elsewhere on this machine."""
    paths = tuple(path.parent / n for n in names)
    try:
        # Resolved, so that `raw/../..` and symlinks to folders elsewhere are seen for what they are.
        folder = path.parent.resolve()
        resolved = [p.resolve() for p in paths]
    except (OSError, RuntimeError, ValueError) as exc:  # symlink loops, NUL bytes
        raise RecipeError(f"{path}: [{section}] {key}: a path cannot be resolved ({exc})") from None
    for name, target in zip(names, resolved):
        if not allow_outside and not target.is_relative_to(folder):
            raise RecipeError(
                f"{path}: [{section}] {key}: {name!r} leaves the recipe folder {folder}; "
                "set [inputs] allow_outside = true to read it anyway"
            )
    return paths


def _files(path: Path, raw: dict, section: str, key: str, allow_outside: bool) -> tuple[Path, ...]:
    """`[section] key = [...]`: data files relative to the recipe, each of which must exist."""
    files = _inside(path, section, key, raw.get(section, {}).get(key, []), allow_outside)
    # os.path.isfile, not Path.is_file: a name too long for the system is a missing file, not an OSError.
    missing = [str(f) for f in files if not os.path.isfile(f)]
    if missing:
        raise RecipeError(f"{path}: [{section}] {key}: file(s) not found: {', '.join(missing)}")
    return files


def _section(path: Path, raw: dict, name: str, cls: type) -> Limits | Language | Dedupe:
    """A parameter section (keys and types already checked); ranges are checked by `_check`."""
    want = SCHEMA[name]
    params = cls(**{key: want[key](value) for key, value in raw.get(name, {}).items()})  # 3 → 3.0
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
