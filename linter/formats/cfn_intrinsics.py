"""CloudFormation intrinsic functions: recognising them in both forms and the IAM wildcard
pattern of every value one can return; ``Fn::Sub`` substitutions inside a JSON string.

A YAML short form arrives as a :class:`linter.formats.yaml_tree.Tagged`, a long form as a
one-key object (``{"Fn::GetAtt": [...]}``, ``{"Ref": ...}``).
"""

from __future__ import annotations

import re
from typing import Any

from linter.formats import cfn_resources as spec
from linter.sources import Unknown

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_STARS = re.compile(r"\*+")
# Private-use characters stand in for ${...} substitutions while a JSON string is decoded:
# one start character that numbers the substitution, then fillers to keep the length.
_MARK_BASE = 0xE000
_MARK_FILL = "\uf8ff"
_MARK_LIMIT = 0xF8FE - _MARK_BASE
_MARKS = re.compile("[\ue000-\uf8fe]\uf8ff*")

_JSON_STRING_PIECE = re.compile(
    r"(?P<pair>\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?P<unicode>\\u[0-9a-fA-F]{4})|(?P<escape>\\.)|[^\\]+",
    re.S,
)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r"}
_SIMPLE_ESCAPES["t"] = "\t"


def unescape_json_string(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """The value of the JSON string literal ``text[start:end]`` and each character's offset."""
    pieces: list[str] = []
    offsets: list[int] = []
    for match in _JSON_STRING_PIECE.finditer(text, start + 1, end - 1):
        kind = match.lastgroup
        token = match.group()
        if kind is None:
            pieces.append(token)
            offsets.extend(range(match.start(), match.end()))
            continue
        if kind == "escape":
            pieces.append(_SIMPLE_ESCAPES.get(token[1], token[1]))
        elif kind == "unicode":
            pieces.append(chr(int(token[2:], 16)))
        else:
            high, low = int(token[2:6], 16), int(token[8:], 16)
            pieces.append(chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)))
        offsets.append(match.start())
    offsets.append(end - 1)
    return "".join(pieces), offsets


def intrinsic(value: Any) -> tuple[str, Any] | None:
    """(function name without ``Fn::``, argument) of an intrinsic in either form, else None."""
    kind = type(value)
    if kind is dict:
        if len(value) != 1:
            return None
        ((key, argument),) = value.items()
        if key.startswith("Fn::"):
            return key[4:], argument
        if key == "Ref" or (key == "Condition" and type(argument) is str):
            return key, argument
        return None
    if kind.__name__ == "Tagged":  # a YAML short form (linter.formats.yaml_tree.Tagged)
        name = value.name
        return (name[4:] if name.startswith("Fn::") else name), value.value
    return None


def is_no_value(value: Any) -> bool:
    found = intrinsic(value)
    return found is not None and found == ("Ref", "AWS::NoValue")


class Context:
    """What the template says about the names an intrinsic can refer to."""

    def __init__(self, template: dict) -> None:
        resources = template.get("Resources")
        self.types: dict[str, str] = {}
        if type(resources) is dict:
            for name, resource in resources.items():
                if type(resource) is dict and type(resource.get("Type")) is str:
                    self.types[name] = resource["Type"]
        parameters = template.get("Parameters")
        self.parameters = set(parameters) if type(parameters) is dict else set()

    def ref(self, name: Any) -> tuple[str | None, str | None]:
        if type(name) is not str:
            return None, None
        if name in spec.PSEUDO:
            return spec.PSEUDO[name]
        resource_type = self.types.get(name)
        if resource_type is not None:
            return spec.REF.get(resource_type, (None, None))
        return None, None

    def get_att(self, name: Any, attribute: Any) -> tuple[str | None, str | None]:
        if type(name) is not str or type(attribute) is not str:
            return None, None
        resource_type = self.types.get(name)
        if resource_type is None:
            return None, None
        return spec.GETATT.get((resource_type, attribute), (None, None))

    def variable(self, name: str, variables: dict) -> tuple[str | None, str | None]:
        """The pattern of a ``${name}`` of ``Fn::Sub``."""
        name = name.strip()
        if name in variables:
            return self.pattern(variables[name])
        if "." in name and name.split(".", 1)[0] in self.types:
            return self.get_att(*name.split(".", 1))
        return self.ref(name)

    def constant(self, value: Any) -> str | None:
        """The string a ``Fn::Sub`` or ``Fn::Join`` of literals only makes (``!Sub
        '${!aws:username}'`` is the policy variable ``${aws:username}``), else None."""
        found = intrinsic(value)
        if found is None or found[0] not in ("Sub", "Join"):
            return None
        if found[0] == "Sub":
            argument = found[1]
            if type(argument) is list and len(argument) == 2 and type(argument[1]) is dict:
                argument = argument[0]
            if type(argument) is not str:
                return None
            if any(not name.startswith("!") for name in SUB_VARIABLE.findall(argument)):
                return None
            return SUB_VARIABLE.sub(lambda m: "${" + m.group(1)[1:] + "}", argument)
        argument = found[1]
        if type(argument) is not list or len(argument) != 2 or type(argument[0]) is not str:
            return None
        delimiter, items = argument
        if type(items) is not list or any(type(item) is not str for item in items):
            return None
        return delimiter.join(items)

    def pattern(self, value: Any) -> tuple[str | None, str | None]:
        """(pattern, kind) of a value: a literal, or what an intrinsic can return."""
        if type(value) is str:
            return value, "string"
        if type(value) in (int, float):
            return str(value), "string"
        found = intrinsic(value)
        if found is None:
            return None, None
        function, argument = found
        if function == "Ref":
            return self.ref(argument)
        if function == "GetAtt":
            if type(argument) is str and "." in argument:
                return self.get_att(*argument.split(".", 1))
            if type(argument) is list and len(argument) == 2:
                return self.get_att(*argument)
            return None, None
        if function == "Sub":
            return self._sub(argument)
        if function == "Join":
            return self._join(argument)
        return None, None

    def _sub(self, argument: Any) -> tuple[str | None, str | None]:
        variables: dict = {}
        if type(argument) is list and len(argument) == 2 and type(argument[1]) is dict:
            argument, variables = argument
        if type(argument) is not str:
            return None, None
        parts: list[tuple[str | None, str | None]] = []
        position = 0
        for match in SUB_VARIABLE.finditer(argument):
            parts.append((argument[position : match.start()], "string"))
            name = match.group(1)
            if name.startswith("!"):
                parts.append(("${" + name[1:] + "}", "string"))
            else:
                parts.append(self.variable(name, variables))
            position = match.end()
        parts.append((argument[position:], "string"))
        return concatenate([part for part in parts if part[0] != ""])

    def _join(self, argument: Any) -> tuple[str | None, str | None]:
        if type(argument) is not list or len(argument) != 2 or type(argument[0]) is not str:
            return None, None
        delimiter, items = argument
        if type(items) is not list:
            return None, None
        parts: list[tuple[str | None, str | None]] = []
        for index, item in enumerate(items):
            if index and delimiter:
                parts.append((delimiter, "string"))
            parts.append(self.pattern(item))
        return concatenate([part for part in parts if part[0] != ""])


def concatenate(parts: list[tuple[str | None, str | None]]) -> tuple[str | None, str | None]:
    """The pattern of a concatenation: unknown pieces are ``*``."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return "", "string"
    pattern = _STARS.sub("*", "".join("*" if piece is None else piece for piece, _ in parts))
    if pattern == "*":
        return None, None
    return pattern, ("arn" if pattern.startswith("arn:") else "string")


def substitute(
    context: Context, text: str, offsets: list[int], variables: dict
) -> tuple[str, list[int], list[tuple[str, str | None, str | None]]] | None:
    """``text`` with each ``${X}`` replaced by marker characters of the same length (and
    ``${!X}`` by the literal ``${X}``), the offsets kept in step."""
    pieces: list[str] = []
    new_offsets: list[int] = []
    substitutions: list[tuple[str, str | None, str | None]] = []
    position = 0
    inside = string_state(text)
    for match in SUB_VARIABLE.finditer(text):
        start, end = match.span()
        pieces.append(text[position:start])
        new_offsets.extend(offsets[position:start])
        name = match.group(1)
        if name.startswith("!"):
            pieces.append("${" + name[1:] + "}")
            new_offsets.extend(offsets[start : start + 2] + offsets[start + 3 : end])
        else:
            if not inside(start) or len(substitutions) >= _MARK_LIMIT:
                return None
            pattern, kind = context.variable(name, variables)
            marker = chr(_MARK_BASE + len(substitutions))
            substitutions.append((match.group(), pattern, kind))
            pieces.append(marker + _MARK_FILL * (end - start - 1))
            new_offsets.extend(offsets[start:end])
        position = end
    pieces.append(text[position:])
    new_offsets.extend(offsets[position:])
    return "".join(pieces), new_offsets, substitutions


def string_state(text: str) -> Any:
    """A function telling whether an offset of ``text`` is inside a JSON string literal."""
    inside_ranges: list[tuple[int, int]] = []
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"?', text, re.S):
        inside_ranges.append(match.span())

    def inside(offset: int) -> bool:
        return any(start < offset < end for start, end in inside_ranges)

    return inside


def replace_marks(value: Any, substitutions: list[tuple[str, str | None, str | None]]) -> Any:
    kind = type(value)
    if kind is str:
        if not _MARKS.search(value):
            return value
        written = _MARKS.sub(lambda m: substitutions[ord(m.group()[0]) - _MARK_BASE][0], value)
        parts: list[tuple[str | None, str | None]] = []
        position = 0
        for match in _MARKS.finditer(value):
            if match.start() > position:
                parts.append((value[position : match.start()], "string"))
            _, pattern, pattern_kind = substitutions[ord(match.group()[0]) - _MARK_BASE]
            parts.append((pattern, pattern_kind))
            position = match.end()
        if position < len(value):
            parts.append((value[position:], "string"))
        pattern, pattern_kind = concatenate(parts)
        return Unknown(written, pattern, pattern_kind)
    if kind is dict:
        return {
            _MARKS.sub(
                lambda m: substitutions[ord(m.group()[0]) - _MARK_BASE][0], key
            ): replace_marks(item, substitutions)
            for key, item in value.items()
        }
    if kind is list:
        return [replace_marks(item, substitutions) for item in value]
    return value
