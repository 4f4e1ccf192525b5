"""The rule reference (docs/rules.md), generated from each rule's metadata and docstring.

``iamlint rules --format markdown`` prints it; ``tests/test_rule_docs.py`` fails when the
committed file is out of date. SARIF ``helpUri`` links point at the anchors written here, so the
URL constants live in this module and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from linter.check import Check

PROJECT_URL = "https://github.com/iamlint/iamlint"
RULES_DOC_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"
REGENERATE_COMMAND = "iamlint rules --format markdown --output docs/rules.md"

_NOT_IN_SLUG = re.compile(r"[^\w\- ]", re.UNICODE)


def heading(rule: type[Check]) -> str:
    """The rule's heading text in docs/rules.md, e.g. ``GRM003 old-version``."""
    return f"{rule.id} {rule.name}"


def anchor(rule: type[Check]) -> str:
    """GitHub's anchor for the rule's heading: lower case, punctuation dropped, spaces to ``-``."""
    return _NOT_IN_SLUG.sub("", heading(rule).strip().lower()).replace(" ", "-")


def help_uri(rule: type[Check]) -> str:
    """Where the rule is documented online."""
    return f"{RULES_DOC_URL}#{anchor(rule)}"


def rule_markdown(rule: type[Check], heading_level: int = 2) -> str:
    """One rule's section: heading, metadata line, then its docstring one heading level down."""
    prefix = "#" * heading_level
    types = ", ".join(sorted(t.value for t in rule.policy_types))
    default = "on by default" if rule.default else "opt-in (`--select ALL` or `extend-select`)"
    lines = [
        f"{prefix} {heading(rule)}",
        "",
        rule.summary,
        "",
        f"Severity: **{rule.severity.value}**, {default}. Policy types: {types}."
        + (f" Tags: {', '.join(f'`{t}`' for t in rule.tags)}." if rule.tags else "")
        + (
            f" Subsumes, in the same statement: {', '.join(rule.subsumes)}."
            if rule.subsumes
            else ""
        ),
        "",
    ]
    for line in rule.documentation().splitlines():
        if line.startswith("## "):
            line = "#" * (heading_level + 1) + line[2:]
        lines.append(line.rstrip())
    return "\n".join(lines).rstrip() + "\n"


def managed_corpus_counts() -> dict:
    """``linter/data/managed_corpus_counts.json``: each rule's findings on AWS's managed policies
    (all rules selected, subsumed findings merged), written by ``scripts/corpus_counts.py``."""
    import json
    import os

    path = os.path.join(os.path.dirname(__file__), "data", "managed_corpus_counts.json")
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError:
        return {"policies": 0, "findings": {}}


def render_rules_markdown(rules: Iterable[type[Check]]) -> str:
    """The whole docs/rules.md: an index table, then every rule in registry order."""
    rules = tuple(rules)
    counts = managed_corpus_counts()
    found = counts.get("findings", {})
    on = sum(1 for rule in rules if rule.default)
    default_total = sum(found.get(rule.id, 0) for rule in rules if rule.default)
    lines = [
        "# iamlint rules",
        "",
        f"<!-- Generated from the rules' metadata and docstrings by `{REGENERATE_COMMAND}`;",
        "     do not edit by hand: tests/test_rule_docs.py fails when it is out of date. -->",
        "",
        f"{len(rules)} rules. Select or ignore them by id, id prefix, name or tag "
        "(`--select GRM`, `--ignore old-version`); see [configuration](configuration.md).",
        "",
        f"{on} rules are on by default; the others are opt-in (`--select ALL`, `--select <ID>` or "
        "`extend-select`), chosen by their measured precision ([precision](precision.md)). "
        f"*Managed* is each rule's findings on the {counts.get('policies', 0):,} AWS managed "
        "policies (every rule selected, findings one cause explains merged into it); the default "
        f"selection gives {default_total:,} there.",
        "",
        "| Id | Name | Severity | Default | Managed | Summary |",
        "|---|---|---|---|---|---|",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        default = "on" if rule.default else "opt-in"
        lines.append(
            f"| [{rule.id}](#{anchor(rule)}) | {rule.name} | {rule.severity.value} | {default} "
            f"| {found.get(rule.id, 0)} | {summary} |"
        )
    lines.append("")
    text = "\n".join(lines)
    return text + "\n" + "\n".join(rule_markdown(rule) for rule in rules)
