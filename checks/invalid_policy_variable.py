"""CND015 invalid-policy-variable: a malformed, unknown or misplaced ``${...}`` policy variable."""

from __future__ import annotations

from collections.abc import Iterator

from linter.catalog import Catalog
from linter.check import Check, Report
from linter.condition_keys import lookup_condition_key
from linter.conditions import entry_operator
from linter.context import Context
from linter.model import Severity
from linter.placeholders import is_placeholder
from linter.policy import Item, Policy
from linter.variables import PolicyVariable, elements_with_variables, policy_variables

#: ``${*}``, ``${?}``, ``${$}``: the special variables that stand for a literal character.
POLICY_VARIABLE_SPECIAL = frozenset({"*", "?", "$"})

# Operator families whose values cannot hold a variable. IAM's condition operators page allows
# variables with String, ARN and Bool operators (its policy-variables page leaves Bool out; the
# operators page is the more specific one, so Bool is accepted).
_NO_VARIABLES = {
    "Numeric": "Numeric",
    "Date": "Date",
    "Binary": "BinaryEquals",
    "IPAddress": "IP address",
    "Null": "Null",
}
_RESOURCE_ELEMENTS = frozenset({"Resource", "NotResource"})
_SYNTAX = {
    "missing-brace": "{text} has no closing brace; add }}",
    "empty": "{text} is an empty policy variable; name a key, e.g. ${{aws:username}}",
    "space": "{text} has a space in the variable name; remove it",
    "quote": ("the default value in {text} must be in single quotes, e.g. ${{{name}, 'default'}}"),
}


class InvalidPolicyVariable(Check):
    """## What it does
    Checks the `${...}` policy variables in `Resource`/`NotResource` values and condition values
    of a policy with `"Version": "2012-10-17"` (older or missing versions treat `${...}` as plain
    text, which the policy-level rules report):

    - syntax (**error**): a missing `}`, an empty `${}`, a space in the name (`${ aws:username }`),
      a default value without single quotes (`${aws:userid, anonymous}` instead of
      `${aws:userid, 'anonymous'}`);
    - operator (**error**): a variable in a Numeric, Date, `BinaryEquals`, IP address or `Null`
      value (IAM allows them with String, ARN and `Bool` operators);
    - multi-valued keys (**error**): `${aws:TagKeys}`; IAM substitutes only single-valued keys;
    - unknown names (**warning**): a variable that is not a condition key in the catalog
      (`${aws:usrname}`); `${*}`, `${?}` and `${$}` are IAM's escapes for literal characters.

    One finding per value, for its first problem.

    ## Why is this bad?
    IAM rejects malformed variables. A variable IAM cannot resolve makes the value never match
    ("If AWS cannot resolve a variable, this might cause the entire statement to be invalid"), so
    an Allow grants nothing.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::home/${aws:usrname}/*",
     "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "${aws:TokenIssueTime}"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::home/${aws:username}/*",
     "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
    ```

    ## References
    - [IAM policy elements: Variables and tags](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
    - [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    - Access Analyzer `MISSING_BRACE_IN_VARIABLE`, `EMPTY_VARIABLE`,
      `UNSUPPORTED_SPACE_IN_VARIABLE`, `MISSING_QUOTE_IN_VARIABLE`,
      `INVALID_VARIABLE_FOR_OPERATOR`
    """

    id = "CND015"
    name = "invalid-policy-variable"
    summary = "A malformed, unknown or misplaced ${...} policy variable."
    severity = Severity.ERROR
    tags = ("condition", "variables")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        if policy.version != "2012-10-17":
            return
        catalog = context.catalog
        for statement in policy.statements:
            present = elements_with_variables(statement)
            if not present:
                continue
            if present & _RESOURCE_ELEMENTS:
                for item in (*statement.resources, *statement.not_resources):
                    report = _check(catalog, item, None)
                    if report:
                        yield report
            if "Condition" not in present:
                continue
            for entry in statement.conditions:
                operator = entry_operator(entry)
                family = operator.family if operator else None
                for item in entry.values:
                    if isinstance(item.value, str):
                        report = _check(catalog, item, family)
                        if report:
                            yield report


def _check(catalog: Catalog, item: Item, family: str | None) -> Report | None:
    if "${" not in item.value or is_placeholder(item.value):
        return None  # a template placeholder (${Account}) is POL007's
    variables = policy_variables(item.value)
    for variable in variables:
        if variable.problem:
            message = _SYNTAX[variable.problem].format(text=variable.text, name=variable.name)
            return Report(item.path, message)
    if family in _NO_VARIABLES:
        real = [v for v in variables if v.name not in POLICY_VARIABLE_SPECIAL]
        if real:
            return Report(
                item.path,
                f"{real[0].text} cannot be used with {_NO_VARIABLES[family]} operators: IAM "
                "substitutes variables only in String, ARN and Bool conditions; write the value",
            )
    for variable in variables:
        problem = _name_problem(catalog, variable)
        if problem:
            return _report(item, *problem)
    return None


def _name_problem(catalog: Catalog, variable: PolicyVariable) -> tuple[str, Severity] | None:
    if variable.name in POLICY_VARIABLE_SPECIAL:
        return None
    key = lookup_condition_key(catalog, variable.name)
    if key is None:
        return (
            f"{variable.text} is not a condition key IAM can substitute (catalog "
            f"{catalog.as_of}); check the name, e.g. ${{aws:username}}",
            Severity.WARNING,
        )
    if key.multi_valued:
        return (
            f"{variable.text} names a multi-valued key, which IAM cannot substitute; use a "
            "single-valued key",
            Severity.ERROR,
        )
    return None


def _report(item: Item, message: str, severity: Severity) -> Report:
    return Report(item.path, message, severity=None if severity is Severity.ERROR else severity)
