"""Policy sources: the policy documents one input file holds, and where each value is written.

An input format (bare JSON, an AWS CLI output, a CloudFormation template, Terraform) turns a file
into a :class:`ParsedFile`: the file's text, its file-level problems and any number of
:class:`PolicySource`. Each source carries its document (plain JSON values, plus
:class:`Unknown` for values known only at deployment), a :class:`Locator` that maps a JSON path
of *that document* to a span in the file, the policy type its container implies, and a label
that says where in the file it sits (``Resources.TranscribeKey.Properties.KeyPolicy``,
``aws_iam_role.app.assume_role_policy``, ``UserDetailList[3].UserPolicyList[0]``).

Rules never see formats: they report JSON paths in the document; the engine asks the source's
locator for the span.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from linter.model import FILE_START, JsonPath, PolicyType, Span


class Unknown:
    """A value that is not known until deployment: a template intrinsic or an interpolation.

    ``text`` is how the file writes it, for messages (``!GetAtt TranscribeRole.Arn``,
    ``${aws_s3_bucket.logs.arn}/*``). ``pattern`` is an IAM wildcard pattern that every value
    it can take matches (``arn:*:s3:::*/*`` for ``${Bucket.Arn}/*``), or None when it could be
    anything. ``kind`` names what is known of it (``arn``, ``account-id``, ``string``), or None.

    Rules decide three ways: a finding only when it holds for every value the unknown can take,
    silence when it holds for none, and silence in between. The policy model never hands an
    unknown to a rule as a string; grammar rules accept it wherever IAM accepts a string.
    """

    __slots__ = ("kind", "pattern", "text")

    def __init__(self, text: str, pattern: str | None = None, kind: str | None = None) -> None:
        self.text = text
        self.pattern = pattern
        self.kind = kind

    def __repr__(self) -> str:
        return f"Unknown({self.text!r}, pattern={self.pattern!r}, kind={self.kind!r})"

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and (self.text, self.pattern, self.kind) == (
            other.text,
            other.pattern,
            other.kind,
        )

    def __hash__(self) -> int:
        return hash((Unknown, self.text, self.pattern, self.kind))


def is_unknown(value: Any) -> bool:
    return type(value) is Unknown


def contains_unknown(value: Any) -> bool:
    """Whether an Unknown occurs anywhere in ``value``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is Unknown:
            return True
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return False


def without_unknowns(value: Any, replacement: Any = "") -> Any:
    """``value`` with every Unknown replaced (by ``""``: the shortest value it could take)."""
    if type(value) is Unknown:
        return replacement
    if type(value) is dict:
        return {k: without_unknowns(v, replacement) for k, v in value.items()}
    if type(value) is list:
        return [without_unknowns(v, replacement) for v in value]
    return value


def json_default(value: Any) -> Any:
    """``json.dumps(default=...)`` for documents that hold Unknowns: their written form."""
    if type(value) is Unknown:
        return {"$unknown": value.text}
    return str(value)


#: Containers whose policies name no resource: the resource is the one the policy is attached to
#: (an ECR repository policy's statements have no ``Resource``, as AWS documents them).
RESOURCE_IMPLIED_CONTAINERS = frozenset(
    {
        "AWS::ECR::Repository",
        "AWS::ECR::PublicRepository",
        "AWS::ECR::RepositoryCreationTemplate",
        "aws_ecr_repository_policy",
        "aws_ecrpublic_repository_policy",
        "aws_ecr_repository_creation_template",
        "aws ecr get-repository-policy",
    }
)


def resource_is_implied(type_reason: str, wrapper: str | None = None) -> bool:
    """Whether the container a source's type came from (its ``type_reason``, e.g.
    ``AWS::ECR::Repository RepositoryPolicyText`` or ``used as aws_ecr_repository_policy
    policy``) attaches the policy to one resource, so its statements need no ``Resource``."""
    if wrapper in RESOURCE_IMPLIED_CONTAINERS:
        return True
    return any(word in RESOURCE_IMPLIED_CONTAINERS for word in type_reason.split())


class Locator(Protocol):
    """Maps a JSON path of a source's document to a span in the file."""

    def span(self, path: JsonPath, *, key: bool = False) -> Span | None:
        """The span of the value at ``path`` (its key's with ``key=True``), None if absent."""
        ...

    def nearest_span(self, path: JsonPath, *, key: bool = False) -> Span:
        """Like ``span``, falling back to the longest prefix of ``path`` that has one."""
        ...


class PrefixedLocator:
    """A document that sits at ``prefix`` inside another located document."""

    __slots__ = ("base", "prefix")

    def __init__(self, base: Locator, prefix: JsonPath) -> None:
        self.base = base
        self.prefix = prefix

    def span(self, path: JsonPath, *, key: bool = False) -> Span | None:
        return self.base.span((*self.prefix, *path), key=key)

    def nearest_span(self, path: JsonPath, *, key: bool = False) -> Span:
        return self.base.nearest_span((*self.prefix, *path), key=key)


class SpanTable:
    """A locator from a table of spans, for formats that know every node's position up front
    (YAML, HCL): ``values[path]`` is the value's span, ``keys[path]`` its key's (when it is an
    object member). ``fallback`` answers for a path none of whose prefixes is in the table."""

    __slots__ = ("fallback", "keys", "values")

    def __init__(
        self,
        values: Mapping[JsonPath, Span],
        keys: Mapping[JsonPath, Span] | None = None,
        fallback: Span = FILE_START,
    ) -> None:
        self.values = values
        self.keys = keys if keys is not None else {}
        self.fallback = fallback

    def span(self, path: JsonPath, *, key: bool = False) -> Span | None:
        if key:
            found = self.keys.get(path)
            if found is not None:
                return found
        return self.values.get(path)

    def nearest_span(self, path: JsonPath, *, key: bool = False) -> Span:
        for length in range(len(path), -1, -1):
            found = self.span(path[:length], key=key)
            if found is not None:
                return found
        return self.fallback


class CompositeLocator:
    """A located document some of whose sub-documents are located elsewhere: e.g. a template's
    policy whose ``Statement`` list comes from a JSON string. ``parts`` maps a path of the
    document to the locator of the sub-document at that path (the longest match wins)."""

    __slots__ = ("base", "parts")

    def __init__(self, base: Locator, parts: Mapping[JsonPath, Locator]) -> None:
        self.base = base
        self.parts = parts

    def _split(self, path: JsonPath) -> tuple[Locator, JsonPath]:
        for length in range(len(path), -1, -1):
            part = self.parts.get(path[:length])
            if part is not None:
                return part, path[length:]
        return self.base, path

    def span(self, path: JsonPath, *, key: bool = False) -> Span | None:
        locator, rest = self._split(path)
        return locator.span(rest, key=key)

    def nearest_span(self, path: JsonPath, *, key: bool = False) -> Span:
        locator, rest = self._split(path)
        return locator.nearest_span(rest, key=key)


class InlineIgnore(NamedTuple):
    """A suppression written in the file itself: CloudFormation ``Metadata: {iamlint: {ignore:
    [...]}}`` or a ``# iamlint: ignore[KMS001] reason`` comment. It silences the findings of
    ``rule_ids`` (ids or prefixes) of the sources that list it whose span lies inside ``scope``
    (None: anywhere in those sources); one that silences nothing is reported (SUP001) at
    ``span``."""

    rule_ids: tuple[str, ...]
    span: Span
    reason: str = ""
    scope: Span | None = None


class PolicySource(NamedTuple):
    """One policy document found in an input file.

    ``document``: the policy (plain JSON values and Unknowns; an Unknown for a policy built
    entirely at deployment). ``locator``: spans for paths of ``document``. ``label``: where the
    document is in the file, empty for a bare policy file. ``policy_type``: the type the
    container implies (None: decide from the file name, configuration or content), with
    ``type_reason`` saying why. ``wrapper``: the input kind that held it (``aws iam get-role``,
    ``cloudformation``, ``terraform``), None for a bare policy. ``problems``: decoder problems
    of this document alone (an embedded JSON string's syntax error); ``ok`` is False when they
    left no document. ``ignores``: suppressions written in the file for this document.
    ``origin``: the path of the file the locator's spans are in, when it is not the input file
    itself (a Terraform ``file("policy.json")``); findings are then reported in that file.
    """

    document: Any
    locator: Locator
    label: str = ""
    policy_type: PolicyType | None = None
    type_reason: str = ""
    wrapper: str | None = None
    problems: tuple = ()
    ok: bool = True
    ignores: tuple[InlineIgnore, ...] = ()
    origin: str | None = None


class ParsedFile(NamedTuple):
    """What an input format made of one file.

    ``text``: the file's text (for source excerpts). ``format``: ``json``, ``cloudformation``,
    ``terraform``, ``terraform-plan``, ... ``problems``: file-level decoder problems (syntax
    errors, encodings, comments), reported once per file. ``ok``: False when the file could not
    be parsed at all. ``sources``: its policy documents, in file order; empty for a file that
    holds no policy (skipped silently unless named and unparseable).
    """

    text: str
    format: str
    sources: tuple[PolicySource, ...]
    problems: tuple = ()
    ok: bool = True
    ignores: tuple[InlineIgnore, ...] = ()
