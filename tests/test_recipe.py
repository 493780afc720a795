import pytest

from toolkit.errors import RecipeError, ToolkitError
from toolkit.recipe import load_recipe


def test_recipe_inputs_resolve_relative_to_the_recipe(tmp_path):
    (tmp_path / "dataset.toml").write_text('[dataset]\nname = "x"\n[inputs]\npaths = ["raw"]\n[build]\nshard_size = 7\n')
    recipe = load_recipe(tmp_path / "dataset.toml")
    assert recipe.inputs == (tmp_path / "raw",)
    assert recipe.shard_size == 7
    assert recipe.parameters()["fields"]["text"] == "text"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[dataset\n", id="broken toml"),
        pytest.param("[oops]\n", id="unknown section"),
        pytest.param("[inputs]\nformat = 'csv'\n", id="unknown format"),
        pytest.param("[inputs.fields]\nbody = 'x'\n", id="unknown field name"),
        pytest.param("[build]\nshard_size = 0\n", id="zero shard size"),
    ],
)
def test_bad_recipes_raise_a_recipe_error_naming_the_file(tmp_path, body):
    path = tmp_path / "dataset.toml"
    path.write_text(body)
    with pytest.raises(RecipeError, match="dataset.toml") as info:
        load_recipe(path)
    assert isinstance(info.value, ToolkitError) and isinstance(info.value, ValueError)


def test_missing_recipe_is_a_recipe_error(tmp_path):
    with pytest.raises(RecipeError):
        load_recipe(tmp_path / "nope.toml")


def test_language_and_dedupe_parameters_are_read_and_recorded(tmp_path):
    (tmp_path / "dataset.toml").write_text(
        "[language]\nmin_confidence = 0.7\nmin_chars = 30\n[dedupe]\nthreshold = 0.9\nnum_perm = 64\nbands = 16\nrows = 4\n"
    )
    params = load_recipe(tmp_path / "dataset.toml").parameters()
    assert params["language"] == {"min_confidence": 0.7, "min_chars": 30, "max_chars": 1000}
    assert params["dedupe"]["threshold"] == 0.9 and params["dedupe"]["num_perm"] == 64
    assert params["dedupe"]["near"] is True


def test_recipe_without_language_or_dedupe_sections_keeps_the_defaults(tmp_path):
    (tmp_path / "dataset.toml").write_text("[build]\nshard_size = 3\n")
    params = load_recipe(tmp_path / "dataset.toml").parameters()
    assert params["language"]["min_confidence"] == 0.5
    assert params["dedupe"] == {
        "near": True, "shingle_size": 5, "num_perm": 128, "bands": 16, "rows": 8, "threshold": 0.8
    }


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[language]\nmin_confidence = 1.5\n", id="confidence above one"),
        pytest.param("[language]\nmin_chars = 'ten'\n", id="min chars not a number"),
        pytest.param("[language]\nmodel = 'big'\n", id="unknown language key"),
        pytest.param("[dedupe]\nthreshold = 0\n", id="zero threshold"),
        pytest.param("[dedupe]\nbands = 40\nrows = 8\n", id="more band values than permutations"),
        pytest.param("[dedupe]\nnear = 1\n", id="near not a boolean"),
        pytest.param("[dedupe]\nnum_perm = true\n", id="boolean for a count"),
        pytest.param("dedupe = 3\n", id="dedupe not a table"),
    ],
)
def test_bad_language_or_dedupe_parameters_raise_a_recipe_error(tmp_path, body):
    path = tmp_path / "dataset.toml"
    path.write_text(body)
    with pytest.raises(RecipeError, match="dataset.toml"):
        load_recipe(path)


def test_recipe_defaults_are_the_defaults_of_the_stages():
    from dataclasses import asdict

    from toolkit import dedupe, language
    from toolkit.recipe import Recipe

    params = Recipe().parameters()
    assert params["language"] == {
        "min_confidence": language.MIN_CONFIDENCE, "min_chars": language.MIN_CHARS, "max_chars": language.MAX_CHARS
    }
    assert asdict(Recipe().dedupe) == {
        "near": True, "shingle_size": dedupe.SHINGLE_SIZE, "num_perm": dedupe.NUM_PERM,
        "bands": dedupe.BANDS, "rows": dedupe.ROWS, "threshold": dedupe.THRESHOLD,
    }


def test_recipe_actor_and_pattern_files_are_recorded_with_their_checksums(tmp_path):
    (tmp_path / "actors.tsv").write_text("name\taliases\tkind\tcountry_code\trole_code\tstart_date\tend_date\n")
    (tmp_path / "dataset.toml").write_text('[entities]\nactors = ["actors.tsv"]\n')
    recipe = load_recipe(tmp_path / "dataset.toml")
    assert recipe.actors == (tmp_path / "actors.tsv",)
    [entry] = recipe.parameters()["actors"]
    assert entry["path"] == "actors.tsv" and len(entry["sha256"]) == 64


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('[entities]\nactors = ["missing.tsv"]\n', id="missing actor file"),
        pytest.param('[events]\npatterns = "verbs.tsv"\n', id="patterns not a list"),
        pytest.param('[events]\nverbs = ["x.tsv"]\n', id="unknown events key"),
        pytest.param('[entities]\nagents = ["missing.tsv"]\n', id="missing agent file"),
    ],
)
def test_bad_dictionary_sections_raise_a_recipe_error(tmp_path, body):
    (tmp_path / "dataset.toml").write_text(body)
    with pytest.raises(RecipeError, match=r"\[(entities|events)\]"):
        load_recipe(tmp_path / "dataset.toml")


def test_events_can_be_switched_off_and_the_choice_is_recorded(tmp_path):
    (tmp_path / "dataset.toml").write_text("[events]\ncode = false\n")
    recipe = load_recipe(tmp_path / "dataset.toml")
    assert recipe.code_events is False and recipe.parameters()["code_events"] is False
    (tmp_path / "dataset.toml").write_text('[events]\ncode = "no"\n')
    with pytest.raises(RecipeError, match=r"\[events\] code must be true or false"):
        load_recipe(tmp_path / "dataset.toml")
