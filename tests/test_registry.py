"""Completeness of the rule registry: every module registered, ids unique, docs complete."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import checks
from checks import ALL_CHECKS
from linter.check import Check
from linter.rule_index import index_source
from tests.conftest import FIXTURES

# Rules whose bad case cannot be a committed file, with where they are tested instead.
NO_FILE_FIXTURE = {"JSON008": "tests/test_engine.py (a small --max-file-size)"}
HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


def _rule_classes_in_modules() -> set[type[Check]]:
    found = set()
    for module_info in pkgutil.iter_modules(checks.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"checks.{module_info.name}")
        classes = [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, Check) and obj.__module__ == module.__name__
        ]
        assert len(classes) == 1, f"checks.{module_info.name} must define exactly one rule"
        found.update(classes)
    return found


def test_every_rule_module_is_registered_and_vice_versa() -> None:
    assert _rule_classes_in_modules() == set(ALL_CHECKS)


def test_ids_and_names_are_unique_and_well_formed() -> None:
    ids = [r.id for r in ALL_CHECKS]
    names = [r.name for r in ALL_CHECKS]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))
    for rule in ALL_CHECKS:
        assert re.fullmatch(r"[A-Z]{2,4}\d{3}", rule.id), rule.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert rule.summary and rule.summary.endswith("."), rule.id
        assert rule.policy_types, rule.id


@pytest.mark.parametrize("rule", ALL_CHECKS, ids=lambda r: r.id)
def test_docstring_has_every_heading(rule: type[Check]) -> None:
    sections = rule.doc_sections()
    assert list(sections) == list(HEADINGS), rule.id
    assert all(sections[h] for h in HEADINGS), rule.id


@pytest.mark.parametrize(
    "rule", [r for r in ALL_CHECKS if not r.engine_reported], ids=lambda r: r.id
)
def test_rule_has_bad_and_good_fixtures(rule: type[Check]) -> None:
    if rule.id in NO_FILE_FIXTURE:
        pytest.skip(f"{rule.id} is tested in {NO_FILE_FIXTURE[rule.id]}")
    directory = FIXTURES / rule.id
    bad = [p for p in directory.glob("bad_*") if not p.name.endswith(".expected.json")]
    assert bad, f"{rule.id} has no bad fixture"
    for path in bad:
        expected = path.with_name(path.name[: -len(path.suffix)] + ".expected.json")
        assert expected.exists(), f"{path} has no expected-findings file"
    assert list(directory.glob("good_*")), f"{rule.id} has no good fixture"


def test_registry_lines_name_each_rule_by_its_id_module_and_class() -> None:
    for (rule_id, module, class_name), rule in zip(checks.REGISTRY, ALL_CHECKS, strict=True):
        named = (rule_id, f"checks.{module}", class_name)
        assert (rule.id, rule.__module__, rule.__name__) == named


def test_generated_rule_index_is_up_to_date() -> None:
    index = Path(checks.__file__).with_name("_index.py")
    assert index.read_text(encoding="utf-8") == index_source(ALL_CHECKS), (
        "checks/_index.py is stale: run python -m linter.rule_index"
    )


def test_rule_info_answers_like_the_rule_class() -> None:
    for info, rule in zip(checks.RULES, ALL_CHECKS, strict=True):
        for field in ("id", "name", "summary", "severity", "tags", "policy_types"):
            assert getattr(info, field) == getattr(rule, field), (rule.id, field)
        assert info.load() is rule
        assert info.doc_sections() == rule.doc_sections()


def test_a_rule_missing_from_the_index_is_described_by_its_class() -> None:
    # A rule added to REGISTRY before the index was regenerated still runs, from its class.
    rule_id, module, class_name = checks.REGISTRY[0]
    from_class = checks.RuleInfo(rule_id, f"checks.{module}", class_name, None)
    from_index = checks.RULE_INFO_BY_ID[rule_id]
    for field in ("name", "summary", "severity", "tags", "policy_types", "needs_problem"):
        assert getattr(from_class, field) == getattr(from_index, field), field
