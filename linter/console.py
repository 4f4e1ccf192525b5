"""The ``iamlint`` console script and ``python -m linter``: the CLI, run as a short-lived process.

Two costs of a short-lived process are not iamlint's work: the cyclic garbage collector
traversing the objects that imports and the catalog create (they live until exit anyway), and
tearing the interpreter down at exit (freeing every module and cached catalog entry). Together
they were ~15 ms of a 75 ms one-file run, so the console script collects rarely and exits without
the tear-down once the output is flushed. The library API (``linter.api``) changes neither.
"""

from __future__ import annotations

import gc
import os
import sys

# Collect the youngest generation every 100,000 allocations instead of every 700: a run's
# garbage is mostly acyclic and freed by reference counting; cycles are still collected.
GC_THRESHOLDS = (100_000, 50, 100)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    from linter.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as exit_request:
        _exit_now(exit_request.code)
    _exit_now(0)


def _exit_now(code: object) -> None:
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (``iamlint check . | head``): nothing more can be written
        pass
    os._exit(status)
