"""Whether a policy ARN (wildcards, policy variables) and a resource type's ARN format from the
catalog can name the same resource: :func:`arn_patterns_overlap`, which
``ResourceType.matches_arn`` and the ARN rules use. Sound: ``False`` only when no real ARN matches
both. Importing this module loads no data and compiles nothing (``re`` is imported lazily).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re

# ARN-format variables (lower case) that never hold "/" or ":" even in last position, and non-last
# variables that may hold "/" (see arn_patterns_overlap).
_NO_SEPARATOR_ARN_VARIABLES = frozenset({"bucketname"})
_PATH_ARN_VARIABLES = frozenset({"loggroupname", "objectname", "key", "prefix"})

# Both the policy ARN and the ARN format are turned into a list of tokens (character class, repeat),
# where a class is a single (lower-case) character or a frozenset of excluded characters, and repeat
# is _ONE or _STAR. A variable that must be non-empty becomes (class, _ONE), (class, _STAR). Two
# patterns overlap when the product of their automata reaches the end of both.

_ONE = 0
_STAR = 1
_ANY: frozenset[str] = frozenset()
_NO_COLON = frozenset(":")
_NO_SEPARATOR = frozenset(":/")


@functools.lru_cache(maxsize=8192)
def arn_patterns_overlap(policy_arn: str, arn_format: str) -> bool:
    """Whether some real ARN is matched by both the policy ARN and a resource type's ARN format.

    Policy side: ``*`` any text, ``?`` one character, policy variables (``${aws:username}``) any
    text, ``${*}``/``${?}``/``${$}`` the literal character; when the policy ARN has all five header
    colons, wildcards and variables inside the header fields (partition, service, region, account)
    do not span a colon (real header fields never contain one). Format side: header variables are
    text without ``:``, possibly empty (AWS-owned SSM documents and AMIs have no account); the
    last variable is any non-empty text (object keys and paths
    hold ``/``, log-group ARNs in policies end in ``:*``); other variables are non-empty text
    without ``/`` or ``:`` unless their name says they hold a path (``LogGroupName``, ``...Path``);
    ``BucketName`` never holds ``/`` or ``:``; a literal ``*`` is any text. Comparison is
    case-insensitive, so any doubt resolves to "matches".
    """
    left_fields, right_fields = _policy_arn_fields(policy_arn), _arn_format_fields(arn_format)
    if left_fields is None or right_fields is None:
        return _tokens_overlap(_policy_arn_tokens(policy_arn), _arn_format_tokens(arn_format))
    # Both sides have the five header colons, and no wildcard or variable in a header field can
    # span a colon, so the six fields must overlap one by one: compare the cheap, selective
    # ones (service, resource prefix) without searching the whole product.
    return all(_fields_overlap(a, b) for a, b in zip(left_fields, right_fields, strict=True))


@functools.lru_cache(maxsize=16384)
def _fields_overlap(
    left: tuple[tuple[object, int], ...], right: tuple[tuple[object, int], ...]
) -> bool:
    """One ARN field of a policy against the same field of a format (cached: fields repeat)."""
    if not _literal_ends_agree(left, right):
        return False
    if all(token[1] == _ONE and isinstance(token[0], str) for token in left):
        # A field without wildcards: one regex match of the format's field, compiled once.
        return _field_regex(right).fullmatch("".join(token[0] for token in left)) is not None
    return _tokens_overlap(*_without_common_literal_ends(left, right))


def _without_common_literal_ends(
    left: tuple[tuple[object, int], ...], right: tuple[tuple[object, int], ...]
) -> tuple[tuple[tuple[object, int], ...], tuple[tuple[object, int], ...]]:
    """Both sides without the single literal characters they start (and end) with in common: a
    string both match has those characters there, so the rests overlap exactly when the whole
    sides do, and the product search has fewer states (``_literal_ends_agree`` has already
    rejected sides whose literal ends differ)."""
    start = 0
    limit = min(len(left), len(right))
    while start < limit and _same_literal(left[start], right[start]):
        start += 1
    end = 0
    limit -= start
    while end < limit and _same_literal(left[-1 - end], right[-1 - end]):
        end += 1
    return left[start : len(left) - end], right[start : len(right) - end]


def _same_literal(a: tuple[object, int], b: tuple[object, int]) -> bool:
    return a[1] == _ONE and b[1] == _ONE and type(a[0]) is str and a[0] == b[0]


@functools.lru_cache(maxsize=4096)
def _field_regex(tokens: tuple[tuple[object, int], ...]) -> re.Pattern[str]:
    """A regex for a format field's tokens (literals, and classes of characters excluded)."""
    import re

    parts = []
    for value, count in tokens:
        if isinstance(value, str):
            parts.append(re.escape(value))
            continue
        excluded = "".join(re.escape(c) for c in sorted(value))  # type: ignore[arg-type]
        character = f"[^{excluded}]" if excluded else "."
        parts.append(character + ("*" if count == _STAR else ""))
    return re.compile("".join(parts), re.DOTALL)


@functools.lru_cache(maxsize=4096)
def _policy_arn_fields(arn: str) -> tuple[tuple[tuple[object, int], ...], ...] | None:
    """``_header_fields`` of the policy ARN's tokens (cached by the ARN: a format is compared with
    many ARNs and an ARN with many formats)."""
    return _header_fields(_policy_arn_tokens(arn))


@functools.lru_cache(maxsize=4096)
def _arn_format_fields(arn_format: str) -> tuple[tuple[tuple[object, int], ...], ...] | None:
    return _header_fields(_arn_format_tokens(arn_format))


_COLON_TOKEN = (":", _ONE)


def _header_fields(
    tokens: tuple[tuple[object, int], ...],
) -> tuple[tuple[tuple[object, int], ...], ...] | None:
    """The tokens split at the first five literal colons; None when there are fewer."""
    fields = []
    start = 0
    for position, token in enumerate(tokens):
        if token == _COLON_TOKEN:
            fields.append(tokens[start:position])
            start = position + 1
            if len(fields) == 5:
                fields.append(tokens[start:])
                return tuple(fields)
    return None


def _literal_ends_agree(
    left: tuple[tuple[object, int], ...], right: tuple[tuple[object, int], ...]
) -> bool:
    """False when the leading or trailing literal characters of the two sides differ."""
    for a, b in zip(left, right, strict=False):
        if a[1] != _ONE or b[1] != _ONE or not isinstance(a[0], str) or not isinstance(b[0], str):
            break
        if a[0] != b[0]:
            return False
    for a, b in zip(reversed(left), reversed(right), strict=False):
        if a[1] != _ONE or b[1] != _ONE or not isinstance(a[0], str) or not isinstance(b[0], str):
            break
        if a[0] != b[0]:
            return False
    return True


def _split_arn_pattern(text: str, *, dollar_optional: bool) -> list[tuple[str, str]]:
    """``text`` as (kind, value) items: ``("var", name)`` for ``${name}`` (and ``{name}`` when
    ``dollar_optional``), else ``("char", c)``."""
    if "{" not in text:  # no variable: one item per character
        return [("char", c) for c in text]
    items: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        opening = 2 if text.startswith("${", position) else 0
        if not opening and dollar_optional and text[position] == "{":
            opening = 1
        end = text.find("}", position) if opening else -1
        if end > position:
            items.append(("var", text[position + opening : end]))
            position = end + 1
        else:
            items.append(("char", text[position]))
            position += 1
    return items


@functools.lru_cache(maxsize=4096)
def _policy_arn_tokens(arn: str) -> tuple[tuple[object, int], ...]:
    items = _split_arn_pattern(arn.lower(), dollar_optional=False)
    complete_header = sum(1 for kind, value in items if kind == "char" and value == ":") >= 5
    tokens: list[tuple[object, int]] = []
    colons = 0
    for kind, value in items:
        wildcard_class = _NO_COLON if complete_header and colons < 5 else _ANY
        if kind == "var":
            variable = value.strip()
            if variable in ("*", "?", "$"):
                tokens.append((variable, _ONE))
            else:
                tokens.append((wildcard_class, _STAR))
        elif value == "*":
            tokens.append((wildcard_class, _STAR))
        elif value == "?":
            tokens.append((wildcard_class, _ONE))
        else:
            colons += value == ":"
            tokens.append((value, _ONE))
    return tuple(tokens)


@functools.lru_cache(maxsize=4096)
def _arn_format_tokens(arn_format: str) -> tuple[tuple[object, int], ...]:
    items = _split_arn_pattern(arn_format.lower(), dollar_optional=True)
    last_variable = len(items) - 1 if items and items[-1][0] == "var" else -1
    tokens: list[tuple[object, int]] = []
    colons = 0
    for position, (kind, value) in enumerate(items):
        if kind == "var":
            if colons < 5:
                # may be empty: AWS-owned resources have no account
                # (arn:aws:ssm:us-east-1::document/AWS-RunShellScript, ...::image/ami-...)
                tokens.append((_NO_COLON, _STAR))
                continue
            if value in _NO_SEPARATOR_ARN_VARIABLES:
                character_class = _NO_SEPARATOR
            elif position == last_variable:
                character_class = _ANY
            elif "path" in value or value in _PATH_ARN_VARIABLES:
                character_class = _NO_COLON
            else:
                character_class = _NO_SEPARATOR
            tokens.append((character_class, _ONE))
            tokens.append((character_class, _STAR))
        elif value == "*":
            tokens.append((_ANY, _STAR))
        elif value == "?":
            tokens.append((_ANY, _ONE))
        else:
            colons += value == ":"
            tokens.append((value, _ONE))
    return tuple(tokens)


def _tokens_overlap(
    left: tuple[tuple[object, int], ...], right: tuple[tuple[object, int], ...]
) -> bool:
    end = (len(left), len(right))
    seen: set[tuple[int, int]] = set()
    pending = [(0, 0)]
    while pending:
        state = pending.pop()
        if state in seen:
            continue
        seen.add(state)
        if state == end:
            return True
        i, j = state
        left_token = left[i] if i < len(left) else None
        right_token = right[j] if j < len(right) else None
        if left_token is not None and left_token[1] == _STAR:
            pending.append((i + 1, j))
        if right_token is not None and right_token[1] == _STAR:
            pending.append((i, j + 1))
        if (
            left_token is not None
            and right_token is not None
            and _classes_intersect(left_token[0], right_token[0])
        ):
            next_state = (
                i if left_token[1] == _STAR else i + 1,
                j if right_token[1] == _STAR else j + 1,
            )
            if next_state != state:
                pending.append(next_state)
    return False


def _classes_intersect(left: object, right: object) -> bool:
    if isinstance(left, str):
        if isinstance(right, str):
            return left == right
        return left not in right  # type: ignore[operator]
    if isinstance(right, str):
        return right not in left  # type: ignore[operator]
    return True
