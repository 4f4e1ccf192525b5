"""TRU001 service-role-confused-deputy: a role trust policy lets an AWS service assume the role
without aws:SourceAccount, aws:SourceArn, aws:SourceOrgID or aws:SourceOrgPaths."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

from linter.arns import ACCOUNT_ID, parse_arn
from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.data_files import data_file
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy, Statement
from linter.policy_grants import entries_on_keys, policy_grants
from linter.principals import classify_principal
from linter.wildcards import has_wildcard

_REGIONAL = re.compile(
    r"^(?P<service>[a-z0-9.-]+?)\.[a-z]{2}(?:-[a-z]+)+-\d+\.(?P<domain>amazonaws\.com.*)$"
)


class _ServiceFacts(NamedTuple):
    documented: frozenset[str]
    workload: frozenset[str]
    keys: tuple[str, ...]


@functools.cache
def service_facts() -> _ServiceFacts:
    data = data_file("trust.json")
    principals = data["service_principals"]
    return _ServiceFacts(
        documented=frozenset(e["principal"] for e in principals["documented"]),
        workload=frozenset(e["principal"] for e in principals["workload_credentials"]),
        keys=tuple(data["source_condition_keys"]),
    )


def normalise_service(value: str) -> str:
    """``states.us-east-1.amazonaws.com`` → ``states.amazonaws.com``; lower-case."""
    lowered = value.lower()
    match = _REGIONAL.match(lowered)
    if match:
        return f"{match['service']}.{match['domain']}"
    return lowered


def source_arn_admits_any_account(entry: ConditionEntry) -> bool:
    """An ``aws:SourceArn`` entry whose values leave the account open (``*``, ``?`` or empty):
    resources of other accounts match it."""
    for value in entry.string_values:
        arn = parse_arn(value)
        if arn is None:
            if value.strip("*") == "":
                return True
            continue
        if not ACCOUNT_ID.match(arn.account) or has_wildcard(arn.account):
            return True
    return False


def source_restriction(
    statement: Statement, required: tuple[ConditionEntry, ...] = ()
) -> tuple[bool, ConditionEntry | None]:
    """(restricted, open SourceArn entry): whether a condition ties the service's request to your
    resources, and the ``aws:SourceArn`` entry that would but admits any account. ``required``:
    the entries a Deny of the policy makes the grant require (``Grant.conditions``)."""
    open_arn = None
    for entry in entries_on_keys(statement.conditions + required, *service_facts().keys):
        if not constrains(entry):
            continue
        if entry.key_lower == "aws:sourcearn" and source_arn_admits_any_account(entry):
            open_arn = open_arn or entry
            continue
        return True, None
    return False, open_arn


class ServiceRoleConfusedDeputy(Check):
    """## What it does
    Reports each AWS service principal of an `Allow` statement in a role trust policy that has
    no condition tying the service's request to your own resources: a constraining
    `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`, `aws:SourceOrgPaths` (or
    `sts:ExternalId`, which Amazon Data Firehose sends). An `aws:SourceArn` whose account field
    is a wildcard admits other accounts' resources and is reported at its key.

    Severity depends on what AWS documents for the service (`linter/data/trust.json`, with
    sources):
    - **warning** for services whose documentation publishes these conditions for their service
      role: `transcribe.amazonaws.com`, `transcribe.streaming.amazonaws.com`,
      `scheduler.amazonaws.com`, `states.amazonaws.com`, `personalize.amazonaws.com`;
    - **silent** for services that assume the role only to hand its credentials to your own
      workload (`ec2`, `lambda`, `edgelambda`, `ecs-tasks`): they send no source keys, a
      condition would break the role, and the role is passed with `iam:PassRole` in your account;
    - **note** for every other service: AWS publishes no list of the services that send these
      keys (AWS Support, quoted in prowler-cloud/prowler#2810), so the finding asks you to check
      the service's "confused deputy prevention" page before adding the condition.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    A service principal is shared by every AWS customer. Without a source condition, anyone who
    can make the service act for them and knows the role's ARN can make the service assume your
    role for their resources: the cross-service confused deputy. Amazon Transcribe's
    documentation shows the fix for its service roles.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"Service": "transcribe.streaming.amazonaws.com"},
     "Action": "sts:AssumeRole"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"Service": "transcribe.streaming.amazonaws.com"},
     "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                   "ArnLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"}}}
    ```

    ## References
    - [Amazon Transcribe: cross-service confused deputy prevention](https://docs.aws.amazon.com/transcribe/latest/dg/security-iam-confused-deputy.html)
    - [IAM: the confused deputy problem](https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)
    - Access Analyzer `RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL`; prowler
      `iam_role_cross_service_confused_deputy_prevention` (and its false-positive reports
      prowler-cloud/prowler#2810, #7021, #4714); checkov `CKV_AWS_364` (Lambda permissions only)
    """

    id = "TRU001"
    name = "service-role-confused-deputy"
    summary = "A service may assume the role without a condition on the source account or resource."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("security", "trust", "confused-deputy", "transcribe")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        facts = service_facts()
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            effective = grants.effective(statement, ("sts:AssumeRole",))
            if not effective:
                continue  # not granted, or an unconditional Deny removes it
            services = [
                p
                for p in statement.principals
                if p.kind == "Service"
                and classify_principal("Service", p.value).category == "service"
                and normalise_service(p.value) not in facts.workload
            ]
            if not services:
                continue
            restricted, open_arn = source_restriction(statement, effective[0].conditions)
            if restricted:
                continue
            documented = [p for p in services if normalise_service(p.value) in facts.documented]
            if open_arn is not None:
                yield Report(
                    open_arn.key_path,
                    f"aws:SourceArn {open_arn.string_values[0]} matches resources of any "
                    "account, so another customer's resource can make the service assume this "
                    "role; put your account ID in the ARN or add aws:SourceAccount",
                    key=True,
                    severity=Severity.WARNING if documented else Severity.NOTE,
                )
                continue
            for principal in services:
                if principal in documented:
                    yield Report(
                        principal.path,
                        f"{principal.value} may assume this role for any AWS account's "
                        "resources (confused deputy); add aws:SourceAccount with your account ID "
                        "and aws:SourceArn (ArnLike) with your resources' ARN",
                    )
                else:
                    yield Report(
                        principal.path,
                        f"{principal.value} may assume this role without aws:SourceAccount or "
                        "aws:SourceArn; if the service's confused-deputy documentation lists "
                        "these keys for its service role, add them with your account and "
                        "resource ARN",
                        severity=Severity.NOTE,
                    )
