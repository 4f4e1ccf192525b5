"""The language server's "suppress" code action: a ``[[tool.iamlint.suppress]]`` entry (or
``[[suppress]]`` in ``.iamlint.toml``) appended to the configuration that applies to the file.

JSON has no comments, so a suppression lives in the configuration (docs/configuration.md). The
entry names the file by its path relative to the configuration's directory, the rule id, the
statement's ``Sid`` when it has one (else the entry covers the rule in the whole file) and a
reason to fill in. The edit is exact: the configuration with the entry appended must still
parse and hold one more entry, or no action is offered. Without a configuration file, a new
``.iamlint.toml`` is created at the workspace root (or next to the file).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from linter.model import Finding, source_lines

REASON = "TODO: say why this finding is acceptable here"


def statement_sid(text: str, json_path: tuple) -> str | None:
    """The Sid of the statement a finding's path points into, in a bare policy file."""
    from linter.decode import decode_text

    if len(json_path) < 2 or json_path[0] != "Statement":
        return None
    document = decode_text(text).value
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, list) and isinstance(json_path[1], int):
        statement = statements[json_path[1]] if json_path[1] < len(statements) else None
    else:
        statement = statements
    sid = statement.get("Sid") if isinstance(statement, dict) else None
    return sid if isinstance(sid, str) and sid else None


def suppression_edit(
    path: str,
    text: str,
    finding: Finding,
    root: str | None,
    open_text: Callable[[str], str | None],
) -> tuple[str, bool, tuple[int, int], str, str] | None:
    """(configuration path, whether it exists, where to insert as 1-based line and code-point
    column, the text to insert, the action's title), or None when no exact edit exists."""
    import tomllib

    from linter.config import find_config

    directory = os.path.dirname(os.path.abspath(path))
    found = find_config(directory)
    if found is not None:
        config_path = found
        current = open_text(found)
        if current is None:
            with open(found, encoding="utf-8", newline="") as handle:
                current = handle.read()
    else:
        base = (
            root
            if root and os.path.abspath(path).startswith(os.path.abspath(root) + os.sep)
            else directory
        )
        config_path = os.path.join(os.path.abspath(base), ".iamlint.toml")
        current = ""
    in_pyproject = os.path.basename(config_path) == "pyproject.toml"
    relative = os.path.relpath(os.path.abspath(path), os.path.dirname(config_path))
    if relative.startswith(".."):
        return None
    relative = relative.replace(os.sep, "/")
    sid = statement_sid(text, finding.json_path)
    newline = "\r\n" if "\r\n" in current else "\n"
    lines = ["[[tool.iamlint.suppress]]" if in_pyproject else "[[suppress]]"]
    lines.append(f"path = {_toml_string(relative)}")
    lines.append(f"rule = {_toml_string(finding.rule_id)}")
    if sid is not None:
        lines.append(f"sid = {_toml_string(sid)}")
    lines.append(f"reason = {_toml_string(REASON)}")
    lead = ""
    if current:
        lead = newline if current.endswith(("\n", "\r")) else newline + newline
    insert = lead + newline.join(lines) + newline
    try:
        before = _entries(tomllib.loads(current), in_pyproject)
        after = _entries(tomllib.loads(current + insert), in_pyproject)
    except (tomllib.TOMLDecodeError, TypeError, AttributeError):
        return None
    if after != before + 1:
        return None
    split = source_lines(current)
    position = (len(split), len(split[-1]) + 1)
    name = os.path.basename(config_path)
    if sid is not None:
        title = f'Suppress {finding.rule_id} for statement "{sid}" (in {name})'
    else:
        title = f"Suppress {finding.rule_id} in this file (in {name})"
    return config_path, found is not None, position, insert, title


def _entries(document: dict[str, Any], in_pyproject: bool) -> int:
    table = document.get("tool", {}).get("iamlint", {}) if in_pyproject else document
    entries = table.get("suppress", [])
    return len(entries) if isinstance(entries, list) else -1


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except that TOML has no ``\\/``)."""
    return json.dumps(value, ensure_ascii=False)
