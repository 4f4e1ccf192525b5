"""MON002 config-tamper: an Allow lets callers stop or weaken AWS Config recording and rules."""

from __future__ import annotations

from checks._tamper import MonitoringTamperCheck


class ConfigTamper(MonitoringTamperCheck):
    """## What it does
    Reports an `Allow` statement of an identity policy that grants an action able to stop,
    delete or weaken AWS Config: `config:StopConfigurationRecorder`,
    `DeleteConfigurationRecorder`, `PutConfigurationRecorder`, `DeleteDeliveryChannel`,
    `PutDeliveryChannel`, `DeleteConfigRule`, `PutConfigRule`, the aggregator, retention,
    organization-rule, evaluation-result and remediation actions (21 in all; the list, with
    sources, is `linter/data/monitoring_tamper.json`). Wildcards and `NotAction` are expanded
    through the catalog, and only actions whose resources the `Resource` element can reach count
    (`DeleteDeliveryChannel` has no resource type, so only `"Resource": "*"` grants it). One
    finding per statement, listing the actions.

    Decisions (as for MON001): `Deny` is never reported; a condition limiting the statement to
    named callers (`aws:PrincipalArn`, `aws:userid`, `aws:username`, `aws:PrincipalTag/<key>`)
    silences it; named resources without wildcards make it a note; SCPs and RCPs are not
    checked.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Amazon Transcribe's security best practices ask you to enable AWS Config. AWS's example SCPs
    deny these actions because they "could disable AWS Config or alter its rules or triggers":
    whoever holds them can hide configuration drift and non-compliant resources.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "config:*", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["config:Describe*", "config:Get*", "config:List*",
     "config:SelectResourceConfig"], "Resource": "*"}
    ```

    ## References
    - Enable AWS Config: [Security best practices for Amazon Transcribe](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - [Example SCPs for AWS Config](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_config.html)
    - aws-samples/service-control-policy-examples `Deny-enabling-and-disabling-AWS-Config.json`;
      no Access Analyzer, parliament or checkov equivalent
    """

    id = "MON002"
    name = "config-tamper"
    summary = "An Allow lets callers stop, delete or weaken AWS Config recording and rules."
    tags = ("security", "monitoring", "config", "transcribe")
    group = "config"
    what = "stopping, deleting or changing AWS Config recording or rules"
    protected = "a recorder or rule your organization relies on"
    needs_services = frozenset({"config"})
