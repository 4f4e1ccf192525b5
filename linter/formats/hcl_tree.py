"""Tree-sitter helpers for Terraform HCL: parsing, positions, strings and HCL values as JSON.

Tree-sitter (with the ``tree_sitter_hcl`` grammar) gives exact byte ranges for every block,
attribute, object element, tuple element, string and heredoc. This module turns them into the
core model's terms: character offsets and spans (1-based lines, code-point columns, end
exclusive), JSON values with a :class:`~linter.sources.SpanTable` entry for every key and
element, and :class:`~linter.sources.Unknown` for everything Terraform only knows at apply time
(references, function calls, conditionals, for-expressions, interpolations, directives).

``tree_sitter`` is imported on the first parse only, so a run over JSON files never loads it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Any

from linter.formats.tf_template import (
    Hole,
    Literal,
    Piece,
    reference_unknown,
    sole_hole,
    template_unknown,
)
from linter.model import JsonPath, Span
from linter.sources import Unknown

__all__ = [
    "HclFile",
    "JsonConverter",
    "Template",
    "attributes",
    "block_labels",
    "body_items",
    "first_error",
    "parse",
    "unwrap",
]

_PARSER: Any = None


def _parser() -> Any:
    global _PARSER
    if _PARSER is None:
        import tree_sitter_hcl
        from tree_sitter import Language, Parser

        _PARSER = Parser(Language(tree_sitter_hcl.language()))
    return _PARSER


class HclFile:
    """A parsed HCL file: its bytes, text, syntax tree and offset conversions.

    Tree-sitter counts bytes; the core model counts code points. ``char(byte)`` converts, and
    ``span`` turns character offsets into a :class:`Span` (line breaks: LF, CRLF, lone CR).
    """

    __slots__ = ("_byte_to_char", "_line_starts", "data", "text", "tree")

    def __init__(self, data: bytes, text: str, tree: Any) -> None:
        self.data = data
        self.text = text
        self.tree = tree
        self._byte_to_char: list[int] | None = None
        self._line_starts: list[int] | None = None

    @property
    def root(self) -> Any:
        return self.tree.root_node

    def char(self, byte_offset: int) -> int:
        """The character offset of a byte offset (at a character boundary)."""
        if len(self.data) == len(self.text):
            return byte_offset
        table = self._byte_to_char
        if table is None:
            table = []
            for index, character in enumerate(self.text):
                code = ord(character)
                width = 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
                table.extend([index] * width)
            table.append(len(self.text))
            self._byte_to_char = table
        return table[byte_offset]

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            text = self.text
            if "\r" in text:  # same length, one LF per line break
                text = text.replace("\r\n", " \n").replace("\r", "\n")
            lengths = map((1).__add__, map(len, text.split("\n")))
            starts = list(itertools.accumulate(lengths, initial=0))
            starts.pop()
            self._line_starts = starts
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        starts = self._starts()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        """The span of the characters ``text[start:end]``."""
        return Span(*self.position(start), *self.position(end))

    def node_span(self, node: Any) -> Span:
        return self.span(self.char(node.start_byte), self.char(node.end_byte))

    def node_text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def parse(data: bytes, text: str) -> HclFile:
    """Parse HCL ``data`` (UTF-8, BOM already removed; ``text`` is its decoded form)."""
    return HclFile(data, text, _parser().parse(data))


class MappedHclFile(HclFile):
    """HCL held inside another file (a ``${jsonencode(...)}`` expression in a ``.tf.json``
    string): spans are in the outer file, through ``offsets`` (the outer character offset of
    each character of ``text``, plus one for the end)."""

    __slots__ = ("offsets", "outer")

    def __init__(self, data: bytes, text: str, tree: Any, outer: HclFile, offsets: list[int]):
        super().__init__(data, text, tree)
        self.outer = outer
        self.offsets = offsets

    def span(self, start: int, end: int) -> Span:
        return self.outer.span(self.offsets[start], self.offsets[end])


def parse_expression(text: str, offsets: list[int], outer_text: str) -> tuple[MappedHclFile, Any]:
    """Parse one HCL expression written inside another file; returns the file and the
    expression node (None when it does not parse as one clean expression)."""
    prefix = "x = "
    source = prefix + text + "\n"
    mapped = [offsets[0]] * len(prefix) + list(offsets) + [offsets[-1]]
    data = source.encode("utf-8")
    outer = HclFile(outer_text.encode("utf-8"), outer_text, None)
    hcl = MappedHclFile(data, source, _parser().parse(data), outer, mapped)
    if hcl.root.has_error:
        return hcl, None
    items = body_items(hcl.root)
    if len(items) != 1 or items[0].type != "attribute":
        return hcl, None
    return hcl, attribute_value(items[0])


def first_error(hcl: HclFile) -> tuple[Span, str] | None:
    """The position and a message for the first syntax error, or None for a clean tree."""
    root = hcl.root
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing:
            what = node.type if not node.is_named else node.type.replace("_", " ")
            span = hcl.node_span(node)
            return span, f"HCL syntax error: missing {what!r}"
        if node.is_error:
            leaves = _leaves(node)
            if leaves and leaves[-1].type in _OPENING:
                bracket = leaves[-1]
                return hcl.node_span(bracket), (
                    f"HCL syntax error: {hcl.node_text(bracket)!r} is not closed"
                )
            span = hcl.node_span(node)
            excerpt = hcl.node_text(node).split("\n", 1)[0].strip()
            if len(excerpt) > 40:
                excerpt = excerpt[:37] + "..."
            start = Span(span.line, span.column, span.line, span.column + max(1, len(excerpt)))
            if not excerpt:
                return start, "HCL syntax error"
            return start, f"HCL syntax error: unexpected {excerpt!r}"
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


_OPENING = ("[", "{", "(", "${", "%{", "<<", "<<-")


def _leaves(node: Any) -> list[Any]:
    found: list[Any] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.child_count == 0:
            found.append(current)
        else:
            stack.extend(reversed(current.children))
    return found


# -- tree navigation --------------------------------------------------------------------------


def unwrap(node: Any) -> Any:
    """The expression inside ``expression`` wrappers and parentheses (a traversal such as
    ``aws_s3_bucket.x.arn`` stays an ``expression`` node: it has several parts)."""
    while node is not None and node.type == "expression":
        named = [c for c in node.named_children if c.type != "comment"]
        if node.child_count and node.children[0].type == "(":
            node = named[0] if named else None
        elif len(named) == 1:
            node = named[0]
        else:
            return node
    return node


def body_items(node: Any) -> list[Any]:
    """The attributes and blocks of a block's (or the file's) body."""
    if node.type == "config_file":
        bodies = [c for c in node.named_children if c.type == "body"]
    else:
        bodies = [c for c in node.named_children if c.type == "body"]
    items: list[Any] = []
    for body in bodies:
        items.extend(c for c in body.named_children if c.type in ("attribute", "block"))
    return items


def block_labels(block: Any, hcl: HclFile) -> tuple[str, list[str]]:
    """A block's type and labels: ``resource "aws_iam_role" "app"`` → (resource, [...])."""
    block_type = ""
    labels: list[str] = []
    for child in block.named_children:
        if child.type == "identifier":
            if not block_type:
                block_type = hcl.node_text(child)
            else:
                labels.append(hcl.node_text(child))
        elif child.type == "string_lit":
            labels.append(
                "".join(
                    hcl.node_text(c) for c in child.named_children if c.type == "template_literal"
                )
            )
        elif child.type in ("block_start", "body"):
            break
    return block_type, labels


def attributes(block: Any, hcl: HclFile) -> dict[str, Any]:
    """A block's attributes by name (the attribute nodes)."""
    found: dict[str, Any] = {}
    for item in body_items(block):
        if item.type == "attribute":
            found[hcl.node_text(item.named_children[0])] = item
    return found


def nested_blocks(block: Any, hcl: HclFile, name: str) -> list[Any]:
    return [
        item
        for item in body_items(block)
        if item.type == "block" and block_labels(item, hcl)[0] == name
    ]


def attribute_value(attribute: Any) -> Any:
    """The expression node of an attribute."""
    return attribute.named_children[-1]


def attribute_name_node(attribute: Any) -> Any:
    return attribute.named_children[0]


# -- strings and templates --------------------------------------------------------------------

_HOLE_TYPES = ("template_interpolation", "template_directive")
_QUOTED_ESCAPE = re.compile(r"\\(?:[nrt\"\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})|\$\$\{|%%\{")
_HEREDOC_ESCAPE = re.compile(r"\$\$\{|%%\{")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class Template:
    """A quoted string or heredoc as template pieces (see :mod:`linter.formats.tf_template`):
    literal runs with escapes processed and one file offset per character, and holes.
    ``written`` is the content as written between the quotes (or heredoc markers); ``start`` and
    ``end`` its character offsets."""

    __slots__ = ("end", "pieces", "start", "written")

    def __init__(self, pieces: list[Piece], written: str, start: int, end: int) -> None:
        self.pieces = pieces
        self.written = written
        self.start = start
        self.end = end

    @property
    def holes(self) -> list[Hole]:
        return [piece for piece in self.pieces if isinstance(piece, Hole)]

    def literal(self) -> str | None:
        """The string when there is no hole, else None."""
        if self.holes:
            return None
        return "".join(piece.text for piece in self.pieces if isinstance(piece, Literal))

    def sole_expression(self) -> Any:
        """The interpolation's expression node when the template is exactly ``"${expr}"``."""
        hole = sole_hole(self.pieces)
        if hole is None:
            return None
        named = [c for c in hole.node.named_children if c.type == "expression"]
        return named[0] if named else None

    def unknown(self) -> Unknown:
        return template_unknown(self.pieces, self.written)


def _literal_run(hcl: HclFile, start_byte: int, end_byte: int, escapes: re.Pattern[str]) -> Literal:
    """The literal text between two byte offsets, unescaped, with one offset per character."""
    base = hcl.char(start_byte)
    raw = hcl.text[base : hcl.char(end_byte)]
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in escapes.finditer(raw):
        pieces.append(raw[position : match.start()])
        offsets.extend(range(base + position, base + match.start()))
        token = match.group()
        if token in ("$${", "%%{"):
            replacement = token[1:]
        elif token[1] in "uU":
            code = int(token[2:], 16)
            replacement = chr(code) if code <= 0x10FFFF else "\ufffd"
        else:
            replacement = _SIMPLE[token[1]]
        pieces.append(replacement)
        offsets.extend([base + match.start()] * len(replacement))
        position = match.end()
    pieces.append(raw[position:])
    offsets.extend(range(base + position, base + len(raw)))
    return Literal("".join(pieces), offsets)


def template_of(node: Any, hcl: HclFile) -> Template | None:
    """The template of a ``string_lit``, ``quoted_template``, ``template_expr`` or
    ``heredoc_template`` node (None for any other node)."""
    if node.type == "template_expr":
        node = node.named_children[0] if node.named_children else node
    if node.type in ("string_lit", "quoted_template"):
        children = node.children
        if len(children) < 2:
            return None
        start_byte, end_byte = children[0].end_byte, children[-1].start_byte
        if children[-1].type != "quoted_template_end":
            end_byte = node.end_byte
        return _build_template(hcl, node, start_byte, end_byte, _QUOTED_ESCAPE, strip=0)
    if node.type == "heredoc_template":
        identifiers = [c for c in node.children if c.type == "heredoc_identifier"]
        if len(identifiers) < 2:
            return None
        opening, closing = identifiers[0], identifiers[-1]
        data = hcl.data
        start_byte = data.find(b"\n", opening.end_byte)
        start_byte = opening.end_byte if start_byte < 0 else start_byte + 1
        end_byte = data.rfind(b"\n", 0, closing.start_byte) + 1
        end_byte = max(end_byte, start_byte)
        flush = any(
            c.type == "heredoc_start" and b"-" in data[c.start_byte : c.end_byte]
            for c in node.children
        )
        strip = _common_indent(data[start_byte:end_byte]) if flush else 0
        return _build_template(hcl, node, start_byte, end_byte, _HEREDOC_ESCAPE, strip=strip)
    return None


def _common_indent(content: bytes) -> int:
    """The leading whitespace a ``<<-`` heredoc removes from each line (blank lines aside)."""
    widths = [
        len(line) - len(line.lstrip(b" \t"))
        for line in content.split(b"\n")
        if line.strip(b" \t\r")
    ]
    return min(widths) if widths else 0


def _build_template(
    hcl: HclFile, node: Any, start_byte: int, end_byte: int, escapes: re.Pattern[str], strip: int
) -> Template:
    holes = [c for c in node.children if c.type in _HOLE_TYPES and start_byte <= c.start_byte]
    pieces: list[Piece] = []
    position = start_byte
    for hole in holes:
        if hole.start_byte > position:
            pieces.append(_literal_run(hcl, position, hole.start_byte, escapes))
        expression = None
        if hole.type == "template_interpolation":
            named = [c for c in hole.named_children if c.type == "expression"]
            expression = hcl.node_text(named[0]) if named else ""
        start, end = hcl.char(hole.start_byte), hcl.char(hole.end_byte)
        pieces.append(Hole(hcl.text[start:end], expression, start, end, hole))
        position = hole.end_byte
    if end_byte > position:
        pieces.append(_literal_run(hcl, position, end_byte, escapes))
    if strip:
        pieces = _strip_indent(pieces, strip)
    written = hcl.data[start_byte:end_byte].decode("utf-8", "replace")
    return Template(pieces, written, hcl.char(start_byte), hcl.char(end_byte))


def _strip_indent(pieces: list[Piece], width: int) -> list[Piece]:
    """Remove up to ``width`` leading spaces/tabs from each line of the literal pieces."""
    result: list[Piece] = []
    at_line_start = True
    for piece in pieces:
        if isinstance(piece, Hole):
            result.append(piece)
            at_line_start = False
            continue
        kept: list[str] = []
        kept_offsets: list[int] = []
        removed = 0
        for character, offset in zip(piece.text, piece.offsets, strict=False):
            if at_line_start and removed < width and character in " \t":
                removed += 1
                continue
            at_line_start = character == "\n"
            removed = 0
            kept.append(character)
            kept_offsets.append(offset)
        result.append(Literal("".join(kept), kept_offsets))
    return result


# -- HCL values as JSON -----------------------------------------------------------------------


class NodeSpans(dict):
    """Spans by JSON path, stored as byte ranges and turned into :class:`Span` on lookup (a
    file without findings never converts one). :class:`Span` values may be stored too."""

    __slots__ = ("hcl",)

    def __init__(self, hcl: HclFile) -> None:
        super().__init__()
        self.hcl = hcl

    def get(self, path: Any, default: Any = None) -> Any:
        found = super().get(path)
        if found is None:
            return default
        if len(found) == 2:
            hcl = self.hcl
            found = hcl.span(hcl.char(found[0]), hcl.char(found[1]))
            self[path] = found
        return found

    def __getitem__(self, path: Any) -> Any:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found


_PLAIN = re.compile(rb"[\\$%]")


class JsonConverter:
    """Turns HCL expressions into JSON values, recording the span of every value and key.

    ``values[path]`` is the span of the value at ``path``; ``keys[path]`` the span of its key
    (an object element's key). Anything Terraform computes becomes an :class:`Unknown` whose
    text is the expression as written. ``iam_variables``: ``&{...}`` in literal strings is an
    IAM policy variable ``${...}`` (``aws_iam_policy_document``).
    """

    def __init__(self, hcl: HclFile, *, iam_variables: bool = False) -> None:
        self.hcl = hcl
        self.values: dict[JsonPath, Any] = NodeSpans(hcl)
        self.keys: dict[JsonPath, Any] = NodeSpans(hcl)
        self.iam_variables = iam_variables

    def convert(self, node: Any, path: JsonPath) -> Any:
        """The JSON value of the expression ``node`` at ``path`` (spans recorded)."""
        hcl = self.hcl
        self.values[path] = (node.start_byte, node.end_byte)
        inner = unwrap(node)
        if inner is None:
            return Unknown(hcl.node_text(node))
        kind = inner.type
        if kind == "literal_value":
            return self._literal(inner.named_children[0])
        if kind == "collection_value":
            inner = inner.named_children[0]
            kind = inner.type
        if kind == "tuple":
            elements = [c for c in inner.named_children if c.type == "expression"]
            return [self.convert(element, (*path, i)) for i, element in enumerate(elements)]
        if kind == "object":
            return self._object(inner, path)
        if kind in ("template_expr", "string_lit", "quoted_template", "heredoc_template"):
            template = template_of(inner, hcl)
            if template is not None:
                literal = template.literal()
                if literal is not None:
                    return self.string(literal)
                return template.unknown()
        return reference_unknown(hcl.node_text(inner))

    def string(self, value: str) -> str:
        if self.iam_variables and "&{" in value:
            return value.replace("&{", "${")
        return value

    def _literal(self, node: Any, *, variables: bool = True) -> Any:
        hcl = self.hcl
        kind = node.type
        if kind == "string_lit":
            children = node.children
            if len(children) <= 3 and children[-1].type == "quoted_template_end":
                # No interpolation: one literal run at most; without escapes it is the text.
                start, end = children[0].end_byte, children[-1].start_byte
                raw = hcl.data[start:end]
                if not _PLAIN.search(raw):
                    text = raw.decode("utf-8", "replace")
                    return self.string(text) if variables else text
            template = template_of(node, hcl)
            literal = template.literal() if template is not None else None
            if literal is None:
                return Unknown(hcl.node_text(node))
            return self.string(literal) if variables else literal
        if kind == "numeric_lit":
            text = hcl.node_text(node)
            try:
                return int(text)
            except ValueError:
                try:
                    return float(text)
                except ValueError:
                    return Unknown(text)
        if kind == "bool_lit":
            return hcl.node_text(node) == "true"
        if kind == "null_lit":
            return None
        return Unknown(hcl.node_text(node))

    def key_of(self, node: Any) -> str | None:
        """An object key: a bare identifier or a literal string (None: computed)."""
        inner = unwrap(node)
        if inner is None:
            return None
        if (
            inner.type == "variable_expr"
            and node.type == "expression"
            and not (node.child_count and node.children[0].type == "(")
        ):
            return self.hcl.node_text(inner)
        if inner.type == "literal_value" and inner.named_children[0].type == "string_lit":
            value = self._literal(inner.named_children[0], variables=False)
            return value if isinstance(value, str) else None
        if inner.type in ("template_expr", "quoted_template"):
            template = template_of(inner, self.hcl)
            return template.literal() if template is not None else None
        return None

    def _object(self, node: Any, path: JsonPath) -> Any:
        result: dict[str, Any] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            key_node = element.child_by_field_name("key")
            value_node = element.child_by_field_name("val")
            if key_node is None or value_node is None:
                continue
            key = self.key_of(key_node)
            if key is None:
                # A computed key: the object's members are not known; never guess them.
                return Unknown(self.hcl.node_text(node))
            member = (*path, key)
            result[key] = self.convert(value_node, member)
            self.keys[member] = (key_node.start_byte, key_node.end_byte)
        return result
