"""Output formats. Each is a module with a pure ``render(result, options) -> str``.

Modules are imported only when their format is asked for, so a text run never pays for SARIF.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.engine import RunResult

FORMATS: dict[str, str] = {
    "text": "linter.reporters.text",
    "json": "linter.reporters.json_format",
}


@dataclasses.dataclass(frozen=True)
class RenderOptions:
    """What a reporter may need besides the findings."""

    color: bool = False
    show_source: bool = True
    quiet: bool = False
    root: str = "."
    tool_version: str = ""
    catalog_as_of: str = ""


def render(format_name: str, result: RunResult, options: RenderOptions) -> str:
    module = importlib.import_module(FORMATS[format_name])
    return module.render(result, options)
