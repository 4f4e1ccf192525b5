"""POL005 variables-without-version: policy variables in a policy without Version 2012-10-17."""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Item, Policy

_VARIABLE = re.compile(r"\$\{[^}]*\}")


class VariablesWithoutVersion(Check):
    """## What it does
    Reports each `Resource`, `NotResource` or condition value that uses a policy variable
    (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`) in a policy whose `Version` is
    missing or `"2008-10-17"`.

    GRM001 and GRM003 report a missing or old `Version` on every policy; this rule is the error
    for the policies where it changes what the policy means.

    ## Why is this bad?
    "Variables were introduced in version 2012-10-17. Earlier versions of the policy language
    don't support policy variables": without `"Version": "2012-10-17"` the text `${aws:username}`
    is compared literally, so a `Resource` or condition that uses it matches nothing (an Allow
    grants nothing, a Deny denies nothing). A policy without `Version` is read as 2008-10-17
    (IAM's `Version` element documentation).

    ## Example
    ```json
    {"Statement": [{"Effect": "Allow", "Action": "s3:*",
      "Resource": "arn:aws:s3:::examplebucket/home/${aws:username}/*"}]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
      "Resource": "arn:aws:s3:::examplebucket/home/${aws:username}/*"}]}
    ```

    ## References
    - [IAM policy elements: Variables](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
    - [IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
    - Access Analyzer `VARIABLE_UNSUPPORTED_IN_VERSION`
    """

    id = "POL005"
    name = "variables-without-version"
    summary = 'Policy variables in a policy without "Version": "2012-10-17", so they stay literal.'
    severity = Severity.ERROR
    tags = ("policy", "variables")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        if "Version" in policy.data:
            if policy.data["Version"] != "2008-10-17":
                return  # 2012-10-17, or an invalid Version that GRM002 reports
            why = 'this policy has "Version": "2008-10-17"'
        else:
            why = "this policy has no Version, which means 2008-10-17"
        for statement in policy.statements:
            items: list[Item] = [*statement.resources, *statement.not_resources]
            for entry in statement.conditions:
                items.extend(v for v in entry.values if isinstance(v.value, str))
            for item in items:
                variable = _VARIABLE.search(item.value)
                if variable:
                    yield Report(
                        item.path,
                        f"{variable.group()} is a policy variable only with "
                        f'"Version": "2012-10-17", but {why}: it is matched as literal text; '
                        'add "Version": "2012-10-17"',
                    )
