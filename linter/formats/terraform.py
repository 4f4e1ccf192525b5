"""Terraform HCL (``*.tf``) as a policy source.

Found in a ``.tf`` file:

* policy attributes of AWS provider resources (``aws_iam_role.assume_role_policy``,
  ``aws_kms_key.policy``, ... see :mod:`linter.formats.tf_attributes`) written as
  ``jsonencode({...})`` (spans for every key and element), as a heredoc or a quoted JSON string
  (decoded with positions inside it), or entirely as an expression (``var.policy``: a source
  whose document is an :class:`~linter.sources.Unknown`);
* ``data "aws_iam_policy_document"`` blocks, as the policy document Terraform renders, with
  ``source_policy_documents`` / ``override_policy_documents`` merged by Sid when they name other
  documents of the same file. Each is linted once, at the data block, with the policy type of
  the attribute that uses it in the same file;
* ``# iamlint: ignore[RULE,...] reason`` comments on the line above a block or attribute.

Terraform values known only at apply time (references, function calls, interpolations) are
Unknowns, typed by the reference where that is possible (``aws_s3_bucket.x.arn``).
"""

from __future__ import annotations

import os
import re
from typing import Any, NamedTuple

from linter.decode import Problem, decode_bytes
from linter.formats import hcl_tree as ht
from linter.formats.tf_attributes import (
    ORGANIZATIONS_TYPES,
    POLICY_DOCUMENT_REFERENCE,
    linted_elsewhere,
    policy_attributes,
    type_reason,
)
from linter.formats.tf_template import Literal, json_document, split_template
from linter.model import FILE_START, JsonPath, PolicyType, Span
from linter.sources import (
    CompositeLocator,
    InlineIgnore,
    Locator,
    ParsedFile,
    PolicySource,
    PrefixedLocator,
    SpanTable,
    Unknown,
)

__all__ = ["Statement", "from_hcl", "merge_statements"]

WRAPPER = "terraform"
_IGNORE_COMMENT = re.compile(r"(?:#|//)\s*iamlint:\s*ignore\[([^\]]*)\]\s*(.*?)\s*$")


def from_hcl(data: bytes, path: str, explicit: bool) -> ParsedFile | None:
    """The policy sources of a ``.tf`` file; None when it holds no policy and no problem.

    A syntax error is one ``template-syntax`` problem at the first error; the well-formed
    blocks are still read. It is reported when the file was named on the command line or
    mentions a policy at all (a file the grammar cannot read and that has no policy is skipped).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if not explicit:
            return None
        problem = Problem(
            "encoding",
            f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}",
            Span(1, 1, 1, 1),
            True,
        )
        return ParsedFile("", "terraform", (), (problem,), False)
    if not explicit and b"polic" not in data:
        # Every policy attribute's name (and aws_iam_policy_document) has "polic" in it: a
        # directory walk skips the parse of files that cannot hold a policy.
        return None
    hcl = ht.parse(data, text)
    extractor = _Extractor(hcl, path)
    sources = extractor.run()
    problems: tuple[Problem, ...] = ()
    error = ht.first_error(hcl)
    if error is not None and (explicit or sources or b"polic" in data):
        span, message = error
        problems = (Problem("template-syntax", message, span, not sources),)
    sources, file_ignores = _attach_ignores(hcl, sources, extractor.extents)
    if not sources and not problems:
        return None
    return ParsedFile(
        text, "terraform", tuple(sources), problems, bool(sources) or error is None, file_ignores
    )


class Statement(NamedTuple):
    """One statement of an ``aws_iam_policy_document`` being merged: its Sid (None: none or
    not known), value and a locator for paths relative to the statement."""

    sid: str | None
    value: Any
    locator: Locator


class _PolicyDocument(NamedTuple):
    document: dict[str, Any]
    locator: Locator
    statements: list[Statement]
    extents: list[Span]  # the blocks whose text the document comes from


class _Extractor:
    """Walks the top-level blocks of one file and builds its policy sources."""

    def __init__(self, hcl: ht.HclFile, path: str | None = None) -> None:
        self.hcl = hcl
        self.path = path
        self.documents: dict[str, Any] = {}  # data "aws_iam_policy_document" name → block
        self.resources: list[tuple[str, str, Any]] = []
        self.modules: list[tuple[str, Any]] = []
        self.built: dict[str, _PolicyDocument | None] = {}
        self.building: set[str] = set()
        self.extents: dict[int, list[Span]] = {}  # id(source) → spans it comes from
        self.used_as_part: set[str] = set()
        self.used_elsewhere: set[str] = set()
        self.locals: dict[str, Any] = {}  # local name → its attribute node
        self.origins: dict[int, str] = {}  # id(locator) → the file it locates in
        self.resolving: set[str] = set()

    # -- the file ----------------------------------------------------------------------------

    def run(self) -> list[PolicySource]:
        hcl = self.hcl
        for item in ht.body_items(hcl.root):
            if item.type != "block" or item.has_error:
                continue  # a block with a syntax error: its values cannot be trusted
            kind, labels = ht.block_labels(item, hcl)
            if kind == "data" and len(labels) == 2 and labels[0] == "aws_iam_policy_document":
                self.documents[labels[1]] = item
            elif kind == "resource" and len(labels) == 2:
                self.resources.append((labels[0], labels[1], item))
            elif kind == "locals":
                self.locals.update(ht.attributes(item, hcl))
            elif kind == "module" and len(labels) == 1:
                self.modules.append((labels[0], item))
        found: list[tuple[int, PolicySource, list[Span]]] = []
        usage: dict[str, set[tuple[PolicyType, str]]] = {}
        for resource_type, name, block in self.resources:
            for source, extent in self._resource_sources(resource_type, name, block, usage):
                found.append((block.start_byte, source, extent))
        for name, block in self.modules:
            for source, extent in self._module_sources(name, block):
                found.append((block.start_byte, source, extent))
        for other in self.documents.values():
            for reference in POLICY_DOCUMENT_REFERENCE.finditer(hcl.node_text(other)):
                self.used_as_part.add(reference.group("name"))
        self._scan_other_uses()
        for name, block in self.documents.items():
            if name in self.used_as_part and name not in usage and name not in self.used_elsewhere:
                continue  # linted as part of the documents that merge it
            built = self._policy_document(name)
            if built is None:
                continue
            types = usage.get(name, set())
            policy_type, reason = (None, "")
            if len({t for t, _ in types}) == 1:
                policy_type, reason = next(iter(types))
                reason = f"used as {reason}"
            source = PolicySource(
                built.document,
                built.locator,
                f"data.aws_iam_policy_document.{name}",
                policy_type,
                reason,
                WRAPPER,
            )
            found.append((block.start_byte, source, built.extents))
        found.sort(key=lambda item: item[0])
        sources = []
        for _, source, extent in found:
            sources.append(source)
            self.extents[len(sources) - 1] = extent
        return sources

    def _scan_other_uses(self) -> None:
        """Documents referenced outside any policy attribute or other document (module inputs,
        outputs, locals) are linted on their own even when other documents merge them."""
        hcl = self.hcl
        document_blocks = {block.start_byte for block in self.documents.values()}
        for item in ht.body_items(hcl.root):
            if item.type == "block" and item.start_byte in document_blocks:
                continue
            if item.type == "block" and ht.block_labels(item, hcl)[0] == "resource":
                continue
            for reference in POLICY_DOCUMENT_REFERENCE.finditer(hcl.node_text(item)):
                self.used_elsewhere.add(reference.group("name"))

    # -- resources ---------------------------------------------------------------------------

    def _resource_sources(
        self,
        resource_type: str,
        name: str,
        block: Any,
        usage: dict[str, set[tuple[PolicyType, str]]],
    ) -> list[tuple[PolicySource, list[Span]]]:
        wanted = policy_attributes(resource_type)
        if not wanted:
            # Any other resource that uses a document: the document is linted on its own.
            for reference in POLICY_DOCUMENT_REFERENCE.finditer(self.hcl.node_text(block)):
                self.used_elsewhere.add(reference.group("name"))
            return []
        hcl = self.hcl
        attributes = ht.attributes(block, hcl)
        results: list[tuple[PolicySource, list[Span]]] = []
        for attribute_name, policy_type in wanted.items():
            reason = type_reason(resource_type, attribute_name)
            if resource_type == "aws_organizations_policy":
                organizations_type = self._organizations_type(attributes)
                if organizations_type is None:
                    continue
                policy_type = organizations_type
            if "." in attribute_name:
                block_name, inner = attribute_name.split(".", 1)
                nested = ht.nested_blocks(block, hcl, block_name)
                targets = [
                    (
                        ht.attributes(sub, hcl).get(inner),
                        f"{resource_type}.{name}.{block_name}"
                        + (f"[{index}]" if len(nested) > 1 else "")
                        + f".{inner}",
                    )
                    for index, sub in enumerate(nested)
                ]
            else:
                targets = [
                    (attributes.get(attribute_name), f"{resource_type}.{name}.{attribute_name}")
                ]
            for attribute, label in targets:
                if attribute is None:
                    continue
                value = ht.attribute_value(attribute)
                uses = self._with_locals(hcl.node_text(value))
                for reference in POLICY_DOCUMENT_REFERENCE.finditer(uses):
                    usage.setdefault(reference.group("name"), set()).add((policy_type, reason))
                source = self._attribute_source(attribute, label, policy_type, reason)
                if source is not None:
                    results.append((source, [hcl.node_span(attribute)]))
        return results

    def _module_sources(self, name: str, block: Any) -> list[tuple[PolicySource, list[Span]]]:
        """A policy written in a module input (``policy_json = <<EOF ...``): linted when it
        is a document with a ``Statement``; what the module does with it, and so its type, is
        not known here (detected from the content)."""
        hcl = self.hcl
        found = []
        for attribute_name, attribute in ht.attributes(block, hcl).items():
            if "polic" not in attribute_name:
                continue
            result = self._document(ht.attribute_value(attribute))
            if result is None or not isinstance(result[0], dict) or "Statement" not in result[0]:
                continue
            document, locator, problems, ok = result
            label = f"module.{name}.{attribute_name}"
            source = PolicySource(document, locator, label, None, "", WRAPPER, tuple(problems), ok)
            found.append((source, [hcl.node_span(attribute)]))
        return found

    def _organizations_type(self, attributes: dict[str, Any]) -> PolicyType | None:
        attribute = attributes.get("type")
        if attribute is None:
            return PolicyType.SCP
        value = ht.JsonConverter(self.hcl).convert(ht.attribute_value(attribute), ())
        return ORGANIZATIONS_TYPES.get(value) if isinstance(value, str) else None

    def _attribute_source(
        self, attribute: Any, label: str, policy_type: PolicyType, reason: str
    ) -> PolicySource | None:
        result = self._document(ht.attribute_value(attribute))
        if result is None:
            return None
        document, locator, problems, ok = result
        return PolicySource(
            document,
            locator,
            label,
            policy_type,
            reason,
            WRAPPER,
            tuple(problems),
            ok,
            origin=self.origins.get(id(locator)),
        )

    def _file_document(
        self, function: str, argument: Any
    ) -> tuple[Any, Locator, list[Problem], bool] | None:
        """``file("policy.json")`` / ``templatefile("${path.module}/policy.json.tpl", {...})``
        with a literal path: the JSON of that file, located in it (the source's ``origin``).
        None when the path is computed or the file cannot be read (the caller makes the
        document unknown)."""
        node = ht.unwrap(argument)
        if node is not None and node.type == "literal_value":
            node = node.named_children[0]
        template = ht.template_of(node, self.hcl) if node is not None else None
        if template is None or self.path is None:
            return None
        relative = ""
        for index, piece in enumerate(template.pieces):
            if isinstance(piece, Literal):
                relative += piece.text
            elif index == 0 and piece.expression == "path.module":
                relative += "."
            else:
                return None
        target = os.path.normpath(os.path.join(os.path.dirname(self.path), relative))
        try:
            with open(target, "rb") as handle:
                data = handle.read(_MAX_POLICY_FILE + 1)
        except OSError:
            return None
        if len(data) > _MAX_POLICY_FILE:
            return None
        decoded = decode_bytes(data)
        if function == "file" or ("${" not in decoded.text and "%{" not in decoded.text):
            found: tuple[Any, Locator, list[Problem], bool] = (
                decoded.value,
                decoded,
                list(decoded.problems),
                decoded.ok,
            )
        else:
            text = decoded.text
            pieces = split_template(text, list(range(len(text) + 1)))
            found = json_document(pieces, text, len(text), text, FILE_START)
        self.origins[id(found[1])] = target
        return found

    def _local(self, node: Any) -> tuple[str, Any] | None:
        """The name and expression of ``local.name`` when this file defines it (None otherwise,
        and for a local being resolved already: a cycle)."""
        text = self.hcl.node_text(node).strip()
        if not text.startswith("local.") or text.count(".") != 1:
            return None
        name = text[len("local.") :]
        attribute = self.locals.get(name)
        if attribute is None or name in self.resolving:
            return None
        self.resolving.add(name)
        return name, ht.attribute_value(attribute)

    def _with_locals(self, text: str) -> str:
        """``text`` and the expressions of the locals it names (one level), for finding the
        documents an attribute uses."""
        if not self.locals:
            return text
        parts = [text]
        for match in _LOCAL_REFERENCE.finditer(text):
            attribute = self.locals.get(match.group(1))
            if attribute is not None:
                parts.append(self.hcl.node_text(attribute))
        return "\n".join(parts)

    # -- documents from expressions ----------------------------------------------------------

    def _document(self, node: Any) -> tuple[Any, Locator, list[Problem], bool] | None:
        """The policy document an expression evaluates to, with its locator and decoder problems.

        None: no document here (``null``, an empty string, a reference to a policy linted at its
        own block). A document known only at apply time is an Unknown.
        """
        hcl = self.hcl
        fallback = hcl.node_span(node)
        inner = ht.unwrap(node)
        while inner is not None:
            template = ht.template_of(inner, hcl) if inner.type in _TEMPLATE_TYPES else None
            if template is not None:
                hole = template.sole_expression()
                if hole is None:
                    break
                inner = ht.unwrap(hole)
                continue
            if inner.type == "literal_value" and inner.named_children[0].type == "string_lit":
                inner = inner.named_children[0]
                continue
            break
        if inner is None:
            return None
        kind = inner.type
        if kind == "literal_value" and inner.named_children[0].type == "null_lit":
            return None
        if kind == "function_call":
            function = hcl.node_text(inner.named_children[0])
            arguments = _arguments(inner)
            if linted_elsewhere(hcl.node_text(inner)):
                return None
            if function == "jsonencode" and len(arguments) == 1:
                converter = ht.JsonConverter(hcl)
                document = converter.convert(arguments[0], ())
                table = SpanTable(converter.values, converter.keys, fallback)
                return document, table, [], True
            if function in ("file", "templatefile") and arguments:
                found = self._file_document(function, arguments[0])
                if found is not None:
                    return found
        elif kind in _TEMPLATE_TYPES:
            template = ht.template_of(inner, hcl)
            if template is not None:
                if not template.holes and not (template.literal() or "").strip():
                    return None
                return json_document(
                    template.pieces, hcl.text, template.end, template.written, fallback
                )
        elif linted_elsewhere(hcl.node_text(inner)):
            return None
        else:
            local = self._local(inner)
            if local is not None:
                name, expression = local
                try:
                    return self._document(expression)
                finally:
                    self.resolving.discard(name)
        unknown = Unknown(hcl.node_text(inner))
        return unknown, SpanTable({(): fallback}, fallback=fallback), [], True

    # -- aws_iam_policy_document -------------------------------------------------------------

    def _policy_document(self, name: str) -> _PolicyDocument | None:
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

    def _build_document(self, block: Any) -> _PolicyDocument:
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
        return _PolicyDocument(document, CompositeLocator(base, parts), statements, extents)

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
        for attribute_name, key in _STATEMENT_ATTRIBUTES:
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


_MAX_POLICY_FILE = 1 << 20  # a file() policy larger than this is not read
_LOCAL_REFERENCE = re.compile(r"\blocal\.([A-Za-z_][A-Za-z0-9_-]*)")
_TEMPLATE_TYPES = ("template_expr", "string_lit", "quoted_template", "heredoc_template")
_STATEMENT_ATTRIBUTES = (
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)


def _arguments(call: Any) -> list[Any]:
    for child in call.named_children:
        if child.type == "function_arguments":
            return [c for c in child.named_children if c.type == "expression"]
    return []


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


# -- inline ignores ---------------------------------------------------------------------------

_TARGET_TYPES = ("attribute", "block", "object_elem")


def _attach_ignores(
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
