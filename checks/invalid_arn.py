"""RES001 invalid-arn: a Resource/NotResource value is not a well-formed ARN."""

from __future__ import annotations

from collections.abc import Iterator

from linter.arns import arn_syntax_problem, kms_key_reference
from linter.check import Check, Report
from linter.context import Context
from linter.grants import statement_grants
from linter.model import ALL_POLICY_TYPES, PolicyType, Severity
from linter.placeholders import is_placeholder
from linter.policy import Policy, Statement


class InvalidArn(Check):
    """## What it does
    Reports a `Resource` or `NotResource` value that is neither `"*"` nor a well-formed ARN
    `arn:partition:service:region:account:resource`:

    - it does not start with `arn:` (`s3://bucket`, `my-bucket`, `ARN:aws:…`);
    - it has fewer than six colon-separated fields (`arn:aws:s3::bucket`);
    - its partition is empty or not an AWS partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`,
      `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`);
    - its service is empty or not lower case (`arn:aws:S3:::bucket`);
    - its Region is not a Region name, or belongs to another partition
      (`arn:aws:s3:us-gov-west-1:…`).

    Wildcards (`*`, `?`) and policy variables (`${aws:username}`) are valid in every field,
    including the partition and the Region (`arn:aws:transcribe:*:*:transcription-job/*`), as
    long as the field could still hold a valid value. Whether a service's ARNs have a Region
    and an account is RES002's decision; a KMS key id or alias name in an identity policy is
    RES004's.

    ## Why is this bad?
    IAM rejects a policy with a malformed resource, or the value never matches any resource,
    so the statement grants (or denies) nothing on it.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3::example-bucket/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
    ```

    ## References
    - [IAM identifiers: ARNs](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html)
    - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    - Access Analyzer `INVALID_ARN_PREFIX`, `MISSING_ARN_FIELD`, `INVALID_PARTITION`,
      `INVALID_ARN_SERVICE_CASE`, `INVALID_ARN_REGION`; parliament `INVALID_ARN`; cfn-lint E3514
    """

    id = "RES001"
    name = "invalid-arn"
    summary = "A Resource/NotResource value is not a well-formed ARN."
    severity = Severity.ERROR
    policy_types = ALL_POLICY_TYPES - {PolicyType.TRUST}
    tags = ("validity", "resources")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        identity = policy.policy_type is PolicyType.IDENTITY
        for statement in policy.statements:
            for item in statement.resources + statement.not_resources:
                if is_placeholder(item.value):
                    continue  # POL007
                problem = arn_syntax_problem(item.value)
                if problem is None:
                    continue
                if not identity and item.value.startswith(_API_GATEWAY_SHORTHAND):
                    continue  # API Gateway expands it to the API's own execute-api ARN
                if identity and _left_to_kms_rule(statement, item.value, context):
                    continue
                yield Report(item.path, f'"{item.value}" {problem}')


# An API Gateway resource policy may write "execute-api:/stage/METHOD/path" for an ARN of the API
# it is attached to (API Gateway developer guide, "API Gateway resource policy examples").
_API_GATEWAY_SHORTHAND = "execute-api:/"


def _left_to_kms_rule(statement: Statement, value: str, context: Context) -> bool:
    """RES004 reports KMS key ids and alias names in identity-policy statements about KMS."""
    if kms_key_reference(value) not in ("key id", "alias name"):
        return False
    return any(a.service == "kms" for a in statement_grants(statement).actions(context.catalog))
