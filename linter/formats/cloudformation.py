"""CloudFormation, AWS SAM and CDK-output templates (JSON and YAML) as policy sources.

A template's policies are the policy-document properties of its resources (see
:mod:`linter.formats.cfn_resources`), plus any other resource property whose value is an object
with a ``Statement``. Each becomes a :class:`PolicySource` labelled with its place in the
template (``Resources.AppRole.Properties.Policies[0].PolicyDocument``, with the construct path
of CDK output appended) and located in the file: YAML through the composed node tree, JSON
through the decoder's span index, a policy written as a JSON string (``!Sub |`` included)
through a decode of the string with positions inside it.

Intrinsic functions inside a document become :class:`Unknown` values at the same JSON path,
with an IAM wildcard pattern of every value they can take when the template tells it
(``!GetAtt Role.Arn`` of an ``AWS::IAM::Role`` is ``arn:*:iam::*:role/*``); a document that is
an intrinsic as a whole (``!Ref PolicyParameter``) is an Unknown document. ``Fn::If`` around a
whole document (or a ``Policies`` item) is looked through: each branch is a policy.

Suppressions: ``Metadata: {iamlint: {ignore: [...]}}`` on a resource (or the template) and a
``# iamlint: ignore[RULES] reason`` comment on the line above a YAML key or list item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from linter.decode import Decoded, Problem, decode_mapped
from linter.formats import cfn_intrinsics
from linter.formats import cfn_resources as spec
from linter.model import JsonPath, PolicyType, Span
from linter.sources import (
    InlineIgnore,
    Locator,
    ParsedFile,
    PolicySource,
    PrefixedLocator,
    Unknown,
)

__all__ = ["from_json", "from_yaml", "looks_like_template", "resolve_fragment"]

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_IGNORE_COMMENT = re.compile(
    r"^[ \t]*#[ \t]*iamlint:[ \t]*ignore\[([^\]]*)\][ \t]*(.*?)[ \t]*$", re.M
)


# -- detection --------------------------------------------------------------------------------


def looks_like_template(value: Any) -> bool:
    """A decoded document is a template: it has ``AWSTemplateFormatVersion``, or ``Resources``
    whose entries name a ``Type`` such as ``AWS::S3::Bucket`` (CDK output and SAM)."""
    if type(value) is not dict:
        return False
    if "AWSTemplateFormatVersion" in value:
        return True
    resources = value.get("Resources")
    if type(resources) is not dict or not resources:
        return False
    return any(
        type(resource) is dict and type(resource.get("Type")) is str and "::" in resource["Type"]
        for resource in resources.values()
    )


def _looks_like_template_text(data: bytes) -> bool:
    """A cheap test of a YAML file's bytes before anything is parsed."""
    if b"AWSTemplateFormatVersion" in data:
        return True
    return b"Resources" in data and (b"AWS::" in data or b"Custom::" in data)


# -- entry points -----------------------------------------------------------------------------


def from_json(decoded: Decoded, path: str) -> ParsedFile | None:
    """The policies of a JSON template already decoded; None when it is not a template."""
    value = decoded.value
    if not decoded.ok or not looks_like_template(value):
        return None
    return _Template(value, _JsonTree(decoded)).parse()


def resolve_fragment(decoded: Decoded) -> Any:
    """A policy file that holds CloudFormation intrinsics (``{"Fn::Sub": ...}``,
    ``{"Ref": ...}``): a fragment that a template, a macro or ``AWS::Include`` puts into a
    template. Its document with every intrinsic an :class:`Unknown`, as in a template (the
    pseudo parameters' patterns are known; other names could be anything)."""
    return _Template({}, _JsonTree(decoded))._resolve(decoded.value, ())


def from_yaml(data: bytes, path: str, explicit: bool) -> ParsedFile | None:
    """The policies of a YAML template (``.yaml``/``.yml``/``.template``); None when the file
    is not a template. A syntax error is a ``template-syntax`` problem for a file that looks
    like a template or was named on the command line."""
    if not explicit and not _looks_like_template_text(data):
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if not explicit and not _looks_like_template_text(data):
            return None
        prefix = data[: error.start].decode("utf-8")
        line = prefix.count("\n") + 1
        column = len(prefix) - (prefix.rfind("\n") + 1) + 1
        problem = Problem(
            "encoding",
            f"invalid UTF-8 ({error.reason}); templates must be UTF-8 encoded",
            Span(line, column, line, column + 1),
            True,
        )
        return ParsedFile(data.decode("utf-8", "replace"), "cloudformation", (), (problem,), False)
    from linter.formats import yaml_tree

    lines = yaml_tree.Lines(text)
    try:
        documents = yaml_tree.compose(text)
        value = _template_value(documents[0], yaml_tree, text) if len(documents) == 1 else None
    except yaml_tree.YamlError as error:
        if not explicit and not _looks_like_yaml_template(text):
            return None
        problem = Problem(
            "template-syntax", error.message, lines.span(error.start, error.end), True
        )
        return ParsedFile(text, "cloudformation", (), (problem,), False)
    if not looks_like_template(value):
        return None
    return _Template(value, _YamlTree(documents[0], lines)).parse()


# The top-level sections a template's policies depend on; Outputs, Mappings, Conditions and
# Rules are not converted.
_SECTIONS = frozenset(("AWSTemplateFormatVersion", "Transform", "Metadata", "Resources"))


def _template_value(root: Any, yaml_tree: Any, text: str) -> Any:
    """The parts of a template's YAML root that matter here, as values: the parameters by
    name only, and of a resource that can hold no policy only its ``Type``."""
    if root.id != "mapping":
        return yaml_tree.to_value(root)
    value: dict[str, Any] = {}
    for key_node, value_node in root.value:
        key = key_node.value
        if key == "Resources" and value_node.id == "mapping" and not _tagged(value_node):
            value[key] = {
                str(name.value): _resource_value(node, yaml_tree, text)
                for name, node in value_node.value
            }
        elif key in _SECTIONS:
            value[key] = yaml_tree.to_value(value_node, 1)
        elif key == "Parameters" and value_node.id == "mapping":
            value[key] = {str(name.value): None for name, _ in value_node.value}
    return value


def _resource_value(node: Any, yaml_tree: Any, text: str) -> Any:
    """A resource as values; only ``Type`` when its type holds no policy and its text has no
    ``Statement`` or ``iamlint`` (most resources of a template: not converted at all)."""
    if node.id != "mapping" or _tagged(node):
        return yaml_tree.to_value(node, 2)
    type_node = next((v for k, v in node.value if k.value == "Type"), None)
    resource_type = type_node.value if type_node is not None and type_node.id == "scalar" else None
    if resource_type in spec.POLICY_PROPERTIES or resource_type in _SPECIAL_TYPES:
        return yaml_tree.to_value(node, 2)
    start, end = yaml_tree.node_offsets(node, text)
    if text.find("Statement", start, end) >= 0 or text.find("iamlint", start, end) >= 0:
        return yaml_tree.to_value(node, 2)
    return {"Type": resource_type}


_SPECIAL_TYPES = frozenset((spec.ORGANIZATIONS_POLICY, spec.EVENT_BUS_POLICY))


def _tagged(node: Any) -> bool:
    return node.tag.startswith("!") and len(node.tag) > 1


def _looks_like_yaml_template(text: str) -> bool:
    return "AWSTemplateFormatVersion" in text or (
        re.search(r"^Resources:", text, re.M) is not None
        and re.search(r"^\s+Type:\s*['\"]?(AWS|Custom)::", text, re.M) is not None
    )


# -- the two kinds of tree --------------------------------------------------------------------


class _JsonTree:
    """Locations in a JSON template (the decoder's lazy span index)."""

    yaml = False

    def __init__(self, decoded: Decoded) -> None:
        self.decoded = decoded
        self.text = decoded.text
        self._lines: Any = None

    def locator(self, path: JsonPath) -> Locator:
        return PrefixedLocator(self.decoded, path)

    def extent(self, path: JsonPath) -> tuple[int, int] | None:
        span = self.decoded.span(path)
        if span is None:
            return None
        lines = self._line_table()
        return lines.offset(span.line, span.column), lines.offset(span.end_line, span.end_column)

    def _line_table(self) -> Any:
        if self._lines is None:
            from linter.formats.yaml_tree import Lines  # no yaml import: only the line table

            self._lines = Lines(self.text)
        return self._lines

    def written(self, path: JsonPath, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=_json_default)

    def mentions(self, path: JsonPath, word: str) -> bool:
        return True  # the values are at hand: walking them is as cheap as a search

    def string(self, path: JsonPath, value: Any) -> tuple[str, list[int]] | None:
        """The characters of the string at ``path`` (or of its ``Fn::Sub`` template) and the
        offset of each in the file."""
        if type(value) is dict:
            path = (*path, "Fn::Sub")
            if type(value.get("Fn::Sub")) is list:
                path = (*path, 0)
        extent = self.extent(path)
        if extent is None or not self.text.startswith('"', extent[0]):
            return None
        return cfn_intrinsics.unescape_json_string(self.text, *extent)


class _YamlTree:
    """Locations in a YAML template (the composed node tree)."""

    yaml = True

    def __init__(self, root: Any, lines: Any) -> None:
        from linter.formats import yaml_tree

        self.root = root
        self.lines = lines
        self.text = lines.text
        self.tree = yaml_tree

    def node(self, path: JsonPath) -> Any:
        _, node, depth = self.tree.walk(self.root, path)
        return node if depth == len(path) else None

    def locator(self, path: JsonPath) -> Locator:
        node = self.node(path)
        return self.tree.NodeLocator(node if node is not None else self.root, self.lines)

    def extent(self, path: JsonPath) -> tuple[int, int] | None:
        node = self.node(path)
        return None if node is None else self.tree.node_offsets(node, self.text)

    def mentions(self, path: JsonPath, word: str) -> bool:
        """Whether the text of the node at ``path`` contains ``word`` (a cheap pre-check)."""
        extent = self.extent(path)
        return extent is None or self.text.find(word, *extent) >= 0

    def written(self, path: JsonPath, value: Any) -> str:
        node = value.node if type(value) is self.tree.Tagged else self.node(path)
        if node is None:
            return json.dumps(value, ensure_ascii=False, default=_json_default)
        return self.tree.node_text(node, self.text)

    def string(self, path: JsonPath, value: Any) -> tuple[str, list[int]] | None:
        node = value.node if type(value) is self.tree.Tagged else self.node(path)
        if node is None:
            return None
        if node.id == "mapping":  # Fn::Sub in long form
            found = self.tree.child(node, "Fn::Sub")
            node = found[1] if found else None
        if node is not None and node.id == "sequence" and node.value:  # [template, variables]
            node = node.value[0]
        if node is None or node.id != "scalar":
            return None
        return node.value, self.tree.scalar_offsets(node, self.text)


def _json_default(value: Any) -> Any:
    return str(getattr(value, "value", value))


# -- intrinsic functions ----------------------------------------------------------------------


# -- the template -----------------------------------------------------------------------------


class _Template:
    def __init__(self, value: dict, tree: _JsonTree | _YamlTree) -> None:
        self.value = value
        self.tree = tree
        self.context = cfn_intrinsics.Context(value)
        transform = value.get("Transform")
        transforms = transform if type(transform) is list else [transform]
        self.sam = SAM_TRANSFORM in transforms
        # (source, start offset, end offset) in file order
        self.found: list[PolicySource] = []

    # results

    def parse(self) -> ParsedFile:
        ignores = list(self._metadata_ignores(("Metadata",), self.value.get("Metadata"), None))
        resources = self.value.get("Resources")
        if type(resources) is dict:
            for name, resource in resources.items():
                if type(resource) is dict and type(resource.get("Type")) is str:
                    self._resource(str(name), resource)
                    metadata = resource.get("Metadata")
                    if type(metadata) is dict and "iamlint" in metadata:
                        path = ("Resources", str(name))
                        scope = self._member_span(path)
                        ignores += self._metadata_ignores((*path, "Metadata"), metadata, scope)
        if self.tree.yaml and "iamlint" in self.tree.text:
            ignores += self._comment_ignores()
        return ParsedFile(
            self.tree.text, "cloudformation", tuple(self.found), ignores=tuple(ignores)
        )

    def _member_span(self, path: JsonPath) -> Span | None:
        """From the key of the object member at ``path`` to the end of its value."""
        locator = self.tree.locator(())
        key, value = locator.span(path, key=True), locator.span(path)
        if key is None or value is None:
            return None
        return Span(key.line, key.column, value.end_line, value.end_column)

    def _resource(self, name: str, resource: dict) -> None:
        resource_type = resource["Type"]
        properties = resource.get("Properties")
        if type(properties) is not dict:
            return
        base: JsonPath = ("Resources", name, "Properties")
        metadata = resource.get("Metadata")
        suffix = ""
        if type(metadata) is dict and type(metadata.get("aws:cdk:path")) is str:
            suffix = f" (aws:cdk:path {metadata['aws:cdk:path']})"
        wrapper = "sam" if resource_type.startswith("AWS::Serverless::") else "cloudformation"
        taken: list[JsonPath] = []

        def add(
            relative: JsonPath, value: Any, policy_type: PolicyType | None, reason: str
        ) -> None:
            path = (*base, *relative)
            if any(path[: len(done)] == done for done in taken):
                return
            made = self._source(path, value)
            if made is None:
                return
            document, locator, problems, ok = made
            taken.append(path)
            label = "Resources." + name + ".Properties" + _format_path(relative) + suffix
            source = PolicySource(
                document,
                locator,
                label,
                policy_type,
                reason,
                wrapper,
                tuple(problems),
                ok,
            )
            self.found.append(source)

        if resource_type == spec.ORGANIZATIONS_POLICY:
            policy_type = spec.ORGANIZATIONS_TYPES.get(properties.get("Type"))  # type: ignore[arg-type]
            if policy_type is not None and "Content" in properties:
                reason = f"{resource_type} Content of Type {properties['Type']}"
                add(("Content",), properties["Content"], policy_type, reason)
            return
        if resource_type.startswith(spec.NOT_IAM_PREFIXES):
            return
        if resource_type == spec.EVENT_BUS_POLICY and type(properties.get("Statement")) is dict:
            self._event_bus_statement(base, name, properties["Statement"], suffix)
            taken.append((*base, "Statement"))
        only_documents = resource_type in spec.ONLY_DOCUMENTS
        for pattern, policy_type in spec.POLICY_PROPERTIES.get(resource_type, ()):
            for relative, value in _expand(properties, (), pattern):
                if only_documents and not _is_document_object(value):
                    continue
                reason = f"{resource_type} {_format_pattern(pattern)}"
                add(relative, value, policy_type, reason)
        if not self.tree.mentions(base, "Statement"):
            return
        for relative, value in _statement_holders(properties, ()):
            reason = f"{resource_type} {_format_path(relative).lstrip('.')} (holds a Statement)"
            add(relative, value, None, reason)

    def _event_bus_statement(self, base: JsonPath, name: str, statement: dict, suffix: str) -> None:
        """``AWS::Events::EventBusPolicy`` with a single ``Statement``: a one-statement policy."""
        path = (*base, "Statement")
        document = {"Version": "2012-10-17", "Statement": self._resolve(statement, path)}
        locator = _StatementLocator(self.tree.locator(base))
        label = f"Resources.{name}.Properties.Statement{suffix}"
        reason = f"{spec.EVENT_BUS_POLICY} Statement"
        source = PolicySource(
            document,
            locator,
            label,
            PolicyType.RESOURCE,
            reason,
            "cloudformation",
        )
        self.found.append(source)

    # one document

    def _source(self, path: JsonPath, value: Any) -> tuple[Any, Locator, list, bool] | None:
        """(document, locator, problems, ok) for the policy at ``path``, or None when
        the value there cannot be a policy document."""
        if type(value) is dict and cfn_intrinsics.intrinsic(value) is None:
            return self._resolve(value, path), self.tree.locator(path), [], True
        if type(value) is str:
            if not value.lstrip().startswith("{"):
                return None
            return self._json_string(path, value, substitute=False)
        found = cfn_intrinsics.intrinsic(value)
        if found is None:
            return None
        function, argument = found
        if function == "Sub":
            template = argument[0] if type(argument) is list and argument else argument
            if type(template) is str and template.lstrip().startswith("{"):
                return self._json_string(path, value, substitute=True)
        unknown = Unknown(self.tree.written(path, value), None, None)
        return unknown, self.tree.locator(path), [], True

    def _json_string(
        self, path: JsonPath, value: Any, substitute: bool
    ) -> tuple[Any, Locator, list, bool]:
        located = self.tree.string(path, value)
        if located is None:
            return Unknown(self.tree.written(path, value)), self.tree.locator(path), [], True
        text, offsets = located
        substitutions: list[tuple[str, str | None, str | None]] = []
        if substitute:
            variables: dict = {}
            argument = cfn_intrinsics.intrinsic(value)[1]  # type: ignore[index]
            if type(argument) is list and len(argument) == 2 and type(argument[1]) is dict:
                variables = argument[1]
            result = cfn_intrinsics.substitute(self.context, text, offsets, variables)
            if result is None:  # a substitution outside a JSON string: not decodable
                return Unknown(self.tree.written(path, value)), self.tree.locator(path), [], True
            text, offsets, substitutions = result
        decoded = decode_mapped(text, self.tree.text, offsets)
        if not decoded.ok:
            return None, decoded, list(decoded.problems), False
        document = decoded.value
        if substitutions:
            document = cfn_intrinsics.replace_marks(document, substitutions)
        return document, decoded, list(decoded.problems), True

    def _resolve(self, value: Any, path: JsonPath) -> Any:
        """``value`` with every intrinsic function replaced by an :class:`Unknown`."""
        kind = type(value)
        if kind is dict:
            if cfn_intrinsics.intrinsic(value) is None:
                return {key: self._resolve(item, (*path, key)) for key, item in value.items()}
        elif kind is list:
            return [self._resolve(item, (*path, index)) for index, item in enumerate(value)]
        elif kind in (str, int, float, bool) or value is None:
            return value
        constant = self.context.constant(value)
        if constant is not None:
            return constant
        pattern, unknown_kind = self.context.pattern(value)
        if pattern == "*" and unknown_kind is None:
            pattern = None
        return Unknown(self.tree.written(path, value), pattern, unknown_kind)

    # suppressions

    def _metadata_ignores(
        self, path: JsonPath, metadata: Any, scope: Span | None
    ) -> list[InlineIgnore]:
        """``Metadata: {iamlint: {ignore: [...]}}``: rule ids (or prefixes), or objects with
        ``rule`` and ``reason``; they silence findings within ``scope`` (None: the file)."""
        if type(metadata) is not dict:
            return []
        settings = metadata.get("iamlint")
        if type(settings) is not dict:
            return []
        entries = settings.get("ignore")
        path = (*path, "iamlint", "ignore")
        listed = type(entries) is list
        locator = self.tree.locator(())
        found = []
        for index, entry in enumerate(entries if listed else [entries]):
            reason = ""
            if type(entry) is dict:
                reason = entry["reason"] if type(entry.get("reason")) is str else ""
                entry = entry.get("rule", entry.get("rules"))
            rules = _rule_ids(entry)
            if rules:
                span = locator.nearest_span((*path, index) if listed else path)
                found.append(InlineIgnore(rules, span, reason, scope))
        return found

    def _comment_ignores(self) -> list[InlineIgnore]:
        """``# iamlint: ignore[RULES] reason`` comments: each silences findings within the key
        (or list item) on the next line; one followed by no key silences nothing."""
        text = self.tree.text
        lines = self.tree.lines
        starts = _node_starts(self.tree.root)
        found = []
        for match in _IGNORE_COMMENT.finditer(text):
            rules = _rule_ids(match.group(1))
            if not rules:
                continue
            comment_start = match.start() + len(match.group()) - len(match.group().lstrip(" \t"))
            span = lines.span(comment_start, match.end())
            scope_offsets = _next_node(text, match.end(), starts)
            scope = lines.span(*scope_offsets) if scope_offsets is not None else span
            found.append(InlineIgnore(rules, span, match.group(2), scope))
        return found


class _StatementLocator:
    """The locator of ``{"Version": ..., "Statement": <the located statement>}`` made of an
    ``AWS::Events::EventBusPolicy``'s ``Statement``; ``base`` locates its ``Properties`` (the
    made-up ``Version`` is placed on the ``Statement`` key)."""

    __slots__ = ("base",)

    def __init__(self, base: Locator) -> None:
        self.base = base

    def span(self, path: JsonPath, *, key: bool = False) -> Span | None:
        if path[:1] == ("Statement",):
            return self.base.span(path, key=key)
        if path == ("Version",) or path == ():
            return self.base.span(("Statement",), key=path != ())
        return None

    def nearest_span(self, path: JsonPath, *, key: bool = False) -> Span:
        if path[:1] == ("Statement",):
            return self.base.nearest_span(path, key=key)
        return self.base.nearest_span(("Statement",), key=path != ())


# -- helpers ----------------------------------------------------------------------------------


def _expand(value: Any, path: JsonPath, pattern: tuple[str, ...]) -> Iterator[tuple[JsonPath, Any]]:
    """The values at a property path pattern; ``Fn::If`` branches are looked through."""
    found = cfn_intrinsics.intrinsic(value)
    if found is not None and found[0] == "If" and type(found[1]) is list and len(found[1]) == 3:
        for branch in (1, 2):
            item = found[1][branch]
            if not cfn_intrinsics.is_no_value(item):
                yield from _expand(item, (*path, "Fn::If", branch), pattern)
        return
    if not pattern:
        yield path, value
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if type(value) is list:
            for index, item in enumerate(value):
                yield from _expand(item, (*path, index), rest)
        return
    if type(value) is dict and found is None and head in value:
        yield from _expand(value[head], (*path, head), rest)


def _is_document_object(value: Any) -> bool:
    return type(value) is dict and cfn_intrinsics.intrinsic(value) is None and "Statement" in value


def _statement_holders(
    value: Any, path: JsonPath, depth: int = 0
) -> Iterator[tuple[JsonPath, Any]]:
    """Values below a resource's properties that are objects with a ``Statement``."""
    if depth > 8:
        return
    found = cfn_intrinsics.intrinsic(value)
    if found is not None:
        if found[0] == "If" and type(found[1]) is list and len(found[1]) == 3:
            for branch in (1, 2):
                yield from _statement_holders(
                    found[1][branch], (*path, "Fn::If", branch), depth + 1
                )
    elif type(value) is dict:
        if depth and _looks_like_policy(value):
            yield path, value
            return
        for key, item in value.items():
            yield from _statement_holders(item, (*path, key), depth + 1)
    elif type(value) is list:
        for index, item in enumerate(value):
            yield from _statement_holders(item, (*path, index), depth + 1)


_STATEMENT_KEYS = frozenset(("Effect", "Action", "NotAction", "Principal", "NotPrincipal"))


def _looks_like_policy(value: dict) -> bool:
    """An object with a ``Statement`` whose statements have IAM statement keys (a WAF rule's
    ``Statement`` has none)."""
    statements = value.get("Statement")
    if type(statements) is dict:
        statements = [statements]
    if type(statements) is not list:
        return False
    return any(
        type(statement) is dict and not _STATEMENT_KEYS.isdisjoint(statement)
        for statement in statements
    )


def _format_path(path: JsonPath) -> str:
    return "".join(f"[{element}]" if type(element) is int else f".{element}" for element in path)


def _format_pattern(pattern: tuple[str, ...]) -> str:
    return ".".join(pattern).replace(".*", "[]")


def _rule_ids(entry: Any) -> tuple[str, ...]:
    if type(entry) is str:
        return tuple(part for part in re.split(r"[\s,]+", entry) if part)
    if type(entry) is list:
        return tuple(part for item in entry if type(item) is str for part in _rule_ids(item))
    return ()


def _node_starts(root: Any) -> dict[int, tuple[Any, Any]]:
    """Start offset -> (key node, value node) of every mapping member and (None, item) of
    every sequence item (an item that is a mapping starts where its first key does: the item
    is recorded, it comes first)."""
    starts: dict[int, tuple[Any, Any]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.id == "mapping":
            for key_node, value_node in node.value:
                starts.setdefault(key_node.start_mark.index, (key_node, value_node))
                stack.append(value_node)
        elif node.id == "sequence":
            for item in node.value:
                starts.setdefault(item.start_mark.index, (None, item))
                stack.append(item)
    return starts


def _next_node(text: str, comment_end: int, starts: dict) -> tuple[int, int] | None:
    """The offsets of the member or item written on the line after a comment (further
    comment lines skipped)."""
    from linter.formats.yaml_tree import node_offsets

    position = comment_end
    while True:
        newline = re.compile(r"\r\n|\r|\n").search(text, position)
        if newline is None:
            return None
        line = re.compile(r"[ \t]*(- +)?").match(text, newline.end())
        first = line.end()
        if text.startswith("#", first):
            position = first
            continue
        found = starts.get(first)
        if found is None:
            return None
        key_node, value_node = found
        start = key_node.start_mark.index if key_node is not None else value_node.start_mark.index
        if line.group(1):  # a list item: the whole item, from its dash
            start = first - len(line.group(1))
        return start, node_offsets(value_node, text)[1]
