"""Coverage-guided fuzzing (atheris) of the decoder and the whole lint pipeline.

    pip install atheris
    python fuzz/fuzz_pipeline.py -max_total_time=600 fixtures/   # seeds from the fixtures
    python fuzz/fuzz_pipeline.py --decoder-only -max_total_time=600
    python fuzz/fuzz_pipeline.py --shapes -max_total_time=600        # wrong shapes in every slot

A crash is any exception escaping the pipeline, or an internal-error finding (a rule raised), or
a finding whose span lies outside the file.
"""

from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports():
    import checks  # noqa: F401
    from linter.decode import decode_bytes
    from linter.engine import Linter, LintOptions
    from linter.model import source_lines

DECODER_ONLY = "--decoder-only" in sys.argv
if DECODER_ONLY:
    sys.argv.remove("--decoder-only")
SHAPES = "--shapes" in sys.argv
if SHAPES:
    sys.argv.remove("--shapes")

LINTER = Linter(LintOptions(max_file_size=256 * 1024))


def check_decoder(data: bytes) -> None:
    decoded = decode_bytes(data)
    if decoded.ok and isinstance(decoded.value, dict):
        for key in decoded.value:
            span = decoded.span((key,), key=True)
            assert span is not None, key


def check_pipeline(data: bytes) -> None:
    result = LINTER.lint_bytes(data, "fuzz.json")
    lines = source_lines(result.text or "")
    for finding in result.findings:
        assert finding.rule_id != "INT001", finding
        span = finding.span
        assert 1 <= span.line <= span.end_line <= max(1, len(lines)), finding
        assert span.column >= 1, finding


_ELEMENTS = (
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
)
_STRINGS = (
    "*",
    "s3:GetObject",
    "kms:*",
    "arn:aws:s3:::b/*",
    "sts:AssumeRole",
    "Allow",
    "Deny",
    "aws:SourceAccount",
    "StringEquals",
    "ForAllValues:StringLike",
    "AWS",
    "Service",
    "111122223333",
    "${aws:username}",
    "Null",
    "true",
    "",
)


def _value(fdp: atheris.FuzzedDataProvider, depth: int = 0) -> object:
    """Any JSON value: objects, lists, numbers, booleans, null and policy-like strings."""
    kind = fdp.ConsumeIntInRange(0, 7 if depth < 3 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeBool()
    if kind == 2:
        return fdp.ConsumeInt(4) if fdp.ConsumeBool() else fdp.ConsumeRegularFloat()
    if kind in (3, 4):
        return fdp.PickValueInList(list(_STRINGS)) if fdp.ConsumeBool() else fdp.ConsumeUnicode(6)
    if kind == 5 or kind == 6:
        return [_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 3))]
    keys = [*_ELEMENTS, *_STRINGS]
    return {
        fdp.PickValueInList(keys): _value(fdp, depth + 1)
        for _ in range(fdp.ConsumeIntInRange(0, 4))
    }


def check_shapes(data: bytes) -> None:
    """A policy whose elements, list entries, principal kinds and condition blocks are any JSON
    value the input chooses: no rule may crash on a wrong shape."""
    import json

    fdp = atheris.FuzzedDataProvider(data)
    statements = []
    for _ in range(fdp.ConsumeIntInRange(1, 3)):
        statement = {}
        for element in _ELEMENTS:
            if fdp.ConsumeBool():
                statement[element] = _value(fdp)
        statements.append(statement)
    document = {"Version": "2012-10-17", "Statement": statements}
    check_pipeline(json.dumps(document).encode())


def main() -> None:
    target = check_decoder if DECODER_ONLY else check_shapes if SHAPES else check_pipeline
    # Seed directories are copied to a scratch corpus: libFuzzer adds new inputs to its corpus
    # directory, and the seeds (e.g. fixtures/) must stay untouched.
    import shutil
    import tempfile

    corpus = tempfile.mkdtemp(prefix="iamlint-fuzz-corpus-")
    arguments = [sys.argv[0]]
    seeded = False
    for argument in sys.argv[1:]:
        if not argument.startswith("-") and os.path.isdir(argument):
            for directory, _, names in os.walk(argument):
                for name in names:
                    if name.endswith(".json"):
                        source = os.path.join(directory, name)
                        flat = source.replace(os.sep, "_")
                        shutil.copyfile(source, os.path.join(corpus, flat))
            seeded = True
        else:
            arguments.append(argument)
    if seeded:
        arguments.append(corpus)
    try:
        atheris.Setup(arguments, target)
        atheris.Fuzz()
    finally:
        shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    main()
