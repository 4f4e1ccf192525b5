"""YAML with positions: PyYAML's composed node tree as values, spans and string offsets.

CloudFormation YAML is composed (not constructed) with PyYAML, with the libyaml parser when it
is installed: nodes keep their start and end marks, and short-form tags (``!Sub``, ``!GetAtt``)
stay on the nodes instead of failing a constructor. :func:`to_value` turns a node into plain
values, a tagged node into a :class:`Tagged`; :class:`NodeLocator` maps JSON paths of a value
back to node spans; :func:`scalar_offsets` maps each character of a scalar's value to its
offset in the file (for JSON documents held in YAML strings).

Positions come from the marks' ``index`` (code points): lines are counted at LF, CRLF and CR
only, like everything else in iamlint (libyaml also breaks lines at NEL, U+2028 and U+2029).

``yaml`` is imported inside functions only: runs over JSON files never load it.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from linter.model import JsonPath, Span

MAX_DEPTH = 128

# YAML 1.2 core-schema style scalars, without YAML 1.1's yes/no, octal and sexagesimal
# numbers and without timestamps: CloudFormation reads ``Version: 2012-10-17`` as a string,
# and an account id with a leading zero must stay a string.
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOLEANS["FALSE"] = False
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_STR_TAG = "tag:yaml.org,2002:str"
_STANDARD_TAG = "tag:yaml.org,2002:"


class YamlError(Exception):
    """A YAML syntax error at ``start``..``end`` (offsets in the text)."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end


class Tagged:
    """A node with a local tag (``!Sub``, ``!Ref``): its tag without the ``!``, its value
    (converted the same way) and the node itself (for its span and text)."""

    __slots__ = ("name", "node", "value")

    def __init__(self, name: str, value: Any, node: Any) -> None:
        self.name = name
        self.value = value
        self.node = node

    def __repr__(self) -> str:
        return f"Tagged({self.name!r}, {self.value!r})"


class Lines:
    """Offsets in a text to 1-based line and column spans (LF, CRLF and CR breaks)."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            starts = [0]
            for match in re.finditer(r"\r\n|\r|\n", self.text):
                starts.append(match.end())
            self._starts = starts
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        starts = self._line_starts()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        return Span(*self.position(start), *self.position(end))

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based (line, column) position."""
        return self._line_starts()[line - 1] + column - 1


_DEFAULT_TAGS = {
    "scalar": _STR_TAG,
    "sequence": "tag:yaml.org,2002:seq",
    "mapping": "tag:yaml.org,2002:map",
}


class _NoImplicitTags:
    """The resolver part of a loader: no implicit tags at all (PyYAML's resolver costs a
    call chain per node; :func:`plain_scalar` types plain scalars instead)."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _DEFAULT_TAGS[kind.id]


def _loader() -> type:
    """A libyaml (or pure Python) loader class that resolves no implicit tags: plain scalars
    are typed by :func:`plain_scalar`, which knows CloudFormation's habits."""
    try:
        from yaml.cyaml import CParser as Parser
    except ImportError:  # PyYAML without libyaml
        from yaml.composer import Composer
        from yaml.parser import Parser as PyParser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class _PureLoader(Reader, Scanner, PyParser, Composer, _NoImplicitTags):
            def __init__(self, stream: str) -> None:
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                PyParser.__init__(self)
                Composer.__init__(self)

        return _PureLoader

    class _Loader(Parser, _NoImplicitTags):  # type: ignore[misc,valid-type]
        pass

    return _Loader


_LOADER: list[type] = []


def compose(text: str) -> list[Any]:
    """The documents of a YAML stream as node trees; raises :class:`YamlError`."""
    import yaml

    if not _LOADER:
        _LOADER.append(_loader())
    loader = _LOADER[0](text)
    try:
        documents = []
        while loader.check_node():
            documents.append(loader.get_node())
        return documents
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        index = min(mark.index, len(text)) if mark is not None else 0
        message = error.problem or "invalid YAML"
        if error.context:
            message = f"{message} {error.context}"
            if error.context_mark is not None and error.problem_mark is not None:
                line, column = Lines(text).position(min(error.context_mark.index, len(text)))
                message += f" (started at line {line}, column {column})"
        end = index + 1 if index < len(text) and text[index] not in "\r\n" else index
        raise YamlError(message, index, end) from None
    except yaml.YAMLError as error:  # reader errors: control characters and the like
        raise YamlError(str(error).replace("\n", " "), 0, 0) from None
    finally:
        loader.dispose()


def plain_scalar(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar."""
    if text in _NULLS:
        return None
    boolean = _BOOLEANS.get(text)
    if boolean is not None:
        return boolean
    first = text[0]
    if first.isdigit() or first in "-+.":
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
    return text


def to_value(node: Any, depth: int = 0) -> Any:
    """Plain values for a node tree; locally tagged nodes become :class:`Tagged`."""
    if depth > MAX_DEPTH:
        raise YamlError("YAML nested too deeply", node.start_mark.index, node.start_mark.index)
    tag = node.tag
    kind = node.id
    if kind == "scalar":
        value: Any = node.value
        if not node.style and tag == _STR_TAG and value:
            first = value[0]
            if first in _TYPED_STARTS:
                value = plain_scalar(value)
        elif not node.style and not value:
            value = None
    elif kind == "mapping":
        value = {}
        depth += 1
        for key_node, value_node in node.value:
            key = key_node.value if key_node.id == "scalar" else to_value(key_node, depth)
            value[key if type(key) is str else str(key)] = to_value(value_node, depth)
    else:
        depth += 1
        value = [to_value(item, depth) for item in node.value]
    if tag[0] == "!" and len(tag) > 1:
        return Tagged(tag[1:], value, node)
    return value


# The first characters of plain scalars that are not strings: null, booleans, numbers.
_TYPED_STARTS = frozenset("~nNtTfF0123456789-+.")


def node_text(node: Any, text: str) -> str:
    """The node as written (whitespace runs collapsed to one space)."""
    start, end = node_offsets(node, text)
    return " ".join(text[start:end].split())


def node_offsets(node: Any, text: str) -> tuple[int, int]:
    """Start and end offsets of a node: a scalar's own characters (quotes included), a block
    container up to the end of its last child (the marks run to the next token)."""
    start = node.start_mark.index
    kind = node.id
    if kind == "scalar":
        end = node.end_mark.index
        if node.style in ("|", ">"):
            end = _strip_trailing(text, start, end)
        return start, end
    flow = getattr(node, "flow_style", None)
    if flow or not node.value:
        return start, node.end_mark.index
    last = node.value[-1]
    if kind == "mapping":
        last = last[1]
    return start, node_offsets(last, text)[1]


def _strip_trailing(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def tag_element(node: Any) -> str | None:
    """The JSON path element that steps into a locally tagged node: its long-form key
    (``!If`` -> ``Fn::If``, ``!Ref`` -> ``Ref``); None for an untagged node."""
    tag = node.tag
    if not tag.startswith("!") or len(tag) == 1:
        return None
    name = tag[1:]
    return name if name in ("Ref", "Condition") or name.startswith("Fn::") else f"Fn::{name}"


def child(node: Any, element: Any) -> tuple[Any, Any] | None:
    """(key node, value node) of a mapping member, (None, item) of a sequence item."""
    if node.id == "mapping":
        if type(element) is not str:
            return None
        found = None
        for key_node, value_node in node.value:
            if key_node.id == "scalar" and key_node.value == element:
                found = (key_node, value_node)  # the last duplicate wins, as in to_value
        return found
    if node.id == "sequence" and type(element) is int and 0 <= element < len(node.value):
        return None, node.value[element]
    return None


def walk(root: Any, path: JsonPath) -> tuple[Any, Any, int]:
    """(key node, node, depth) of the deepest node on ``path``; a tagged node is stepped
    into by its long-form key (``("Fn::If", 1)`` is the first branch of an ``!If``)."""
    key_node = None
    node = root
    through = False
    for depth, element in enumerate(path):
        if not through:
            element_of_tag = tag_element(node)
            if element_of_tag is not None:
                if element != element_of_tag:
                    return key_node, node, depth
                through = True
                continue
        found = child(node, element)
        if found is None:
            return key_node, node, depth
        key_node, node = found
        through = False
    return key_node, node, len(path)


class NodeLocator:
    """Spans for JSON paths of the value of ``node`` (a :class:`linter.sources.Locator`)."""

    __slots__ = ("lines", "node")

    def __init__(self, node: Any, lines: Lines) -> None:
        self.node = node
        self.lines = lines

    def _walk(self, path: JsonPath) -> tuple[Any, Any, int]:
        return walk(self.node, path)

    def _span(self, key_node: Any, node: Any, key: bool) -> Span:
        text = self.lines.text
        if key and key_node is not None:
            return self.lines.span(*node_offsets(key_node, text))
        return self.lines.span(*node_offsets(node, text))

    def span(self, path: JsonPath, *, key: bool = False) -> Span | None:
        key_node, node, depth = self._walk(path)
        if depth != len(path):
            return None
        return self._span(key_node, node, key)

    def nearest_span(self, path: JsonPath, *, key: bool = False) -> Span:
        key_node, node, _ = self._walk(path)
        return self._span(key_node, node, key)


def scalar_offsets(node: Any, text: str) -> list[int]:
    """The offset in ``text`` of each character of a scalar node's value, plus its end.

    Folded line breaks, indentation, quotes and escapes are skipped; each value character maps
    to where it is written (an escape to its backslash).
    """
    value = node.value
    start = node.start_mark.index
    end = node.end_mark.index
    if text.startswith("!", start):  # the tag, then the spaces before the value
        while start < end and text[start] not in " \t\r\n":
            start += 1
        while start < end and text[start] in " \t\r\n":
            start += 1
    style = node.style
    if style in ("|", ">"):
        newline = re.compile(r"\r\n|\r|\n").search(text, start, end)
        start = newline.end() if newline else end
        end = _strip_trailing(text, start, end)
    elif style in ("'", '"'):
        start += 1
        end -= 1
    offsets: list[int] = []
    j = start
    double = style == '"'
    length = len(value)
    i = 0
    while i < length:
        char = value[i]
        while j < end:
            source = text[j]
            if double and source == "\\":
                escape_end = _escape_end(text, j, end)
                if escape_end < 0:  # an escaped line break: no character
                    j = -escape_end
                    while j < end and text[j] in " \t":
                        j += 1
                    continue
                offsets.append(j)
                j = escape_end
                break
            if source == char or (char in " \n" and source in "\r\n"):
                offsets.append(j)
                j += 2 if source == "\r" and text.startswith("\n", j + 1) and char == "\n" else 1
                break
            j += 1
        else:
            offsets.extend([end] * (length - i))
            break
        i += 1
    offsets.append(max(j, offsets[-1] + 1 if offsets else start) if j <= end else end)
    if len(offsets) > length + 1:  # defensive: never more than one entry per character
        del offsets[length + 1 :]
    return offsets


_ESCAPE_LENGTHS = {"x": 4, "u": 6, "U": 10}


def _escape_end(text: str, j: int, end: int) -> int:
    """The end of the double-quoted escape at ``j``; minus the resume offset for an escaped
    line break (which stands for no character)."""
    kind = text[j + 1 : j + 2]
    if kind in ("\n", "\r"):
        resume = j + 2
        if kind == "\r" and text.startswith("\n", resume):
            resume += 1
        return -resume
    return min(j + _ESCAPE_LENGTHS.get(kind, 2), end)
