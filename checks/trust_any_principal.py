"""TRU003 trust-any-principal: a role trust policy lets ``{"AWS": "*"}`` assume the role without
a condition that limits it to known accounts or an organization."""

from __future__ import annotations

from collections.abc import Iterator

from linter.arns import ACCOUNT_ID, parse_arn
from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy
from linter.policy_grants import policy_grants
from linter.wildcards import has_wildcard

# Keys that, constrained to specific values, limit the callers to known accounts,
# organizations or principals. What each value must pin: "account" (a 12-digit id),
# "arn" (an ARN with a 12-digit account), "org" (any non-wildcard value), "id" (unique ids).
_PINNING_KEYS = {
    "aws:principalaccount": "account",
    "aws:sourceaccount": "account",
    "aws:principalarn": "arn",
    "aws:sourcearn": "arn",
    "aws:principalorgid": "org",
    "aws:principalorgpaths": "org",
    "aws:sourceorgid": "org",
    "aws:sourceorgpaths": "org",
    "aws:userid": "id",
}


def pins_callers(entry: ConditionEntry) -> bool:
    """Whether an entry, in an Allow, limits callers to named accounts, organizations or
    principals: a constraining operator on one of the keys above, and no value that leaves the
    account open (``arn:aws:iam::*:role/x``, ``1111*``)."""
    kind = _PINNING_KEYS.get(entry.key_lower)
    if kind is None or not constrains(entry):
        return False
    for value in entry.string_values:
        if kind == "account" and not (ACCOUNT_ID.match(value) and not has_wildcard(value)):
            return False
        if kind == "arn":
            arn = parse_arn(value)
            if arn is None or not ACCOUNT_ID.match(arn.account):
                return False
        if kind in ("org", "id") and value.split("/", 1)[0].strip("*?") == "":
            return False
    return True


class TrustAnyPrincipal(Check):
    """## What it does
    Reports `{"AWS": "*"}` in the `Principal` of an `Allow` statement of a role trust policy
    unless a condition limits the callers to known accounts, organizations or principals: a
    constraining `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`,
    `aws:PrincipalArn` or `aws:userid` (or the `aws:Source*` keys for service callers) whose
    values do not leave the account open (`arn:aws:iam::*:role/x` does). `sts:ExternalId` alone
    does not count: AWS says an external ID is not a secret. The bare `"Principal": "*"` is
    reported by PRI007 (IAM does not accept it in a trust policy).

    The policy is read as a whole (`docs/deny-awareness.md`): silent when an unconditional `Deny`
    of the same policy covers everything the statement allows; a conditional `Deny` that refuses
    the request when a key is missing or differs counts as that condition of the statement.

    ## Why is this bad?
    `{"AWS": "*"}` trusts every IAM principal of every AWS account: anyone who learns the role's
    ARN can assume it and receive its permissions. Amazon Transcribe's best practices call for
    IAM roles that only the intended applications and services can use.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    ```

    ## References
    - [How to use trust policies with IAM roles](https://aws.amazon.com/blogs/security/how-to-use-trust-policies-with-iam-roles/)
    - [AWS global condition context keys: aws:PrincipalOrgID](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid)
    - Access Analyzer `ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL` (bare `"*"`); checkov
      `CKV_AWS_60`; cloudsplaining AnyPrincipal (critical) / AnyPrincipalWithConditions
    """

    id = "TRU003"
    name = "trust-any-principal"
    summary = 'A role trust policy lets {"AWS": "*"} assume the role without a limiting condition.'
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("security", "trust", "principal", "transcribe")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            wildcards = [p for p in statement.principals if p.kind == "AWS" and p.value == "*"]
            if not wildcards or any(pins_callers(e) for e in statement.conditions):
                continue
            if grants.removed(statement) or any(
                pins_callers(e) for e in grants.required(statement)
            ):
                continue  # a Deny of the policy removes the trust or pins its callers
            for principal in wildcards:
                yield Report(
                    principal.path,
                    'the role can be assumed by any principal of any AWS account ({"AWS": "*"}); '
                    "name the trusted accounts or roles, or add a condition on "
                    "aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn",
                )
