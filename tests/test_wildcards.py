"""glob_matcher answers exactly as the regex translation, with or without its string shortcuts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.wildcards import glob_matcher, glob_regex

# Letters whose case mapping differs between str.lower() and the regex engine's (Kelvin sign,
# dotted capital I, sharp s), next to the characters IAM patterns are made of.
ALPHABET = st.sampled_from([*"aAbB:/*?-_.\n", "\u212a", "\u0130", "\u00df", "k", "i"])
PATTERNS = st.text(ALPHABET, max_size=8)
TEXTS = st.text(ALPHABET.filter(lambda c: c not in "*?"), max_size=10)


@settings(max_examples=2000, deadline=None)
@given(PATTERNS, TEXTS, st.booleans())
def test_matcher_agrees_with_the_regex(pattern: str, text: str, ignore_case: bool) -> None:
    expected = glob_regex(pattern, ignore_case=ignore_case).fullmatch(text) is not None
    assert glob_matcher(pattern, ignore_case=ignore_case)(text) is expected


@pytest.mark.parametrize(
    ("pattern", "text", "ignore_case", "expected"),
    [
        ("s3:GetObject", "s3:GetObject", False, True),
        ("s3:GetObject", "s3:getobject", False, False),
        ("s3:GetObject", "S3:GETOBJECT", True, True),
        ("s3:Get*", "s3:GetBucketPolicy", False, True),
        ("s3:get*", "s3:GetBucketPolicy", False, False),
        ("s3:get*", "s3:GetBucketPolicy", True, True),
        ("s3:Get*", "s3:Put", True, False),
        ("**", "", False, True),
        ("s3:*Object", "s3:GetObject", False, True),
        ("s3:Get?bject", "s3:GetObject", True, True),
    ],
)
def test_common_shapes(pattern: str, text: str, ignore_case: bool, expected: bool) -> None:
    assert glob_matcher(pattern, ignore_case=ignore_case)(text) is expected
