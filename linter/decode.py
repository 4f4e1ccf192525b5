"""Position-tracking JSON decoder: the value of a policy file plus exact spans for JSON paths.

Two paths share one result type, :class:`Decoded`:

* The fast path hands the text to the C ``json`` decoder. Duplicate keys and ``NaN``/``Infinity``
  abort it from its hooks, so they cost no extra pass. Two checks follow: the nesting depth (a
  bracket count, and a walk of the containers only when there are more brackets than the limit)
  and, only if the text has a backslash, a search for surrogate escapes. Spans are not computed
  here: the span index is built lazily on the first :meth:`Decoded.span` call, one container at
  a time and only as far as the requested path needs (values before it are skipped by the C
  scanner), and cached on the result; files without findings never pay for it.
* Anything else goes through :class:`_PreciseParser`, an iterative parser with an explicit stack
  that reports each problem with its exact position, tolerates trailing commas and comments (so
  the rules can still run), and builds the full span index as it goes.

Tolerated, non-fatal problems: trailing commas, comments, duplicate keys (the last value wins, as
in AWS and ``json.loads``) and non-finite numbers. ``NaN``/``Infinity`` are only a token-level
deviation that hides no structure, so, as with trailing commas, the value (a float) is kept and
the rules still run; integers too long for Python's int-string limit (3.11+) are read as
+/-Infinity and reported the same way, since any such number overflows a double anyway.

Positions: lines and columns are 1-based, end columns exclusive, columns count code points (a
tab is one column). Line breaks are LF, CRLF and a lone CR, the three the Language Server
Protocol recognises; U+2028, U+2029, VT and FF are ordinary characters (JSON only allows them
inside strings). A UTF-8 byte order mark is removed before anything is counted, so column 1 of
line 1 is the first character after it.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import json
import json.decoder
import json.scanner
from collections.abc import Sequence
from typing import Any, NamedTuple

from linter.model import FILE_START, JsonPath, Span
from linter.wildcards import compiled

__all__ = [
    "Decoded",
    "Problem",
    "decode_bytes",
    "decode_embedded",
    "decode_mapped",
    "decode_text",
    "too_large_problem",
]

DEFAULT_MAX_DEPTH = 64


class Problem(NamedTuple):
    """Something wrong with the JSON of a file, with its exact location.

    ``code`` is one of ``syntax``, ``trailing-comma``, ``comment``, ``duplicate-key``,
    ``encoding``, ``non-finite-number``, ``too-deep``, ``too-large`` and ``empty``.
    ``fatal`` is True when the problem prevented a value from being produced.
    """

    code: str
    message: str
    span: Span
    fatal: bool


def too_large_problem(size: int, limit: int) -> Problem:
    """The problem for a file the caller refused to decode because it is bigger than ``limit``."""
    return Problem(
        "too-large",
        f"file is {size:,} bytes, larger than the limit of {limit:,} bytes; it was not decoded",
        FILE_START,
        True,
    )


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


# -- the result -----------------------------------------------------------------------------


class Decoded:
    """A decoded file: its text, value and problems, and spans for JSON paths.

    A path is a tuple of object keys (str) and array indices (int); ``()`` is the root value.
    """

    __slots__ = ("_fallback", "_locator", "_resolved", "_root", "ok", "problems", "text", "value")

    def __init__(
        self,
        text: str,
        value: object | None,
        ok: bool,
        problems: list[Problem],
        *,
        _root: _Node | None = None,
        _locator: _LineIndex | _MappedIndex | None = None,
        _fallback: Span = FILE_START,
    ) -> None:
        self.text = text
        self.value = value
        self.ok = ok
        self.problems = problems
        self._root = _root
        self._resolved: dict[JsonPath, _Node] = {}
        self._locator = _locator  # created on first use for plain files
        self._fallback = _fallback

    @classmethod
    def failed(cls, problem: Problem, text: str = "") -> Decoded:
        """A result without a value, for a file rejected before decoding (e.g. too large)."""
        return cls(text, None, False, [problem])

    def __repr__(self) -> str:
        return f"Decoded(ok={self.ok}, problems={self.problems!r}, value={self.value!r:.60})"

    def _root_node(self) -> _Node | None:
        if self._root is None and self.ok:
            text = self.text
            start = compiled(_WHITESPACE).match(text).end()
            end = len(text)
            while text[end - 1] in _WHITESPACE_CHARS:  # not rstrip(): that copies the text
                end -= 1
            self._root = _Node(start, end)
        return self._root

    def _walk(self, path: JsonPath) -> tuple[_Node | None, int]:
        """The node of the longest existing prefix of ``path`` and that prefix's length."""
        resolved = self._resolved
        node = resolved.get(path)
        if node is not None:
            return node, len(path)
        # Rules usually ask for several members of one object: start from the parent if known.
        parent = resolved.get(path[:-1]) if path else None
        if parent is not None:
            node, depth, parent = _descend(self.text, parent, path, len(path) - 1)
        else:
            root = self._root_node()
            if root is None:
                return None, 0
            node, depth, parent = _descend(self.text, root, path, 0)
        if depth == len(path):
            resolved[path] = node
            if parent is not None:
                resolved[path[:-1]] = parent
        return node, depth

    def _node_span(self, node: _Node, key: bool) -> Span:
        if key and node.key_start >= 0:
            return self._positions().span(node.key_start, node.key_end)
        return self._positions().span(node.start, _value_end(self.text, node))

    def _positions(self) -> _LineIndex | _MappedIndex:
        if self._locator is None:
            self._locator = _LineIndex(self.text)
        return self._locator

    def span(self, path: JsonPath, *, key: bool = False) -> Span | None:
        """The span of the value at ``path`` (with quotes / brackets), or None if it does not exist.

        With ``key=True`` the span of the member's key string (with quotes); for array elements
        and the root, where there is no key, the value's span.
        """
        node, matched = self._walk(path)
        if node is None or matched != len(path):
            return None
        return self._node_span(node, key)

    def nearest_span(self, path: JsonPath, *, key: bool = False) -> Span:
        """Like :meth:`span`, falling back to the longest existing prefix of ``path``.

        ``key`` applies to whichever node is found. Without any value (a fatal problem) this
        is the start of the file (for an embedded document: its string in the outer file).
        """
        node, _ = self._walk(path)
        if node is None:
            return self._fallback
        return self._node_span(node, key)

    def _offsets(self, path: JsonPath) -> tuple[int, int] | None:
        node, matched = self._walk(path)
        if node is None or matched != len(path):
            return None
        return node.start, _value_end(self.text, node)


# -- fast path ------------------------------------------------------------------------------


class _NeedsPreciseParse(Exception):
    """Raised from the C decoder's hooks: the text needs reporting, not just decoding."""


def _dict_rejecting_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _NeedsPreciseParse
    return members


def _reject_constant(name: str) -> float:
    raise _NeedsPreciseParse


_STRICT_DECODER = json.JSONDecoder(
    object_pairs_hook=_dict_rejecting_duplicates, parse_constant=_reject_constant
)
_SURROGATE_ESCAPE = r"\\u[dD][89a-fA-F]"
_RAW_SURROGATE = r"[\ud800-\udfff]"


def _nesting_within(value: dict | list, max_depth: int) -> bool:
    """Whether no chain of nested containers in ``value`` is longer than ``max_depth``."""
    level: list[Any] = [value]
    for _ in range(max_depth):
        deeper: list[Any] = []
        for container in level:
            items = container.values() if type(container) is dict else container
            deeper += [item for item in items if type(item) is dict or type(item) is list]
        if not deeper:
            return True
        level = deeper
    return False


def _decode_fast(text: str, max_depth: int) -> tuple[bool, object]:
    """Decode strictly valid JSON with the C decoder; (False, None) when it needs the parser."""
    try:
        value = _STRICT_DECODER.decode(text)
    except (ValueError, RecursionError, _NeedsPreciseParse):
        return False, None
    # Cheap bound first: nesting can only exceed the limit with more brackets than that.
    if (
        (type(value) is dict or type(value) is list)
        and text.count("[") + text.count("{") > max_depth
        and not _nesting_within(value, max_depth)
    ):
        return False, None
    if "\\" in text and compiled(_SURROGATE_ESCAPE).search(text):
        return False, None  # possibly a lone surrogate escape; the parser decides
    return True, value


def _decode(
    text: str,
    max_depth: int,
    locator: _MappedIndex | None = None,
    fallback: Span = FILE_START,
    *,
    precise: bool = False,
) -> Decoded:
    """Decode ``text``; ``locator`` maps positions for embedded documents (None: plain text)."""
    if text.startswith("\ufeff"):
        text = text[1:]
        if locator is not None:
            locator = _MappedIndex(locator.offset_map[1:], locator.base)
    fast, value = (False, None) if precise else _decode_fast(text, max_depth)
    if fast:
        return Decoded(text, value, True, [], _locator=locator, _fallback=fallback)
    positions = locator if locator is not None else _LineIndex(text)
    parser = _PreciseParser(text, max_depth, positions)
    value, root = parser.parse()
    problems = [
        Problem(code, message, positions.span(start, end), fatal)
        for code, message, start, end, fatal in parser.problems
    ]
    ok = root is not None
    return Decoded(
        text,
        value if ok else None,
        ok,
        problems,
        _root=root,
        _locator=positions,
        _fallback=fallback,
    )


# -- public entry points --------------------------------------------------------------------

_FOREIGN_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)", "utf-32"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)", "utf-32"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)", "utf-16"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)", "utf-16"),
)


def decode_bytes(data: bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Decoded:
    """Decode the bytes of a policy file, which AWS requires to be UTF-8 (a BOM is allowed)."""
    for bom, name, codec in _FOREIGN_BOMS:
        if data.startswith(bom):
            text = data.decode(codec, "replace")
            message = (
                f"file is {name} encoded (it starts with a byte order mark); AWS requires UTF-8"
            )
            problem = Problem("encoding", message, Span(1, 1, 1, 2), True)
            return Decoded(text, None, False, [problem])
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if len(data) >= 2 and (data[0] == 0 or data[1] == 0):
        # JSON text starts with an ASCII character, so a NUL here means a wider encoding.
        message = (
            "NUL byte at the start of the file: it looks like UTF-16 or UTF-32 without a byte "
            "order mark, or binary data; AWS requires UTF-8"
        )
        column = 1 if data[0] == 0 else 2
        problem = Problem("encoding", message, Span(1, column, 1, column + 1), True)
        return Decoded(data.decode("utf-8", "replace"), None, False, [problem])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _encoding_failure(data, error)
    return _decode(text, max_depth)


def _encoding_failure(data: bytes, error: UnicodeDecodeError) -> Decoded:
    text = data.decode("utf-8", "replace")
    # The replacement decoding is identical up to the first bad byte, so positions agree.
    good_prefix = data[: error.start].decode("utf-8")
    line, column = _LineIndex(good_prefix).position(len(good_prefix))
    bad_bytes = " ".join(f"0x{byte:02X}" for byte in data[error.start : error.end])
    message = (
        f"invalid UTF-8 ({error.reason}: {bad_bytes}); AWS requires policies to be UTF-8 encoded"
    )
    problem = Problem("encoding", message, Span(line, column, line, column + 1), True)
    return Decoded(text, None, False, [problem])


def decode_text(text: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Decoded:
    """Decode policy text that is already a ``str`` (a leading BOM character is removed)."""
    # Raw surrogates only occur in a str built in Python; the C decoder would accept them.
    precise = not text.isascii() and compiled(_RAW_SURROGATE).search(text) is not None
    return _decode(text, max_depth, precise=precise)


def decode_embedded(
    outer: Decoded,
    path: JsonPath,
    *,
    url_encoded: bool = False,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Decoded:
    """Decode the JSON document held in the string value at ``path`` of ``outer``.

    ``aws kms get-key-policy`` prints ``{"Policy": "{\\n  \\"Version\\" ..."}``; with
    ``url_encoded=True`` the string is first percent-decoded (RFC 3986: ``+`` stays ``+``), as in
    the ``Document`` of ``aws iam get-policy-version``. Every span and problem of the result is
    in the coordinates of the outer file, mapped through the escape sequences, so an inner key
    ``"Action"`` spans the characters ``\\"Action\\"`` of the outer file.

    Raises ValueError when there is no string value at ``path``.
    """
    offsets = outer._offsets(path)
    if offsets is None or outer.text[offsets[0]] != '"':
        raise ValueError(f"no string value at {path!r} to decode as an embedded document")
    literal_start, literal_end = offsets
    outer_text = outer.text
    base = outer._positions()
    fallback = base.span(literal_start, literal_end)
    inner, offset_map = _unescape_json_string(outer_text, literal_start, literal_end)
    if url_encoded:
        inner, offset_map, bad = _percent_decode(inner, offset_map)
        if bad is not None:
            start, end, message = bad
            problem = Problem("encoding", message, _map_span(base, offset_map, start, end), True)
            return Decoded(inner, None, False, [problem], _fallback=fallback)
    if isinstance(base, _MappedIndex):
        outer_map = base.offset_map
        offset_map = [outer_map[offset] for offset in offset_map]
        base = base.base
    return _decode(inner, max_depth, _MappedIndex(offset_map, base), fallback)


def decode_mapped(
    text: str,
    file_text: str,
    offsets: Sequence[int],
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Decoded:
    """Decode a JSON document that a file holds in some other form (a YAML block scalar, a
    Terraform heredoc, a quoted string with its own escapes), with spans in the file.

    ``offsets[i]`` is the offset in ``file_text`` of ``text[i]``, with one more entry for the end
    of ``text``. Every span and problem of the result is in the file's coordinates.
    """
    if len(offsets) != len(text) + 1:
        raise ValueError("decode_mapped needs one offset per character of text, plus the end")
    base = _LineIndex(file_text)
    fallback = base.span(offsets[0], offsets[-1])
    return _decode(text, max_depth, _MappedIndex(list(offsets), base), fallback)


def _map_span(base: _LineIndex | _MappedIndex, offset_map: list[int], start: int, end: int) -> Span:
    return base.span(offset_map[start], offset_map[end])


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
_STRING_PIECE = (
    r"(?s)(?P<pair>\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?P<unicode>\\u[0-9a-fA-F]{4})|(?P<escape>\\.)|[^\\]+"
)


def _unescape_json_string(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Decode the valid string literal ``text[start:end]`` and map each character to its source.

    The map has one offset per decoded character (where its source begins in ``text``) and a
    final entry for the closing quote, so inner offset ``i`` maps to ``offset_map[i]``.
    """
    pieces: list[str] = []
    offset_map: list[int] = []
    for match in compiled(_STRING_PIECE).finditer(text, start + 1, end - 1):
        kind = match.lastgroup
        if kind is None:
            pieces.append(match.group())
            offset_map.extend(range(match.start(), match.end()))
            continue
        token = match.group()
        if kind == "escape":
            pieces.append(_SIMPLE_ESCAPES[token[1]])
        elif kind == "unicode":
            pieces.append(chr(int(token[2:], 16)))
        else:
            high, low = int(token[2:6], 16), int(token[8:], 16)
            pieces.append(chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)))
        offset_map.append(match.start())
    offset_map.append(end - 1)
    return "".join(pieces), offset_map


_PERCENT_RUN = r"(?:%[0-9a-fA-F]{2})+"


def _percent_decode(
    text: str, offset_map: list[int]
) -> tuple[str, list[int], tuple[int, int, str] | None]:
    """Percent-decode ``text`` (UTF-8), composing ``offset_map``; also the first invalid run."""
    pieces: list[str] = []
    new_map: list[int] = []
    position = 0
    for match in compiled(_PERCENT_RUN).finditer(text):
        run_start, run_end = match.span()
        pieces.append(text[position:run_start])
        new_map.extend(offset_map[position:run_start])
        raw = bytes.fromhex(match.group().replace("%", ""))
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            bad_start = run_start + 3 * error.start
            message = (
                f"URL-encoded bytes {text[bad_start : run_start + 3 * error.end]} are not valid "
                "UTF-8; AWS requires policies to be UTF-8 encoded"
            )
            return text, offset_map, (bad_start, run_start + 3 * error.end, message)
        source = run_start
        for char in decoded:
            new_map.append(offset_map[source])
            source += 3 * len(char.encode("utf-8"))
        pieces.append(decoded)
        position = run_end
    pieces.append(text[position:])
    new_map.extend(offset_map[position:])
    return "".join(pieces), new_map, None


# -- precise parser -------------------------------------------------------------------------

_PLAIN_STRING = r'"[^"\\\x00-\x1f\ud800-\udfff]*"'
_STRING_RUN = r'[^"\\\x00-\x1f\ud800-\udfff]*'
_HEX4 = r"[0-9a-fA-F]{1,4}"
_NUMBER = r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?"
_WORD = r"[A-Za-z_$][A-Za-z0-9_$]*"
_COMMENT_LINE = r"//[^\r\n]*"
_NUMBER_CHARS = "-0123456789"
_ALPHANUMERIC = r"[0-9A-Za-z]*"
_SHORT_STRING = r'"[^"\\\r\n]{0,40}"'
_LOW_SURROGATE_ESCAPE = r"\\u([dD][c-fC-F][0-9a-fA-F]{2})"
_LITERALS: dict[str, object] = {"true": True, "false": False, "null": None}
_NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
_UNTERMINATED_STRING = "unterminated string: no closing quote before end of file"
_ESCAPE_NAMES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


class _SyntaxFailure(Exception):
    """Ends parsing at the first fatal problem (already recorded)."""


class _Frame:
    """An open container on the parser's stack."""

    __slots__ = ("container", "is_object", "key", "key_end", "key_start", "node")

    def __init__(self, node: _Node, container: dict | list, is_object: bool) -> None:
        self.node = node
        self.container = container
        self.is_object = is_object
        self.key = ""
        self.key_start = -1
        self.key_end = -1


class _PreciseParser:
    """An iterative JSON parser that reports problems with exact offsets and builds the index.

    Trailing commas, comments, duplicate keys and non-finite numbers are reported and then
    tolerated; anything else ends the parse with one fatal problem.
    """

    def __init__(self, text: str, max_depth: int, locator: _LineIndex | _MappedIndex) -> None:
        self.text = text
        self.max_depth = max_depth
        self.locator = locator
        # (code, message, start offset, end offset, fatal), in source order
        self.problems: list[tuple[str, str, int, int, bool]] = []
        # the patterns matched at every token, looked up once
        self._match_whitespace = compiled(_WHITESPACE).match
        self._match_plain_string = compiled(_PLAIN_STRING).match

    # problems

    def _report(self, code: str, message: str, start: int, end: int, fatal: bool = False) -> None:
        self.problems.append((code, message, start, end, fatal))

    def _fail(self, message: str, start: int, end: int, code: str = "syntax") -> _SyntaxFailure:
        self._report(code, message, start, end, True)
        return _SyntaxFailure()

    def _found(self, i: int) -> tuple[str, int]:
        """A description of what is at ``i`` for an error message, and where that token ends."""
        text = self.text
        if i >= len(text):
            return "end of file", i
        char = text[i]
        word = compiled(_WORD).match(text, i)
        if word:
            token = word.group()
            shown = token if len(token) <= 30 else token[:27] + "..."
            return f"'{shown}'", word.end()
        if char == '"':
            string = compiled(_SHORT_STRING).match(text, i)
            if string:
                return f"string {string.group()}", string.end()
            return "a string", i + 1
        if char.isprintable() and not char.isspace():
            return f"'{char}'", i + 1
        import unicodedata  # only for messages about invisible characters

        name = unicodedata.name(char, "")
        return (f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"), i + 1

    def _expected(self, expectation: str, i: int) -> _SyntaxFailure:
        found, end = self._found(i)
        return self._fail(f"{expectation}, found {found}", i, end)

    # lexing

    def _skip(self, i: int) -> int:
        """Skip whitespace and comments (each comment is reported and ignored)."""
        text = self.text
        while True:
            i = self._match_whitespace(text, i).end()
            if not text.startswith("/", i):
                return i
            if text.startswith("//", i):
                end = compiled(_COMMENT_LINE).match(text, i).end()
            elif text.startswith("/*", i):
                close = text.find("*/", i + 2)
                if close < 0:
                    raise self._fail("unterminated /* comment (no closing */)", i, i + 2)
                end = close + 2
            else:
                return i  # a lone slash: the caller reports it as unexpected
            self._report("comment", "comment in JSON: AWS rejects comments in policies", i, end)
            i = end

    def _string(self, i: int) -> tuple[str, int]:
        """Parse the string starting at the quote at ``i``; return its value and end offset."""
        text = self.text
        plain = self._match_plain_string(text, i)
        if plain:
            end = plain.end()
            return text[i + 1 : end - 1], end
        pieces: list[str] = []
        j = i + 1
        length = len(text)
        while True:
            run = compiled(_STRING_RUN).match(text, j)
            pieces.append(run.group())
            j = run.end()
            if j >= length:
                raise self._fail(_UNTERMINATED_STRING, i, i + 1)
            char = text[j]
            if char == '"':
                return "".join(pieces), j + 1
            if char == "\\":
                char, j = self._escape(j)
                pieces.append(char)
            elif char in "\r\n":
                raise self._fail(
                    "unterminated string: line break before the closing quote "
                    "(write a line break inside a string as \\n)",
                    i,
                    j,
                )
            elif "\ud800" <= char <= "\udfff":
                raise self._fail(f"lone surrogate U+{ord(char):04X} in string", j, j + 1)
            else:
                escape = _ESCAPE_NAMES.get(char, f"\\u{ord(char):04x}")
                raise self._fail(
                    f"control character U+{ord(char):04X} in string must be escaped as {escape}",
                    j,
                    j + 1,
                )

    def _escape(self, j: int) -> tuple[str, int]:
        """Decode the escape sequence whose backslash is at ``j``."""
        text = self.text
        kind = text[j + 1 : j + 2]
        if kind in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[kind], j + 2
        if kind != "u":
            if not kind:
                raise self._fail(_UNTERMINATED_STRING, j, j + 1)
            shown = kind if kind.isprintable() else f"U+{ord(kind):04X}"
            raise self._fail(
                f"invalid escape '\\{shown}' in string; valid escapes are "
                '\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX',
                j,
                j + 2,
            )
        digits = compiled(_HEX4).match(text, j + 2)
        if digits is None or len(digits.group()) < 4:
            end = digits.end() if digits else j + 2
            raise self._fail("invalid \\u escape: expected 4 hexadecimal digits", j, end)
        code = int(digits.group(), 16)
        if 0xDC00 <= code <= 0xDFFF:
            raise self._fail(
                f"lone surrogate \\u{digits.group()}: a low surrogate must follow a high one",
                j,
                j + 6,
            )
        if 0xD800 <= code <= 0xDBFF:
            low = compiled(_LOW_SURROGATE_ESCAPE).match(text, j + 6)
            if low is None:
                raise self._fail(
                    f"lone surrogate \\u{digits.group()}: a high surrogate must be followed by a "
                    "low surrogate escape (\\uDC00-\\uDFFF)",
                    j,
                    j + 6,
                )
            low_code = int(low.group(1), 16)
            return chr(0x10000 + ((code - 0xD800) << 10) + (low_code - 0xDC00)), j + 12
        return chr(code), j + 6

    def _number(self, i: int) -> tuple[object, int]:
        text = self.text
        match = compiled(_NUMBER).match(text, i)
        if match is None:
            if text.startswith("-Infinity", i):
                return self._non_finite("-Infinity", i)
            raise self._fail("invalid number: expected a digit after '-'", i, i + 1)
        end = match.end()
        token = match.group()
        following = text[end : end + 1]
        fraction, exponent = match.group(1), match.group(2)
        if following and following in "0123456789xX" and token.lstrip("-") == "0":
            token_end = compiled(_ALPHANUMERIC).match(text, end).end()
            if following in "xX":
                raise self._fail("hexadecimal numbers are not allowed in JSON", i, token_end)
            raise self._fail("leading zeros are not allowed in numbers", i, token_end)
        if following == "." and fraction is None and exponent is None:
            raise self._fail("invalid number: expected a digit after the decimal point", i, end + 1)
        if following in ("e", "E") and following and exponent is None:
            end_of_sign = end + 2 if text[end + 1 : end + 2] in ("+", "-") else end + 1
            raise self._fail("invalid number: expected a digit in the exponent", i, end_of_sign)
        if fraction or exponent:
            return float(token), end
        try:
            return int(token), end
        except ValueError:
            # Python refuses to convert integers longer than its digit limit (3.11+); no IAM
            # number is that long, and any such value overflows a double anyway.
            digits = len(token.lstrip("-"))
            self._report(
                "non-finite-number",
                f"integer with {digits} digits is too large; it is read as "
                f"{'-' if token.startswith('-') else ''}Infinity",
                i,
                end,
            )
            return float("-inf" if token.startswith("-") else "inf"), end

    def _non_finite(self, token: str, i: int) -> tuple[float, int]:
        self._report(
            "non-finite-number",
            f"{token} is not valid JSON (AWS rejects it); use a string or a finite number",
            i,
            i + len(token),
        )
        return _NON_FINITE[token], i + len(token)

    def _scalar(self, i: int) -> tuple[object, int]:
        """Parse a value that is not a container at ``i``."""
        text = self.text
        char = text[i : i + 1]
        if char == '"':
            return self._string(i)
        if char and char in _NUMBER_CHARS:
            return self._number(i)
        word = compiled(_WORD).match(text, i)
        if word:
            token = word.group()
            if token in _LITERALS:
                return _LITERALS[token], word.end()
            if token in _NON_FINITE:
                return self._non_finite(token, i)
            lower = token.lower()
            if lower in ("true", "false", "null", "none"):
                spelled = "null" if lower == "none" else lower
                raise self._fail(f"'{token}' is not a JSON literal; write {spelled}", i, word.end())
        if char == "'":
            close = text.find("'", i + 1)
            line_end = min(
                (p for p in (text.find("\n", i), text.find("\r", i)) if p >= 0), default=len(text)
            )
            end = close + 1 if 0 <= close < line_end else i + 1
            raise self._fail("single-quoted string: JSON strings use double quotes", i, end)
        if char == "+":
            raise self._fail("invalid number: a leading '+' is not allowed", i, i + 1)
        if char == "." and text[i + 1 : i + 2].isdigit():
            message = "invalid number: a digit is required before the decimal point"
            raise self._fail(message, i, i + 1)
        raise self._expected("expected a value", i)

    def _key(self, i: int, after_comma: bool) -> tuple[str, int]:
        text = self.text
        char = text[i : i + 1]
        if char == '"':
            return self._string(i)
        word = compiled(_WORD).match(text, i)
        if word:
            raise self._fail(
                f"unquoted key '{word.group()}': object keys must be double-quoted strings",
                i,
                word.end(),
            )
        if char == "'":
            close = text.find("'", i + 1)
            end = close + 1 if close > 0 and "\n" not in text[i:close] else i + 1
            raise self._fail("single-quoted key: JSON strings use double quotes", i, end)
        if after_comma:
            raise self._expected("expected a double-quoted key after ','", i)
        raise self._expected("expected a double-quoted key or '}'", i)

    # structure

    def parse(self) -> tuple[object, _Node | None]:
        """Return (value, root node); the root node is None after a fatal problem."""
        try:
            return self._parse()
        except _SyntaxFailure:
            return None, None

    def _parse(self) -> tuple[object, _Node | None]:
        text = self.text
        length = len(text)
        i = self._skip(0)
        if i >= length:
            what = "the file contains no JSON value"
            if self.problems:
                what += " (only comments)"
            elif text:
                what += " (only whitespace)"
            raise self._fail(what, 0, 0, code="empty")
        stack: list[_Frame] = []
        while True:
            # A value starts at i.
            char = text[i : i + 1]
            if char == "{" or char == "[":
                if len(stack) >= self.max_depth:
                    raise self._fail(
                        f"too deeply nested: this '{char}' opens level {len(stack) + 1}, "
                        f"the limit is {self.max_depth}",
                        i,
                        i + 1,
                        code="too-deep",
                    )
                is_object = char == "{"
                node = _Node(i, -1)
                frame = _Frame(node, {} if is_object else [], is_object)
                node.children = {} if is_object else []
                node.cursor = -1  # the parser indexes every child itself
                stack.append(frame)
                i = self._skip(i + 1)
                closer = "}" if is_object else "]"
                if text.startswith(closer, i):
                    value, end = self._close(stack, i)
                elif is_object:
                    i = self._member_key(frame, i, after_comma=False)
                    continue
                else:
                    continue
            else:
                start = i
                value, end = self._scalar(i)
                node = _Node(start, end)
            # A value ended at `end`: attach it, then move on to the next value.
            while True:
                if not stack:
                    self._check_end(end)
                    return value, node
                frame = stack[-1]
                self._attach(frame, value, node)
                i = self._skip(end)
                char = text[i : i + 1]
                closer = "}" if frame.is_object else "]"
                if char == ",":
                    comma = i
                    i = self._skip(i + 1)
                    if text.startswith(closer, i):
                        self._report(
                            "trailing-comma", f"trailing comma before '{closer}'", comma, comma + 1
                        )
                        value, end = self._close(stack, i)
                        node = frame.node
                        continue
                    if frame.is_object:
                        i = self._member_key(frame, i, after_comma=True)
                    break
                if char == closer:
                    value, end = self._close(stack, i)
                    node = frame.node
                    continue
                if frame.is_object:
                    raise self._expected("expected ',' or '}' after object member", i)
                raise self._expected("expected ',' or ']' after array element", i)

    def _member_key(self, frame: _Frame, i: int, after_comma: bool) -> int:
        """Parse ``"key" :`` at ``i`` into ``frame``; return where the member's value starts."""
        key, key_end = self._key(i, after_comma)
        frame.key, frame.key_start, frame.key_end = key, i, key_end
        colon = self._skip(key_end)
        if not self.text.startswith(":", colon):
            raise self._expected("expected ':' after object key", colon)
        return self._skip(colon + 1)

    def _attach(self, frame: _Frame, value: object, node: _Node) -> None:
        if frame.is_object:
            key = frame.key
            node.key_start, node.key_end = frame.key_start, frame.key_end
            members: dict = frame.node.children  # type: ignore[assignment]
            earlier = members.get(key)
            if earlier is not None:
                line, column = self.locator.position(earlier.key_start)
                self._report(
                    "duplicate-key",
                    f"duplicate key {json.dumps(key, ensure_ascii=False)} (first at line {line}, "
                    f"column {column}); the last value is used",
                    node.key_start,
                    node.key_end,
                )
            members[key] = node
            frame.container[key] = value  # type: ignore[index]
        else:
            frame.node.children.append(node)  # type: ignore[union-attr]
            frame.container.append(value)  # type: ignore[union-attr]

    def _close(self, stack: list[_Frame], i: int) -> tuple[object, int]:
        frame = stack.pop()
        frame.node.end = i + 1
        return frame.container, i + 1

    def _check_end(self, end: int) -> None:
        i = self._skip(end)
        if i < len(self.text):
            raise self._expected("expected end of file after the JSON value", i)
