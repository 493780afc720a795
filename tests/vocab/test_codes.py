"""The CAMEO code tables shipped in toolkit/data are complete, consistent and match the reference lookups."""

from __future__ import annotations

import importlib.util

import polars as pl
import pytest

from toolkit.vocab import codes
from toolkit.errors import DictionaryError, ToolkitError


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return codes.cameo_table()


def test_table_has_311_codes_20_roots_147_bases_144_leaves(table):
    assert table.height == 311
    assert table["cameo_code"].n_unique() == 311
    assert table.group_by("level").len().sort("level")["len"].to_list() == [20, 147, 144]
    assert sorted(table.filter(pl.col("level") == 1)["cameo_code"]) == [f"{i:02d}" for i in range(1, 21)]


def test_codes_are_text_with_leading_zeros(table):
    assert table.schema["cameo_code"] == pl.Utf8
    assert {"01", "010", "044", "0211"} <= set(table["cameo_code"])


def test_every_code_root_is_its_first_two_digits(table):
    assert (table["root_code"] == table["cameo_code"].str.slice(0, 2)).all()
    assert table["root_code"].is_in(table.filter(pl.col("level") == 1)["cameo_code"].implode()).all()


def test_quad_classes_are_the_ones_gdelt_ships(table):
    expected = {f"{r:02d}": 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 13 else 4 for r in range(1, 21)}
    got = dict(table.select("cameo_code", "quad_class").filter(pl.col("cameo_code").str.len_chars() == 2).iter_rows())
    assert got == expected
    per_root = table.group_by("root_code").agg(pl.col("quad_class").n_unique())
    assert (per_root["quad_class"] == 1).all()


def test_code_044_label_has_no_mojibake(table):
    name = table.filter(pl.col("cameo_code") == "044")["name"].item()
    assert name == 'Meet at a "third" location'
    assert not table["name"].str.contains("[ÃÒÓ\ufffd]").any()
    assert (table["name"] == table["name"].str.strip_chars()).all()


def test_drifted_demand_labels_keep_both_label_sets(table):
    drifted = table.filter(pl.col("name_cameo_codefile").is_not_null())
    assert drifted["cameo_code"].to_list() == ["101", "103", "105", "106", "107", "108"]
    row = drifted.filter(pl.col("cameo_code") == "105").row(0, named=True)
    assert (row["name"], row["name_cameo_codefile"]) == ("Demand mediation", "Demand that target yields")


def test_goldstein_in_range_and_plover_types_known(table):
    assert table["goldstein"].is_between(-10, 10).all()
    assert table.filter(pl.col("cameo_code") == "195")["goldstein"].item() == -10.0
    assert table["plover_type"].is_not_null().sum() == 254
    assert table.filter(pl.col("level") == 1)["plover_type"].is_null().all()


def test_role_codes_include_government_military_and_media():
    roles = codes.cameo_roles()
    assert roles.height == 54
    labels = dict(roles.select("role_code", "label").iter_rows())
    assert labels["GOV"] == "Government" and labels["MIL"] == "Military" and labels["MED"] == "Media"
    assert labels["IMF"] == "International Monetary Fund" and labels["NAT"].startswith("North Atlantic")


def test_malformed_data_file_raises_dictionary_error(tmp_path, monkeypatch):
    (tmp_path / "broken.tsv").write_text("code\tlabel\nGOV\tGovernment\n", encoding="utf-8")
    monkeypatch.setattr(codes, "DATA_DIR", tmp_path)
    with pytest.raises(DictionaryError) as info:
        codes.read_table("broken.tsv", codes.ROLE_SCHEMA)
    assert isinstance(info.value, ToolkitError) and isinstance(info.value, ValueError)
    with pytest.raises(DictionaryError):
        codes.read_table("missing.tsv", codes.ROLE_SCHEMA)


def test_committed_table_is_what_the_generator_builds_from_the_reference(shared, table):
    spec = importlib.util.spec_from_file_location("make_cameo_table", codes.DATA_DIR / "make_cameo_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = pl.DataFrame(module.build(shared / "reference"), schema=codes.CAMEO_SCHEMA)
    assert rebuilt.equals(table)
