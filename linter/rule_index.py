"""Rule metadata without importing rules: ``RuleInfo``, and the generator of ``checks/_index.py``.

Importing all 101 rule modules costs more than linting a small file. The engine therefore works
from ``RuleInfo`` records (id, name, severity, policy types, what a policy must contain for the
rule to report) and imports a rule's module only when a file can trigger it. The records come
from ``checks/_index.py``, generated from the rule classes by ``python -m linter.rule_index``;
``tests/test_registry.py`` fails while it is out of date.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import TYPE_CHECKING, Any

from linter.model import ALL_POLICY_TYPES, PolicyType, Severity

if TYPE_CHECKING:
    from linter.check import Check

_LINE_LENGTH = 100  # pyproject.toml [tool.ruff]


class RuleInfo:
    """A rule's metadata, answering like the rule class for everything but ``run``.

    ``load()`` imports the rule's module and returns the class. Without an index entry (a rule
    added since ``checks/_index.py`` was generated) the metadata comes from the class itself.
    """

    __slots__ = (
        "_class",
        "class_name",
        "default",
        "engine_reported",
        "id",
        "module",
        "name",
        "needs_elements",
        "needs_problem",
        "needs_services",
        "policy_types",
        "runs_on_undecodable",
        "severity",
        "subsumes",
        "summary",
        "tags",
    )

    def __init__(
        self,
        rule_id: str,
        module: str,
        class_name: str,
        entry: dict[str, Any] | None = None,
        rule_class: type[Check] | None = None,
    ) -> None:
        self.id = rule_id
        self.module = module
        self.class_name = class_name
        self._class = rule_class
        if entry is None:
            entry = index_entry(rule_class or self.load())
        self.name: str = entry["name"]
        self.summary: str = entry["summary"]
        self.severity = Severity(entry["severity"])
        self.tags: tuple[str, ...] = tuple(entry["tags"])
        types = entry["policy_types"]
        self.policy_types = (
            ALL_POLICY_TYPES if types is None else frozenset(PolicyType(t) for t in types)
        )
        self.runs_on_undecodable: bool = entry["runs_on_undecodable"]
        self.engine_reported: bool = entry["engine_reported"]
        self.needs_elements = frozenset(entry["needs_elements"])
        self.needs_services = frozenset(entry["needs_services"])
        self.needs_problem: str | None = entry["needs_problem"]
        self.subsumes: tuple[str, ...] = tuple(entry.get("subsumes", ()))
        self.default: bool = entry.get("default", True)

    @classmethod
    def of(cls, rule_class: type[Check]) -> RuleInfo:
        """The record of an already imported rule class (rules given to the library API)."""
        return cls(rule_class.id, rule_class.__module__, rule_class.__name__, None, rule_class)

    def __repr__(self) -> str:
        return f"RuleInfo({self.id})"

    def load(self) -> type[Check]:
        if self._class is None:
            self._class = getattr(importlib.import_module(self.module), self.class_name)
        return self._class

    def documentation(self) -> str:
        return self.load().documentation()

    def doc_sections(self) -> dict[str, str]:
        return self.load().doc_sections()


def index_entry(rule: type[Check]) -> dict[str, Any]:
    """The index fields of one rule class."""
    types = None
    if rule.policy_types != ALL_POLICY_TYPES:
        types = tuple(sorted(t.value for t in rule.policy_types))
    return {
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity.value,
        "tags": tuple(rule.tags),
        "policy_types": types,
        "runs_on_undecodable": rule.runs_on_undecodable,
        "engine_reported": rule.engine_reported,
        "needs_elements": tuple(sorted(rule.needs_elements)),
        "needs_services": tuple(sorted(rule.needs_services)),
        "needs_problem": rule.needs_problem,
        "subsumes": tuple(rule.subsumes),
        "default": rule.default,
    }


def _literal(value: Any) -> str:
    if isinstance(value, tuple):
        if len(value) == 1:
            return f"({_literal(value[0])},)"
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    if isinstance(value, str):
        if '"' in value and "'" not in value and "\\" not in value and value.isascii():
            return f"'{value}'"  # ruff format's preferred quotes
        return json.dumps(value)
    return repr(value)


def index_source(rules: tuple[type[Check], ...]) -> str:
    """The text of ``checks/_index.py`` for ``rules``, formatted as ``ruff format`` leaves it."""
    lines = [
        '"""Rule metadata the engine reads before importing a rule. Generated: do not edit.',
        "",
        "Regenerate with ``python -m linter.rule_index`` after adding or changing a rule;",
        "tests/test_registry.py fails while this file is out of date.",
        '"""',
        "",
        "INDEX = {",
    ]
    for rule in rules:
        lines.append(f'    "{rule.id}": {{')
        for field, value in index_entry(rule).items():
            line = f'        "{field}": {_literal(value)},'
            if len(line) > _LINE_LENGTH and isinstance(value, tuple):  # as ruff format splits it
                lines.append(f'        "{field}": (')
                lines.extend(f"            {_literal(item)}," for item in value)
                lines.append("        ),")
            else:
                lines.append(line)
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    from pathlib import Path

    import checks

    target = Path(checks.__file__).with_name("_index.py")
    target.write_text(index_source(checks.ALL_CHECKS), encoding="utf-8")
    print(f"wrote {target} ({len(checks.RULES)} rules)", file=sys.stderr)


if __name__ == "__main__":
    main()
