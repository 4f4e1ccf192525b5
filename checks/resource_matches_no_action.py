"""RES003 resource-matches-no-action: a Resource fits none of the statement's actions, or an
action gets none of the statement's Resources."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from linter.arns import (
    arn_field_problem,
    arn_literal_prefix,
    arn_syntax_problem,
    is_aws_owned_accountless,
    is_iam_pattern,
    kms_key_reference,
    resource_prefixes_compatible,
    resource_types_for_arn_service,
    split_arn_fields,
)
from linter.catalog_arns import arn_patterns_overlap
from linter.check import Check, Report
from linter.context import Context
from linter.data_files import data_file
from linter.grants import expand_action_items, statement_grants
from linter.model import ALL_POLICY_TYPES, PolicyType, Severity
from linter.policy import Item, Policy, Statement
from linter.wording import CATALOG_REFRESH_COMMAND, catalog_as_of, summarize_names

if TYPE_CHECKING:
    from linter.catalog import Action, Catalog, ResourceType


class ResourceMatchesNoAction(Check):
    """## What it does
    Compares each `Resource` ARN of a statement with the ARN formats of the resource types of
    the statement's actions (wildcards and policy variables allowed on both sides) and reports:

    - a Resource that names no resource of its own service at all (a typo such as
      `transcription-jobs/*`, an ARN without its resource type such as
      `arn:aws:sagemaker:*:*:Canvas*`, or an unknown service namespace), naming the actions,
      the ARN formats they expect and the catalog's date;
    - otherwise, an `Action` entry none of whose actions applies to any of the Resources,
      e.g. `s3:ListBucket` next to object ARNs only, or `s3:GetObject` next to a bucket ARN,
      unless another statement with the same Effect covers those actions (splitting actions
      over statements by resource is a normal layout).

    It is deliberately conservative, because the catalog's per-action resource lists are not
    complete: a Resource that names some resource of its service but none of these actions
    is not reported (often an extra ARN kept for related actions), and statements are skipped
    when they contain `"Resource": "*"`, `NotAction` or `NotResource`, an action without
    resource types (what IAM compares for those is documented only as "use `*`", and AWS's own
    examples use `arn:aws:s3:::*` for `s3:ListAllMyBuckets`), or an action of a service the
    Service Authorization Reference documents on several pages (`apigateway:GET`). A `*` at
    the end of the Region or account field may span colons, as IAM documents
    (`arn:aws:logs:*:*:/aws-glue/*` names log groups). Unknown actions are ACT001-ACT003's,
    KMS alias ARNs in identity policies RES004's, malformed ARNs RES001/RES002's.

    ## Why is this bad?
    IAM applies a statement to an action only for resources of the types that action works on.
    An Allow whose Resources fit none of an action's types grants nothing for that action; a
    Deny with such Resources denies nothing for it. The policy looks right in review but does
    not do what it says.

    ## Example
    ```json
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": "arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET/*"
    }
    ```

    ## Use instead
    ```json
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": [
        "arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET",
        "arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET/*"
      ]
    }
    ```

    ## References
    - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
      (wildcards in ARN segments)
    - [Amazon Transcribe identity-based policy examples](https://docs.aws.amazon.com/transcribe/latest/dg/security_iam_id-based-policy-examples.html)
      (input bucket: bucket and object ARNs)
    - Access Analyzer `INVALID_ARN_RESOURCE`, `UNSUPPORTED_RESOURCE_ARN_IN_POLICY`; parliament
      `RESOURCE_MISMATCH` (which flags wildcard actions such as `s3:GetObject*` wrongly:
      duo-labs/parliament#255); cfn-lint I3510
    """

    id = "RES003"
    name = "resource-matches-no-action"
    summary = "A Resource names nothing of its service, or an action gets none of the Resources."
    severity = Severity.WARNING
    policy_types = ALL_POLICY_TYPES - {PolicyType.TRUST}
    tags = ("validity", "resources", "catalog")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        identity = policy.policy_type is PolicyType.IDENTITY
        gaps = multi_page_prefixes()
        for statement in policy.statements:
            if statement.action_element != "Action" or statement.resource_element != "Resource":
                continue
            resources = statement.resources
            if not resources or any(item.value == "*" for item in resources):
                continue
            checked = [
                item
                for item in resources
                if arn_syntax_problem(item.value) is None
                and arn_field_problem(catalog, item.value) is None
            ]
            entries = [m for m in expand_action_items(statement, catalog) if m.actions]
            if not checked or not entries:
                continue
            if any(
                not action.has_resource_types or action.service in gaps
                for entry in entries
                for action in entry.actions
            ):
                # Not judged: what IAM compares for an action without resource types is not
                # documented beyond "use *", and AWS's own examples use ARNs for some
                # (s3:ListAllMyBuckets on arn:aws:s3:::*); for services documented on several
                # pages the catalog may list an action's resource types only partly.
                continue
            yield from _check_statement(policy, statement, checked, entries, catalog, identity)


def _check_statement(
    policy: Policy,
    statement: Statement,
    checked: list[Item],
    entries: list,
    catalog: Catalog,
    identity: bool,
) -> Iterator[Report]:
    actions: dict[str, Action] = {}
    for entry in entries:
        for action in entry.actions:
            actions.setdefault(action.full_name.lower(), action)
    verb = "denies" if statement.is_deny else "grants"
    granted_types = _resource_types(actions.values())
    unknown = [
        item
        for item in checked
        if not any(_fits_type(item.value, resource_type) for resource_type in granted_types)
        and not _fits_own_service(item.value, catalog)
    ]
    for item in unknown:
        if identity and kms_key_reference(item.value) == "alias ARN":
            continue  # RES004
        yield Report(item.path, _resource_message(item.value, actions, verb, catalog))
    if len(unknown) == len(checked):
        return  # the Resources are the problem, not the actions
    for entry in entries:
        entry_types = _resource_types(entry.actions)
        if any(_fits_type(item.value, t) for t in entry_types for item in checked):
            continue
        if _covered_elsewhere(policy, statement, entry.actions):
            continue  # the policy grants (or denies) it in another statement: a layout choice
        yield Report(entry.item.path, _action_message(entry.item.value, entry.actions, verb))


def _resource_types(actions: Iterable[Action]) -> tuple[ResourceType, ...]:
    """The resource types of the actions, each once (an ARN fits one of the actions exactly when
    it fits one of these; ``ec2:*`` has hundreds of actions but few distinct types)."""
    return tuple(
        dict.fromkeys(ar.resource_type for action in actions for ar in action.resource_types)
    )


def _covered_elsewhere(policy: Policy, statement: Statement, actions: tuple[Action, ...]) -> bool:
    """Whether another statement with the same Effect covers every one of ``actions``."""
    others = [
        other
        for other in policy.statements
        if other is not statement and other.effect == statement.effect
    ]
    return all(any(statement_grants(o).covers(a.full_name) for o in others) for a in actions)


@functools.lru_cache(maxsize=8192)
def _fits_own_service(value: str, catalog: Catalog) -> bool:
    """Whether the ARN could name a resource of any type of its own service namespace (a
    pattern in the service field could name anything)."""
    service = split_arn_fields(value)[2]
    if is_iam_pattern(service):
        return True
    return any(
        _fits_type(value, resource_type)
        for namespace in (service, *arn_namespace_aliases(service))
        for resource_type in resource_types_for_arn_service(catalog, namespace)
    )


@functools.lru_cache(maxsize=65536)
def _fits_type(value: str, resource_type: ResourceType) -> bool:
    """Whether the policy ARN ``value`` could name a resource of ``resource_type``."""
    fields = split_arn_fields(value)
    service = fields[2]
    account = fields[4]
    if not account and is_aws_owned_accountless(service, fields[5]):
        account = "*"
    literal_service = not is_iam_pattern(service)
    spellings = (service, *arn_namespace_aliases(service)) if literal_service else (service,)
    # IAM: "If the * wildcard is the last character of a resource ARN segment, it can expand
    # to match beyond the colon boundaries": an account field ending in * can also swallow the
    # start of the resource part up to one of its colons (arn:aws:logs:*:*:/aws-glue/* names
    # arn:aws:logs:…:123456789012:log-group:/aws-glue/…).
    spans = account.endswith("*")
    prefix = arn_literal_prefix(fields[5]).lower()
    open_header = all(field.strip("*") == "" for field in (fields[3], account))
    for spelling in spellings:
        if literal_service and not _namespace_may_match(resource_type, spelling):
            continue
        if open_header and fields[5].strip("*") == "":
            return True  # arn:…:<service>:*:*:* names every resource of the namespace
        candidate = ":".join((*fields[:2], spelling, fields[3], account, fields[5]))
        formats = [f for f in resource_type.arn_formats if resource_prefixes_compatible(prefix, f)]
        if any(arn_patterns_overlap(candidate, f) for f in formats):
            return True
        if spans and any(
            arn_patterns_overlap(candidate, f)
            for f in _spanned_formats(resource_type)
            if resource_prefixes_compatible(prefix, f)
        ):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _spanned_formats(resource_type: ResourceType) -> tuple[str, ...]:
    """The type's ARN formats with the resource part cut after each of its colons, for policy
    ARNs whose account wildcard reaches into the resource part."""
    spanned = []
    for arn_format in resource_type.arn_formats:
        fields = split_arn_fields(arn_format)
        if len(fields) != 6:
            continue
        resource = fields[5]
        depth = 0
        for position, char in enumerate(resource):
            if resource.startswith("${", position):
                depth += 1
            elif char == "}" and depth:
                depth -= 1
            elif char == ":" and not depth:
                spanned.append(":".join((*fields[:5], resource[position + 1 :])))
    return tuple(spanned)


def _namespace_may_match(resource_type: ResourceType, service: str) -> bool:
    namespaces = _format_namespaces(resource_type)
    return namespaces is None or service.lower() in namespaces


@functools.lru_cache(maxsize=4096)
def _format_namespaces(resource_type: ResourceType) -> frozenset[str] | None:
    """The lower-case service fields of the type's ARN formats; None when one is a variable."""
    namespaces = set()
    for arn_format in resource_type.arn_formats:
        fields = split_arn_fields(arn_format)
        if len(fields) != 6 or "${" in fields[2]:
            return None
        namespaces.add(fields[2].lower())
    return frozenset(namespaces)


def _resource_message(value: str, actions: dict[str, Action], verb: str, catalog: Catalog) -> str:
    names = summarize_names(sorted(a.full_name for a in actions.values()), 3)
    service = split_arn_fields(value)[2]
    if catalog.service(service) is None and not resource_types_for_arn_service(catalog, service):
        what = f'"{service}" is not the service namespace of any ARN'
    else:
        what = f"{value} fits no {service} resource type"
    return (
        f"{what} in {catalog_as_of(catalog)}, so it names none of the resources of {names} and "
        f"the statement {verb} nothing on it; use {_expected(actions.values())}, or refresh "
        f'the catalog with "{CATALOG_REFRESH_COMMAND}" if the resource type is newer'
    )


def _action_message(value: str, matched: tuple[Action, ...], verb: str) -> str:
    if len(matched) == 1 and value.lower() == matched[0].full_name.lower():
        action = matched[0]
        if not action.has_resource_types:
            return (
                f'{value} has no resource type, so only "Resource": "*" applies to it and this '
                f'statement {verb} nothing for it; move it to a statement with "Resource": "*"'
            )
        return (
            f"{value} works on {_type_names(matched)} resources and none of this statement's "
            f"Resources is one, so the statement {verb} nothing for it; add "
            f"{_expected(matched)} or move the action to another statement"
        )
    names = summarize_names([a.full_name for a in matched], 3)
    return (
        f"none of the {len(matched)} actions {value} matches ({names}) applies to this "
        f"statement's Resources, so the statement {verb} nothing for them; add "
        f"{_expected(matched)} or move the entry to another statement"
    )


def _type_names(actions: tuple[Action, ...]) -> str:
    names = sorted({ar.name for a in actions for ar in a.resource_types})
    return summarize_names(names, 3).replace(" and ", " or ")


def _expected(actions) -> str:
    """``an ARN like arn:${Partition}:s3:::${BucketName}`` and/or ``"*"``, for messages."""
    formats: dict[str, None] = {}
    star = False
    for action in actions:
        if not action.has_resource_types:
            star = True
        for action_resource in action.resource_types:
            formats.setdefault(action_resource.resource_type.arn_format, None)
    parts = []
    if formats:
        listed = list(formats)
        shown = " or ".join(listed[:2]) + (
            f" (or {len(listed) - 2} more)" if len(listed) > 2 else ""
        )
        parts.append(f"an ARN like {shown}")
    if star:
        parts.append('"*" for the actions without resource types')
    return ", or ".join(parts)


@functools.cache
def multi_page_prefixes() -> frozenset[str]:
    """Service prefixes documented on several Service Authorization Reference pages, whose
    actions' resource types the catalog may list only partly (``linter/data/catalog_gaps.json``)."""
    return frozenset(
        entry["prefix"] for entry in data_file("catalog_gaps.json")["multi_page_prefixes"]
    )


def arn_namespace_aliases(namespace: str) -> tuple[str, ...]:
    """Other spellings of a renamed ARN service namespace (``codestar-connections`` ↔
    ``codeconnections``), from ``linter/data/catalog_gaps.json``."""
    lowered = namespace.lower()
    for entry in data_file("catalog_gaps.json").get("namespace_aliases", ()):
        if lowered in entry["namespaces"]:
            return tuple(n for n in entry["namespaces"] if n != lowered)
    return ()
