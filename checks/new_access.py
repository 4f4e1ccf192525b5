"""LPR014 new-access: a statement grants access that the same policy did not grant at the
revision given with ``--new-access-since`` (an offline ``CheckNoNewAccess``)."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class NewAccess(Check):
    """## What it does
    With `iamlint check --new-access-since REF`, compares each policy with the same policy in
    the same file at the git revision `REF` (matched by file path and, in a template, by where
    the policy is written: `Resources.Key.Properties.KeyPolicy`,
    `aws_iam_role.app.assume_role_policy`) and reports every `Allow` that grants access the
    old policy did not, at the value that gives it:

    - a new action, or one that now matches through a wildcard (`s3:Get*` where only
      `s3:GetObject` was granted): at the `Action` value, or the `NotAction` key;
    - a wider resource: at the `Resource` value (or the `NotResource` key);
    - a new principal: at the principal value;
    - a condition removed or weakened: at the condition key that accepts more values, or the
      statement's `Condition` key;
    - a `Deny` removed or narrowed: at each `Action` value whose grant it removed (in an SCP or
      RCP, whose Denies limit other policies, also where the Deny was).

    The message names what is new: `new access since main: s3:PutObject on
    arn:aws:s3:::transcripts/*`. Re-indenting, reordering statements, keys or values, renaming
    a `Sid`, adding an action a wildcard already covered, narrowing a resource or adding a
    condition or a `Deny` gives nothing. A policy that did not exist at `REF` gets one
    LPR015 note instead.

    The comparison is sound for the actions the catalog knows: a new grant it cannot match
    with an old one is reported (it may report a rewrite that grants the same through other
    means, e.g. two statements merged into a `NotAction`). A value known only at deployment
    (`!Ref`, `${var.x}`) is never guessed: a finding is made only when the access is new
    whatever the value. See docs/new-access.md.

    ## Why is this bad?
    Reviewers of a policy change need to know what it grants that was not granted before; a
    diff of JSON hides it (`s3:Put*` replacing `s3:PutObject`, a `Deny` removed three
    statements away, a `StringLike` that gained a `*`). Access Analyzer answers online, with
    credentials, per call; this answers offline at the exact line.

    ## Example
    At `main`:
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::transcripts/*"}
    ```
    On the branch:
    ```json
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::transcripts/*"}
    ```

    ## Use instead
    Grant only what the change needs, and accept each reported grant deliberately (a
    suppression with a reason, or a baseline) when it is intended.

    ## References
    - [IAM Access Analyzer: CheckNoNewAccess](https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html)
    - [Policy evaluation logic](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
    - cfn-policy-validator and tf-policy-validator `check-no-new-access`
    """

    id = "LPR014"
    name = "new-access"
    summary = "A statement grants access the policy did not grant at the --new-access-since REF."
    severity = Severity.WARNING
    tags = ("security", "least-privilege", "new-access")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        previous = context.previous(policy)
        if previous is None or previous.status != "found" or context.revision is None:
            return
        from linter.new_access import new_access
        from linter.policy import Policy as PolicyModel

        old = PolicyModel(previous.document, policy.policy_type, policy.file)
        for found in new_access(old, policy, context.catalog, context.revision.ref):
            yield Report(found.path, found.message, key=found.key)
