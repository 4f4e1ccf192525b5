"""Shared logic of the monitoring-tamper rules MON001 (CloudTrail) and MON002 (AWS Config).

Not a rule module (the leading underscore keeps it out of the registry): each rule subclasses
``MonitoringTamperCheck`` and names its data group of ``linter/data/monitoring_tamper.json``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import ClassVar

from linter.check import Check, Report
from linter.context import Context
from linter.data_files import data_file
from linter.grants import SCOPE_NAMED, grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import Policy, Statement
from linter.policy_grants import common_conditions, policy_grants
from linter.principals import names_calling_principal, principal_limiting_condition
from linter.wording import summarize_names


@functools.cache
def tamper_actions(group: str) -> tuple[str, ...]:
    """The action names of one group (``cloudtrail``, ``config``, ``kms_key_tamper``)."""
    return tuple(entry["action"] for entry in data_file("monitoring_tamper.json")[group])


@functools.cache
def naming_keys(group: str) -> dict[str, str]:
    """Action -> lower-case condition key that names its resource (``named_by`` in the data)."""
    return {
        entry["action"]: entry["named_by"].lower()
        for entry in data_file("monitoring_tamper.json")[group]
        if "named_by" in entry
    }


def _named_by_condition(statement: Statement, key: str) -> bool:
    """A positive condition (``IfExists`` allowed) on ``key`` with values that are not bare
    wildcards: the grant applies only to the resources it names."""
    for entry in statement.conditions_on(key):
        base = entry.base_operator.lower()
        if entry.qualifier or base == "null" or "not" in base:
            continue
        values = entry.string_values
        if values and all(v.strip("*?") for v in values):
            return True
    return False


@functools.cache
def warning_actions(group: str) -> frozenset[str]:
    """The actions of a group whose data severity is ``warning`` (the rest are notes)."""
    return frozenset(
        entry["action"]
        for entry in data_file("monitoring_tamper.json")[group]
        if entry.get("severity", "warning") == "warning"
    )


class MonitoringTamperCheck(Check):
    """Reports Allow statements of identity policies that grant actions of ``group``."""

    group: ClassVar[str]
    what: ClassVar[str]  # "stopping, deleting or changing CloudTrail logging"
    protected: ClassVar[str]  # "the trail your organization relies on"
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        names = tamper_actions(self.group)
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            granted, scope = grants.in_scope(statement, names)
            if not granted or principal_limiting_condition(statement) is not None:
                continue
            required = common_conditions(grants.effective(statement, granted))
            if any(names_calling_principal(e) for e in required):
                continue  # a Deny of the policy leaves these actions to named callers
            keys = naming_keys(self.group)
            if scope != SCOPE_NAMED and all(
                name in keys and _named_by_condition(statement, keys[name]) for name in granted
            ):
                scope = SCOPE_NAMED
            path, key = grant_anchor(statement, granted)
            listed = summarize_names(granted)
            strong = warning_actions(self.group).intersection(granted)
            if scope == SCOPE_NAMED:
                yield Report(
                    path,
                    f"the statement allows {self.what} ({listed}) on the named resources; if "
                    f"they include {self.protected}, allow this only to a security "
                    "administration role",
                    key=key,
                    severity=Severity.NOTE,
                )
                continue
            yield Report(
                path,
                f"the statement allows {self.what} ({listed}); allow these actions only to a "
                "security administration role (e.g. with an aws:PrincipalArn condition) and deny "
                "them to everyone else with an SCP",
                key=key,
                severity=None if strong else Severity.NOTE,
            )
