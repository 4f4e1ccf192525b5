"""The run pipeline, one for the CLI and the library: paths → input files → engine (per file, in
worker processes when asked) → configuration suppressions and their unused-entry report (SUP001)
→ baseline.

The engine is handed in (``linter.engine.Linter``); this module never imports it, so the two stay
acyclic: the engine calls ``run`` for ``Linter.lint_paths``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from linter.discovery import InputError, InputFile, discover
from linter.results import BaselineEntry, FileResult, RunResult, file_text

STDIN_NAME = "-"

# Below this many files, starting processes costs more than it saves.
FILES_PER_PROCESS = 400


class BaselineSpec(NamedTuple):
    """A baseline to apply: its entries, the file they came from, and the directory its paths
    are relative to."""

    entries: Sequence[BaselineEntry]
    source: str
    base_dir: str


def run(
    linter: Any,
    paths: Iterable[str],
    *,
    stdin: Any = None,
    jobs: int = 1,
    baseline: BaselineSpec | None = None,
    cache: Any = None,
    stdin_filename: str | None = None,
) -> RunResult:
    """Lint files and directories with ``linter`` and apply suppressions and the baseline.

    ``jobs`` > 1 lints in that many processes, 0 = automatic; results are identical whatever it
    is (files are sorted by path at the end). ``cache`` (a ``linter.cache.ResultCache``) answers
    for files whose bytes and settings it has seen; it is never used for standard input.
    """
    options = linter.options
    files: list[FileResult] = []
    inputs: list[InputFile] = []
    for entry in discover(paths, include=options.include, exclude=options.exclude):
        if isinstance(entry, InputError):
            files.append(linter.unreadable(entry.path, entry.message))
        else:
            inputs.append(entry)
    if cache is not None:
        cache.expect(len(inputs))
    workers = automatic_jobs(len(inputs)) if jobs == 0 else jobs
    in_processes = workers > 1 and not any(entry.path == STDIN_NAME for entry in inputs)
    if in_processes and cache is not None:
        # The cache answers here first: worker processes only for the files it cannot answer
        # (starting them and sending results back costs more than a warm run's lookups).
        pending = []
        for entry in inputs:
            hit = cached_result(linter, entry, cache)
            if hit is None:
                pending.append(entry)
            else:
                files.append(hit)
        inputs = pending
        workers = automatic_jobs(len(inputs)) if jobs == 0 else min(jobs, len(inputs))
    if workers > 1 and not any(entry.path == STDIN_NAME for entry in inputs):
        linted = _lint_in_processes(linter, inputs, workers, cache)
        if cache is not None:  # the workers stored these; the main process writes the pack
            for result in linted:
                if not result.notifications:
                    cache.remember(result.path, result.to_payload())
        files.extend(linted)
    else:
        files.extend(lint_input(linter, entry, stdin, cache, stdin_filename) for entry in inputs)
    if cache is not None:
        cache.save_pack()  # the files' own results, as the entries hold them
    _drop_findings_linted_twice(files)
    if options.suppressions:
        from linter.suppressions import unused_suppression_results

        files.extend(unused_suppression_results(files, options, linter.rules))
    files.sort(key=lambda r: r.path)
    result = RunResult(files, linter.rules)
    if baseline is not None:
        from linter.baseline import apply_baseline

        result = apply_baseline(result, baseline.entries, baseline.source, baseline.base_dir)
    return result


def _drop_findings_linted_twice(files: list[FileResult]) -> None:
    """A policy file that a template reads (Terraform ``file("policy.json")``) and that the run
    also lints on its own gives each of its findings twice, at the same place: keep the file's
    own, drop the template's copy (same rule, span and message). Findings that differ (the
    template gives the policy another type) are kept."""
    import os

    # A finding in another file comes from a source with an origin: its path is not the
    # result's own (the engine reports a file's own findings under the result's path).
    borrowing = [r for r in files if any(f.path != r.path for f in r.findings)]
    if not borrowing:
        return

    def key(path: str) -> str:
        return os.path.normcase(os.path.abspath(path))

    own = {
        key(result.path): {
            (f.rule_id, f.span, f.message) for f in result.findings if f.path == result.path
        }
        for result in files
        if result.findings
    }
    for result in borrowing:
        result.findings = [
            f
            for f in result.findings
            if f.path == result.path
            or (f.rule_id, f.span, f.message) not in own.get(key(f.path), ())
        ]


def lint_input(
    linter: Any,
    entry: InputFile,
    stdin: Any = None,
    cache: Any = None,
    stdin_filename: str | None = None,
) -> FileResult:
    """One input file through the engine (or the cache); the text is kept only for files with
    findings (the reporters' source excerpts)."""
    if entry.path == STDIN_NAME:
        # Standard input given a name is reported under it, and per-file settings match it.
        path = stdin_filename or entry.path
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            data = stream.read(linter.options.max_file_size + 1)
        except OSError as error:
            return linter.unreadable(path, error.strerror or str(error))
        result = linter.lint_bytes(data, path, explicit=True, name=stdin_filename)
    else:
        try:
            with open(entry.path, "rb") as handle:
                data = handle.read(linter.options.max_file_size + 1)
        except OSError as error:
            return linter.unreadable(entry.path, error.strerror or str(error))
        result = _from_cache(entry, data, cache) if cache is not None else None
        if result is not None:
            return result
        result = linter.lint_bytes(data, entry.path, explicit=entry.explicit)
        if not result.findings:
            result.text = None
        if cache is not None and not result.notifications:
            cache.put(entry.path, data, result.to_payload())
        return result
    if not result.findings:
        result.text = None
    return result


def cached_result(linter: Any, entry: InputFile, cache: Any) -> FileResult | None:
    """The cache's result for a file, or None (a miss, or a file that cannot be read: linting
    it reports that). Reads the bytes ``lint_input`` reads, so the key is the same."""
    try:
        with open(entry.path, "rb") as handle:
            data = handle.read(linter.options.max_file_size + 1)
    except OSError:
        return None
    return _from_cache(entry, data, cache)


def _from_cache(entry: InputFile, data: bytes, cache: Any) -> FileResult | None:
    cached = cache.get(entry.path, data)
    if cached is None:
        return None
    result = FileResult.from_payload(entry.path, cached)
    if result is not None and result.findings:
        result.text = file_text(data)
    return result


def _lint_in_processes(
    linter: Any, inputs: list[InputFile], workers: int, cache: Any
) -> list[FileResult]:
    import concurrent.futures
    import multiprocessing

    chunk_count = workers * 8
    chunks = [inputs[i::chunk_count] for i in range(chunk_count) if inputs[i::chunk_count]]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    rule_ids = tuple(rule.id for rule in linter.rules)
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(type(linter), linter.options, rule_ids, cache),
    ) as pool:
        return [result for chunk in pool.map(_lint_chunk, chunks) for result in chunk]


def automatic_jobs(file_count: int) -> int:
    """The default worker count: one process per FILES_PER_PROCESS files, at most one per CPU."""
    import os

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, file_count // FILES_PER_PROCESS))


_worker: tuple[Any, Any] | None = None


def _start_worker(linter_class: Any, options: Any, rule_ids: tuple[str, ...], cache: Any) -> None:
    from linter.registry import RULE_INFO_BY_ID

    global _worker
    linter = linter_class(options, rules=[RULE_INFO_BY_ID[rule_id] for rule_id in rule_ids])
    _worker = (linter, cache)


def _lint_chunk(chunk: list[InputFile]) -> list[FileResult]:
    assert _worker is not None
    linter, cache = _worker
    return [lint_input(linter, entry, None, cache) for entry in chunk]
