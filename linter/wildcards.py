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
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable


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
