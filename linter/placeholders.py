"""Unfilled template placeholders in published example policies: ``<region>``, ``<my-vpc>``,
``[MAX_SIGNATURE_AGE]``, ``${Account}``, ``${AWS::AccountId}``, ``{{bucket}}``, the Serverless
Framework's ``${self:custom.bucket}``.

Only syntax that cannot be a real value counts. IAM policy variables (``${aws:username}``,
``${aws:PrincipalTag/team, 'none'}``, ``${*}``, ``${?}``, ``${$}``) always name a
``prefix:key`` with one colon, so ``${Name}`` without a colon and CloudFormation's
``${AWS::Region}`` are placeholders and ``${aws:username}`` is not. Names that only look like
examples (``EXAMPLE-BUCKET``, ``111122223333``) are real values as far as IAM is concerned and are
not reported.

POL007 reports placeholders; the rules that judge ARNs, condition keys and values, actions and
principals call ``is_placeholder`` and leave such values to it, so one unfilled value is one
finding.
"""

from __future__ import annotations

import re

# <region>, <my-vpc-in-this-region>, <OIDC_provider_name_1>, <my corporate cidr>
_ANGLE = r"<[A-Za-z0-9][A-Za-z0-9_ .:/\-]{0,80}>"
# [MAX_SIGNATURE_AGE_IN_MILLISECONDS], [ACCOUNT-ID]: upper case only (a lower-case bracket could
# be a character class in a Like pattern's documentation, never in a real value, but stay sure)
_BRACKET = r"\[[A-Z][A-Z0-9_\-]*[A-Z0-9]\]"
# {{bucket_name}}, {{ account }}
_MUSTACHE = r"\{\{\s*[A-Za-z_][\w.\-]*\s*\}\}"
# ${Account}, ${var.bucket}, ${AWS::Region}: a name with no colon, or CloudFormation's
# pseudo parameters. An IAM policy variable always has one colon (${aws:username}); anything
# else inside ${...} (${}, ${aws:userid, x}) is a malformed variable, CND015's.
_DOLLAR = r"\$\{(?:[A-Za-z_][\w.\-]*|AWS::[A-Za-z]+)\}"
# The Serverless Framework's variables, filled before CloudFormation sees the template:
# ${self:custom.bucket}, ${opt:stage}, ${env:X}, ${sls:stage}, ${param:x}, ${cf:stack.output},
# ${file(./config.yml):key}. No IAM condition key has these prefixes.
_SERVERLESS = r"\$\{(?:(?:self|opt|env|sls|param|cf(?:\([\w-]*\))?):|file\()[^{}]*\}"

_PLACEHOLDER = re.compile(f"{_ANGLE}|{_BRACKET}|{_MUSTACHE}|{_DOLLAR}|{_SERVERLESS}")


def placeholders_in(value: object) -> list[str]:
    """The placeholders in ``value``, in order, each once; [] for a non-string."""
    if not isinstance(value, str) or not _may_hold(value):
        return []
    found: list[str] = []
    for match in _PLACEHOLDER.finditer(value):
        text = match.group(0)
        if text not in found:
            found.append(text)
    return found


def is_placeholder(value: object) -> bool:
    """Whether ``value`` (a string) holds an unfilled template placeholder."""
    return bool(placeholders_in(value))


def _may_hold(value: str) -> bool:
    return "<" in value or "[" in value or "{" in value
