import json
import re
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.conftest import REPO
from toolkit.errors import RecipeError, ToolkitError
from toolkit.pipeline.recipe import FORMATS, SCHEMA, SECTIONS, Recipe, load_recipe


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
        pytest.param("[inputs]\nformat = 'xml'\n", id="unknown format"),
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

    from toolkit.text import dedupe
    from toolkit.text import language

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


# --- Strict recipes: every key known, every value of the type it wants, paths inside the folder. ---



def _load(folder: Path, body: str | bytes):
    path = folder / "dataset.toml"
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return load_recipe(path)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        pytest.param("[limit]\nmax_text_chars = 5\n", r"section \[limit\].*did you mean \[limits\]", id="[limit]"),
        pytest.param('name = "x"\n', r"top-level key 'name'.*\[dataset\]", id="key above every section"),
        pytest.param('[dataset]\nlicence = "MIT"\n', r"\[dataset\].*licence.*license", id="[dataset] licence"),
        pytest.param('[inputs]\npath = ["raw"]\n', r"\[inputs\].*'path'.*paths", id="[inputs] path"),
        pytest.param('[inputs]\nfeilds = {text = "body"}\n', r"\[inputs\].*feilds.*fields", id="[inputs] feilds"),
        pytest.param('[inputs.feilds]\ntext = "body"\n', r"\[inputs\].*feilds.*fields", id="[inputs.feilds]"),
        pytest.param('[inputs.fields]\ntxt = "body"\n', r"\[inputs\.fields\].*txt.*text", id="[inputs.fields] txt"),
        pytest.param('[inputs]\ntext = "body"\n', r"\[inputs\].*'text'.*\[inputs\.fields\]", id="field in [inputs]"),
        pytest.param("[build]\nshard_sise = 3\n", r"\[build\].*shard_sise.*shard_size", id="[build] shard_sise"),
        pytest.param("[build]\nthreshold = 0.9\n", r"\[build\].*threshold.*\[dedupe\]", id="key in wrong section"),
        pytest.param("[limits]\nmax_text_char = 5\n", r"\[limits\].*max_text_char.*max_text_chars", id="[limits]"),
        pytest.param("[language]\nmin_confidance = 0.6\n", r"\[language\].*min_confidance.*min_confidence",
                     id="[language] min_confidance"),
        pytest.param("[dedupe]\ntreshold = 0.9\n", r"\[dedupe\].*treshold.*threshold", id="[dedupe] treshold"),
        pytest.param('[entities]\nactor = ["a.tsv"]\n', r"\[entities\].*'actor'.*actors", id="[entities] actor"),
        pytest.param('[events]\npattern = ["v.tsv"]\n', r"\[events\].*'pattern'.*patterns", id="[events] pattern"),
        pytest.param('[inputs]\nformat = "jsnl"\n', r"\[inputs\] format 'jsnl'.*jsonl", id="format jsnl"),
    ],
)
def test_a_typo_is_an_error_that_names_the_section_and_suggests_the_key(tmp_path, body, match):
    with pytest.raises(RecipeError, match=match) as info:
        _load(tmp_path, body)
    assert str(info.value).startswith(str(tmp_path / "dataset.toml"))


@pytest.mark.parametrize(
    ("body", "match"),
    [
        pytest.param('dataset = "x"\n', r"\[dataset\] must be a table", id="dataset not a table"),
        pytest.param("build = 5\n", r"\[build\] must be a table", id="build not a table"),
        pytest.param("limits = [1]\n", r"\[limits\] must be a table", id="limits not a table"),
        pytest.param('[dataset]\ntitle = ["a"]\n', r"\[dataset\] title must be a string", id="title a list"),
        pytest.param("[dataset]\nname = 1\n", r"\[dataset\] name must be a string", id="name a number"),
        pytest.param("[dataset]\ndescription = true\n", r"\[dataset\] description must be a string, not true",
                     id="description a boolean"),
        pytest.param("[dataset]\nlicense = {id = 'MIT'}\n", r"\[dataset\] license must be a string", id="license"),
        pytest.param("[dataset]\nversion = 1.0\n", r"\[dataset\] version must be a string", id="version a float"),
        pytest.param('[inputs]\npaths = "raw"\n', r"\[inputs\] paths must be a list of strings", id="paths a string"),
        pytest.param('[inputs]\npaths = ["raw", 3]\n', r"\[inputs\] paths must be a list of strings",
                     id="paths with a number"),
        pytest.param("[inputs]\nformat = 1\n", r"\[inputs\] format must be a string", id="format a number"),
        pytest.param('[inputs]\nfields = "body"\n', r"\[inputs\] fields must be a table", id="fields a string"),
        pytest.param("[inputs.fields]\ntext = 3\n", r"\[inputs\.fields\] text must be a string", id="field a number"),
        pytest.param('[inputs]\nallow_outside = "yes"\n', r"\[inputs\] allow_outside must be true or false",
                     id="allow_outside a string"),
        pytest.param("[build]\nshard_size = true\n", r"\[build\] shard_size must be an integer", id="bool for int"),
        pytest.param("[build]\nshard_size = 2.5\n", r"\[build\] shard_size must be an integer", id="shard float"),
        pytest.param('[build]\nshard_size = "5"\n', r"\[build\] shard_size must be an integer", id="shard string"),
        pytest.param('[events]\ncode = "yes"\n', r"\[events\] code must be true or false", id="code a string"),
        pytest.param('[events]\npatterns = "v.tsv"\n', r"\[events\] patterns must be a list", id="patterns string"),
        pytest.param('[entities]\nactors = "a.tsv"\n', r"\[entities\] actors must be a list", id="actors string"),
        pytest.param('[limits]\nmax_file_bytes = "1G"\n', r"\[limits\] max_file_bytes must be an integer",
                     id="limit a string"),
        pytest.param("[limits]\nmax_json_depth = true\n", r"\[limits\] max_json_depth must be an integer",
                     id="limit a boolean"),
        pytest.param('[language]\nmin_confidence = "high"\n', r"\[language\] min_confidence must be a number",
                     id="confidence a string"),
        pytest.param("[language]\nmin_chars = 3.5\n", r"\[language\] min_chars must be an integer", id="float"),
    ],
)
def test_a_wrong_type_is_an_error_that_names_the_key_and_the_type_wanted(tmp_path, body, match):
    with pytest.raises(RecipeError, match=match) as info:
        _load(tmp_path, body)
    assert str(info.value).startswith(str(tmp_path / "dataset.toml"))


def test_an_integer_is_a_fine_number_where_a_float_is_wanted(tmp_path):
    recipe = _load(tmp_path, "[language]\nmin_confidence = 1\n[dedupe]\nthreshold = 1\n")
    assert recipe.language.min_confidence == 1.0 and isinstance(recipe.language.min_confidence, float)
    assert isinstance(recipe.dedupe.threshold, float)


def test_limits_are_read_and_recorded(tmp_path):
    recipe = _load(tmp_path, "[limits]\nmax_document_bytes = 1000\nmax_json_depth = 8\n")
    assert recipe.limits.max_document_bytes == 1000 and recipe.limits.max_json_depth == 8
    assert recipe.parameters()["limits"]["max_text_chars"] == 4_000_000


@pytest.mark.parametrize("key", ["max_document_bytes", "max_text_chars", "max_file_bytes", "max_json_depth"])
@pytest.mark.parametrize("value", [0, -1])
def test_a_limit_must_be_positive(tmp_path, key, value):
    with pytest.raises(RecipeError, match=r"\[limits\].*positive"):
        _load(tmp_path, f"[limits]\n{key} = {value}\n")


def test_a_recipe_that_is_not_utf8_is_a_recipe_error(tmp_path):
    with pytest.raises(RecipeError, match=r"dataset\.toml: .*not UTF-8.*0xff"):
        _load(tmp_path, b'[dataset]\nname = "\xff"\n')


def test_a_folder_named_like_a_recipe_is_a_recipe_error(tmp_path):
    (tmp_path / "dataset.toml").mkdir()
    with pytest.raises(RecipeError, match=r"dataset\.toml: .*folder"):
        load_recipe(tmp_path / "dataset.toml")


def test_an_unreadable_recipe_is_a_recipe_error(tmp_path, monkeypatch):
    # Permissions do not stop root (which runs CI containers), so the refusal is simulated.
    path = tmp_path / "dataset.toml"
    path.write_text("[build]\nshard_size = 3\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(RecipeError, match=r"dataset\.toml: .*cannot be read.*Permission denied"):
        load_recipe(path)


def test_a_recipe_nested_too_deeply_for_the_toml_reader_is_a_recipe_error(tmp_path):
    with pytest.raises(RecipeError, match="dataset.toml"):
        _load(tmp_path, "[dataset]\nname = " + "[" * 5000 + "]" * 5000 + "\n")


@pytest.fixture
def recipe_dir(tmp_path) -> Path:
    """A recipe folder with a raw/ folder, and beside it a folder and a file that are outside it."""
    (tmp_path / "recipe" / "raw").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.tsv").write_text("name\n")
    return tmp_path / "recipe"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("../outside", id="parent folder"),
        pytest.param("../../../../../../../etc/passwd", id="far up"),
        pytest.param("raw/../../outside", id="down then up"),
        pytest.param("ABSOLUTE", id="absolute path outside"),
    ],
)
def test_input_paths_that_leave_the_recipe_folder_are_refused_unless_allowed(recipe_dir, name):
    name = str(recipe_dir.parent / "outside") if name == "ABSOLUTE" else name
    with pytest.raises(RecipeError, match=r"\[inputs\] paths.*leaves the recipe folder.*allow_outside = true"):
        _load(recipe_dir, f"[inputs]\npaths = [{name!r}]\n")
    recipe = _load(recipe_dir, f"[inputs]\npaths = [{name!r}]\nallow_outside = true\n")
    assert recipe.allow_outside is True and recipe.parameters()["allow_outside"] is True
    assert recipe.inputs == (recipe_dir / name,)


def test_paths_inside_the_recipe_folder_need_no_opt_in(recipe_dir):
    recipe = _load(recipe_dir, f"[inputs]\npaths = ['raw', 'raw/../raw', {str(recipe_dir / 'raw')!r}]\n")
    assert recipe.allow_outside is False and recipe.parameters()["allow_outside"] is False
    assert len(recipe.inputs) == 3


def test_a_symlink_inside_the_recipe_folder_that_points_outside_is_refused(recipe_dir):
    (recipe_dir / "linked").symlink_to(recipe_dir.parent / "outside", target_is_directory=True)
    with pytest.raises(RecipeError, match=r"\[inputs\] paths.*'linked'.*leaves the recipe folder"):
        _load(recipe_dir, "[inputs]\npaths = ['linked']\n")
    assert _load(recipe_dir, "[inputs]\npaths = ['linked']\nallow_outside = true\n").inputs == (recipe_dir / "linked",)


def test_a_recipe_reached_through_a_symlinked_folder_still_reads_its_own_folder(recipe_dir):
    (recipe_dir.parent / "alias").symlink_to(recipe_dir, target_is_directory=True)
    (recipe_dir / "dataset.toml").write_text("[inputs]\npaths = ['raw']\n")
    assert load_recipe(recipe_dir.parent / "alias" / "dataset.toml").inputs == (recipe_dir.parent / "alias" / "raw",)


def test_a_symlink_loop_is_a_recipe_error(recipe_dir):
    (recipe_dir / "loop").symlink_to(recipe_dir / "loop")
    with pytest.raises(RecipeError, match=r"\[inputs\] paths"):
        _load(recipe_dir, "[inputs]\npaths = ['loop']\n")


@pytest.mark.parametrize(
    ("section", "key"),
    [("entities", "actors"), ("entities", "agents"), ("events", "patterns")],
)
@pytest.mark.parametrize("how", ["relative", "symlink"])
def test_dictionary_files_outside_the_recipe_folder_are_refused_unless_allowed(recipe_dir, section, key, how):
    secret = recipe_dir.parent / "outside" / "secret.tsv"
    if how == "symlink":
        (recipe_dir / "dict.tsv").symlink_to(secret)
    name = "dict.tsv" if how == "symlink" else "../outside/secret.tsv"
    with pytest.raises(RecipeError, match=rf"\[{section}\] {key}.*leaves the recipe folder.*allow_outside"):
        _load(recipe_dir, f"[{section}]\n{key} = [{name!r}]\n")
    recipe = _load(recipe_dir, f"[inputs]\nallow_outside = true\n[{section}]\n{key} = [{name!r}]\n")
    [entry] = recipe.parameters()[key]
    assert len(entry["sha256"]) == 64


def test_the_demo_recipe_loads_as_before():
    recipe = load_recipe(REPO / "datasets" / "demo" / "dataset.toml")
    params = recipe.parameters()
    assert (recipe.name, recipe.license, recipe.version, recipe.shard_size) == ("demo", "CC0-1.0", "1.0.0", 16)
    assert recipe.inputs == (REPO / "datasets" / "demo" / "raw",) and recipe.format is None
    assert [a["path"] for a in params["actors"]] == ["actors.tsv"] and params["agents"] == []
    assert [p["path"] for p in params["patterns"]] == ["patterns.tsv"]
    assert params["code_events"] is True and params["allow_outside"] is False


def test_the_readme_example_recipe_is_valid_with_every_commented_key_switched_on(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Building your own dataset")[1].split("```toml\n")[1].split("```")[0]
    # "# key = value" lines are keys the example mentions but leaves off; they must be valid too.
    example = re.sub(r"(?m)^# (\w+ = )", r"\1", example)
    for name in re.findall(r'"(\w+\.tsv)"', example):
        (tmp_path / name).write_text("x\n")
    recipe = _load(tmp_path, example)
    assert recipe.format == "jsonl" and recipe.code_events is False
    assert recipe.fields.text == "body"


# Every table a recipe has, sub-tables included, and the keys each allows.
TABLES = {"inputs.fields": SCHEMA["inputs"]["fields"], **SCHEMA}
KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,15}", fullmatch=True)


@given(section=st.sampled_from(sorted(TABLES)), key=KEYS)
def test_any_key_a_section_does_not_allow_is_rejected_naming_the_key_and_the_allowed_ones(
    tmp_path_factory, section, key
):
    assume(key not in TABLES[section])
    with pytest.raises(RecipeError) as info:
        _load(tmp_path_factory.mktemp("r"), f"[{section}]\n{key} = 1\n")
    message = str(info.value)
    assert f"[{section}] unknown key {key!r}" in message
    assert all(allowed in message for allowed in TABLES[section])


@given(section=KEYS)
def test_any_section_a_recipe_does_not_have_is_rejected_naming_it(tmp_path_factory, section):
    assume(section not in SECTIONS)
    with pytest.raises(RecipeError, match=re.escape(f"unknown section [{section}]")):
        _load(tmp_path_factory.mktemp("r"), f"[{section}]\n")


def _toml(value) -> str:
    """A TOML value (JSON strings are TOML basic strings once DEL is escaped)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return repr(value)


TOML_VALUES = st.recursive(
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _held(recipe: Recipe, section: str, key: str):
    """What a Recipe holds for `[section] key`."""
    owner = {
        "inputs.fields": recipe.fields, "inputs.csv": recipe.csv, "limits": recipe.limits, "language": recipe.language,
        "dedupe": recipe.dedupe,
    }  # fmt: skip
    elsewhere = {"date_formats": recipe.dates.formats, "timezone": recipe.dates.timezone, "extra": recipe.fields.extra}
    if section == "inputs" and key in elsewhere:
        return elsewhere[key]
    return getattr(owner.get(section, recipe), {"paths": "inputs", "code": "code_events"}.get(key, key))


@given(where=st.sampled_from([(s, k) for s in sorted(TABLES) for k in TABLES[s]]), value=TOML_VALUES)
def test_whatever_a_known_key_holds_the_result_is_a_recipe_of_the_right_types_or_a_recipe_error(
    tmp_path_factory, where, value
):
    section, key = where
    folder = tmp_path_factory.mktemp("r")
    try:
        recipe = _load(folder, f"[{section}]\n{_toml(key)} = {_toml(value)}\n")
    except RecipeError as exc:
        assert str(exc).startswith(str(folder / "dataset.toml"))
        return
    default = _held(Recipe(), section, key)
    assert type(_held(recipe, section, key)) is type(default) or (key == "format" and recipe.format in FORMATS)
    json.dumps(recipe.parameters())
