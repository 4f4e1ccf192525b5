"""TPL002 policy-not-checkable: a template's policy is built entirely at deployment."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class PolicyNotCheckable(Check):
    """## What it does
    Notes a policy property of a template whose whole value is known only at deployment: a
    `!Ref` to a parameter, an `!ImportValue`, a Terraform `var.policy` or a `templatefile()`
    with a variable path. The engine reports it at that value, once per policy.

    ## Why is this bad?
    Nothing in the file says what the policy grants, so iamlint cannot check it, and neither can
    a reviewer of the template. Silence would read as "checked and clean".

    ## Example
    ```yaml
    Resources:
      AppPolicy:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument: !Ref PolicyParameter
    ```

    ## Use instead
    Write the policy in the template (intrinsics for the ARNs are fine), or lint the file the
    value comes from on its own.

    ## References
    - [CloudFormation intrinsic functions](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html)
    - [Terraform expressions](https://developer.hashicorp.com/terraform/language/expressions)
    """

    id = "TPL002"
    name = "policy-not-checkable"
    summary = "A template's policy is built entirely at deployment and cannot be checked."
    severity = Severity.NOTE
    tags = ("template",)
    engine_reported = True

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        return iter(())
