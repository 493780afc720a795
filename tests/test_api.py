"""The public API: what `import toolkit` offers is exactly what `__all__` says."""

import polars as pl

import toolkit


def test_star_import_gives_exactly_all():
    namespace: dict = {}
    exec("from toolkit import *", namespace)
    exported = {k for k in namespace if k != "__builtins__"}
    assert exported == set(toolkit.__all__)
    assert all(hasattr(toolkit, name) for name in toolkit.__all__)


def test_readme_annotate_example_runs():
    res = toolkit.annotate(pl.DataFrame({"id": ["a"], "text": ["Russia launched air strikes on Ukraine."]}))
    assert {"RUS", "UKR"} <= set(res.entities["country_code"])
    assert res.events.select("source_code", "target_code", "root_code").row(0) == ("RUS", "UKR", "19")
    assert "id" in res.mentions.columns and "kind" in res.mentions.columns


def test_errors_share_one_root_and_refine_builtins():
    assert issubclass(toolkit.RecipeError, toolkit.ToolkitError)
    assert issubclass(toolkit.RecipeError, ValueError)
    assert issubclass(toolkit.InputError, FileNotFoundError)
