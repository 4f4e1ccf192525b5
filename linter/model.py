"""Frozen value types shared by the decoder, the engine, the checks and the reporters."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from linter.fixes import FileFix

PathElement = str | int
JsonPath = tuple[PathElement, ...]

#: The default of the options' mapping fields: one shared, read-only empty mapping.
EMPTY_MAPPING: Mapping[str, Any] = MappingProxyType({})


class Severity(enum.Enum):
    """How serious a finding is; ordered error > warning > note."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.NOTE: 1}


class PolicyType(enum.Enum):
    """The kinds of policy document iamlint distinguishes."""

    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"
    KMS_KEY = "kms-key"
    SCP = "scp"
    RCP = "rcp"
    VPC_ENDPOINT = "vpc-endpoint"


ALL_POLICY_TYPES = frozenset(PolicyType)


class Span(NamedTuple):
    """A range in a source file: 1-based lines and columns, end column exclusive.

    Columns count Unicode code points; a tab counts as one column.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    def contains(self, other: Span) -> bool:
        return (self.line, self.column) <= (other.line, other.column) and (
            other.end_line,
            other.end_column,
        ) <= (self.end_line, self.end_column)


FILE_START = Span(1, 1, 1, 1)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """Split text into lines the way spans count them: at CRLF, CR and LF only.

    ``str.splitlines`` also splits at form feeds, U+2028 and others, which JSON allows inside
    strings; using it would shift every excerpt after such a character.
    """
    return _LINE_BREAK.split(text)


class Finding(NamedTuple):
    """One problem found in one file, with its exact location; ``fix`` the text edits that
    resolve it, when its rule proposed a fix that can be made exactly (linter/fixes.py)."""

    path: str
    span: Span
    rule_id: str
    message: str
    severity: Severity
    json_path: JsonPath = ()
    statement_fingerprint: str = ""
    source: str = ""
    fix: FileFix | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.span, self.rule_id, self.message)
