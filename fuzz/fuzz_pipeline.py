"""Coverage-guided fuzzing (atheris) of the decoder and the whole lint pipeline.

    pip install atheris
    python fuzz/fuzz_pipeline.py -max_total_time=600 fixtures/   # seeds from the fixtures
    python fuzz/fuzz_pipeline.py --decoder-only -max_total_time=600

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


def main() -> None:
    target = check_decoder if DECODER_ONLY else check_pipeline
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
