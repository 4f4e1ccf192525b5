"""LPR005 allow-with-not-resource: an Allow statement that uses NotResource."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.grants import constraining_entries
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.wording import summarize_names


class AllowWithNotResource(Check):
    """## What it does
    Reports `"Effect": "Allow"` together with `NotResource` in an identity, resource or key
    policy, at the `NotResource` key: a warning, or a note when a constraining condition narrows
    the statement. `Deny` with `NotResource` ("deny everywhere except these resources") is the
    usual guard pattern and never reported. `iam:PassRole` through `NotResource` is also LPR002's.

    The policy is read as a whole (`docs/deny-awareness.md`): silent when an unconditional `Deny`
    of the same policy covers everything the statement allows; a conditional `Deny` that refuses
    the request when a key is missing or differs counts as that condition of the statement.

    ## Why is this bad?
    `Allow` + `NotResource` applies the statement's actions to every resource except the listed
    ones: in every account the principal can reach, and to every resource created later, under a
    name nobody reviewed. A list of the resources to allow says what is meant.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::audit-logs/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::transcripts", "arn:aws:s3:::transcripts/*"]}
    ```

    ## References
    - [IAM JSON policy elements: NotResource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html)
      ("Be careful using the NotResource element and "Effect": "Allow" in the same statement")
    - parliament `NOTRESOURCE_WITH_ALLOW` (community); cfn_nag `IamPolicyNotResourceAllowStatement`;
      Access Analyzer `PASS_ROLE_WITH_NOT_RESOURCE`, `CREATE_SLR_WITH_NOT_RESOURCE` (per action)
    """

    id = "LPR005"
    name = "allow-with-not-resource"
    summary = "An Allow statement uses NotResource, which applies it to every other resource."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY, PolicyType.RESOURCE, PolicyType.KMS_KEY})
    tags = ("security", "least-privilege")
    needs_elements = frozenset({"notresource"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            if statement.resource_element != "NotResource" or grants.removed(statement):
                continue
            narrowed = bool(constraining_entries(statement)) or any(
                constrains(e) for e in grants.required(statement)
            )
            excluded = summarize_names([item.value for item in statement.not_resources], 2)
            if statement.action_element == "NotAction":
                others = summarize_names([item.value for item in statement.not_actions], 2)
                what = f"every action except {others}" if others else "every action"
            else:
                what = summarize_names([item.value for item in statement.actions], 3) or "it"
            but = f"except {excluded}" if excluded else ""
            yield Report(
                (*statement.path, "NotResource"),
                f"Allow with NotResource applies {what} to every resource {but}".rstrip()
                + ', including resources created later; list the resources under "Resource" '
                "instead",
                key=True,
                severity=Severity.NOTE if narrowed else None,
            )
