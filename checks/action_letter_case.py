"""ACT004 action-letter-case: an action is written in another case than its canonical name."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.action_entries import ENTRY_OK, action_entry_status
from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy
from linter.wildcards import glob_matcher
from linter.wording import summarize_names

if TYPE_CHECKING:
    from linter.catalog import Catalog, Service


class ActionLetterCase(Check):
    """## What it does
    Notes an `Action` or `NotAction` entry whose letter case differs from the catalog's
    canonical spelling: `s3:getobject` for `s3:GetObject`, `S3:GetObject` (service prefixes are
    lower case) or `ec2:describe*` for `ec2:Describe*`. For a wildcard entry the note is given
    only when every action it matches agrees on the spelling of its literal parts. When more
    than three entries of one `Action` or `NotAction` element are affected (a policy written
    in lower case throughout), one note at the element's key lists the first spellings instead
    of one note per entry.

    ## Why is this bad?
    It is not an error: IAM matches action names case-insensitively, so the policy works.
    But mixed spellings make policies harder to read, search and diff (a `grep GetObject` misses
    `getobject`), and tools that compare names case-sensitively disagree with IAM.

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["s3:getobject", "EC2:describe*"], "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["s3:GetObject", "ec2:Describe*"], "Resource": "*"}
    ```

    ## References
    - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
      ("Action names are not case sensitive")
    - [SCP syntax](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html)
      (service prefix "all lowercase")
    """

    id = "ACT004"
    name = "action-letter-case"
    summary = "An action is written in another letter case than its canonical name."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    tags = ("style", "actions")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in policy.statements:
            for element, items in (
                ("Action", statement.actions),
                ("NotAction", statement.not_actions),
            ):
                respelled = []
                for item in items:
                    canonical = canonical_spelling(catalog, item.value)
                    if canonical is not None and canonical != item.value:
                        respelled.append((item, canonical))
                if len(respelled) > _AGGREGATE_ABOVE:
                    examples = summarize_names([f"{c} for {i.value}" for i, c in respelled], 2)
                    from linter.fixes import Fix, ReplaceValue

                    yield Report(
                        (*statement.path, element),
                        f"{len(respelled)} entries of {element} differ in letter case from the "
                        f"canonical action names (write {examples}): IAM ignores the case of "
                        "actions, but the canonical spelling is easier to read and search",
                        key=True,
                        fix=Fix.safe(
                            "Write the canonical action names",
                            *(ReplaceValue(i.path, c) for i, c in respelled),
                        ),
                    )
                    continue
                for item, canonical in respelled:
                    from linter.fixes import Fix, ReplaceValue

                    yield Report(
                        item.path,
                        f"write {canonical} instead of {item.value}: IAM ignores the letter case "
                        "of actions, but the canonical spelling is easier to read and search",
                        fix=Fix.safe(f"Write {canonical}", ReplaceValue(item.path, canonical)),
                    )


# More respelled entries than this in one element give one finding at the element's key.
_AGGREGATE_ABOVE = 3


@functools.lru_cache(maxsize=65536)
def canonical_spelling(catalog: Catalog, value: str) -> str | None:
    """The entry with its literal parts in the catalog's letter case, or None when the entry is
    unknown, matches nothing, or the matched actions disagree on the spelling."""
    if action_entry_status(catalog, value) != ENTRY_OK:
        return None
    if "*" not in value and "?" not in value:
        service_part, _, name_part = value.partition(":")
        service = catalog.service(service_part)
        if service is None:
            return None
        name = _canonical_names(service).get(name_part.lower())
        return f"{service.prefix}:{name}" if name else None
    if _already_canonical(catalog, value):
        return value
    matched = catalog.match_actions(value)
    if not matched:
        return None
    regex = _literal_groups(value)
    spellings = set()
    for action in matched:
        match = regex.fullmatch(action.full_name)
        if match is None:  # pragma: no cover - the catalog matched it case-insensitively
            return None
        spelled = _respell(value, match.groups())
        if spelled == value:
            return value
        spellings.add(spelled)
    return spellings.pop() if len(spellings) == 1 else None


@functools.lru_cache(maxsize=1024)
def _canonical_names(service: Service) -> dict[str, str]:
    """Lower-case action name → the catalog's spelling, without building actions."""
    return {name.lower(): name for name in service.action_names()}


def _already_canonical(catalog: Catalog, value: str) -> bool:
    """Fast path without building actions: a lower-case literal service prefix and a name
    pattern that matches some action name of that service with its letter case as written."""
    service_part, _, name_part = value.partition(":")
    if service_part != service_part.lower() or "*" in service_part or "?" in service_part:
        return False
    service = catalog.service(service_part)
    if service is None:
        return False
    matches = glob_matcher(name_part)
    return any(matches(name) for name in service.action_names())


_WILDCARD = re.compile(r"([*?])")


@functools.lru_cache(maxsize=1024)
def _literal_groups(pattern: str) -> re.Pattern[str]:
    """``s3:get*`` → ``(s3:get).*`` (case-insensitive): each literal run is a group."""
    pieces = []
    for piece in _WILDCARD.split(pattern):
        if piece == "*":
            pieces.append(".*?")
        elif piece == "?":
            pieces.append(".")
        elif piece:
            pieces.append(f"({re.escape(piece)})")
    return re.compile("".join(pieces), re.IGNORECASE | re.DOTALL)


def _respell(pattern: str, literals: tuple[str, ...]) -> str:
    """``s3:get*`` with literals (``s3:Get``,) → ``s3:Get*``."""
    out = []
    index = 0
    for piece in _WILDCARD.split(pattern):
        if piece in ("*", "?"):
            out.append(piece)
        elif piece:
            out.append(literals[index])
            index += 1
    return "".join(out)
