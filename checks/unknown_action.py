"""ACT002 unknown-action: an action name is not an action of its service in the IAM catalog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.action_entries import (
    ENTRY_UNKNOWN_ACTION,
    entries_with_status,
    split_action,
)
from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy
from linter.wording import CATALOG_REFRESH_COMMAND, catalog_as_of

if TYPE_CHECKING:
    from linter.catalog import Catalog, Service


class UnknownAction(Check):
    """## What it does
    Reports an `Action` or `NotAction` entry without wildcards whose service prefix is known
    but whose action name is not an action of that service in iamlint's offline IAM catalog,
    with a "did you mean" suggestion. The message names the catalog's date and how to refresh
    it. Names are compared case-insensitively (ACT004 notes unusual letter case); entries
    with `*` or `?` are ACT003's.

    ## Why is this bad?
    IAM ignores an action that does not exist: an Allow grants nothing through it, a Deny
    denies nothing. AWS's own Transcribe example "Viewing transcription jobs based on tags"
    allows `transcribe:GetTranscriptionJobs`, which is not an action (the action is
    `transcribe:GetTranscriptionJob`), so the policy never lets anyone view a job. API names
    that are not IAM actions (`s3:CreateMultipartUpload`, whose permission is
    `s3:PutObject`) fail the same way. An action added after the catalog's date is reported
    too, hence a warning and the refresh hint (`iamlint catalog update --from FILE`).

    ## Example
    ```json
    {
      "Sid": "ViewTranscriptionJobsIfOwner",
      "Effect": "Allow",
      "Action": "transcribe:GetTranscriptionJobs",
      "Resource": "arn:aws:transcribe:*:*:transcription-job/*",
      "Condition": {"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}}
    }
    ```

    ## Use instead
    ```json
    {
      "Sid": "ViewTranscriptionJobsIfOwner",
      "Effect": "Allow",
      "Action": "transcribe:GetTranscriptionJob",
      "Resource": "arn:aws:transcribe:*:*:transcription-job/*",
      "Condition": {"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}}
    }
    ```

    ## References
    - [Amazon Transcribe identity-based policy examples](https://docs.aws.amazon.com/transcribe/latest/dg/security_iam_id-based-policy-examples.html)
    - [Actions defined by Amazon Transcribe](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html)
    - Access Analyzer `INVALID_ACTION`; parliament `UNKNOWN_ACTION`; cfn-lint W3037
    """

    id = "ACT002"
    name = "unknown-action"
    summary = "An action is not an action of its service in the IAM catalog."
    severity = Severity.WARNING
    tags = ("validity", "actions", "catalog")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in policy.statements:
            for item in entries_with_status(statement, catalog, ENTRY_UNKNOWN_ACTION):
                parts = split_action(item.value)
                service = catalog.service(parts.service) if parts else None
                assert parts is not None and service is not None
                fix = None
                suggestion = catalog.suggest_action(item.value) if parts.name else None
                if suggestion:
                    from linter.fixes import Fix, ReplaceValue

                    fix = Fix.unsafe(f"Write {suggestion}", ReplaceValue(item.path, suggestion))
                yield Report(item.path, _message(item.value, parts.name, service, catalog), fix=fix)


def _message(value: str, name: str, service: Service, catalog: Catalog) -> str:
    if not name:
        return (
            f'"{value}" names no action after the colon: write {service.prefix}:ActionName, '
            f"or {service.prefix}:* for every {service.name} action"
        )
    suggestion = catalog.suggest_action(value)
    hint = f" (did you mean {suggestion}?)" if suggestion else ""
    return (
        f"{value} is not an action of {service.name} in {catalog_as_of(catalog)}{hint}; "
        f'fix the name, or refresh the catalog with "{CATALOG_REFRESH_COMMAND}" if the action '
        "is newer"
    )
