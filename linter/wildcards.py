"""IAM ``*``/``?`` wildcards as regular expressions that cannot backtrack exponentially.

A plain translation (``*`` → ``.*``) of ``s3:*a*a*a*a*a*a*a*a*a*a*b`` makes Python's regex engine
try every way to split the text between the stars: a one-line policy can hang a linter for
minutes (found by fuzzing). Like ``fnmatch.translate`` since CPython 3.9, each text between two
stars is matched at its first occurrence and then fixed (a lookahead captured and replayed), so
matching is polynomial. Taking the first occurrence is enough: if any later one leads to a
match, the first one does too.

:func:`glob_matcher` is the predicate to use: it answers the shapes policies use most (no
wildcard, one trailing ``*``, only stars) with string comparisons and compiles a regex only for
the rest. Also :func:`compiled`, for the fixed patterns of other modules: compiled on first use,
not at import time.

The wildcard algebra the rules share is here too: :func:`wildcard_matches` (a whole ARN or
condition value against a pattern), :func:`has_wildcard`, :func:`glob_covers` (whether every string
one pattern matches is matched by another) and :func:`redundant_entries` (the entries of an element
that another entry covers).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple


@functools.lru_cache(maxsize=8192)
def glob_regex(pattern: str, *, ignore_case: bool = False, one: str = ".") -> re.Pattern[str]:
    """The regex for ``pattern``, to be used with ``fullmatch``.

    ``*`` matches any text, ``?`` matches what ``one`` (a regex for one character) matches.
    """

    def literal(text: str) -> str:
        return "".join(one if char == "?" else re.escape(char) for char in text)

    pieces = pattern.split("*")
    if len(pieces) == 1:
        body = literal(pattern)
    else:
        parts = [literal(pieces[0])]
        for index, middle in enumerate(pieces[1:-1]):
            if middle:
                parts.append(f"(?=(?P<g{index}>.*?{literal(middle)}))(?P=g{index})")
        parts.append(".*" + literal(pieces[-1]))
        body = "".join(parts)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@functools.lru_cache(maxsize=16384)
def glob_matcher(pattern: str, *, ignore_case: bool = False) -> Callable[[str], bool]:
    """A predicate: whether a whole string matches ``pattern`` (``*`` any text, ``?`` one
    character), exactly as ``glob_regex(pattern, ignore_case=...).fullmatch`` decides.

    A run meets thousands of distinct action and ARN patterns, nearly all literal or
    ``prefix*``; compiling a regex for each cost ~5% of a corpus run. Case-insensitive string
    comparison agrees with the regex's only for ASCII, so other text goes to the regex.
    """

    def by_regex(text: str) -> bool:
        return glob_regex(pattern, ignore_case=ignore_case).fullmatch(text) is not None

    if "?" in pattern or (ignore_case and not pattern.isascii()):
        return by_regex
    key = pattern.lower() if ignore_case else pattern
    star = key.find("*")
    if star == -1:

        def test(text: str) -> bool:
            return text == key

    elif key.strip("*") == "":
        return _anything
    elif star == len(key) - 1:
        prefix = key[:-1]

        def test(text: str) -> bool:
            return text.startswith(prefix)

    else:
        return by_regex
    if not ignore_case:
        return test
    return lambda text: test(text.lower()) if text.isascii() else by_regex(text)


def _anything(text: str) -> bool:
    return True


@functools.cache
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done on the first call and kept for the process.

    For a module's fixed patterns that not every run uses: compiling them all at import costs
    start-up time (~0.1 ms each). ``re``'s own cache is no substitute: the glob, template and ARN
    patterns compiled during a large run evict entries from it.
    """
    return re.compile(pattern, flags)


def wildcard_matches(pattern: str, text: str, *, case_sensitive: bool = True) -> bool:
    """IAM ``*``/``?`` matching of a whole string (ARNs and condition values)."""
    if not case_sensitive:
        pattern, text = pattern.lower(), text.lower()
    return glob_matcher(pattern)(text)


def has_wildcard(text: str) -> bool:
    """Whether ``text`` contains an IAM wildcard (``*`` or ``?``)."""
    return "*" in text or "?" in text


def _cover_regex(pattern: str) -> re.Pattern[str]:
    # Applied to the covered pattern's text: its "*" may stand for any run, so only a "*" here
    # may absorb it; its "?" stands for one character, which a "?" here may absorb.
    return glob_regex(pattern, one="[^*]")


def glob_covers(general: str, specific: str) -> bool:
    """Whether every string the IAM pattern ``specific`` matches is also matched by ``general``.

    Both may contain ``*`` and ``?``. The test is sound (a True is always right) but not
    complete. It is case-sensitive: lower-case both sides for action names. Policy variables
    (``${aws:username}``) stand for the same value on both sides; a ``?`` in ``general`` is
    never matched against a variable, and ``general`` with ``${*}``, ``${?}`` or ``${$}`` covers
    only itself.
    """
    if general == specific:
        return True
    if not has_wildcard(general):
        return False
    if "${" in general and any(f"${{{c}}}" in general for c in "*?$"):
        return False
    if "${" in specific and "?" in general:
        return False
    if "?" in general:
        return _cover_regex(general).fullmatch(specific) is not None
    # Only "*": the literal pieces must appear in order, the first and last at the ends. The
    # pieces hold no wildcard, so they can only match literal text of ``specific`` and every
    # wildcard of ``specific`` falls into a gap that a "*" absorbs: this is exact. A variable is
    # one opaque symbol (the same on both sides), so no literal text can match part of it.
    if "${" in specific or "${" in general:
        general, specific = _opaque_variables(general, specific)
    pieces = _star_pieces(general)
    first, last = pieces[0], pieces[-1]
    if not (specific.startswith(first) and specific.endswith(last)):
        return False
    position, end = len(first), len(specific) - len(last)
    for piece in pieces[1:-1]:
        found = specific.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return position <= end


_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _opaque_variables(general: str, specific: str) -> tuple[str, str]:
    """Both patterns with each distinct policy variable replaced by one private-use character
    (the same for the same variable text on both sides)."""
    symbols: dict[str, str] = {}

    def symbol(match: re.Match[str]) -> str:
        return symbols.setdefault(match.group(0), chr(0xE000 + len(symbols)))

    return _VARIABLE.sub(symbol, general), _VARIABLE.sub(symbol, specific)


@functools.lru_cache(maxsize=4096)
def _star_pieces(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.split("*"))


class Redundancy(NamedTuple):
    """Entry ``index`` of an element adds nothing: entry ``by`` already covers it."""

    index: int
    by: int
    duplicate: bool  # the two entries are the same text


def redundant_entries(texts: Sequence[str]) -> list[Redundancy]:
    """The entries of one element (``Action``, ``Resource``, …) that another entry covers.

    Of two entries that cover each other (the same text, or ``a*`` and ``a**``) only the later
    one is redundant. Near-linear: the entries are sorted once, and each wildcard entry is
    compared only with the entries that start with its literal prefix (the text before its
    first wildcard), found by bisection.
    """
    from bisect import bisect_left

    found: dict[int, Redundancy] = {}
    first = dict.fromkeys(texts)  # C speed; the common case has no duplicate and no wildcard
    if len(first) != len(texts):
        first.clear()
        for index, text in enumerate(texts):
            earlier = first.setdefault(text, index)
            if earlier != index:
                found[index] = Redundancy(index, earlier, True)
    joined = "\x00".join(first)
    if "*" not in joined and "?" not in joined:
        return [found[index] for index in sorted(found)]
    if not found:  # no duplicates: ``first`` still maps every text to None
        first = dict(zip(texts, range(len(texts)), strict=True))
    patterns = sorted(
        [
            (_literal_prefix_length(text), index)
            for text, index in first.items()
            if "*" in text or "?" in text
        ]
    )
    if patterns:
        order = sorted(first.values(), key=texts.__getitem__)
        keys = [texts[i] for i in order]
        for cut, by in patterns:  # broadest first, so a cover is rarely itself redundant
            pattern = texts[by]
            prefix = pattern[:cut]
            plain_prefix = cut == len(pattern) - 1 and pattern[-1] == "*"
            low = bisect_left(keys, prefix)
            high = bisect_left(keys, prefix + "\U0010ffff", low)
            for index in order[low:high]:
                if index == by or index in found:
                    continue
                text = texts[index]
                if not plain_prefix and not glob_covers(pattern, text):
                    continue
                if index < by and has_wildcard(text) and glob_covers(text, pattern):
                    continue  # they cover each other: the later one is the redundant one
                found[index] = Redundancy(index, by, False)
    return [found[index] for index in sorted(found)]


def _literal_prefix_length(pattern: str) -> int:
    return min(i for i in (pattern.find("*"), pattern.find("?")) if i >= 0)
