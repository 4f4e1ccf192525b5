"""Positions for the language server: iamlint spans to LSP positions and back.

iamlint spans are 1-based lines and code-point columns (end exclusive) with lines split at CRLF,
CR and LF; LSP positions are 0-based lines (split the same way) and characters counted in the
negotiated encoding: UTF-16 code units (the default), UTF-8 bytes or UTF-32 code points. An
astral character (an emoji) is one code point, two UTF-16 units and four UTF-8 bytes.

Pure functions with no pygls import, so they are cheap to test.
"""

from __future__ import annotations

from collections.abc import Sequence

from linter.model import Span, source_lines

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


def units(text: str, encoding: str) -> int:
    """The length of ``text`` in the encoding's units."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def code_points(line: str, count: int, encoding: str) -> int:
    """The code-point index in ``line`` at ``count`` units (clamped to the line; a position
    inside a character moves to its start)."""
    if encoding == UTF32:
        return min(count, len(line))
    seen = 0
    for index, char in enumerate(line):
        if encoding == UTF8:
            size = len(char.encode("utf-8", "surrogatepass"))
        else:
            size = 2 if ord(char) > 0xFFFF else 1
        if seen + size > count:
            return index
        seen += size
    return len(line)


class Lines:
    """A document's lines for position conversion; ``bom`` is True when the buffer starts with
    U+FEFF, which the engine drops (its line-1 columns are one less than the buffer's)."""

    __slots__ = ("bom", "lines")

    def __init__(self, text: str) -> None:
        self.bom = text.startswith("\ufeff")
        self.lines: Sequence[str] = source_lines(text)

    def position(self, line: int, column: int, encoding: str) -> tuple[int, int]:
        """The LSP (line, character) of a 1-based line and code-point column of the engine."""
        index = min(max(line, 1), len(self.lines)) - 1
        text = self.lines[index]
        column0 = max(column, 1) - 1 + (1 if self.bom and index == 0 else 0)
        return index, units(text[: min(column0, len(text))], encoding)

    def range(self, span: Span, encoding: str) -> tuple[tuple[int, int], tuple[int, int]]:
        return (
            self.position(span.line, span.column, encoding),
            self.position(span.end_line, span.end_column, encoding),
        )

    def end(self, encoding: str) -> tuple[int, int]:
        """The position just after the last character."""
        return len(self.lines) - 1, units(self.lines[-1], encoding)

    def column(self, line: int, character: int, encoding: str) -> int:
        """The engine's 1-based code-point column of an LSP position on 0-based ``line``."""
        index = min(max(line, 0), len(self.lines) - 1)
        column0 = code_points(self.lines[index], character, encoding)
        if self.bom and index == 0:
            column0 -= 1
        return max(column0, 0) + 1
