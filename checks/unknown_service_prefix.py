"""ACT001 unknown-service-prefix: an action's service prefix is not in the IAM catalog."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.action_entries import (
    ENTRY_UNKNOWN_SERVICE,
    entries_with_status,
    split_action,
)
from linter.check import Check, Report
from linter.context import Context
from linter.data_files import data_file
from linter.model import Severity
from linter.policy import Item, Policy
from linter.wording import CATALOG_REFRESH_COMMAND, catalog_as_of, summarize_names

if TYPE_CHECKING:
    from linter.catalog import Catalog


class UnknownServicePrefix(Check):
    """## What it does
    Reports an `Action` or `NotAction` entry whose service prefix (the part before the colon)
    is not a service prefix in iamlint's offline IAM catalog, with a "did you mean" when a
    known prefix is close. The message names the catalog's date and how to refresh it.
    Prefixes are compared case-insensitively; a prefix written with a wildcard (`s3*:Get*`) is
    left to ACT003. The entries of a service AWS has retired (DeepRacer, DeepLens, ...) give one
    finding per statement, at the first, naming them all.

    ## Why is this bad?
    An action of a service that does not exist matches no request: an Allow grants nothing
    through it and a Deny denies nothing, so a typo such as `s4:GetObject` or an API name such
    as `cloudwatchlogs:PutLogEvents` (the prefix is `logs`) silently breaks the policy. A
    service launched after the catalog's date is reported too, which is why this is a warning
    and the message says how to refresh the catalog (`iamlint catalog update --from FILE`).

    ## Example
    ```json
    {"Effect": "Allow", "Action": "s4:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
    ```

    ## References
    - [Service Authorization Reference: actions, resources and condition keys](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    - Access Analyzer `INVALID_SERVICE_IN_ACTION`, `INVALID_SERVICE`; parliament `UNKNOWN_PREFIX`;
      cfn-lint W3037
    """

    id = "ACT001"
    name = "unknown-service-prefix"
    summary = "An action's service prefix is not in the IAM catalog."
    severity = Severity.WARNING
    tags = ("validity", "actions", "catalog")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in policy.statements:
            retired: dict[str, list[Item]] = {}  # one finding per retired service and statement
            for item in entries_with_status(statement, catalog, ENTRY_UNKNOWN_SERVICE):
                parts = split_action(item.value)
                assert parts is not None
                if parts.service.lower() in removed_services():
                    retired.setdefault(parts.service.lower(), []).append(item)
                    continue
                yield Report(item.path, _message(item.value, parts.service, parts.name, catalog))
            for items in retired.values():
                yield Report(items[0].path, _retired_message(items, catalog))


def _retired_message(items: list[Item], catalog: Catalog) -> str:
    """One finding for every entry of a retired service in a statement, at the first."""
    prefix = items[0].value.partition(":")[0]
    removed = removed_services()[prefix.lower()]
    values = summarize_names([item.value for item in items], 3)
    them = "them" if len(items) > 1 else "it"
    match = "these entries match" if len(items) > 1 else "the entry matches"
    return (
        f'the service prefix "{prefix}" of {values} ({removed}) is no longer in '
        f"{catalog_as_of(catalog)}: AWS removed it from the Service Authorization Reference "
        f"(retired or renamed service), so {match} nothing; remove {them}"
    )


def _message(value: str, prefix: str, name: str, catalog: Catalog) -> str:
    suggestion = suggest_prefix(prefix, name, catalog)
    hint = f" (did you mean {suggestion}?)" if suggestion else ""
    return (
        f'the service prefix "{prefix}" of {value} is not in {catalog_as_of(catalog)}{hint}; '
        f'fix the prefix, or refresh the catalog with "{CATALOG_REFRESH_COMMAND}" if the '
        "service is newer"
    )


def suggest_prefix(prefix: str, name: str, catalog: Catalog) -> str | None:
    """A known prefix close to ``prefix`` (``s4`` → ``s3:GetObject`` when s3 has the action), as
    ``prefix:name`` when that action exists, else as a quoted prefix; None when nothing is close."""
    lowered = prefix.lower()
    prefixes = sorted(catalog.service_prefixes())
    import difflib

    close = difflib.get_close_matches(lowered, prefixes, n=3, cutoff=0.75)
    near = [p for p in prefixes if _one_edit_apart(lowered, p)]
    if name and "*" not in name and "?" not in name:
        for candidate in dict.fromkeys([*close, *near]):
            service = catalog.service(candidate)
            action = service.action(name) if service else None
            if action is not None:
                return action.full_name
    if close:
        return f'the prefix "{close[0]}"'
    if len(near) == 1:
        return f'the prefix "{near[0]}"'
    return None


def _one_edit_apart(left: str, right: str) -> bool:
    """One substitution, insertion or deletion turns ``left`` into ``right``."""
    if left == right or abs(len(left) - len(right)) > 1:
        return False
    if len(left) == len(right):
        return sum(a != b for a, b in zip(left, right, strict=True)) == 1
    shorter, longer = sorted((left, right), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


@functools.cache
def removed_services() -> dict[str, str]:
    """Prefix → service name of services AWS removed from the Service Authorization Reference
    (``linter/data/removed_services.json``)."""
    data = data_file("removed_services.json")
    return {entry["prefix"]: entry["name"] for entry in data["services"]}
