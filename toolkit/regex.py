"""Regular-expression helpers shared by the stages that match patterns over whole text columns."""

from __future__ import annotations


def fast_regex(pattern: str) -> str:
    """The pattern with ASCII word boundaries: a Unicode `\\b` keeps the regex engine off its fast DFA."""
    return pattern.replace(r"\b", r"(?-u:\b)")
