"""Shared test helpers: lint a policy string and compare findings exactly."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from linter.engine import Linter, LintOptions
from linter.model import Finding, PolicyType

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "aws-managed"


def lint(text: str, policy_type: str | None = None, select: tuple[str, ...] = ()) -> list[Finding]:
    """Lint dedented ``text`` and return its findings."""
    options = LintOptions(
        select=select, policy_type=PolicyType(policy_type) if policy_type else None
    )
    return Linter(options).lint_text(textwrap.dedent(text).strip() + "\n", "policy.json").findings


def as_rows(findings: list[Finding]) -> list[tuple]:
    """(id, line, column, end_line, end_column, message) rows, for exact comparisons."""
    return [
        (f.rule_id, f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.message)
        for f in findings
    ]


def as_dicts(findings: list[Finding]) -> list[dict]:
    """The rows of ``as_rows`` as the fixtures' ``*.expected.json`` objects."""
    keys = ("id", "line", "column", "end_line", "end_column", "message")
    return [dict(zip(keys, row, strict=True)) for row in as_rows(findings)]


def policy(*statements: dict, version: str = "2012-10-17") -> str:
    """A policy document as pretty JSON text."""
    return json.dumps({"Version": version, "Statement": list(statements)}, indent=2)


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS
