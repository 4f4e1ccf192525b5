"""MON001 cloudtrail-tamper: an Allow lets callers stop, delete or weaken CloudTrail logging."""

from __future__ import annotations

from checks._tamper import MonitoringTamperCheck


class CloudtrailTamper(MonitoringTamperCheck):
    """## What it does
    Reports an `Allow` statement of an identity policy that grants an action able to stop,
    delete or weaken AWS CloudTrail logging: `cloudtrail:StopLogging`, `DeleteTrail`,
    `UpdateTrail`, `PutEventSelectors`, `PutInsightSelectors`, `RemoveTags` and the CloudTrail
    Lake actions `StopEventDataStoreIngestion`, `DeleteEventDataStore`, `UpdateEventDataStore`,
    `PutEventConfiguration`, `DeleteChannel` (the list, with sources, is
    `linter/data/monitoring_tamper.json`). Wildcards and `NotAction` are expanded through the
    catalog (`cloudtrail:Stop*`, `*` and `"NotAction": "iam:*"` grant `cloudtrail:StopLogging`),
    and only actions whose resources the `Resource` element can reach count. One finding per
    statement, at the `Action` value granting them (the `Action`/`NotAction` key when several
    do), listing the actions.

    Decisions:
    - `Deny` statements are the protection and are never reported.
    - A statement whose condition limits it to named callers (a constraining `aws:PrincipalArn`,
      `aws:userid`, `aws:username` or `aws:PrincipalTag/<key>` that does not end in a bare
      wildcard) is not reported: that is how AWS's own guardrails exempt a security role.
    - When every reachable resource is a named ARN without wildcards, the finding is a note:
      the grant is limited to those trails or event data stores.
    - Service control and resource control policies are not checked: an `Allow` there grants
      nothing.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Amazon Transcribe's security best practices ask you to monitor Transcribe with CloudTrail.
    Whoever may stop or reconfigure a trail can act unobserved afterwards (MITRE ATT&CK
    T1562.008); these permissions belong to a security administration role only.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["cloudtrail:Describe*", "cloudtrail:Get*",
     "cloudtrail:List*", "cloudtrail:LookupEvents"], "Resource": "*"}
    ```

    ## References
    - Use AWS monitoring tools: [Security best practices for Amazon Transcribe](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - [MITRE ATT&CK T1562.008](https://attack.mitre.org/techniques/T1562/008/)
    - aws-samples/service-control-policy-examples
      `Deny-modifications-to-specific-CloudTrail-trails.json`; prowler
      `iam_policy_no_full_access_to_cloudtrail`; no Access Analyzer policy check
    """

    id = "MON001"
    name = "cloudtrail-tamper"
    summary = "An Allow lets callers stop, delete or weaken CloudTrail logging."
    tags = ("security", "monitoring", "cloudtrail", "transcribe")
    group = "cloudtrail"
    what = "stopping, deleting or changing CloudTrail logging"
    protected = "a trail or event data store your organization relies on"
    needs_services = frozenset({"cloudtrail"})
