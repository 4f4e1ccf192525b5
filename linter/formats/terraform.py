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
from typing import Any

from linter.decode import Problem, decode_bytes
from linter.formats import hcl_tree as ht
from linter.formats.tf_attributes import (
    ORGANIZATIONS_TYPES,
    POLICY_DOCUMENT_REFERENCE,
    linted_elsewhere,
    policy_attributes,
    type_reason,
)
from linter.formats.tf_ignores import attach_ignores
from linter.formats.tf_policy_document import PolicyDocument, PolicyDocuments
from linter.formats.tf_template import Literal, json_document, split_template
from linter.model import FILE_START, PolicyType, Span
from linter.sources import (
    Locator,
    ParsedFile,
    PolicySource,
    SpanTable,
    Unknown,
)

__all__ = ["from_hcl"]

WRAPPER = "terraform"


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
    sources, file_ignores = attach_ignores(hcl, sources, extractor.extents)
    if not sources and not problems:
        return None
    return ParsedFile(
        text, "terraform", tuple(sources), problems, bool(sources) or error is None, file_ignores
    )


class _Extractor(PolicyDocuments):
    """Walks the top-level blocks of one file and builds its policy sources."""

    def __init__(self, hcl: ht.HclFile, path: str | None = None) -> None:
        self.hcl = hcl
        self.path = path
        self.documents: dict[str, Any] = {}  # data "aws_iam_policy_document" name → block
        self.resources: list[tuple[str, str, Any]] = []
        self.modules: list[tuple[str, Any]] = []
        self.built: dict[str, PolicyDocument | None] = {}
        self.building: set[str] = set()
        self.extents: dict[int, list[Span]] = {}  # id(source) → spans it comes from
        self.merged: set[str] = set()
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
        self._scan_other_uses()
        for name in self.documents:
            self._policy_document(name)  # records the documents merged into others
        inherited = self._inherited_usage(usage)
        for name, block in self.documents.items():
            if name in self.merged and name not in usage and name not in self.used_elsewhere:
                continue  # linted as part of the documents that merge it
            built = self._policy_document(name)
            if built is None:
                continue
            types = usage.get(name) or (
                inherited.get(name, set()) if name not in self.used_elsewhere else set()
            )
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

    def _inherited_usage(
        self, usage: dict[str, set[tuple[PolicyType, str]]]
    ) -> dict[str, set[tuple[PolicyType, str]]]:
        """The use of documents that another document names in an expression it cannot merge
        here (``compact([var.x ? data.aws_iam_policy_document.a[0].json : ""])``): the one of
        the document that names them. Such a document is linted on its own, with that type."""
        inherited = dict(usage)
        queue = list(usage)
        while queue:
            parent = queue.pop(0)
            block = self.documents.get(parent)
            if block is None:
                continue
            for reference in POLICY_DOCUMENT_REFERENCE.finditer(self.hcl.node_text(block)):
                child = reference.group("name")
                if child in self.documents and child not in inherited:
                    inherited[child] = {
                        (policy_type, f"{reason} through data.aws_iam_policy_document.{parent}")
                        for policy_type, reason in inherited[parent]
                    }
                    queue.append(child)
        return inherited

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
            if result is None or not _looks_like_iam_policy(result[0]):
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


def _looks_like_iam_policy(document: Any) -> bool:
    """An IAM policy, as opposed to another JSON document with statements (an SNS or CloudWatch
    Logs data protection policy): an IAM language version if any, and statements that have an
    Effect or an Action."""
    if not isinstance(document, dict) or "Statement" not in document:
        return False
    if document.get("Version", "2012-10-17") not in ("2012-10-17", "2008-10-17"):
        return False
    statements = document["Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    return all(
        not isinstance(statement, dict)
        or any(key in statement for key in ("Effect", "Action", "NotAction"))
        for statement in statements
    )


_MAX_POLICY_FILE = 1 << 20  # a file() policy larger than this is not read
_LOCAL_REFERENCE = re.compile(r"\blocal\.([A-Za-z_][A-Za-z0-9_-]*)")
_TEMPLATE_TYPES = ("template_expr", "string_lit", "quoted_template", "heredoc_template")


def _arguments(call: Any) -> list[Any]:
    for child in call.named_children:
        if child.type == "function_arguments":
            return [c for c in child.named_children if c.type == "expression"]
    return []
