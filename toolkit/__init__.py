"""Turn raw news text into validated, reproducible datasets of articles, entities and events."""

__version__ = "0.1.0"

__all__ = ["__version__"]
