"""Configuration: ``[tool.iamlint]`` in pyproject.toml or a ``.iamlint.toml``, validated, merged.

Discovery starts in the working directory and goes up: in each directory ``.iamlint.toml`` wins
over ``pyproject.toml``, and a ``pyproject.toml`` without a ``[tool.iamlint]`` table is skipped.
The search stops after the filesystem root or after a directory that contains ``.git`` (the
repository root). ``--config FILE`` names the file; ``--no-config`` skips the search.

The table is validated against ``linter/data/config_schema.json`` plus one property per field of
:class:`linter.context.RuleSettings` (so a rule that needs a new setting adds a field there,
optionally with a ``SETTING_METADATA`` entry ``{"schema": {...}, "description": "..."}``, and
nothing here changes).
jsonschema decides validity, but importing it costs more than a whole lint run, so a small
pre-check (:func:`surely_conforms`) first accepts the configurations it can prove valid against
the same schema; anything it cannot prove goes to jsonschema, which gives the verdict and the
message. The pre-check only ever accepts what jsonschema accepts (tests/test_config.py checks
this with hypothesis), so the outcome is always jsonschema's.

Precedence is configuration < command line: ``--select`` replaces ``select`` (and the
configured ``ignore``), ``--ignore`` and ``--extend-select`` add to the configured lists, and
``--policy-type`` and ``--fail-on`` win over the file.
"""

from __future__ import annotations

import functools
import json
import operator
import os
import re
import sys
import types
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from linter.model import EMPTY_MAPPING, FILE_START, PolicyType, Severity, Span
from linter.suppressions import Suppression

if TYPE_CHECKING:
    from linter.results import LintOptions

DEDICATED_FILE = ".iamlint.toml"
PYPROJECT_FILE = "pyproject.toml"
PYPROJECT_SECTION = ("tool", "iamlint")
SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "config_schema.json")
DEFAULT_FAIL_ON = "note"


class ConfigError(Exception):
    """An unusable configuration; ``str()`` names the file, the line if known, and the key."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


# NamedTuples rather than frozen dataclasses: a dataclass costs ~1 ms of start-up to create.


class Config(NamedTuple):
    """A validated configuration file. ``None`` means "not set" where the default is not empty."""

    path: str | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: Mapping[str, Severity] = EMPTY_MAPPING
    fail_on: str | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    policy_types: tuple[tuple[str, PolicyType], ...] = ()
    max_file_size: int | None = None
    rule_settings: Mapping[str, Any] = EMPTY_MAPPING
    suppressions: tuple[Suppression, ...] = ()
    # The result cache's directory, absolute (``cache-dir`` is relative to the file's directory).
    cache_dir: str | None = None


class CommandLine(NamedTuple):
    """The command-line flags that override configuration (empty / None: not given)."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    policy_type: PolicyType | None = None
    fail_on: str | None = None
    access_not_granted: tuple[str, ...] = ()  # ACTION_OR_ARN values, added to the setting


# -- discovery --------------------------------------------------------------------------------


class _ConfigSource:
    """A configuration file found on disk: its path, text and iamlint table."""

    def __init__(self, path: str, text: str, table: dict[str, Any], in_pyproject: bool) -> None:
        self.path = path
        self.text = text
        self.table = table
        self.in_pyproject = in_pyproject


def find_config(start: str) -> str | None:
    """The configuration file that applies in ``start`` (a directory), or None."""
    source = _search(start)
    return source.path if source else None


def load_nearest_config(start: str) -> Config | None:
    """Find and load the configuration for a run started in ``start``; None when there is none."""
    source = _search(start)
    return _build(source, _display(source.path, start)) if source else None


def load_config(path: str, cwd: str | None = None) -> Config:
    """Load a configuration file named explicitly (``--config``)."""
    display = _display(path, cwd) if cwd else path
    text = _read(path, display)
    in_pyproject = os.path.basename(path) == PYPROJECT_FILE
    document = _parse_toml(text, display)
    table = _section(document, in_pyproject)
    if table is None:
        raise ConfigError(display, "no [tool.iamlint] table in this pyproject.toml")
    return _build(_ConfigSource(path, text, table, in_pyproject), display)


def _search(start: str) -> _ConfigSource | None:
    directory = os.path.abspath(start)
    while True:
        dedicated = os.path.join(directory, DEDICATED_FILE)
        if os.path.isfile(dedicated):
            text = _read(dedicated, _display(dedicated, start))
            document = _parse_toml(text, _display(dedicated, start))
            return _ConfigSource(dedicated, text, document, False)
        pyproject = os.path.join(directory, PYPROJECT_FILE)
        if os.path.isfile(pyproject):
            text = _read(pyproject, _display(pyproject, start))
            if "iamlint" in text:  # cheap pre-filter: most pyproject files are not ours
                table = _section(_parse_toml(text, _display(pyproject, start)), True)
                if table is not None:
                    return _ConfigSource(pyproject, text, table, True)
        parent = os.path.dirname(directory)
        if parent == directory or os.path.exists(os.path.join(directory, ".git")):
            return None
        directory = parent


def _read(path: str, display: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise ConfigError(display, f"cannot read the configuration: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(display, f"the configuration is not UTF-8: {error}") from None


def _parse_toml(text: str, path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        raise ConfigError(path, f"invalid TOML: {error}", line) from None


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _section(document: dict[str, Any], in_pyproject: bool) -> dict[str, Any] | None:
    if not in_pyproject:
        return document
    table: Any = document
    for key in PYPROJECT_SECTION:
        table = table.get(key) if isinstance(table, dict) else None
    return table if isinstance(table, dict) else None


def _display(path: str, cwd: str | None) -> str:
    """A path for messages and SUP001 findings: relative to the working directory when inside it."""
    if cwd is None:
        return path
    absolute = os.path.abspath(path)
    base = os.path.abspath(cwd)
    if absolute == base or absolute.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, base)
    return absolute


# -- schema and validation --------------------------------------------------------------------


def config_schema() -> dict[str, Any]:
    """The JSON schema of the iamlint table: the bundled file plus the RuleSettings fields."""
    with open(SCHEMA_FILE, encoding="utf-8") as handle:
        schema = json.load(handle)
    properties = schema["properties"]
    for field in _setting_fields():
        key = _kebab(field.name)
        if key in properties:
            raise AssertionError(f"RuleSettings.{field.name} clashes with the config key {key!r}")
        properties[key] = _field_schema(field)
    return schema


class SettingField(NamedTuple):
    """One RuleSettings field: its name and its ``SETTING_METADATA`` entry."""

    name: str
    metadata: Mapping[str, Any]


def _setting_fields() -> tuple[SettingField, ...]:
    from linter.context import SETTING_METADATA, RuleSettings

    return tuple(
        SettingField(name, SETTING_METADATA.get(name, EMPTY_MAPPING))
        for name in RuleSettings._fields
    )


def _kebab(name: str) -> str:
    return name.replace("_", "-")


_SCALAR_SCHEMAS: dict[Any, dict[str, str]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
}


def _field_schema(field: SettingField) -> dict[str, Any]:
    """A RuleSettings field as a JSON schema: from ``metadata["schema"]`` or from its type."""
    schema = dict(field.metadata.get("schema") or _type_schema(_field_type(field)))
    if "description" in field.metadata:
        schema.setdefault("description", field.metadata["description"])
    return schema


def _field_type(field: SettingField) -> Any:
    return _setting_types()[field.name]


@functools.cache
def _setting_types() -> dict[str, Any]:
    import typing

    from linter.context import RuleSettings

    return typing.get_type_hints(RuleSettings)


def _type_schema(annotation: Any) -> dict[str, Any]:
    import typing

    if annotation in _SCALAR_SCHEMAS:
        return dict(_SCALAR_SCHEMAS[annotation])
    origin = typing.get_origin(annotation)
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (tuple, list, frozenset, set) and arguments:
        return {"type": "array", "items": _type_schema(arguments[0])}
    if origin in (typing.Union, types.UnionType) and len(arguments) == 1:
        return _type_schema(arguments[0])
    raise TypeError(f"no configuration schema for RuleSettings type {annotation!r}")


def validate(
    table: dict[str, Any], schema: dict[str, Any], source: _ConfigSource, display: str
) -> None:
    """Raise ConfigError for the first schema violation, with the file, line and key."""
    if surely_conforms(table, schema, schema):
        return
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    errors = sorted(
        validator_class(schema).iter_errors(table),
        key=lambda e: ([str(p) for p in e.absolute_path], e.message),
    )
    if not errors:
        return
    error = errors[0]
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        unknown = sorted(k for k in error.instance if k not in allowed)
        key_path = [*path, unknown[0]]
        message = f"unknown key {_dotted(key_path, source)!r}{_suggestion(unknown[0], allowed)}"
        raise ConfigError(display, message, _key_line(source, key_path))
    key = _dotted(path, source) if path else _dotted([], source)
    raise ConfigError(display, f"{key}: {error.message}", _key_line(source, path))


# Keywords that never make an instance invalid (``format`` is not asserted: no format checker).
_ANNOTATION_KEYWORDS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "default", "examples", "$defs", "format"}
)


def surely_conforms(instance: Any, schema: Any, root: dict[str, Any]) -> bool:
    """True only when ``instance`` is valid against ``schema``; False means "ask jsonschema".

    Understands the keywords the configuration schema uses; any other keyword, and any value of
    a type outside plain TOML/JSON, gives False.
    """
    if schema is True:
        return True
    if not isinstance(schema, dict):
        return False
    for keyword, value in schema.items():
        if keyword in _ANNOTATION_KEYWORDS:
            continue
        check = _KEYWORD_CHECKS.get(keyword)
        if check is None or not check(instance, value, schema, root):
            return False
    return True


def _is_type(instance: Any, name: str) -> bool:
    if name == "string":
        return isinstance(instance, str)
    if name == "integer":
        return type(instance) is int
    if name == "number":
        return type(instance) in (int, float)
    if name == "boolean":
        return type(instance) is bool
    if name == "array":
        return type(instance) is list
    if name == "object":
        return type(instance) is dict and all(isinstance(k, str) for k in instance)
    return False


def _check_type(instance: Any, value: Any, _schema: dict, _root: dict) -> bool:
    names = value if isinstance(value, list) else [value]
    return any(_is_type(instance, name) for name in names)


def _check_enum(instance: Any, value: Any, _schema: dict, _root: dict) -> bool:
    return any(type(instance) is type(option) and instance == option for option in value)


def _check_properties(instance: Any, value: Any, _schema: dict, root: dict) -> bool:
    if type(instance) is not dict:
        return True
    return all(surely_conforms(instance[k], s, root) for k, s in value.items() if k in instance)


def _check_additional(instance: Any, value: Any, schema: dict, root: dict) -> bool:
    if type(instance) is not dict:
        return True
    if "patternProperties" in schema:
        return False
    known = schema.get("properties", {})
    extra = [k for k in instance if k not in known]
    if value is False:
        return not extra
    return all(surely_conforms(instance[k], value, root) for k in extra)


def _check_items(instance: Any, value: Any, _schema: dict, root: dict) -> bool:
    if type(instance) is not list:
        return True
    return isinstance(value, dict) and all(surely_conforms(i, value, root) for i in instance)


def _check_required(instance: Any, value: Any, _schema: dict, _root: dict) -> bool:
    return type(instance) is not dict or all(k in instance for k in value)


def _bound(compare: Any) -> Any:
    def check(instance: Any, value: Any, _schema: dict, _root: dict) -> bool:
        return type(instance) not in (int, float) or compare(instance, value)

    return check


def _size(kind: type, compare: Any) -> Any:
    def check(instance: Any, value: Any, _schema: dict, _root: dict) -> bool:
        return type(instance) is not kind or compare(len(instance), value)

    return check


def _check_const(instance: Any, value: Any, schema: dict, root: dict) -> bool:
    return _check_enum(instance, [value], schema, root)


def _check_pattern(instance: Any, value: Any, _schema: dict, _root: dict) -> bool:
    return not isinstance(instance, str) or re.search(value, instance) is not None


def _check_ref(instance: Any, value: Any, _schema: dict, root: dict) -> bool:
    if not isinstance(value, str) or not value.startswith("#/$defs/"):
        return False
    target = root.get("$defs", {}).get(value[len("#/$defs/") :])
    return target is not None and surely_conforms(instance, target, root)


_KEYWORD_CHECKS = {
    "type": _check_type,
    "enum": _check_enum,
    "properties": _check_properties,
    "additionalProperties": _check_additional,
    "items": _check_items,
    "required": _check_required,
    "const": _check_const,
    "pattern": _check_pattern,
    "minLength": _size(str, operator.ge),
    "maxLength": _size(str, operator.le),
    "minItems": _size(list, operator.ge),
    "minProperties": _size(dict, operator.ge),
    "maxItems": _size(list, operator.le),
    "minimum": _bound(operator.ge),
    "maximum": _bound(operator.le),
    "exclusiveMinimum": _bound(operator.gt),
    "exclusiveMaximum": _bound(operator.lt),
    "$ref": _check_ref,
}


# -- error locations ---------------------------------------------------------------------------


def _dotted(path: Sequence[Any], source: _ConfigSource) -> str:
    prefix = ".".join(PYPROJECT_SECTION) if source.in_pyproject else ""
    text = prefix
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
        else:
            key = element if re.fullmatch(r"[A-Za-z0-9_-]+", element) else json.dumps(element)
            text = f"{text}.{key}" if text else key
    return text or "(top level)"


def _suggestion(key: str, allowed: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _key_line(source: _ConfigSource, path: Sequence[Any]) -> int | None:
    """Best-effort line of a key path in the TOML text (assignment, table or array header)."""
    lines = source.text.splitlines()
    start = 0
    if source.in_pyproject:
        header = _header_pattern(list(PYPROJECT_SECTION))
        start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
    found: int | None = None
    headers: list[str] = list(PYPROJECT_SECTION) if source.in_pyproject else []
    for position, element in enumerate(path):
        if isinstance(element, int):
            array_header = _header_pattern(headers, array=True)
            matches = [i for i, line in enumerate(lines) if array_header.match(line)]
            if element >= len(matches):
                break
            start = found = matches[element]
            continue
        headers.append(element)
        key = re.compile(rf"""^\s*(["']?){re.escape(element)}\1\s*=""")
        next_is_index = position + 1 < len(path) and isinstance(path[position + 1], int)
        table = _header_pattern(headers, array=next_is_index)
        hit = next(
            (i for i in range(start, len(lines)) if key.match(lines[i]) or table.match(lines[i])),
            None,
        )
        if hit is None:
            break
        start = found = hit
    return found + 1 if found is not None else None


def _header_pattern(keys: list[str], array: bool = False) -> re.Pattern[str]:
    parts = r"\s*\.\s*".join(rf"""(["']?){re.escape(k)}\{i + 1}""" for i, k in enumerate(keys))
    if array:
        return re.compile(rf"^\s*\[\[\s*{parts}\s*\]\]")
    return re.compile(rf"^\s*\[\s*{parts}\s*\]")


def _suppress_spans(source: _ConfigSource, count: int) -> list[Span]:
    """Where each ``[[...suppress]]`` entry starts, in order; FILE_START when not found."""
    keys = [*PYPROJECT_SECTION, "suppress"] if source.in_pyproject else ["suppress"]
    header = _header_pattern(keys, array=True)
    spans = []
    for number, line in enumerate(source.text.splitlines(), start=1):
        match = header.match(line)
        if match:
            column = len(line) - len(line.lstrip()) + 1
            spans.append(Span(number, column, number, match.end() + 1))
    if len(spans) != count:
        return [FILE_START] * count
    return spans


# -- building the Config -------------------------------------------------------------------------


def _build(source: _ConfigSource, display: str) -> Config:
    from linter.registry import RULE_INFO_BY_ID, RULES
    from linter.selection import unknown_selectors

    schema = config_schema()
    table = source.table
    validate(table, schema, source, display)

    def check_selectors(path: list[Any], selectors: Sequence[str]) -> tuple[str, ...]:
        unknown = unknown_selectors(RULES, selectors)
        if unknown:
            message = f"{_dotted(path, source)}: no rule matches {', '.join(map(repr, unknown))}"
            raise ConfigError(display, message, _key_line(source, path))
        return tuple(selectors)

    severity: dict[str, Severity] = {}
    for rule_id, level in table.get("severity", {}).items():
        rule = RULE_INFO_BY_ID.get(rule_id.upper()) or next(
            (r for r in RULES if r.name == rule_id.lower()), None
        )
        if rule is None:
            path = ["severity", rule_id]
            message = f"{_dotted(path, source)}: no rule with this id or name"
            raise ConfigError(display, message, _key_line(source, path))
        severity[rule.id] = Severity(level)

    entries = table.get("suppress", [])
    spans = _suppress_spans(source, len(entries))
    suppressions = tuple(
        Suppression(
            path=entry["path"],
            rule=check_selectors(["suppress", index, "rule"], [entry["rule"]])[0],
            reason=entry["reason"],
            sid=entry.get("sid"),
            origin=display,
            span=spans[index],
        )
        for index, entry in enumerate(entries)
    )
    setting_keys = {_kebab(f.name): f.name for f in _setting_fields()}
    return Config(
        path=display,
        select=check_selectors(["select"], table["select"]) if "select" in table else None,
        extend_select=check_selectors(["extend-select"], table.get("extend-select", [])),
        ignore=check_selectors(["ignore"], table.get("ignore", [])),
        per_file_ignores=tuple(
            (glob, _rule_ids(check_selectors(["per-file-ignores", glob], selectors)))
            for glob, selectors in table.get("per-file-ignores", {}).items()
        ),
        severity=severity,
        fail_on=table.get("fail-on"),
        include=tuple(table["include"]) if "include" in table else None,
        exclude=tuple(table.get("exclude", [])),
        policy_types=tuple(
            (glob, PolicyType(name)) for glob, name in table.get("policy-types", {}).items()
        ),
        max_file_size=table.get("max-file-size"),
        rule_settings={
            setting_keys[key]: tuple(value) if isinstance(value, list) else value
            for key, value in table.items()
            if key in setting_keys
        },
        suppressions=suppressions,
        cache_dir=(
            os.path.join(
                os.path.dirname(os.path.abspath(source.path)),
                os.path.expanduser(table["cache-dir"]),
            )
            if "cache-dir" in table
            else None
        ),
    )


def _rule_ids(selectors: Sequence[str]) -> tuple[str, ...]:
    """The ids of the rules that any of ``selectors`` (ids, prefixes, names, tags) names."""
    from linter.registry import RULES
    from linter.selection import is_selected

    return tuple(r.id for r in RULES if any(is_selected(r, (s,), ()) for s in selectors))


def _rule_settings(config: Config, command_line: CommandLine) -> Any:
    from linter.context import RuleSettings

    settings = RuleSettings(**config.rule_settings)
    if command_line.access_not_granted:
        added = (*settings.access_not_granted, *command_line.access_not_granted)
        settings = settings._replace(access_not_granted=added)
    return settings


def resolve(config: Config | None, command_line: CommandLine) -> tuple[LintOptions, str]:
    """The engine options and the ``fail-on`` level of a run: configuration < command line."""
    from linter.results import DEFAULT_INCLUDE, DEFAULT_MAX_FILE_SIZE, LintOptions

    config = config or Config()
    if command_line.select:
        select = (*command_line.select, *command_line.extend_select)
        ignore = command_line.ignore
    else:
        from linter.selection import DEFAULT_SELECTOR

        configured = config.select if config.select is not None else (DEFAULT_SELECTOR,)
        extend = (*config.extend_select, *command_line.extend_select)
        select = (*configured, *extend)
        ignore = (*config.ignore, *command_line.ignore)
    options = LintOptions(
        select=select,
        ignore=ignore,
        policy_type=command_line.policy_type,
        policy_type_globs=config.policy_types,
        severity_overrides=dict(config.severity),
        per_file_ignores=config.per_file_ignores,
        include=config.include if config.include is not None else DEFAULT_INCLUDE,
        exclude=config.exclude,
        max_file_size=config.max_file_size or DEFAULT_MAX_FILE_SIZE,
        rule_settings=_rule_settings(config, command_line),
        suppressions=config.suppressions,
    )
    fail_on = command_line.fail_on or config.fail_on or DEFAULT_FAIL_ON
    return options, fail_on
