"""TPL001 template-syntax-error: a YAML or HCL template does not parse."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class TemplateSyntaxError(DecoderProblemCheck):
    """## What it does
    Reports a syntax error in a CloudFormation/SAM YAML template or a Terraform file at the line
    and column where the parser stopped, saying what it found there. The run goes on with the
    other files.

    ## Why is this bad?
    CloudFormation and Terraform reject a file that does not parse, and none of the policies in
    it can be checked until it does.

    ## Example
    ```yaml
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [
    ```

    ## Use instead
    ```yaml
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
    ```

    ## References
    - [YAML 1.2](https://yaml.org/spec/1.2.2/)
    - [HCL native syntax](https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md)
    - cfn-lint E0000 (template parse error)
    """

    id = "TPL001"
    name = "template-syntax-error"
    summary = "A YAML or HCL template does not parse."
    severity = Severity.ERROR
    tags = ("template", "syntax")
    problem_code = "template-syntax"
