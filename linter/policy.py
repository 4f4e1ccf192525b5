"""The normalised policy model that rules read instead of walking raw JSON.

IAM accepts a statement as an object or a list, and most elements as a string or a list of strings.
This module normalises those shapes once, keeping the JSON path of every value, so a rule can
yield ``Report(item.path, message)`` and the engine finds the exact span.
Values of the wrong JSON type are not normalised away silently: the grammar rules report them, and
the accessors here skip them so other rules never crash on them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, NamedTuple

from linter.model import JsonPath, PolicyType
from linter.sources import Unknown
from linter.wildcards import glob_matcher

SET_QUALIFIERS = ("ForAllValues", "ForAnyValue")
PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")


class cached_property:  # named like the functools decorator it replaces
    """``functools.cached_property`` without its per-access lock (Python < 3.12).

    The lock made the first access to each of a statement's normalised elements cost more than
    computing it; a policy model is only ever used by one thread.
    """

    def __init__(self, function: Any) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


class Item(NamedTuple):
    """One JSON value and where it is."""

    value: Any
    path: JsonPath


# ``Item(value, path)`` without the Python-level ``__new__`` of a named tuple: a policy model makes
# hundreds of thousands of them over a large run, and this builds each in a third of the time.
_new_item = functools.partial(tuple.__new__, Item)


class Principal(NamedTuple):
    """One principal value: ``kind`` is AWS, Service, Federated, CanonicalUser or ``*``."""

    kind: str
    value: Any
    path: JsonPath


class ConditionEntry(NamedTuple):
    """One condition key under one operator, e.g. ``StringEquals`` → ``aws:SourceAccount``."""

    operator: str
    qualifier: str | None
    base_operator: str
    if_exists: bool
    key: str
    values: tuple[Item, ...]
    operator_path: JsonPath
    key_path: JsonPath
    raw_value: Any

    @property
    def key_lower(self) -> str:
        return self.key.lower()

    @property
    def string_values(self) -> tuple[str, ...]:
        return tuple(str(v.value) for v in self.values if isinstance(v.value, (str, bool, int)))

    @property
    def has_unknown(self) -> bool:
        """Whether a value (or the whole value) is known only at deployment: such a condition
        still constrains, with values no rule can read."""
        return any(type(v.value) is Unknown for v in self.values)


def split_operator(operator: str) -> tuple[str | None, str, bool]:
    """Split ``ForAnyValue:StringLikeIfExists`` into (``ForAnyValue``, ``StringLike``, True)."""
    qualifier = None
    base = operator
    head, sep, tail = operator.partition(":")
    if sep and head.lower() in ("forallvalues", "foranyvalue"):
        qualifier, base = head, tail
    if_exists = base.lower().endswith("ifexists") and base.lower() != "ifexists"
    if if_exists:
        base = base[: -len("IfExists")]
    return qualifier, base, if_exists


def _as_list(value: Any, path: JsonPath) -> list[Item]:
    if isinstance(value, list):
        return [_new_item((v, (*path, i))) for i, v in enumerate(value)]
    return [_new_item((value, path))]


class Statement:
    """One statement of a policy, with its elements normalised."""

    def __init__(self, raw: Any, path: JsonPath, index: int) -> None:
        self.raw = raw
        self.path = path
        self.index = index
        self.data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        #: The statement's grants index, built on first use by ``linter.grants.statement_grants``.
        self.grants_index: Any = None
        #: (catalog, status -> entries), by ``linter.action_entries.entries_with_status``.
        self.entry_problems: Any = None

    def __repr__(self) -> str:
        return f"Statement({self.path!r})"

    def element(self, name: str) -> Item | None:
        if name in self.data:
            return _new_item((self.data[name], (*self.path, name)))
        return None

    def anchor(self) -> tuple[JsonPath, bool]:
        """Where to report something the statement lacks: its Sid key, else its first key.

        Returns ``(path, key)`` for ``Report``; an empty statement is reported as a whole.
        """
        if "Sid" in self.data:
            return (*self.path, "Sid"), True
        for name in self.data:
            return (*self.path, name), True
        return self.path, False

    @cached_property
    def sid(self) -> str | None:
        sid = self.data.get("Sid")
        return sid if isinstance(sid, str) else None

    @cached_property
    def effect(self) -> str | None:
        effect = self.data.get("Effect")
        return effect if isinstance(effect, str) else None

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def is_deny(self) -> bool:
        return self.effect == "Deny"

    def items(self, element: str) -> list[Item]:
        """Every value of ``element`` (a list's members, or the value itself), whatever its type,
        with its path; one item of None at the element's path when it is absent."""
        return _as_list(self.data.get(element), (*self.path, element))

    def _strings(self, element: str) -> tuple[Item, ...]:
        if element not in self.data:
            return ()
        value = self.data[element]
        path = (*self.path, element)
        if isinstance(value, list):
            return tuple(
                [_new_item((v, (*path, i))) for i, v in enumerate(value) if isinstance(v, str)]
            )
        return (_new_item((value, path)),) if isinstance(value, str) else ()

    @cached_property
    def action_element(self) -> str | None:
        """``Action``, ``NotAction`` or None (grammar rules report both-or-neither)."""
        if "Action" in self.data:
            return "Action"
        if "NotAction" in self.data:
            return "NotAction"
        return None

    @cached_property
    def actions(self) -> tuple[Item, ...]:
        """The string values of ``Action`` (empty when the statement uses NotAction)."""
        return self._strings("Action")

    @cached_property
    def not_actions(self) -> tuple[Item, ...]:
        return self._strings("NotAction")

    @cached_property
    def resource_element(self) -> str | None:
        if "Resource" in self.data:
            return "Resource"
        if "NotResource" in self.data:
            return "NotResource"
        return None

    @cached_property
    def resources(self) -> tuple[Item, ...]:
        return self._strings("Resource")

    @cached_property
    def not_resources(self) -> tuple[Item, ...]:
        return self._strings("NotResource")

    @cached_property
    def principal_element(self) -> str | None:
        if "Principal" in self.data:
            return "Principal"
        if "NotPrincipal" in self.data:
            return "NotPrincipal"
        return None

    def _principals(self, element: str) -> tuple[Principal, ...]:
        item = self.element(element)
        if item is None:
            return ()
        if item.value == "*":
            return (Principal("*", "*", item.path),)
        if not isinstance(item.value, dict):
            return ()
        found = []
        for kind, value in item.value.items():
            for entry in _as_list(value, (*item.path, kind)):
                if isinstance(entry.value, str):
                    found.append(Principal(kind, entry.value, entry.path))
        return tuple(found)

    @cached_property
    def principals(self) -> tuple[Principal, ...]:
        return self._principals("Principal")

    @cached_property
    def not_principals(self) -> tuple[Principal, ...]:
        return self._principals("NotPrincipal")

    @cached_property
    def conditions(self) -> tuple[ConditionEntry, ...]:
        """Every (operator, key) pair of the Condition element, in document order."""
        block = self.data.get("Condition")
        if not isinstance(block, dict):
            return ()
        entries = []
        condition_path = (*self.path, "Condition")
        for operator, keys in block.items():
            if not isinstance(keys, dict):
                continue
            qualifier, base, if_exists = split_operator(operator)
            operator_path = (*condition_path, operator)
            for key, value in keys.items():
                key_path = (*operator_path, key)
                values = tuple(_as_list(value, key_path))
                entries.append(
                    ConditionEntry(
                        operator=operator,
                        qualifier=qualifier,
                        base_operator=base,
                        if_exists=if_exists,
                        key=key,
                        values=values,
                        operator_path=operator_path,
                        key_path=key_path,
                        raw_value=value,
                    )
                )
        return tuple(entries)

    @cached_property
    def condition_unknown(self) -> bool:
        """Whether the Condition element, or an operator's block in it, is known only at
        deployment (``Condition: !If [...]``): what it requires cannot be read."""
        block = self.data.get("Condition")
        if type(block) is Unknown:
            return True
        return isinstance(block, dict) and any(type(v) is Unknown for v in block.values())

    @cached_property
    def condition_keys(self) -> frozenset[str]:
        """The lower-case condition keys used in this statement."""
        return frozenset(entry.key_lower for entry in self.conditions)

    def conditions_on(self, *keys: str) -> tuple[ConditionEntry, ...]:
        """Condition entries whose key equals one of ``keys`` (case-insensitive)."""
        wanted = {k.lower() for k in keys}
        return tuple(c for c in self.conditions if c.key_lower in wanted)

    def conditions_with_prefix(self, prefix: str) -> tuple[ConditionEntry, ...]:
        prefix = prefix.lower()
        return tuple(c for c in self.conditions if c.key_lower.startswith(prefix))


def action_pattern_matches(pattern: str, action_name: str) -> bool:
    """IAM action matching: case-insensitive, ``*`` any run, ``?`` one character."""
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == action_name.lower()
    return glob_matcher(pattern, ignore_case=True)(action_name)


class Policy:
    """A decoded policy document: its statements and top-level elements."""

    def __init__(self, document: Any, policy_type: PolicyType, file: str = "") -> None:
        self.document = document
        self.data: dict[str, Any] = document if isinstance(document, dict) else {}
        self.policy_type = policy_type
        self.file = file
        # True for a policy attached to one resource by its container (an ECR repository
        # policy): its statements need no Resource element.
        self.resource_implied = False
        #: The file that holds the policy and where in it (``PolicySource.label``), for rules
        #: that compare with another version of the same policy.
        self.source_file = file
        self.source_label = ""
        self.source_text: str | None = None  # the text of the file that holds it
        #: The grants index, built on first use by ``linter.policy_grants.policy_grants``.
        self.grants_index: Any = None

    def element(self, name: str) -> Item | None:
        if name in self.data:
            return _new_item((self.data[name], (name,)))
        return None

    def release(self) -> None:
        """Drop the grants indexes built while the rules ran. Each points back at its policy or
        statement, a reference cycle that reference counting cannot free: without this, every
        linted policy would stay in memory until the cyclic garbage collector traverses it."""
        self.grants_index = None
        for statement in self.__dict__.get("statements", ()):
            statement.grants_index = None

    @cached_property
    def version(self) -> str | None:
        version = self.data.get("Version")
        return version if isinstance(version, str) else None

    @cached_property
    def statement_is_list(self) -> bool:
        return isinstance(self.data.get("Statement"), list)

    @cached_property
    def statements(self) -> tuple[Statement, ...]:
        """Statements that are JSON objects; other shapes are left to the grammar rules."""
        raw = self.data.get("Statement")
        if isinstance(raw, dict):
            return (Statement(raw, ("Statement",), 0),)
        if isinstance(raw, list):
            return tuple(
                Statement(s, ("Statement", i), i) for i, s in enumerate(raw) if isinstance(s, dict)
            )
        return ()

    def allow_statements(self) -> Iterator[Statement]:
        return (s for s in self.statements if s.is_allow)


def json_type(value: Any) -> str:
    """The JSON type of a decoded value with its article, for messages: "an array", "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def only_kms_actions(policy: Policy) -> bool:
    """Whether every statement names actions (``Action`` or ``NotAction``), all of them
    ``kms:`` actions: the mark of a key policy, in a file or inside an AWS CLI output."""
    statements = policy.statements
    if not statements or len(statements) != _statement_count(policy):
        return False
    for statement in statements:
        items = statement.not_actions if statement.action_element == "NotAction" else None
        items = items if items is not None else statement.actions
        raw = statement.data.get(statement.action_element or "")
        count = len(raw) if isinstance(raw, list) else 1 if raw is not None else 0
        if not items or len(items) != count:
            return False  # no actions, or a value that is not a string
        if not all(item.value.lower().startswith("kms:") for item in items):
            return False
    return True


def _statement_count(policy: Policy) -> int:
    raw = policy.data.get("Statement")
    return len(raw) if isinstance(raw, list) else 1 if isinstance(raw, dict) else 0
