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

import codecs
import json
import json.decoder
import json.scanner
from collections.abc import Sequence
from typing import Any, NamedTuple

from linter.decode_index import (
    _SIMPLE_ESCAPES,
    _WHITESPACE,
    _WHITESPACE_CHARS,
    _descend,
    _LineIndex,
    _MappedIndex,
    _Node,
    _value_end,
)
from linter.decode_parser import _PreciseParser
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
