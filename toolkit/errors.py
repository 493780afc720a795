"""One root error; each subclass also inherits the builtin it refines, so callers may catch either."""

from __future__ import annotations


class ToolkitError(Exception):
    """Root of every error the toolkit raises on purpose."""


class RecipeError(ToolkitError, ValueError):
    """A dataset recipe (dataset.toml) is missing, malformed or names something that does not exist."""


class InputError(ToolkitError, FileNotFoundError):
    """An input path given to a build does not exist or has a format the toolkit cannot read."""


class OutputError(ToolkitError, FileExistsError):
    """`--out` names a folder the toolkit may not replace: not a dataset it built, or one holding inputs."""


class BuildLockedError(ToolkitError, BlockingIOError):
    """Another build is writing the same `--out` folder right now."""


class CompressionError(ToolkitError, ValueError):
    """A compressed input whose bytes do not decompress (truncated or not really compressed)."""


class TooLargeError(ToolkitError, ValueError):
    """An input that would grow past a configured size limit (decompressed bytes, text length)."""


class SchemaFileError(ToolkitError, ValueError):
    """A file in schemas/ does not follow the Table Schema vocabulary the toolkit understands."""


class DictionaryError(ToolkitError, ValueError):
    """A dictionary data file (actors, demonyms, verb patterns, code tables) is malformed."""


class AnnotateInputError(ToolkitError, ValueError):
    """The frame given to `annotate` lacks a column or has ids or texts of the wrong shape."""


class DatasetError(ToolkitError, ValueError):
    """A built dataset folder is incomplete or does not match its manifest."""


class NotADatasetError(ToolkitError, FileNotFoundError):
    """A folder given to `validate` is not a dataset folder at all (no manifest): a usage error."""


class FrameSchemaError(ToolkitError, TypeError):
    """A frame handed to conform or validation lacks a column or has the wrong dtype (a code bug)."""
