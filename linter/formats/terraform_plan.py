"""Terraform plan JSON (``terraform show -json plan.out``) as a policy source.

Resources come from ``planned_values.root_module`` (``resources`` and ``child_modules``,
recursively) and from ``resource_changes[].change.after``; each address is linted once (the
planned values first). A policy attribute is a JSON string, decoded with positions inside it. A
value listed in ``change.after_unknown`` is "known after apply": a policy that is unknown as a
whole is a source whose document is an :class:`~linter.sources.Unknown`. Data sources (an
``aws_iam_policy_document``'s rendered ``json``) are not linted: the resources that use them
hold the same document. The state output (``terraform show -json`` of a state, ``values``) has
the same shape and is read the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from linter.decode import decode_embedded
from linter.formats.tf_attributes import ORGANIZATIONS_TYPES, policy_attributes, type_reason
from linter.model import JsonPath
from linter.sources import ParsedFile, PolicySource, SpanTable, Unknown

if TYPE_CHECKING:
    from linter.decode import Decoded

__all__ = ["from_plan", "looks_like_plan"]

WRAPPER = "terraform plan"


def looks_like_plan(value: Any) -> bool:
    """Whether a decoded JSON value is ``terraform show -json`` output (a plan or a state)."""
    return (
        isinstance(value, dict)
        and "format_version" in value
        and ("planned_values" in value or "resource_changes" in value or "values" in value)
        and isinstance(value.get("terraform_version", ""), str)
    )


def from_plan(decoded: Decoded, path: str) -> ParsedFile | None:
    """The policy sources of a plan (or state) JSON file; None when it holds none."""
    value = decoded.value
    if not decoded.ok or not looks_like_plan(value):
        return None
    unknowns: dict[str, Any] = {}
    changes: list[tuple[str, str, str, Any, JsonPath]] = []
    for index, change in enumerate(_list(value.get("resource_changes"))):
        if not isinstance(change, dict) or change.get("mode", "managed") != "managed":
            continue
        address = change.get("address")
        body = change.get("change")
        if not isinstance(address, str) or not isinstance(body, dict):
            continue
        unknowns[address] = body.get("after_unknown")
        after = body.get("after")
        if isinstance(after, dict):
            path_after = ("resource_changes", index, "change", "after")
            changes.append((address, str(change.get("type")), "", after, path_after))
    seen: set[str] = set()
    sources: list[PolicySource] = []
    resources = list(_module_resources(value))
    resources.extend(changes)
    for address, resource_type, _, values, values_path in resources:
        if address in seen:
            continue
        seen.add(address)
        sources.extend(
            _resource_sources(decoded, address, resource_type, values, values_path, unknowns)
        )
    if not sources:
        return None
    return ParsedFile(decoded.text, "terraform-plan", tuple(sources), tuple(decoded.problems))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _module_resources(plan: dict) -> Iterator[tuple[str, str, str, Any, JsonPath]]:
    """(address, type, mode, values, path of values) of the managed resources of
    ``planned_values`` (or a state's ``values``), child modules included."""
    for top in ("planned_values", "values"):
        container = plan.get(top)
        if not isinstance(container, dict) or not isinstance(container.get("root_module"), dict):
            continue
        stack: list[tuple[dict, JsonPath]] = [(container["root_module"], (top, "root_module"))]
        while stack:
            module, module_path = stack.pop(0)
            for index, resource in enumerate(_list(module.get("resources"))):
                if not isinstance(resource, dict) or resource.get("mode", "managed") != "managed":
                    continue
                address, values = resource.get("address"), resource.get("values")
                if isinstance(address, str) and isinstance(values, dict):
                    path = (*module_path, "resources", index, "values")
                    yield address, str(resource.get("type")), "managed", values, path
            for index, child in enumerate(_list(module.get("child_modules"))):
                if isinstance(child, dict):
                    stack.append((child, (*module_path, "child_modules", index)))


def _resource_sources(
    decoded: Decoded,
    address: str,
    resource_type: str,
    values: dict,
    values_path: JsonPath,
    unknowns: dict[str, Any],
) -> list[PolicySource]:
    found = []
    after_unknown = unknowns.get(address)
    for attribute, policy_type in policy_attributes(resource_type).items():
        reason = type_reason(resource_type, attribute)
        if resource_type == "aws_organizations_policy":
            kind = values.get("type") or "SERVICE_CONTROL_POLICY"
            if kind not in ORGANIZATIONS_TYPES:
                continue
            policy_type = ORGANIZATIONS_TYPES[kind]
        targets: list[tuple[Any, JsonPath, str, Any]] = []
        if "." in attribute:
            block, inner = attribute.split(".", 1)
            items = values.get(block)
            unknown_items = after_unknown.get(block) if isinstance(after_unknown, dict) else None
            for index, item in enumerate(_list(items)):
                if not isinstance(item, dict):
                    continue
                unknown = (
                    unknown_items[index].get(inner)
                    if isinstance(unknown_items, list)
                    and index < len(unknown_items)
                    and isinstance(unknown_items[index], dict)
                    else None
                )
                label = f"{address}.{block}[{index}].{inner}"
                targets.append(
                    (item.get(inner), (*values_path, block, index, inner), label, unknown)
                )
        else:
            unknown = after_unknown.get(attribute) if isinstance(after_unknown, dict) else None
            label = f"{address}.{attribute}"
            targets.append((values.get(attribute), (*values_path, attribute), label, unknown))
        for value, path, label, unknown in targets:
            source = _source(decoded, value, path, unknown, label, policy_type, reason)
            if source is not None:
                found.append(source)
    return found


def _source(
    decoded: Decoded,
    value: Any,
    path: JsonPath,
    unknown: Any,
    label: str,
    policy_type: Any,
    reason: str,
) -> PolicySource | None:
    if isinstance(value, str) and value.strip():
        inner = decode_embedded(decoded, path)
        return PolicySource(
            inner.value, inner, label, policy_type, reason, WRAPPER, tuple(inner.problems), inner.ok
        )
    if unknown is True and value is None:
        # Known after apply: the policy cannot be checked from the plan.
        span = decoded.nearest_span(path[:-1])
        document = Unknown("(known after apply)")
        locator = SpanTable({(): span}, fallback=span)
        return PolicySource(document, locator, label, policy_type, reason, WRAPPER)
    return None
