"""Configuration: discovery, validation errors (file, line, key; exit 2), precedence, settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from linter import config
from linter.cli import main
from linter.context import RuleSettings
from linter.model import PolicyType, Severity
from tests.conftest import ROOT

OLD_VERSION_POLICY = '{\n  "Version": "2008-10-17",\n  "Statement": []\n}\n'


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def _run(cwd: Path, *args: str):
    """Run the CLI in ``cwd``; returns click's Result."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(previous)


# -- discovery ---------------------------------------------------------------------------------


def test_discovery_goes_up_skips_foreign_pyprojects_and_prefers_the_dedicated_file(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    nested = project / "policies" / "team"
    nested.mkdir(parents=True)
    _write(project / "pyproject.toml", '[tool.iamlint]\nselect = ["GRM"]\n')
    _write(project / "policies" / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    assert config.find_config(str(nested)) == str(project / "pyproject.toml")
    _write(project / ".iamlint.toml", 'select = ["JSON"]\n')
    assert config.find_config(str(nested)) == str(project / ".iamlint.toml")
    loaded = config.load_nearest_config(str(nested))
    assert loaded is not None
    assert loaded.select == ("JSON",)
    assert loaded.path == str(project / ".iamlint.toml")


def test_discovery_stops_at_the_repository_root(tmp_path: Path) -> None:
    _write(tmp_path / ".iamlint.toml", 'select = ["GRM"]\n')
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "sub").mkdir()
    assert config.find_config(str(repository / "sub")) is None
    assert config.find_config(str(tmp_path)) == str(tmp_path / ".iamlint.toml")


def test_a_pyproject_that_mentions_iamlint_elsewhere_is_not_a_config(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "iamlint-policies"\n')
    assert config.find_config(str(tmp_path)) is None


# -- errors: exit 2 with file, line and key -------------------------------------------------------


def test_an_unknown_key_is_an_error_naming_the_file_line_and_key(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml",
        """
        [project]
        name = "policies"

        [tool.iamlint]
        select = ["GRM"]
        slect = ["JSON"]
        """,
    )
    _write(tmp_path / "p.json", OLD_VERSION_POLICY)
    outcome = _run(tmp_path, "check", "p.json")
    assert outcome.exit_code == 2
    assert outcome.output == (
        "Error: pyproject.toml:6: unknown key 'tool.iamlint.slect' (did you mean 'select'?)\n"
    )


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'fail-on = "sometimes"\n',
            ".iamlint.toml:1: fail-on: 'sometimes' is not one of "
            "['error', 'warning', 'note', 'never']",
        ),
        ('select = "GRM"\n', ".iamlint.toml:1: select: 'GRM' is not of type 'array'"),
        (
            '[severity]\nGRM003 = "error"\nGRM001 = "fatal"\n',
            ".iamlint.toml:3: severity.GRM001: 'fatal' is not one of ['error', 'warning', 'note']",
        ),
        (
            '[severity]\nXYZ001 = "error"\n',
            ".iamlint.toml:2: severity.XYZ001: no rule with this id or name",
        ),
        ('ignore = ["GRM", "NOPE"]\n', ".iamlint.toml:1: ignore: no rule matches 'NOPE'"),
        (
            '[[suppress]]\npath = "a.json"\nrule = "GRM003"\nreason = "x"\n'
            '[[suppress]]\npath = "b.json"\nrule = "GRM003"\n',
            ".iamlint.toml:5: suppress[1]: 'reason' is a required property",
        ),
        (
            '[[suppress]]\npath = "a.json"\nrule = "GRM003"\nreason = "x"\nsids = "A"\n',
            ".iamlint.toml:5: unknown key 'suppress[0].sids' (did you mean 'sid'?)",
        ),
        ("max-file-size = 0\n", ".iamlint.toml:1: max-file-size: 0 is less than the minimum of 1"),
        (
            'required-tag-keys = "team"\n',
            ".iamlint.toml:1: required-tag-keys: 'team' is not of type 'array'",
        ),
        ('fail-on = "note"\nselect = = 1\n', ".iamlint.toml:2: invalid TOML: Invalid value"),
    ],
)
def test_invalid_values_are_errors_with_the_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / ".iamlint.toml").write_text(toml)
    _write(tmp_path / "p.json", OLD_VERSION_POLICY)
    outcome = _run(tmp_path, "check", "p.json")
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output.startswith(f"Error: {message}"), outcome.output


def test_explicit_config_files(tmp_path: Path) -> None:
    _write(tmp_path / "p.json", OLD_VERSION_POLICY)
    _write(tmp_path / "ci" / "strict.toml", 'select = ["GRM003"]\nseverity = {GRM003 = "error"}\n')
    _write(tmp_path / ".iamlint.toml", 'select = ["GRM003"]\nfail-on = "error"\n')
    assert _run(tmp_path, "check", "p.json").exit_code == 0
    strict = _run(tmp_path, "check", "--config", "ci/strict.toml", "-q", "p.json")
    assert (strict.exit_code, strict.output) == (
        1,
        'p.json:2:14: GRM003 [error] Version "2008-10-17" disables policy variables; '
        'use "2012-10-17"\n',
    )
    assert _run(tmp_path, "check", "--no-config", "-q", "p.json").exit_code == 1
    _write(tmp_path / "other" / "pyproject.toml", "[tool.black]\n")
    missing = _run(tmp_path, "check", "--config", "other/pyproject.toml", "p.json")
    assert (missing.exit_code, missing.output) == (
        2,
        "Error: other/pyproject.toml: no [tool.iamlint] table in this pyproject.toml\n",
    )
    both = _run(tmp_path, "check", "--config", "x.toml", "--no-config", "p.json")
    assert both.exit_code == 2 and "--config and --no-config exclude each other" in both.output


# -- precedence and mapping ----------------------------------------------------------------------


def _resolved(toml: str, **command_line) -> tuple:
    """The (LintOptions, fail-on) of a ``.iamlint.toml`` with ``toml`` and these flags."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / ".iamlint.toml"
        target.write_text(textwrap.dedent(toml))
        loaded = config.load_config(str(target))
    return config.resolve(loaded, config.CommandLine(**command_line))


def test_command_line_wins_over_configuration() -> None:
    toml = """
        select = ["GRM"]
        extend-select = ["JSON001"]
        ignore = ["GRM003"]
        fail-on = "warning"
        """
    options, fail_on = _resolved(toml)
    assert (options.select, options.ignore, fail_on) == (("GRM", "JSON001"), ("GRM003",), "warning")
    options, fail_on = _resolved(toml, ignore=("GRM001",), fail_on="error")
    assert (options.select, options.ignore, fail_on) == (
        ("GRM", "JSON001"),
        ("GRM003", "GRM001"),
        "error",
    )
    options, _ = _resolved(toml, select=("GRM003",))
    assert (options.select, options.ignore) == (("GRM003",), ())
    options, fail_on = config.resolve(None, config.CommandLine(policy_type=PolicyType.TRUST))
    assert (options.select, options.policy_type, fail_on) == (
        ("DEFAULT",),
        PolicyType.TRUST,
        "note",
    )
    options, _ = _resolved('extend-select = ["LPR010"]')
    assert options.select == ("DEFAULT", "LPR010")


def test_every_key_maps_to_the_engine_options() -> None:
    options, _ = _resolved(
        """
        include = ["*.json", "*.policy"]
        exclude = ["vendor/"]
        max-file-size = 2048
        policy-types = {"org/*.json" = "scp", "roles/*" = "trust"}
        per-file-ignores = {"legacy/*.json" = ["old-version", "JSON00"]}
        severity = {GRM003 = "error", missing-version = "note"}
        """
    )
    assert options.include == ("*.json", "*.policy")
    assert options.exclude == ("vendor/",)
    assert options.max_file_size == 2048
    assert options.policy_type_globs == (
        ("org/*.json", PolicyType.SCP),
        ("roles/*", PolicyType.TRUST),
    )
    assert [glob for glob, _ in options.per_file_ignores] == ["legacy/*.json"]
    assert set(options.per_file_ignores[0][1]) == {
        "GRM003",
        *(f"JSON00{n}" for n in range(1, 10)),
    }
    assert options.severity_overrides == {"GRM003": Severity.ERROR, "GRM001": Severity.NOTE}


def _sample(schema: dict) -> object:
    """A valid, non-default value for a setting's schema."""
    if "enum" in schema:
        return schema["enum"][-1]
    if "examples" in schema:
        return schema["examples"][0]
    if schema["type"] == "array":
        return [_sample(schema["items"])]
    if schema["type"] == "object":
        return {key: _sample(value) for key, value in schema["properties"].items()}
    return {"string": "value", "integer": 7, "number": 1.5, "boolean": True}[schema["type"]]


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


def test_every_rule_setting_is_a_config_key_without_touching_config_py() -> None:
    schema = config.config_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    lines = []
    expected = {}
    for name in RuleSettings._fields:
        key = name.replace("_", "-")
        assert key in schema["properties"], key
        value = _sample(schema["properties"][key])
        lines.append(f"{key} = {_toml(value)}")
        expected[name] = tuple(value) if isinstance(value, list) else value
    options, _ = _resolved("\n".join(lines) + "\n")
    assert all(getattr(options.rule_settings, k) == v for k, v in expected.items())


def test_a_new_setting_field_gets_its_schema_from_its_type_or_metadata() -> None:
    mode = config.SettingField("mode", {"schema": {"enum": ["a", "b"]}, "description": "how"})
    assert config._type_schema(tuple[str, ...]) == {"type": "array", "items": {"type": "string"}}
    assert config._type_schema(int) == {"type": "integer"}
    assert config._type_schema(str | None) == {"type": "string"}
    assert config._field_schema(mode) == {"enum": ["a", "b"], "description": "how"}
    with pytest.raises(TypeError):
        config._type_schema(dict[str, str])


# -- jsonschema decides; the pre-check only short-cuts certain successes ---------------------------

KEYS = [*sorted(config.config_schema()["properties"]), "unknown-key"]
SCALARS = st.one_of(
    st.text(max_size=6),
    st.integers(min_value=-2, max_value=3),
    st.floats(allow_nan=False, width=16),
    st.booleans(),
    st.sampled_from(["error", "warning", "note", "never", "trust", "GRM003", "GRM", ""]),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(["path", "rule", "reason", "sid", "GRM003", "x"]), children, max_size=4
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4))
def test_the_pre_check_never_accepts_what_jsonschema_rejects(table: dict) -> None:
    schema = config.config_schema()
    if config.surely_conforms(table, schema, schema):
        assert jsonschema.Draft202012Validator(schema).is_valid(table), table


def _documented_examples() -> list[str]:
    text = (ROOT / "docs" / "configuration.md").read_text()
    return re.findall(r"```toml\n(.*?)\n```", text, re.DOTALL)


def test_documented_examples_load_and_take_the_fast_path(tmp_path: Path) -> None:
    examples = _documented_examples()
    assert len(examples) >= 2
    schema = config.config_schema()
    for number, example in enumerate(examples):
        target = (
            tmp_path
            / f"{number}"
            / ("pyproject.toml" if "[tool.iamlint" in example else ".iamlint.toml")
        )
        _write(target, example)
        loaded = config.load_config(str(target))
        table = config._section(
            config._parse_toml(target.read_text(), str(target)), target.name == "pyproject.toml"
        )
        assert config.surely_conforms(table, schema, schema), number
        assert jsonschema.Draft202012Validator(schema).is_valid(table)
        assert loaded.path == str(target)


def test_a_valid_config_does_not_import_jsonschema(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", _documented_examples()[0])
    _write(tmp_path / "p.json", OLD_VERSION_POLICY)
    code = (
        "import sys; from linter.cli import main; sys.argv = ['iamlint', 'check', '-q', 'p.json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('jsonschema imported:', 'jsonschema' in sys.modules, file=sys.stderr)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "jsonschema imported: False" in done.stderr, done.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.iamlint]\nslect = ["GRM"]\n')
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "unknown key 'tool.iamlint.slect'" in done.stderr
    assert "jsonschema imported: True" in done.stderr
