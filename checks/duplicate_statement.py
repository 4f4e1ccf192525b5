"""POL001 duplicate-statement: two statements that say the same thing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy, Statement
from linter.sources import json_default

_ACTION_ELEMENTS = ("Action", "NotAction")
_LIST_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")


class DuplicateStatement(Check):
    """## What it does
    Reports a statement that repeats an earlier statement of the same policy. Statements are
    compared after normalisation: the `Sid` is ignored; `Action`, `Resource` and their `Not`
    forms are compared as sets (a string equals a one-element array, order does not matter,
    action names ignore letter case); `Principal` values are compared as sets per principal
    type; condition keys ignore letter case and their values are compared as sets (`true`
    equals `"true"`). The finding is on the later statement and names the earlier one.

    ## Why is this bad?
    The copy grants or denies nothing more. When someone later edits one copy and not the other,
    the policy keeps the old permissions without anyone noticing.

    ## Example
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
       "Resource": ["arn:aws:s3:::examplebucket", "arn:aws:s3:::examplebucket/*"]},
      {"Sid": "ReadAgain", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:getobject"],
       "Resource": ["arn:aws:s3:::examplebucket/*", "arn:aws:s3:::examplebucket"]}]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
       "Resource": ["arn:aws:s3:::examplebucket", "arn:aws:s3:::examplebucket/*"]}]}
    ```

    ## References
    - [IAM JSON policy elements: Statement](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html)
    - Access Analyzer `REDUNDANT_STATEMENT`
    """

    id = "POL001"
    name = "duplicate-statement"
    summary = "A statement that repeats an earlier statement of the same policy."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    tags = ("policy", "redundancy")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        if not policy.statement_is_list:
            return
        # A cheap first pass: statements can only be duplicates if they share this bucket.
        buckets: dict[Any, list[Statement]] = {}
        for statement in policy.statements:
            buckets.setdefault(_bucket(statement.data), []).append(statement)
        for group in buckets.values():
            if len(group) < 2:
                continue
            seen: dict[Any, Statement] = {}
            for statement in group:
                identity = _identity(statement)
                if identity is None:
                    continue
                earlier = seen.setdefault(identity, statement)
                if earlier is statement:
                    continue
                path, key = statement.anchor()
                if earlier.sid:
                    name = f'the statement "{earlier.sid}"'
                else:
                    name = f"Statement[{earlier.index}]"
                from linter.fixes import Delete, Fix

                yield Report(
                    path,
                    f"this statement repeats {name} (same effect, actions, resources, principals "
                    "and conditions); remove one of them",
                    key=key,
                    fix=Fix.safe("Remove the repeated statement", Delete(statement.path)),
                )


def _bucket(data: dict) -> Any:
    """Equal for statements that normalise to the same identity; computed at C speed."""
    try:
        action = data.get("Action", data.get("NotAction"))
        resource = data.get("Resource", data.get("NotResource"))
        if isinstance(action, list):
            action = min(map(str.lower, action)) if action else ""
        elif isinstance(action, str):
            action = action.lower()
        elif action is not None:
            action = repr(action)
        if isinstance(resource, list):
            strings = all(isinstance(r, str) for r in resource)
            resource = (min(resource) if resource else "") if strings else repr(resource)
        elif not isinstance(resource, (str, type(None))):
            resource = repr(resource)
        return (repr(data.get("Effect")), frozenset(data) - {"Sid"}, action, resource)
    except (TypeError, ValueError):  # non-string entries: let the full comparison decide
        return None


def _identity(statement: Statement) -> frozenset | None:
    parts = []
    for name, value in statement.data.items():
        if name == "Sid":
            continue
        if name in _LIST_ELEMENTS:
            normal: Any = _value_set(value, name in _ACTION_ELEMENTS)
        elif name in ("Principal", "NotPrincipal") and isinstance(value, dict):
            normal = frozenset((kind, _value_set(v, False)) for kind, v in value.items())
        elif name == "Condition" and isinstance(value, dict):
            normal = _condition(value)
        elif isinstance(value, str):
            normal = value
        else:
            normal = _canonical(value)
        parts.append((name, normal))
    return frozenset(parts) if parts else None


def _value_set(value: Any, lower: bool) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset((value.lower() if lower else value,))
    if not isinstance(value, list):
        return frozenset((_scalar(value),))
    if all(isinstance(v, str) for v in value):
        return frozenset(v.lower() for v in value) if lower else frozenset(value)
    return frozenset(_scalar(v).lower() if lower else _scalar(v) for v in value)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return _canonical(value)


def _condition(block: dict) -> frozenset:
    operators = []
    for operator, keys in block.items():
        if isinstance(keys, dict):
            entries = frozenset((key.lower(), _value_set(v, False)) for key, v in keys.items())
            operators.append((operator, entries))
        else:
            operators.append((operator, _canonical(keys)))
    return frozenset(operators)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=json_default)
