"""RES002 arn-fields-for-service: an ARN's Region or account does not fit the service's ARNs."""

from __future__ import annotations

from collections.abc import Iterator

from linter.arns import arn_field_problem
from linter.check import Check, Report
from linter.context import Context
from linter.model import ALL_POLICY_TYPES, PolicyType, Severity
from linter.placeholders import is_placeholder
from linter.policy import Policy


class ArnFieldsForService(Check):
    """## What it does
    Compares the Region and account fields of a `Resource` or `NotResource` ARN with the ARN
    formats of the resource types it could name (the catalog's formats of that service whose
    resource part could match) and reports:

    - a Region where every such format has none (`arn:aws:iam:us-east-1:…:role/x`,
      `arn:aws:s3:us-east-1::bucket`);
    - no Region where every such format has one (`arn:aws:transcribe::…:transcription-job/x`);
    - an account where every such format has none (S3 buckets and objects, EC2 AMIs and
      snapshots);
    - no account where every such format has one;
    - an account that is not a 12-digit id (`1111-2222-3333`), `aws` (AWS-owned resources such
      as managed policies) or a literal the format uses.

    A wildcard field that can be empty (`*`) fits both; policy variables are never reported.
    ARNs whose service or resource part the catalog does not know are left to RES003.

    ## Why is this bad?
    An ARN with a field the service does not use, or without one it needs, matches no resource:
    the statement grants (or denies) nothing on it.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "iam:PassRole",
     "Resource": "arn:aws:iam:us-east-1:111122223333:role/TranscribeDataAccess"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "iam:PassRole",
     "Resource": "arn:aws:iam::111122223333:role/TranscribeDataAccess"}
    ```

    ## References
    - [IAM identifiers: ARNs](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html)
    - [Service Authorization Reference: resource types and their ARN formats](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    - Access Analyzer `ARN_REGION_NOT_ALLOWED`, `MISSING_ARN_REGION`, `ARN_ACCOUNT_NOT_ALLOWED`,
      `MISSING_ARN_ACCOUNT`, `INVALID_ARN_ACCOUNT`; parliament `INVALID_ARN`
    """

    id = "RES002"
    name = "arn-fields-for-service"
    summary = "An ARN's Region or account does not fit the ARN format of its service."
    severity = Severity.ERROR
    policy_types = ALL_POLICY_TYPES - {PolicyType.TRUST}
    tags = ("validity", "resources", "catalog")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in policy.statements:
            for item in statement.resources + statement.not_resources:
                if is_placeholder(item.value):
                    continue  # POL007
                problem = arn_field_problem(catalog, item.value)
                if problem is not None:
                    yield Report(item.path, f'"{item.value}" {problem}')
