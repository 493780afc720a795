"""Turn raw news text into validated, reproducible datasets of articles, entities and events."""

__version__ = "0.1.0"

from toolkit.annotation import Annotation, annotate
from toolkit.vocab.dictionaries import Dictionaries, load_dictionaries
from toolkit.events.patterns import load_patterns
from toolkit.pipeline.run import BuildResult, build
from toolkit.entities.recognizers import SpacyRecognizer
from toolkit.errors import (
    AnnotateInputError,
    BuildLockedError,
    CompressionError,
    DatasetError,
    DictionaryError,
    FrameSchemaError,
    InputError,
    NotADatasetError,
    OutputError,
    RecipeError,
    SchemaFileError,
    TooLargeError,
    ToolkitError,
)
from toolkit.contract.validate import Report, validate_dataset

__all__ = [
    "AnnotateInputError",
    "Annotation",
    "BuildLockedError",
    "BuildResult",
    "CompressionError",
    "DatasetError",
    "DictionaryError",
    "Dictionaries",
    "FrameSchemaError",
    "InputError",
    "NotADatasetError",
    "OutputError",
    "RecipeError",
    "Report",
    "SchemaFileError",
    "SpacyRecognizer",
    "ToolkitError",
    "TooLargeError",
    "__version__",
    "annotate",
    "build",
    "load_dictionaries",
    "load_patterns",
    "validate_dataset",
]
