"""ACT003 action-wildcard-matches-nothing: an action pattern with * or ? matches no action."""

from __future__ import annotations

from collections.abc import Iterator

from linter.action_entries import (
    ENTRY_MATCHES_NOTHING,
    entries_with_status,
    split_action,
)
from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy
from linter.wording import CATALOG_REFRESH_COMMAND, catalog_as_of


class ActionWildcardMatchesNothing(Check):
    """## What it does
    Reports an `Action` or `NotAction` entry with a `*` or `?` wildcard that matches no action
    of iamlint's offline IAM catalog, such as `s3:Gett*` or `kms:GenerateDataKeys*`. Matching is
    case-insensitive, as in IAM. An entry whose literal service prefix is unknown is ACT001's.

    ## Why is this bad?
    A pattern that matches nothing is almost always a typo. In `Action` the statement then
    grants (or denies) less than intended; in `NotAction` the exclusion excludes nothing, so
    the statement applies to more actions than intended. Actions added after the catalog's
    date are not known, hence a warning and the refresh hint
    (`iamlint catalog update --from FILE`).

    ## Example
    ```json
    {"Effect": "Deny", "Action": ["cloudtrail:Stop*", "cloudtrail:Delte*"], "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": ["cloudtrail:Stop*", "cloudtrail:Delete*"], "Resource": "*"}
    ```

    ## References
    - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    - Access Analyzer `INVALID_ACTION` (AA skips most wildcard actions); parliament
      `UNKNOWN_ACTION`
    """

    id = "ACT003"
    name = "action-wildcard-matches-nothing"
    summary = "An action pattern with * or ? matches no action in the IAM catalog."
    severity = Severity.WARNING
    tags = ("validity", "actions", "catalog")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in policy.statements:
            for item in entries_with_status(statement, catalog, ENTRY_MATCHES_NOTHING):
                parts = split_action(item.value)
                assert parts is not None
                service = catalog.service(parts.service)
                where = f"no {service.name} action" if service else "no action"
                yield Report(
                    item.path,
                    f"{item.value} matches {where} in {catalog_as_of(catalog)}; check the "
                    f'spelling, or refresh the catalog with "{CATALOG_REFRESH_COMMAND}" if the '
                    "actions are newer",
                )
