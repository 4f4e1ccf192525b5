"""Offsets to positions, and the lazy span index of a decoded JSON text (see ``linter.decode``).

Positions: lines and columns are 1-based, end columns exclusive, columns count code points. The
span index records where each value (and each member's key) starts and ends; on the fast path it
is built one container at a time, only as far as a requested path needs.
"""

from __future__ import annotations

import bisect
import itertools
import json
import json.decoder
import json.scanner
from collections.abc import Sequence

from linter.model import JsonPath, Span
from linter.wildcards import compiled

# -- positions ------------------------------------------------------------------------------


_DIRECT_CONVERSIONS = 16  # offset conversions per file before a line table pays off


class _LineIndex:
    """Converts offsets in a text to 1-based (line, column) pairs.

    The first few conversions count line breaks with C string searches; a file that needs more
    gets a table of line starts (most files need none or only a handful).
    """

    __slots__ = ("_conversions", "_line_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts: list[int] | None = None
        self._conversions = 0 if "\r" not in text else _DIRECT_CONVERSIONS

    def _build(self) -> list[int]:
        text = self._text
        if "\r" in text:
            # Same length, one LF per line break: the CR of a CRLF stays on its line.
            text = text.replace("\r\n", " \n").replace("\r", "\n")
        line_lengths_with_break = map((1).__add__, map(len, text.split("\n")))
        starts = list(itertools.accumulate(line_lengths_with_break, initial=0))
        starts.pop()
        self._line_starts = starts
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        starts = self._line_starts
        if starts is None:
            if self._conversions < _DIRECT_CONVERSIONS:
                self._conversions += 1
                text = self._text  # no CR in it
                return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
            starts = self._build()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        return Span(*self.position(start), *self.position(end))


class _MappedIndex:
    """Positions for a document embedded in a string: inner offsets map to outer offsets."""

    __slots__ = ("base", "offset_map")

    def __init__(self, offset_map: Sequence[int], base: _LineIndex) -> None:
        self.offset_map = offset_map  # one entry per inner character, plus one for the end
        self.base = base

    def position(self, offset: int) -> tuple[int, int]:
        return self.base.position(self.offset_map[offset])

    def span(self, start: int, end: int) -> Span:
        return self.base.span(self.offset_map[start], self.offset_map[end])


# -- the span index -------------------------------------------------------------------------


class _Node:
    """Offsets of one JSON value (and of its key when it is an object member).

    For a container, ``children`` maps keys (object) or holds (array) the child nodes found so
    far; ``cursor`` is -1 once all children are known. On the fast path containers are indexed
    incrementally, only as far as a requested path needs, and ``end`` stays -1 until needed.
    """

    __slots__ = ("children", "cursor", "end", "key_end", "key_start", "last", "start")

    def __init__(self, start: int, end: int, key_start: int = -1, key_end: int = -1) -> None:
        self.start = start
        self.end = end
        self.key_start = key_start
        self.key_end = key_end
        self.children: dict[str, _Node] | list[_Node] | None = None
        self.cursor = 0
        self.last: _Node | None = None


# Patterns are strings compiled on first use (see linter.wildcards.compiled): a strictly valid
# file without findings needs none of them.
_WHITESPACE = r"[ \t\n\r]*"
_WHITESPACE_CHARS = " \t\n\r"
# The C scanners keep no state between calls, so sharing them is safe.
_scan_string = json.decoder.scanstring
_scan_value = json.scanner.make_scanner(json.JSONDecoder())


def _value_end(text: str, node: _Node) -> int:
    """The end offset of a value the C decoder has accepted (skipped at C speed)."""
    if node.end < 0:
        node.end = _scan_value(text, node.start)[1]
    return node.end


def _index_next_child(text: str, node: _Node) -> bool:
    """Index one more child of a container the C decoder has accepted; False when none is left.

    Values before a requested child are skipped by the C scanner; the requested child itself is
    not scanned until its end or its own children are asked for.
    """
    ws = _WHITESPACE_CHARS
    last = node.last
    i = node.start + 1 if last is None else _value_end(text, last)
    if text[i] in ws:
        i = compiled(_WHITESPACE).match(text, i).end()
    if last is not None and text[i] == ",":
        i += 1
        if text[i] in ws:
            i = compiled(_WHITESPACE).match(text, i).end()
    elif text[i] in "]}":
        node.end = i + 1
        node.cursor = -1
        return False
    if type(node.children) is dict:
        key, key_end = _scan_string(text, i + 1)
        j = key_end
        if text[j] in ws:
            j = compiled(_WHITESPACE).match(text, j).end()
        j += 1  # the colon
        if text[j] in ws:
            j = compiled(_WHITESPACE).match(text, j).end()
        child = _Node(j, -1, i, key_end)
        node.children[key] = child
    else:
        child = _Node(i, -1)
        node.children.append(child)  # type: ignore[union-attr]
    if text[child.start] not in "{[":
        child.end = _scan_value(text, child.start)[1]
    node.last = child
    return True


def _descend(text: str, node: _Node, path: JsonPath, depth: int) -> tuple[_Node, int, _Node | None]:
    """Follow ``path[depth:]`` from ``node``, indexing containers on the way as needed.

    Returns the deepest node reached, the length of the path prefix it stands for, and its
    parent node (None when no step was taken).
    """
    parent = None
    for element in path[depth:]:
        children = node.children
        if children is None:
            opener = text[node.start]
            if opener == "{":
                children = node.children = {}
            elif opener == "[":
                children = node.children = []
            else:
                break
        if type(children) is dict:
            if type(element) is not str:
                break
            child = children.get(element)
            while child is None and node.cursor >= 0 and _index_next_child(text, node):
                child = children.get(element)
        else:
            if type(element) is not int or element < 0:
                break
            while len(children) <= element and node.cursor >= 0:
                if not _index_next_child(text, node):
                    break
            child = children[element] if element < len(children) else None
        if child is None:
            break
        parent, node = node, child
        depth += 1
    return node, depth, parent


_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
