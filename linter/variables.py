"""Policy variables (``${aws:username}``, ``${*}``): finding them in a value, and which elements
of a statement hold one."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from linter.policy import Statement


class PolicyVariable(NamedTuple):
    """One ``${...}`` in a string. ``problem``: None, ``missing-brace``, ``empty``, ``space``
    (a space in the name) or ``quote`` (a default value not in single quotes)."""

    text: str
    name: str
    default: str | None
    problem: str | None


@functools.lru_cache(maxsize=4096)
def policy_variables(text: str) -> tuple[PolicyVariable, ...]:
    """The policy variables in ``text`` (IAM syntax ``${name}`` or ``${name, 'default'}``)."""
    found: list[PolicyVariable] = []
    start = text.find("${")
    while start != -1:
        end = text.find("}", start + 2)
        if end == -1:
            found.append(PolicyVariable(text[start:], text[start + 2 :], None, "missing-brace"))
            break
        inner = text[start + 2 : end]
        name, comma, default = inner.partition(",")
        problem = None
        if not inner.strip():
            problem = "empty"
        elif name != name.strip() or " " in name or "\t" in name:
            problem = "space"
        elif comma and not re.fullmatch(r"\s*'[^']*'\s*", default):
            problem = "quote"
        found.append(
            PolicyVariable(
                text[start : end + 1],
                name.strip(),
                default.strip().strip("'") if comma else None,
                problem,
            )
        )
        start = text.find("${", end + 1)
    return tuple(found)


def elements_with_variables(statement: Statement) -> frozenset[str]:
    """The statement's elements (``Action``, ``Resource``, ``Condition``, …) whose raw value holds
    ``${`` somewhere: a cheap test, cached on the statement, before normalising values."""
    cached = statement.__dict__.get("_elements_with_variables")
    if cached is None:
        cached = frozenset(name for name, value in statement.data.items() if _holds(value, "${"))
        statement.__dict__["_elements_with_variables"] = cached
    return cached


def _holds(value: object, needle: str) -> bool:
    if isinstance(value, str):
        return needle in value
    if isinstance(value, list):
        try:
            return needle in "\x00".join(value)  # the usual list of strings, at C speed
        except TypeError:
            return any(needle in v if isinstance(v, str) else _holds(v, needle) for v in value)
    if isinstance(value, dict):
        return any(needle in k or _holds(v, needle) for k, v in value.items())
    return False
