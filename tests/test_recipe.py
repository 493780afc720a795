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
