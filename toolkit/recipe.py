"""Dataset recipes: `datasets/<name>/dataset.toml` names the inputs and the build parameters."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from toolkit.errors import RecipeError

FORMATS = ("txt", "jsonl", "parquet")


@dataclass(frozen=True)
class Fields:
    """Names of the document fields in JSONL and Parquet inputs."""

    id: str = "id"
    title: str = "title"
    text: str = "text"
    published_at: str = "published_at"
    url: str = "url"


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
    shard_size: int = 1000  # documents per shard: bounds memory
    root: Path = Path(".")  # folder that input sources are named relative to

    def parameters(self) -> dict:
        """The parameters that shape the output, as recorded in the manifest (no absolute paths)."""
        return {
            "name": self.name,
            "version": self.version,
            "format": self.format,
            "fields": asdict(self.fields),
            "shard_size": self.shard_size,
        }


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
    unknown = set(raw) - {"dataset", "inputs", "build"}
    if unknown:
        raise RecipeError(f"{path}: unknown section(s) {sorted(unknown)}; allowed: dataset, inputs, build")
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
    shard_size = build.get("shard_size", 1000)
    if not isinstance(shard_size, int) or shard_size < 1:
        raise RecipeError(f"{path}: [build] shard_size must be a positive integer")
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
    )
