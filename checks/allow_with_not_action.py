"""LPR004 allow-with-not-action: an Allow statement that uses NotAction."""

from __future__ import annotations

from collections.abc import Iterator

from checks.full_admin_access import FullAdminAccess
from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.grants import constraining_entries, resource_is_unrestricted
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.wording import summarize_names


class AllowWithNotAction(Check):
    """## What it does
    Reports `"Effect": "Allow"` together with `NotAction` in an identity, resource or key policy,
    at the `NotAction` key. A warning when the statement applies to every resource (`"*"` or
    `NotResource`; in a resource or key policy, whatever its `Resource`) with no constraining
    condition; a note when its `Resource` or a constraining condition narrows it. `Deny` with
    `NotAction` ("deny everything except …") is the usual guard pattern and never reported; SCPs
    and RCPs are left to the policy-type rules. The finding stands for the statement's other grant
    findings (credentials, KMS, monitoring, Transcribe, exposure) and names them instead.

    The policy is read as a whole (`docs/deny-awareness.md`): silent when an unconditional `Deny`
    of the same policy covers everything the statement allows; a conditional `Deny` that refuses
    the request when a key is missing or differs counts as that condition of the statement.

    ## Why is this bad?
    `Allow` + `NotAction` allows every action of every service except the listed ones, including
    actions AWS adds later: the permissions grow without anyone editing the policy. AWS's
    PowerUserAccess uses it on purpose; in a policy of your own, the actions to allow are almost
    always fewer than the actions to exclude.

    ## Example
    ```json
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["transcribe:*", "s3:GetObject"], "Resource": "*"}
    ```

    ## References
    - [IAM JSON policy elements: NotAction](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html)
      ("use NotAction with Allow carefully: it can grant more permissions than you intend")
    - cfn_nag `IamPolicyNotActionAllowStatement`; cloudsplaining prints it as a note; Access
      Analyzer reports it only with NotResource or for iam:PassRole
      (`PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION`, LPR002)
    """

    id = "LPR004"
    name = "allow-with-not-action"
    summary = "An Allow statement uses NotAction, which allows every other action."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY, PolicyType.RESOURCE, PolicyType.KMS_KEY})
    tags = ("security", "least-privilege")
    needs_elements = frozenset({"notaction"})
    # What LPR001 absorbs, but privilege escalation, which can combine statements, stays its own
    # finding; and resource exposure, which LPR013 leaves to LPR001 but reports for NotAction.
    subsumes = (*(rule for rule in FullAdminAccess.subsumes if rule != "LPR003"), "LPR013")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            if statement.action_element != "NotAction" or grants.removed(statement):
                continue
            excluded = summarize_names([item.value for item in statement.not_actions], 3)
            required = any(constrains(e) for e in grants.required(statement))
            narrowed = (
                bool(constraining_entries(statement))
                or required
                or (
                    policy.policy_type is PolicyType.IDENTITY
                    and not resource_is_unrestricted(statement)
                )
            )
            but = f"except {excluded}" if excluded else "listed nowhere"
            yield Report(
                (*statement.path, "NotAction"),
                f"Allow with NotAction allows every action {but}, including actions AWS adds "
                'later; list the actions to allow under "Action" instead',
                key=True,
                severity=Severity.NOTE if narrowed else None,
            )
