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
    from linter.vcs import Provenance

# GitHub code scanning rejects a SARIF run with more results than this.
GITHUB_MAX_RESULTS = 25_000

FORMATS: dict[str, str] = {
    "text": "linter.reporters.text",
    "json": "linter.reporters.json_format",
    "sarif": "linter.reporters.sarif",
    "github": "linter.reporters.github",
    "gitlab": "linter.reporters.gitlab",
    "statistics": "linter.reporters.statistics",  # check --statistics, in place of text
}


# A NamedTuple rather than a frozen dataclass: a dataclass costs ~0.5 ms of start-up to create.
class RenderOptions(NamedTuple):
    """What a reporter may need besides the findings.

    ``root`` is the absolute directory SARIF, GitHub and GitLab output paths are relative to (the
    repository root: ``linter.vcs.report_root``). ``working_directory`` is the absolute directory
    relative finding paths are relative to (the run's working directory; empty: ``root``).
    ``provenance`` is the SARIF ``versionControlProvenance`` (``linter.vcs.Provenance``) or None.
    ``sarif_max_results`` (0: no limit) makes SARIF refuse a run larger than GitHub accepts.
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
    working_directory: str = ""
    provenance: Provenance | None = None
    sarif_max_results: int = GITHUB_MAX_RESULTS


def render(format_name: str, result: RunResult, options: RenderOptions) -> str:
    module = importlib.import_module(FORMATS[format_name])
    return module.render(result, options)


def relative_path(path: str, root: str, working_directory: str = "") -> str | None:
    """``path`` relative to ``root`` with forward slashes, or None when it lies outside ``root``.

    Pure string arithmetic: a relative ``path`` is relative to ``working_directory`` when one is
    given (it must be absolute), else taken as relative to ``root`` already.
    """
    path = path.replace("\\", "/")
    root = root.replace("\\", "/")
    if working_directory and not (posixpath.isabs(path) or _is_windows_absolute(path)):
        path = posixpath.join(working_directory.replace("\\", "/"), path)
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


def display_path(path: str, root: str, working_directory: str = "") -> str:
    """The path as CI systems want it: relative to the root when inside it, else as given."""
    relative = relative_path(path, root, working_directory)
    return relative if relative is not None else path.replace("\\", "/")


def ci_path(path: str, options: RenderOptions) -> str:
    """``display_path`` with the root and working directory of ``options``."""
    return display_path(path, options.root, options.working_directory)


def _is_windows_absolute(path: str) -> bool:
    return len(path) > 2 and path[1] == ":" and path[2] == "/"
