"""``data "aws_iam_policy_document"`` blocks as the policy documents Terraform renders.

``statement`` blocks (``sid``, ``effect`` default Allow, ``actions``, ``not_actions``,
``resources``, ``not_resources``, ``principals`` / ``not_principals`` ``{type identifiers}``,
``condition {test variable values}``) become a document whose paths map to the HCL: a value to
its attribute or tuple element, a key that has no HCL key of its own to the attribute or block
name (``Principal`` → the ``principals`` word, ``Principal.AWS`` → the ``type`` value, a
condition key → the ``variable`` value). ``&{...}`` is an IAM policy variable ``${...}``.
``source_policy_documents`` / ``override_policy_documents`` are merged by Sid as Terraform does.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from linter.formats import hcl_tree as ht
from linter.formats.tf_attributes import POLICY_DOCUMENT_REFERENCE
from linter.model import JsonPath, Span
from linter.sources import (
    CompositeLocator,
    Locator,
    PrefixedLocator,
    SpanTable,
    Unknown,
)

__all__ = ["PolicyDocuments", "Statement", "merge_statements"]


class Statement(NamedTuple):
    """One statement of an ``aws_iam_policy_document`` being merged: its Sid (None: none or
    not known), value and a locator for paths relative to the statement."""

    sid: str | None
    value: Any
    locator: Locator


class PolicyDocument(NamedTuple):
    document: dict[str, Any]
    locator: Locator
    statements: list[Statement]
    extents: list[Span]  # the blocks whose text the document comes from


class PolicyDocuments:
    """Builds the ``aws_iam_policy_document`` documents of one file (a base of the file's
    extractor, which provides ``hcl``, ``documents`` (name → block), ``built``, ``building`` and
    ``_document(expression)``)."""

    hcl: ht.HclFile
    documents: dict[str, Any]
    built: dict[str, PolicyDocument | None]
    building: set[str]
    merged: set[str]  # documents merged into another by a plain reference

    def _document(self, node: Any) -> tuple[Any, Locator, list[Any], bool] | None:
        raise NotImplementedError

    def _policy_document(self, name: str) -> PolicyDocument | None:
        """The document of ``data "aws_iam_policy_document" "name"`` (built once; None for a
        cycle of documents merging each other, which Terraform rejects)."""
        if name in self.built:
            return self.built[name]
        if name in self.building:
            return None  # a cycle: Terraform rejects it; nothing to merge
        self.building.add(name)
        try:
            built = self._build_document(self.documents[name])
        finally:
            self.building.discard(name)
        self.built[name] = built
        return built

    def _build_document(self, block: Any) -> PolicyDocument:
        hcl = self.hcl
        attributes = ht.attributes(block, hcl)
        converter = ht.JsonConverter(hcl, iam_variables=True)
        converter.values[()] = hcl.node_span(block)
        document: dict[str, Any] = {"Version": "2012-10-17"}
        for attribute_name, key in (("version", "Version"), ("policy_id", "Id")):
            attribute = attributes.get(attribute_name)
            if attribute is not None:
                document[key] = converter.convert(ht.attribute_value(attribute), (key,))
                converter.keys[(key,)] = hcl.node_span(ht.attribute_name_node(attribute))
        extents = [hcl.node_span(block)]
        statements: list[Statement] = []
        for attribute_name in ("source_policy_documents", "source_json"):
            self._merge_documents(statements, attributes.get(attribute_name), extents)
        own = [self._statement(sub) for sub in _blocks_named(block, hcl, "statement")]
        merge_statements(statements, own)
        for attribute_name in ("override_policy_documents", "override_json"):
            self._merge_documents(statements, attributes.get(attribute_name), extents)
        statement_blocks = _blocks_named(block, hcl, "statement")
        if statement_blocks:
            converter.values[("Statement",)] = hcl.node_span(statement_blocks[0])
            converter.keys[("Statement",)] = hcl.node_span(statement_blocks[0].named_children[0])
        document["Statement"] = [statement.value for statement in statements]
        base = SpanTable(converter.values, converter.keys, hcl.node_span(block))
        parts = {("Statement", i): s.locator for i, s in enumerate(statements)}
        return PolicyDocument(document, CompositeLocator(base, parts), statements, extents)

    def _merge_documents(
        self, statements: list[Statement], attribute: Any, extents: list[Span]
    ) -> None:
        """Merge ``source_policy_documents`` / ``override_policy_documents`` (or the older
        single-document ``source_json`` / ``override_json``) into ``statements``."""
        if attribute is None:
            return
        hcl = self.hcl
        value = ht.unwrap(ht.attribute_value(attribute))
        if value is not None and value.type == "collection_value":
            value = value.named_children[0]
        if value is not None and value.type == "tuple":
            elements = [c for c in value.named_children if c.type == "expression"]
        else:
            elements = [ht.attribute_value(attribute)]
        for element in elements:
            text = hcl.node_text(element).strip()
            reference = POLICY_DOCUMENT_REFERENCE.fullmatch(text)
            if reference is not None and reference.group("name") in self.documents:
                other = self._policy_document(reference.group("name"))
                if other is not None:
                    self.merged.add(reference.group("name"))
                    merge_statements(statements, other.statements)
                    extents.extend(other.extents)
                    continue
            span = hcl.node_span(element)
            result = self._document(element)
            if result is not None:
                document, locator, _problems, ok = result
                if ok and isinstance(document, dict):
                    listed = document.get("Statement")
                    if isinstance(listed, dict):
                        listed, prefix = [listed], ("Statement",)
                    else:
                        prefix = None
                    if isinstance(listed, list):
                        merged = []
                        for index, statement in enumerate(listed):
                            path = prefix if prefix is not None else ("Statement", index)
                            sid = statement.get("Sid") if isinstance(statement, dict) else None
                            merged.append(
                                Statement(
                                    sid if isinstance(sid, str) else None,
                                    statement,
                                    PrefixedLocator(locator, path),
                                )
                            )
                        merge_statements(statements, merged)
                        extents.append(span)
                        continue
            # Not known here: the statements it adds or replaces are unknown; never guessed.
            unknown = Unknown(text)
            statements.append(Statement(None, unknown, SpanTable({(): span}, fallback=span)))

    def _statement(self, block: Any) -> Statement:
        hcl = self.hcl
        if _is_dynamic(block, hcl):
            span = hcl.node_span(block)
            return Statement(
                None, Unknown('dynamic "statement"'), SpanTable({(): span}, fallback=span)
            )
        converter = ht.JsonConverter(hcl, iam_variables=True)
        converter.values[()] = hcl.node_span(block)
        attributes = ht.attributes(block, hcl)
        statement: dict[str, Any] = {}
        for attribute_name, key in STATEMENT_ATTRIBUTES:
            attribute = attributes.get(attribute_name)
            if attribute is None:
                if key == "Effect":
                    statement["Effect"] = "Allow"
                continue
            statement[key] = converter.convert(ht.attribute_value(attribute), (key,))
            converter.keys[(key,)] = hcl.node_span(ht.attribute_name_node(attribute))
        for block_name, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            blocks = _blocks_named(block, hcl, block_name)
            dynamic = [b for b in blocks if _is_dynamic(b, hcl)]
            if dynamic:
                converter.values[(key,)] = hcl.node_span(dynamic[0])
                statement[key] = Unknown(f'dynamic "{block_name}"')
            elif blocks:
                statement[key] = self._principals(converter, blocks, (key,))
        conditions = _blocks_named(block, hcl, "condition")
        dynamic = [b for b in conditions if _is_dynamic(b, hcl)]
        if dynamic:
            converter.values[("Condition",)] = hcl.node_span(dynamic[0])
            statement["Condition"] = Unknown('dynamic "condition"')
        elif conditions:
            statement["Condition"] = self._conditions(converter, conditions)
        sid = statement.get("Sid")
        table = SpanTable(converter.values, converter.keys, hcl.node_span(block))
        return Statement(sid if isinstance(sid, str) else None, statement, table)

    def _principals(self, converter: ht.JsonConverter, blocks: list[Any], path: JsonPath) -> Any:
        """``principals { type identifiers }`` blocks → ``{"AWS": [...], "Service": [...]}``."""
        hcl = self.hcl
        converter.values[path] = hcl.node_span(blocks[0])
        converter.keys[path] = hcl.node_span(blocks[0].named_children[0])
        principal: dict[str, Any] = {}
        for block in blocks:
            attributes = ht.attributes(block, hcl)
            type_attribute = attributes.get("type")
            identifiers = attributes.get("identifiers")
            if type_attribute is None or identifiers is None:
                continue
            principal_type = ht.JsonConverter(hcl).convert(ht.attribute_value(type_attribute), ())
            if not isinstance(principal_type, str):
                # Which kind of principal it is cannot be known: the whole element is unknown.
                return Unknown(hcl.node_text(ht.attribute_value(type_attribute)))
            member = (*path, principal_type)
            if member not in converter.keys:
                converter.keys[member] = hcl.node_span(ht.attribute_value(type_attribute))
            value = _append_values(converter, principal.get(principal_type), identifiers, member)
            principal[principal_type] = value
        star = principal.get("*")
        if len(principal) == 1 and isinstance(star, list) and star == ["*"]:
            converter.values[path] = converter.values[(*path, "*", 0)]
            return "*"
        return principal

    def _conditions(self, converter: ht.JsonConverter, blocks: list[Any]) -> Any:
        """``condition { test variable values }`` blocks → ``{test: {variable: values}}``."""
        hcl = self.hcl
        path: JsonPath = ("Condition",)
        converter.values[path] = hcl.node_span(blocks[0])
        converter.keys[path] = hcl.node_span(blocks[0].named_children[0])
        condition: dict[str, Any] = {}
        for block in blocks:
            attributes = ht.attributes(block, hcl)
            test, variable = attributes.get("test"), attributes.get("variable")
            values = attributes.get("values")
            if test is None or variable is None or values is None:
                continue
            plain = ht.JsonConverter(hcl, iam_variables=True)
            operator = plain.convert(ht.attribute_value(test), ())
            key = plain.convert(ht.attribute_value(variable), ())
            if not isinstance(operator, str):
                # A condition whose operator is computed still constrains; how is unknown.
                return Unknown(hcl.node_text(ht.attribute_value(test)))
            operator_path = (*path, operator)
            if operator_path not in converter.keys:
                converter.keys[operator_path] = hcl.node_span(ht.attribute_value(test))
                converter.values[operator_path] = hcl.node_span(block)
            if not isinstance(key, str) or isinstance(condition.get(operator), Unknown):
                # A computed condition key: the operator's keys and values are unknown.
                if operator not in condition or not isinstance(condition[operator], Unknown):
                    written = hcl.node_text(ht.attribute_value(variable))
                    condition[operator] = Unknown(written.strip('"'))
                continue
            member = (*operator_path, key)
            if member not in converter.keys:
                converter.keys[member] = hcl.node_span(ht.attribute_value(variable))
            operator_values = condition.setdefault(operator, {})
            operator_values[key] = _append_values(
                converter, operator_values.get(key), values, member
            )
        return condition


#: The statement block's attributes and the policy elements they write (also in ``*.tf.json``).
STATEMENT_ATTRIBUTES = (
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)


def _blocks_named(block: Any, hcl: ht.HclFile, name: str) -> list[Any]:
    """Nested blocks ``name { ... }``. A ``dynamic "name"`` block counts as its ``content``
    block when the content does not use the iterator (a block made 0 or 1 times); one whose
    content does (each element of ``for_each`` gives its own values, which may be null) is
    returned as the ``dynamic`` block itself, for an Unknown in its place."""
    found = []
    for item in ht.body_items(block):
        if item.type != "block":
            continue
        kind, labels = ht.block_labels(item, hcl)
        if kind == name and not labels:
            found.append(item)
        elif kind == "dynamic" and labels == [name]:
            contents = ht.nested_blocks(item, hcl, "content")
            iterator = ht.attributes(item, hcl).get("iterator")
            variable = hcl.node_text(ht.attribute_value(iterator)).strip() if iterator else name
            uses = re.compile(rf"\b{re.escape(variable)}\.(?:value|key)\b")
            if any(uses.search(hcl.node_text(content)) for content in contents):
                found.append(item)
            else:
                found.extend(contents)
    return found


def _is_dynamic(block: Any, hcl: ht.HclFile) -> bool:
    return ht.block_labels(block, hcl)[0] == "dynamic"


def _append_values(
    converter: ht.JsonConverter, existing: Any, attribute: Any, path: JsonPath
) -> Any:
    """Convert a list attribute at ``path``, appended to the values already there (Terraform
    merges principals of one type and conditions of one test and variable)."""
    value_node = ht.attribute_value(attribute)
    if existing is None:
        return converter.convert(value_node, path)
    if isinstance(existing, Unknown):
        return existing
    scratch = ht.JsonConverter(converter.hcl, iam_variables=converter.iam_variables)
    more = scratch.convert(value_node, ())
    if not isinstance(more, list):
        return Unknown(converter.hcl.node_text(value_node))
    current = existing if isinstance(existing, list) else [existing]
    start = len(current)
    for sub_path, span in scratch.values.items():
        if sub_path:
            converter.values[(*path, start + sub_path[0], *sub_path[1:])] = span
    for sub_path, span in scratch.keys.items():
        converter.keys[(*path, start + sub_path[0], *sub_path[1:])] = span
    return [*current, *more]


def merge_statements(statements: list[Statement], new: list[Statement]) -> None:
    """Terraform's merge: a statement with a Sid replaces the one with the same Sid, in place;
    others are appended."""
    for statement in new:
        if statement.sid:
            for index, existing in enumerate(statements):
                if existing.sid == statement.sid:
                    statements[index] = statement
                    break
            else:
                statements.append(statement)
        else:
            statements.append(statement)
