"""Terraform's JSON syntax (``*.tf.json``) as a policy source.

``{"resource": {"aws_iam_role": {"app": {"assume_role_policy": "..."}}}}``: a policy attribute
is a JSON string, which Terraform reads as a template. A plain JSON policy in it is decoded with
positions inside the string; ``${...}`` interpolations become Unknowns; a string that is one
``${jsonencode({...})}`` expression is parsed as HCL (tree-sitter) with spans mapped back into
the string. ``data "aws_iam_policy_document"`` bodies become the document Terraform renders
(``statement`` / ``principals`` / ``condition``, each a JSON object or a list of them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from linter.decode import Problem, decode_embedded
from linter.formats import tf_template as tt
from linter.formats.terraform import WRAPPER
from linter.formats.tf_attributes import (
    ORGANIZATIONS_TYPES,
    POLICY_DOCUMENT_REFERENCE,
    linted_elsewhere,
    policy_attributes,
    type_reason,
)
from linter.formats.tf_policy_document import STATEMENT_ATTRIBUTES, Statement, merge_statements
from linter.model import JsonPath, PolicyType, Span
from linter.sources import (
    CompositeLocator,
    Locator,
    ParsedFile,
    PolicySource,
    PrefixedLocator,
    SpanTable,
    Unknown,
)

if TYPE_CHECKING:
    from linter.decode import Decoded

__all__ = ["from_tf_json"]

_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)", re.DOTALL)
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def from_tf_json(decoded: Decoded, path: str) -> ParsedFile | None:
    """The policy sources of a ``.tf.json`` file; None when it holds none."""
    if not decoded.ok:
        return ParsedFile(decoded.text, "terraform-json", (), tuple(decoded.problems), False)
    value = decoded.value
    if not isinstance(value, dict):
        return None
    reader = _Reader(decoded)
    sources = reader.run(value)
    if not sources:
        return None
    return ParsedFile(decoded.text, "terraform-json", tuple(sources), tuple(decoded.problems))


def _bodies(container: Any, path: JsonPath) -> Iterator[tuple[str, str, dict, JsonPath]]:
    """(type, name, body, path) of ``{"type": {"name": body}}``, where any level may also be a
    list of such objects and a body may be a list of bodies."""
    levels = (
        [(container, path)]
        if not isinstance(container, list)
        else [(item, (*path, i)) for i, item in enumerate(container)]
    )
    for by_type, type_path in levels:
        if not isinstance(by_type, dict):
            continue
        for type_name, by_name in by_type.items():
            names = [(by_name, (*type_path, type_name))]
            if isinstance(by_name, list):
                names = [(item, (*type_path, type_name, i)) for i, item in enumerate(by_name)]
            for named, name_path in names:
                if not isinstance(named, dict):
                    continue
                for name, body in named.items():
                    for item, item_path in _as_list(body, (*name_path, name)):
                        if isinstance(item, dict):
                            yield type_name, name, item, item_path


def _as_list(value: Any, path: JsonPath) -> list[tuple[Any, JsonPath]]:
    if isinstance(value, list):
        return [(item, (*path, i)) for i, item in enumerate(value)]
    return [(value, path)]


class _Reader:
    def __init__(self, decoded: Decoded) -> None:
        self.decoded = decoded
        self.text = decoded.text
        self._line_starts: list[int] | None = None
        self.documents: dict[str, tuple[dict, JsonPath]] = {}
        self.built: dict[str, tuple[list[Statement], dict] | None] = {}

    def run(self, root: dict) -> list[PolicySource]:
        sources: list[tuple[Span, PolicySource]] = []
        usage: dict[str, set[tuple[PolicyType, str]]] = {}
        for kind, name, body, path in _bodies(root.get("data"), ("data",)):
            if kind == "aws_iam_policy_document":
                self.documents[name] = (body, path)
        for kind, name, body, path in _bodies(root.get("resource"), ("resource",)):
            for source in self._resource(kind, name, body, path, usage):
                sources.append((self.decoded.nearest_span(path), source))
        for name, (_body, path) in self.documents.items():
            statements, document = self._document(name) or ([], None)
            if document is None:
                continue
            types = usage.get(name, set())
            policy_type, reason = None, ""
            if len({t for t, _ in types}) == 1:
                policy_type, reason = next(iter(types))
                reason = f"used as {reason}"
            base = SpanTable(
                {
                    (): self.decoded.nearest_span(path),
                    ("Statement",): self.decoded.nearest_span((*path, "statement")),
                },
                {("Statement",): self.decoded.nearest_span((*path, "statement"), key=True)},
                self.decoded.nearest_span(path),
            )
            parts = {("Statement", i): s.locator for i, s in enumerate(statements)}
            locator = CompositeLocator(base, parts)
            label = f"data.aws_iam_policy_document.{name}"
            source = PolicySource(document, locator, label, policy_type, reason, WRAPPER)
            sources.append((self.decoded.nearest_span(path), source))
        sources.sort(key=lambda item: item[0])
        return [source for _, source in sources]

    # -- resources ---------------------------------------------------------------------------

    def _resource(
        self,
        kind: str,
        name: str,
        body: dict,
        path: JsonPath,
        usage: dict[str, set[tuple[PolicyType, str]]],
    ) -> list[PolicySource]:
        found = []
        for attribute, policy_type in policy_attributes(kind).items():
            reason = type_reason(kind, attribute)
            if kind == "aws_organizations_policy":
                organizations_type = body.get("type", "SERVICE_CONTROL_POLICY")
                if organizations_type not in ORGANIZATIONS_TYPES:
                    continue
                policy_type = ORGANIZATIONS_TYPES[organizations_type]
            targets: list[tuple[Any, JsonPath, str]] = []
            if "." in attribute:
                block, inner = attribute.split(".", 1)
                blocks = _as_list(body.get(block), (*path, block))
                for index, (item, item_path) in enumerate(blocks):
                    if isinstance(item, dict) and inner in item:
                        suffix = f"[{index}]" if len(blocks) > 1 else ""
                        label = f"{kind}.{name}.{block}{suffix}.{inner}"
                        targets.append((item[inner], (*item_path, inner), label))
            elif attribute in body:
                targets.append((body[attribute], (*path, attribute), f"{kind}.{name}.{attribute}"))
            for value, value_path, label in targets:
                if isinstance(value, str):
                    for reference in POLICY_DOCUMENT_REFERENCE.finditer(value):
                        usage.setdefault(reference.group("name"), set()).add((policy_type, reason))
                result = self._string_document(value, value_path)
                if result is None:
                    continue
                document, locator, problems, ok = result
                found.append(
                    PolicySource(
                        document, locator, label, policy_type, reason, WRAPPER, tuple(problems), ok
                    )
                )
        return found

    def _string_document(
        self, value: Any, path: JsonPath
    ) -> tuple[Any, Locator, list[Problem], bool] | None:
        span = self.decoded.nearest_span(path)
        here = SpanTable({(): span}, fallback=span)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            return None  # not a string: Terraform itself rejects it as a policy
        if "${" not in value and "%{" not in value:
            inner = decode_embedded(self.decoded, path)
            return inner.value, inner, list(inner.problems), inner.ok
        text, offsets = self._string_offsets(path)
        pieces = tt.split_template(text, offsets)
        hole = tt.sole_hole(pieces)
        if hole is not None:
            expression = hole.expression or ""
            if linted_elsewhere(expression):
                return None
            if expression.startswith("jsonencode(") and expression.endswith(")"):
                converted = self._jsonencode(hole, text, offsets)
                if converted is not None:
                    return converted
            return tt.reference_unknown(expression), here, [], True
        written = value
        return tt.json_document(pieces, self.text, offsets[-1], written, span)

    def _jsonencode(
        self, hole: tt.Hole, text: str, offsets: list[int]
    ) -> tuple[Any, Locator, list[Problem], bool] | None:
        """``${jsonencode({...})}``: the HCL expression parsed with spans in this file."""
        from linter.formats import hcl_tree as ht

        start = offsets.index(hole.start)
        expression_start = text.index("jsonencode(", start)
        end = start + len(hole.text) - 1  # the closing brace
        expression = text[expression_start:end]
        hcl, node = ht.parse_expression(
            expression, [*offsets[expression_start:end], offsets[end]], self.text
        )
        inner = ht.unwrap(node) if node is not None else None
        if inner is None or inner.type != "function_call":
            return None
        arguments = [
            c
            for child in inner.named_children
            if child.type == "function_arguments"
            for c in child.named_children
            if c.type == "expression"
        ]
        if len(arguments) != 1:
            return None
        converter = ht.JsonConverter(hcl)
        document = converter.convert(arguments[0], ())
        fallback = hcl.node_span(inner)
        return document, SpanTable(converter.values, converter.keys, fallback), [], True

    def _string_offsets(self, path: JsonPath) -> tuple[str, list[int]]:
        """The JSON-unescaped string at ``path`` and the file offset of each character (plus
        one for the closing quote)."""
        span = self.decoded.span(path)
        assert span is not None
        start = self._offset(span.line, span.column)
        end = self._offset(span.end_line, span.end_column)
        raw = self.text
        chars: list[str] = []
        offsets: list[int] = []
        position = start + 1
        for match in _ESCAPE.finditer(raw, start + 1, end - 1):
            chars.append(raw[position : match.start()])
            offsets.extend(range(position, match.start()))
            token = match.group()
            chars.append(chr(int(token[2:], 16)) if token[1] == "u" else _SIMPLE.get(token[1], ""))
            offsets.append(match.start())
            position = match.end()
        chars.append(raw[position : end - 1])
        offsets.extend(range(position, end - 1))
        offsets.append(end - 1)
        return "".join(chars), offsets

    def _offset(self, line: int, column: int) -> int:
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer(r"\r\n|\r|\n", self.text))
            self._line_starts = starts
        return self._line_starts[line - 1] + column - 1

    # -- aws_iam_policy_document -------------------------------------------------------------

    def _document(self, name: str) -> tuple[list[Statement], dict] | None:
        if name in self.built:
            return self.built[name]
        self.built[name] = None  # cycle guard
        body, path = self.documents[name]
        statements: list[Statement] = []
        for attribute in ("source_policy_documents", "source_json"):
            self._merge(statements, body, (*path, attribute), attribute)
        own = [
            self._statement(item, item_path)
            for item, item_path in _as_list(body.get("statement"), (*path, "statement"))
            if isinstance(item, dict)
        ]
        merge_statements(statements, own)
        for attribute in ("override_policy_documents", "override_json"):
            self._merge(statements, body, (*path, attribute), attribute)
        document: dict[str, Any] = {"Version": body.get("version", "2012-10-17")}
        if "policy_id" in body:
            document["Id"] = body["policy_id"]
        document["Statement"] = [s.value for s in statements]
        self.built[name] = (statements, document)
        return self.built[name]

    def _merge(self, statements: list[Statement], body: dict, path: JsonPath, key: str) -> None:
        if key not in body:
            return
        for item, item_path in _as_list(body[key], path):
            reference = (
                POLICY_DOCUMENT_REFERENCE.fullmatch(item.strip("${} "))
                if isinstance(item, str)
                else None
            )
            if reference is not None and reference.group("name") in self.documents:
                other = self._document(reference.group("name"))
                if other is not None:
                    merge_statements(statements, other[0])
                    continue
            span = self.decoded.nearest_span(item_path)
            result = self._string_document(item, item_path)
            listed = result[0].get("Statement") if result and isinstance(result[0], dict) else None
            if result is not None and isinstance(listed, list):
                merge_statements(
                    statements,
                    [
                        Statement(
                            s.get("Sid")
                            if isinstance(s, dict) and isinstance(s.get("Sid"), str)
                            else None,
                            s,
                            PrefixedLocator(result[1], ("Statement", i)),
                        )
                        for i, s in enumerate(listed)
                    ],
                )
                continue
            statements.append(
                Statement(None, Unknown(str(item)), SpanTable({(): span}, fallback=span))
            )

    def _statement(self, body: dict, path: JsonPath) -> Statement:
        values: dict[JsonPath, Span] = {(): self.decoded.nearest_span(path)}
        keys: dict[JsonPath, Span] = {}
        statement: dict[str, Any] = {}
        for attribute, key in STATEMENT_ATTRIBUTES:
            if attribute not in body:
                if key == "Effect":
                    statement[key] = "Allow"
                continue
            statement[key] = self._value(body[attribute], (*path, attribute), (key,), values)
            keys[(key,)] = self.decoded.nearest_span((*path, attribute), key=True)
        for attribute, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            if attribute not in body:
                continue
            principal: dict[str, Any] = {}
            keys[(key,)] = self.decoded.nearest_span((*path, attribute), key=True)
            values[(key,)] = self.decoded.nearest_span((*path, attribute))
            for item, item_path in _as_list(body[attribute], (*path, attribute)):
                if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                    continue
                kind = item["type"]
                keys.setdefault((key, kind), self.decoded.nearest_span((*item_path, "type")))
                value = self._value(
                    item.get("identifiers"),
                    (*item_path, "identifiers"),
                    (key, kind),
                    values,
                    _length(principal.get(kind)),
                )
                principal[kind] = _extend(principal.get(kind), value)
            statement[key] = "*" if principal == {"*": ["*"]} else principal
        if "condition" in body:
            condition: dict[str, Any] = {}
            keys[("Condition",)] = self.decoded.nearest_span((*path, "condition"), key=True)
            values[("Condition",)] = self.decoded.nearest_span((*path, "condition"))
            for item, item_path in _as_list(body["condition"], (*path, "condition")):
                if not isinstance(item, dict):
                    continue
                test, variable = item.get("test"), item.get("variable")
                if not isinstance(test, str) or not isinstance(variable, str):
                    continue
                keys.setdefault(
                    ("Condition", test), self.decoded.nearest_span((*item_path, "test"))
                )
                values.setdefault(("Condition", test), self.decoded.nearest_span(item_path))
                member = ("Condition", test, variable)
                keys.setdefault(member, self.decoded.nearest_span((*item_path, "variable")))
                operator = condition.setdefault(test, {})
                value = self._value(
                    item.get("values"),
                    (*item_path, "values"),
                    member,
                    values,
                    _length(operator.get(variable)),
                )
                operator[variable] = _extend(operator.get(variable), value)
            statement["Condition"] = condition
        sid = statement.get("Sid")
        locator = SpanTable(values, keys, values[()])
        return Statement(sid if isinstance(sid, str) else None, statement, locator)

    def _value(
        self,
        value: Any,
        source: JsonPath,
        target: JsonPath,
        values: dict[JsonPath, Span],
        first_index: int = 0,
    ) -> Any:
        """A statement value: spans recorded at ``target`` (list elements from ``first_index``
        on, for values appended to a list); templates become Unknowns and ``&{...}`` the IAM
        variable ``${...}``."""
        values.setdefault(target, self.decoded.nearest_span(source))
        if isinstance(value, list):
            return [
                self._value(item, (*source, i), (*target, first_index + i), values)
                for i, item in enumerate(value)
            ]
        if isinstance(value, str):
            if "${" in value or "%{" in value:
                text, offsets = self._string_offsets(source)
                pieces = tt.split_template(text, offsets)
                if any(isinstance(piece, tt.Hole) for piece in pieces):
                    return tt.template_unknown(pieces, value)
                value = "".join(piece.text for piece in pieces if isinstance(piece, tt.Literal))
            return value.replace("&{", "${")
        return value


def _length(existing: Any) -> int:
    if existing is None:
        return 0
    return len(existing) if isinstance(existing, list) else 1


def _extend(existing: Any, more: Any) -> Any:
    if existing is None:
        return more
    if isinstance(existing, Unknown) or isinstance(more, Unknown):
        return existing if isinstance(existing, Unknown) else more
    first = existing if isinstance(existing, list) else [existing]
    return [*first, *(more if isinstance(more, list) else [more])]
