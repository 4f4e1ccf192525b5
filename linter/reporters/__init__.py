"""Output formats. Each is a module with a pure ``render(result, options) -> str``.

Modules are imported only when their format is asked for, so a text run never pays for SARIF.
Reporters read nothing but their arguments: no file system, no environment, no clock.
"""

from __future__ import annotations

import importlib
import posixpath
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from linter.model import EMPTY_MAPPING

if TYPE_CHECKING:
    from linter.model import Severity
    from linter.results import RunResult

FORMATS: dict[str, str] = {
    "text": "linter.reporters.text",
    "json": "linter.reporters.json_format",
    "sarif": "linter.reporters.sarif",
    "github": "linter.reporters.github",
    "gitlab": "linter.reporters.gitlab",
}


# A NamedTuple rather than a frozen dataclass: a dataclass costs ~0.5 ms of start-up to create.
class RenderOptions(NamedTuple):
    """What a reporter may need besides the findings.

    ``root`` is the absolute directory that relative finding paths are relative to (the working
    directory of the run); SARIF, GitHub and GitLab output paths relative to it.
    ``severity_overrides`` are the configured per-rule levels, so rule metadata (SARIF
    ``defaultConfiguration``) matches the results. ``include_suppressed`` adds suppressed and
    baselined findings to SARIF (as ``suppressions``) and JSON.
    """

    color: bool = False
    show_source: bool = True
    quiet: bool = False
    root: str = "."
    tool_version: str = ""
    catalog_as_of: str = ""
    severity_overrides: Mapping[str, Severity] = EMPTY_MAPPING
    include_suppressed: bool = False
    sarif_category: str = "iamlint"


def render(format_name: str, result: RunResult, options: RenderOptions) -> str:
    module = importlib.import_module(FORMATS[format_name])
    return module.render(result, options)


def relative_path(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` with forward slashes, or None when it lies outside ``root``.

    Pure string arithmetic: a relative ``path`` is taken as relative to ``root`` already.
    """
    path = path.replace("\\", "/")
    root = root.replace("\\", "/")
    if posixpath.isabs(path) or _is_windows_absolute(path):
        normalized_root = posixpath.normpath(root)
        normalized = posixpath.normpath(path)
        if normalized == normalized_root:
            return "."
        prefix = normalized_root.rstrip("/") + "/"
        if not normalized.startswith(prefix):
            return None
        return normalized[len(prefix) :]
    normalized = posixpath.normpath(path)
    if normalized == ".." or normalized.startswith("../"):
        return None
    return normalized


def display_path(path: str, root: str) -> str:
    """The path as CI systems want it: relative to the root when inside it, else unchanged."""
    relative = relative_path(path, root)
    return relative if relative is not None else path.replace("\\", "/")


def _is_windows_absolute(path: str) -> bool:
    return len(path) > 2 and path[1] == ":" and path[2] == "/"
