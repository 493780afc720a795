"""Shared fixtures; the hypothesis profile comes from HYPOTHESIS_PROFILE (dev by default, ci in CI)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from toolkit.contract import spans

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder that developers and CI have; tests using it skip on a user's machine."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: reference data exists only for developers and CI")
    return SHARED


@contextmanager
def long_text_path(long_text: int) -> Iterator[None]:
    """Texts longer than `long_text` bytes are sliced through anchors (`toolkit.contract.spans`); 0 sends every text."""
    saved, spans.LONG_TEXT = spans.LONG_TEXT, long_text
    try:
        yield
    finally:
        spans.LONG_TEXT = saved
