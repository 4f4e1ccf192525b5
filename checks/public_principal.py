"""LPR007 public-principal: a resource or key policy allows "*" as principal without a condition
that limits the callers to known accounts, organizations or networks."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy, Statement
from linter.policy_grants import policy_grants
from linter.principals import limits_public_access
from linter.wording import summarize_names

# Keys an anonymous request does not carry: a condition that requires one excludes anonymous
# callers (the principal is then "any authenticated principal of any account").
_AUTHENTICATED_KEYS = frozenset(
    {
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principaltype",
        "aws:principalservicename",
        "aws:principalservicenameslist",
    }
)
_NEGATED_OPERATORS = frozenset({"stringnotequals", "stringnotlike", "arnnotequals", "arnnotlike"})


def _only_services(entry: ConditionEntry) -> bool:
    """``"Bool": {"aws:PrincipalIsAWSService": "true"}``: only AWS service principals match."""
    return (
        entry.key_lower == "aws:principalisawsservice"
        and entry.base_operator.lower() == "bool"
        and not entry.if_exists
        and entry.qualifier is None
        and bool(entry.string_values)
        and all(v.lower() == "true" for v in entry.string_values)
    )


def _excludes_anonymous(entry: ConditionEntry) -> bool:
    """The condition only matches requests signed by some principal."""
    key = entry.key_lower
    if entry.if_exists or entry.qualifier is not None:
        return False
    base = entry.base_operator.lower()
    values = [v.lower() for v in entry.string_values]
    if base == "null":
        return (key in _AUTHENTICATED_KEYS or key.startswith("aws:principaltag/")) and values == [
            "false"
        ]
    if key == "aws:principaltype" and base in _NEGATED_OPERATORS:
        return "anonymous" in values
    if key not in _AUTHENTICATED_KEYS and not key.startswith("aws:principaltag/"):
        return False
    return base not in _NEGATED_OPERATORS and bool(values)


def _what(statement: Statement) -> str:
    if statement.action_element == "NotAction":
        others = summarize_names([item.value for item in statement.not_actions], 2)
        return f"every action except {others}" if others else "every action"
    return summarize_names([item.value for item in statement.actions], 3) or "the statement"


class PublicPrincipal(Check):
    """## What it does
    Reports `"Principal": "*"` and `{"AWS": "*"}` in an `Allow` statement of a resource policy
    (S3 bucket, SQS queue, SNS topic, Lambda function, …) or a KMS key policy, unless a condition
    limits the callers. These keys count, under a constraining operator (not `...IfExists`, not
    negated) and with values that pin something (no `o-*`, no `arn:aws:iam::*:…`, no
    `0.0.0.0/0`): `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:SourceOrgID`,
    `aws:SourceOrgPaths`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`,
    `aws:PrincipalArn`, `aws:userid`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp` and, in key
    policies, `kms:CallerAccount` (with or without `kms:ViaService`; `kms:ViaService` alone lets
    any account's principals call through the service). `"Bool": {"aws:PrincipalIsAWSService":
    "true"}` also counts: only AWS service principals match it, never the public. One finding per
    `"*"` value; when a condition requires a key that anonymous requests lack (an
    `aws:PrincipalTag/...` or `aws:PrincipalArn` pattern) the message says "any principal of any
    AWS account" rather than "or anonymous". VPC endpoint policies are not checked: `"*"` is their
    normal principal (they filter, they do not grant).

    The KMS Developer Guide's EBS statement (`{"AWS": "*"}` with `kms:CallerAccount` and
    `kms:ViaService`) is therefore clean; checkov `CKV_AWS_33` fails it. Trust policies are the TRU
    rules' (TRU003, PRI007); RCPs require `"*"`.

    The policy is read as a whole (`docs/deny-awareness.md`): silent when an unconditional `Deny`
    of the same policy covers everything the statement allows; a conditional `Deny` that refuses
    the request when a key is missing or differs counts as that condition of the statement.

    ## Why is this bad?
    `"*"` is everyone: every IAM user and role of every AWS account and, for most services,
    anonymous callers. Without a condition the statement makes the resource public. AWS's
    definition of public (S3 Block Public Access, IAM Access Analyzer) uses the same keys.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::transcripts/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::transcripts/*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    ```

    ## References
    - [IAM JSON policy elements: Principal, all principals](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous)
    - [Amazon S3: the meaning of "public"](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status)
    - [AWS KMS: kms:CallerAccount](https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account)
    - checkov `CKV_AWS_33` (ignores conditions), `CKV_AWS_283` and the S3/SQS/SNS/ECR/Glacier public
      policy checks; Access Analyzer custom `CheckNoPublicAccess`; cfn_nag
      `KMSKeyWildcardPrincipalRule`
    """

    id = "LPR007"
    name = "public-principal"
    summary = 'A resource or key policy allows "*" without a condition that limits the callers.'
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.RESOURCE, PolicyType.KMS_KEY})
    tags = ("security", "least-privilege", "principal")
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            public = [p for p in statement.principals if p.value == "*" and p.kind in ("*", "AWS")]
            conditions = statement.conditions
            if not public or any(limits_public_access(e) or _only_services(e) for e in conditions):
                continue
            if grants.removed(statement) or any(
                limits_public_access(e) for e in grants.required(statement)
            ):
                continue  # a Deny of the policy removes the grant or limits its callers
            keys = "aws:SourceAccount, aws:PrincipalOrgID or aws:PrincipalAccount"
            who = "anyone, in any AWS account or anonymous, is allowed"
            if any(_excludes_anonymous(e) for e in conditions):
                who = "any principal of any AWS account is allowed"
            if policy.policy_type is PolicyType.KMS_KEY:
                keys = "kms:CallerAccount, aws:PrincipalOrgID or aws:PrincipalAccount"
                who = "any principal of any AWS account is allowed"
            for principal in public:
                shown = '"*"' if principal.kind == "*" else '{"AWS": "*"}'
                yield Report(
                    principal.path,
                    f"Principal {shown} makes {_what(statement)} public: {who}; name the "
                    f"accounts or roles, or add a condition on {keys}",
                )
