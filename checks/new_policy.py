"""LPR015 new-policy: a policy that did not exist at the ``--new-access-since`` revision."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class NewPolicy(Check):
    """## What it does
    With `iamlint check --new-access-since REF`, notes once each policy that has no earlier
    version to compare with: its file did not exist at `REF`, the file had no policy at that
    place (a new template resource or property), or the policy there could not be read; or it
    came on standard input without `--stdin-filename` (no path to look up). It is
    reported at the policy's `Statement` key (else at the document), and LPR014 says nothing
    about such a policy: all of its access is new, and the other rules judge it.

    ## Why is this bad?
    It is not: a new policy is often the point of a change. The note tells a reviewer that
    the whole policy, not a difference, needs reading, and that a renamed or moved policy
    (matched by file path and location in the file) was compared with nothing.

    ## Example
    A file `policies/transcribe-reader.json` added since `main`.

    ## Use instead
    Nothing to change; review the policy as a whole.

    ## References
    - [IAM Access Analyzer: CheckNoNewAccess](https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html)
    """

    id = "LPR015"
    name = "new-policy"
    summary = "A policy has no version at the --new-access-since revision to compare with."
    severity = Severity.NOTE
    tags = ("new-access",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        previous = context.previous(policy)
        if previous is None or context.revision is None:
            return
        if previous.status in ("found", "unchanged"):
            return
        ref = context.revision.ref
        if previous.status == "no-path":
            yield Report(
                ("Statement",) if "Statement" in policy.data else (),
                "standard input has no file path to compare with the revision: give "
                "--stdin-filename PATH",
                key="Statement" in policy.data,
            )
            return
        why = {
            "new-file": f"the file did not exist at {ref}",
            "new-policy": f"the file had no policy here at {ref}",
        }.get(previous.status, f"the policy here could not be read at {ref}")
        where = ("Statement",) if "Statement" in policy.data else ()
        yield Report(
            where,
            f"new policy since {ref} ({why}): all of its access is new; review it as a whole",
            key=bool(where),
        )
