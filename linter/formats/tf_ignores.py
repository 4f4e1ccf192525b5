"""``# iamlint: ignore[RULE,...] reason`` comments in Terraform HCL.

A comment on the line directly above a block, an attribute, an object element or a tuple element
(further comment lines between are allowed; a comment after code on its line does not count)
becomes an :class:`~linter.sources.InlineIgnore` whose scope is that node, handed to the policy
sources it overlaps. One that overlaps none stays with the file, for the engine to report unused.
"""

from __future__ import annotations

import re
from typing import Any

from linter.formats import hcl_tree as ht
from linter.model import Span
from linter.sources import InlineIgnore, PolicySource

__all__ = ["attach_ignores"]

_IGNORE_COMMENT = re.compile(r"(?:#|//)\s*iamlint:\s*ignore\[([^\]]*)\]\s*(.*?)\s*$")

_TARGET_TYPES = ("attribute", "block", "object_elem")


def attach_ignores(
    hcl: ht.HclFile, sources: list[PolicySource], extents: dict[int, list[Span]]
) -> tuple[list[PolicySource], tuple[InlineIgnore, ...]]:
    """Read ``# iamlint: ignore[...]`` comments and hand each to the sources it covers; the
    ones that cover no source stay with the file (reported as unused by the engine)."""
    if "iamlint" not in hcl.text:
        return sources, ()
    ignores = _ignore_comments(hcl)
    if not ignores:
        return sources, ()
    unattached = set(range(len(ignores)))
    result = []
    for index, source in enumerate(sources):
        mine = []
        for number, ignore in enumerate(ignores):
            scope = ignore.scope
            if scope is not None and any(_overlaps(scope, e) for e in extents.get(index, [])):
                mine.append(ignore)
                unattached.discard(number)
        result.append(source._replace(ignores=tuple(mine)) if mine else source)
    return result, tuple(ignores[number] for number in sorted(unattached))


def _overlaps(a: Span, b: Span) -> bool:
    return (a.line, a.column) < (b.end_line, b.end_column) and (b.line, b.column) < (
        a.end_line,
        a.end_column,
    )


def _ignore_comments(hcl: ht.HclFile) -> list[InlineIgnore]:
    found: list[InlineIgnore] = []
    stack = [hcl.root]
    data = hcl.data
    while stack:
        node = stack.pop()
        if node.type == "comment":
            text = hcl.node_text(node)
            match = _IGNORE_COMMENT.match(text)
            if match is None:
                continue
            line_start = data.rfind(b"\n", 0, node.start_byte) + 1
            if data[line_start : node.start_byte].strip():
                continue  # a comment after code on its line: not "the line above"
            rules = tuple(r.strip() for r in match.group(1).split(",") if r.strip())
            target = _comment_target(hcl, node)
            scope = hcl.node_span(target) if target is not None else None
            found.append(InlineIgnore(rules, hcl.node_span(node), match.group(2), scope))
            continue
        stack.extend(node.children)
    found.sort(key=lambda ignore: ignore.span)
    return found


def _comment_target(hcl: ht.HclFile, comment: Any) -> Any:
    """The block, attribute, object element or tuple element starting on the line after the
    comment (after any further comment lines)."""
    data = hcl.data
    position = comment.end_byte
    while True:
        line_end = data.find(b"\n", position)
        if line_end < 0:
            return None
        start = line_end + 1
        while start < len(data) and data[start] in b" \t\r":
            start += 1
        if data.startswith((b"#", b"//"), start):
            position = start
            continue
        break
    if start >= len(data):
        return None
    node = hcl.root.named_descendant_for_byte_range(start, start + 1)
    while node is not None and node.start_byte == start:
        if node.type in _TARGET_TYPES:
            return node
        if node.type == "expression" and node.parent is not None and node.parent.type == "tuple":
            return node
        node = node.parent
    return None
