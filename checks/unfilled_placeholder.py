"""POL007 unfilled-placeholder: a template placeholder such as ``<region>`` left in the policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.check import Check, Report
from linter.context import Context
from linter.model import JsonPath, Severity
from linter.placeholders import placeholders_in
from linter.policy import Policy
from linter.wording import summarize_names

_MAX_DEPTH = 32  # condition blocks nest three levels; anything deeper is not a policy's


class UnfilledPlaceholder(Check):
    """## What it does
    Reports an unfilled template placeholder in a statement: `<region>`, `<my-vpc>`,
    `<OIDC_provider_name_1>`, `[MAX_SIGNATURE_AGE]`, `{{bucket}}`, and `${Account}` or
    `${AWS::Region}` (a `${...}` that is not an IAM policy variable: IAM's variables always name
    `prefix:key`, so `${aws:username}` and `${aws:PrincipalTag/team}` are not placeholders).
    Each placeholder is reported once per policy, at its first place (the placeholders first seen
    in one value share one finding), with the number of other values that hold it. The values
    that hold a placeholder are left to this rule: the ARN, action, principal, condition and
    policy-variable rules do not also report them.

    Only syntax that cannot be a real value counts; names that merely look like examples
    (`EXAMPLE-BUCKET`, `111122223333`) are values IAM accepts and are not reported.

    ## Why is this bad?
    Published example policies mark what the reader must fill in. Deployed as written, the
    policy is rejected (an invalid ARN or account) or, worse, accepted and never matches (a
    condition on `aws:SourceVpc` equal to `<my-vpc>` denies or allows nothing you meant).

    ## Example
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:SourceVpc": "<my-vpc>"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-0a1b2c3d4e5f67890"}}}
    ```

    ## References
    - [IAM policy elements: variables and tags](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
      (the `${prefix:key}` form of a policy variable)
    - [CloudFormation Fn::Sub](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html)
      (`${Name}` and `${AWS::Region}` are substituted at deployment, not by IAM)
    """

    id = "POL007"
    name = "unfilled-placeholder"
    summary = "The policy holds an unfilled template placeholder such as <region>."
    severity = Severity.WARNING
    tags = ("policy", "placeholder")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        # placeholder → where it first appears; a place → the placeholders first seen there
        first: dict[str, JsonPath] = {}
        counts: dict[str, int] = {}
        places: dict[tuple[JsonPath, bool], tuple[str, list[str]]] = {}
        for statement in policy.statements:
            for name, value in statement.data.items():
                if name == "Sid":
                    continue
                for text, path, key, holder in _placeholders(value, (*statement.path, name), 0):
                    counts[text] = counts.get(text, 0) + 1
                    if text not in first:
                        first[text] = path
                        places.setdefault((path, key), (holder, []))[1].append(text)
        for (path, key), (holder, texts) in places.items():
            yield Report(path, _message(holder, texts, counts), key=key)


def _message(holder: str, texts: list[str], counts: dict[str, int]) -> str:
    named = summarize_names(texts, 4)
    what = "is an unfilled template placeholder"
    if len(texts) > 1:
        what = "are unfilled template placeholders"
    where = "" if holder in texts else f' in "{holder}"'
    others = max(counts[text] for text in texts) - 1
    more = ""
    if others:
        more = f" (and in {others} more value{'s' if others > 1 else ''})"
    them = "them with the real values" if len(texts) > 1 else "it with the real value"
    return f"{named} {what}{where}{more}: the policy cannot be deployed as written; replace {them}"


def _placeholders(
    value: Any, path: JsonPath, depth: int
) -> Iterator[tuple[str, JsonPath, bool, str]]:
    """(placeholder, path, is-key, the string holding it) for every string value and key."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        for text in placeholders_in(value):
            yield text, path, False, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if type(item) is str and not _may_hold(item):
                continue  # the common case, without a path or a generator for it
            yield from _placeholders(item, (*path, index), depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            for text in placeholders_in(key):
                yield text, (*path, key), True, key
            if type(item) is str and not _may_hold(item):
                continue
            yield from _placeholders(item, (*path, key), depth + 1)


def _may_hold(text: str) -> bool:
    """Whether a string has a character every placeholder syntax starts with."""
    return "<" in text or "[" in text or "{" in text
