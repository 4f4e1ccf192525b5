"""PRI002 invalid-service-principal: a Service principal is not a service principal name."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.principals import all_principal_forms

# Problems that may be a new AWS partition or a naming slip rather than a certain error.
_LIKELY_BUT_NOT_CERTAIN = ("service principals are lower-case", "ends in an AWS domain")


class InvalidServicePrincipal(Check):
    """## What it does
    Checks every value under `Service` in `Principal` and `NotPrincipal`. A service principal is
    a lower-case domain name defined by the service, usually `service-name.amazonaws.com`
    (regional forms such as `redshift.us-east-1.amazonaws.com`, `.amazonaws.com.cn` in the
    China Regions, `.amazon.com` for Alexa, and the ISO and sovereign partitions' domains are
    accepted). An account id or ARN under `Service`, or a bare service name such as `lambda`,
    is an error; an unknown domain or upper-case letters are a warning.

    Wildcards (`*.amazonaws.com`) are reported by PRI004.

    ## Why is this bad?
    IAM rejects a trust or resource policy whose service principal does not exist ("Invalid
    principal in policy"); a service that is named wrongly can never assume the role or use the
    resource.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"Service": ["lambda", "arn:aws:iam::111122223333:root"]},
     "Action": "sts:AssumeRole"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com",
     "AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}
    ```

    ## References
    - [IAM JSON policy elements: Principal, AWS service principals](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services)
    - [AWS services that work with IAM](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html)
    - parliament `UNKNOWN_PRINCIPAL`
    """

    id = "PRI002"
    name = "invalid-service-principal"
    summary = "A Service principal is not a service principal name such as lambda.amazonaws.com."
    severity = Severity.ERROR
    policy_types = frozenset(
        {PolicyType.RESOURCE, PolicyType.TRUST, PolicyType.KMS_KEY, PolicyType.VPC_ENDPOINT}
    )
    tags = ("principal",)
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            for principal, form in all_principal_forms(statement):
                if principal.kind != "Service" or form.category != "invalid":
                    continue
                message = f'"{principal.value}" is not a valid service principal: {form.problem}'
                if form.name:
                    message += f'; use "{form.name}"'
                uncertain = any(p in form.problem for p in _LIKELY_BUT_NOT_CERTAIN)
                yield Report(
                    principal.path, message, severity=Severity.WARNING if uncertain else None
                )
