"""Benchmark iamlint against baselines measured in the same run, and print ratios.

Shared machines are noisy: every figure is the median of several runs, and each target is a ratio
against a baseline timed alongside it, never an absolute time.

    python bench/bench.py                  # all benchmarks, with this interpreter's iamlint
    /path/to/venv/bin/python bench/bench.py   # measure a regular (non-editable) install
    python bench/bench.py --quick          # fewer repetitions, no 20,000-file corpus
    python bench/bench.py --only startup corpus

Every benchmark but ``cache`` runs with ``--no-cache``: it measures analysis, not the cache.

Benchmarks:
  startup   one small file vs `python -c pass` and `python -c "import click"` (same interpreter),
            also from a repository with a [tool.iamlint] table; runs interleaved with the baselines
  corpus    ../shared/corpus/aws-managed (1,452 AWS managed policies) vs a json.loads loop (and the
            engine alone, with one trivial rule, vs the same loop), and vs parliament 1.6.4's
            analyze_policy_string in one process (its crashes counted)
  scaling   generated corpora of 2,000 and 20,000 policies (10x files must cost <= 11x time),
            peak memory for 20,000, and one 5 MB policy with 40,000 statements
  jobs      --jobs 1 vs --jobs 2 on the 20,000-file corpus (identical output required)
  cache     the result cache on the corpus: per file, a cache hit (read, check, JSON decode) vs
            decoding and linting (in one process, best of 3 passes); and a warm re-run of
            `iamlint check` vs the json.loads loop (target <= 3x), once the run uses the cache
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ``IAMLINT_BENCH_CORPUS`` names it when the checkout is not beside ``shared/`` (a worktree).
CORPUS = Path(os.environ.get("IAMLINT_BENCH_CORPUS") or ROOT.parent / "shared/corpus/aws-managed")
PYTHON = sys.executable
# Users run iamlint with bytecode caches (pip compiles on install); a shell that sets
# PYTHONDONTWRITEBYTECODE would make every run recompile iamlint from source but not click.
CHILD_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# The installed console script, as users run it; ``python -m linter`` from a source checkout
# otherwise (an editable install adds an import hook that costs ~10 ms at every start).
_SCRIPT = Path(PYTHON).with_name("iamlint")
IAMLINT = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-m", "linter"]


def measure(
    command: list[str], repeat: int, *, warm_up: bool = True
) -> tuple[float, int, subprocess.CompletedProcess]:
    """Median wall time over ``repeat`` runs, the largest peak RSS (KiB), and the last result."""
    if warm_up:  # bytecode and file-system caches
        subprocess.run(command, capture_output=True, cwd=ROOT, env=CHILD_ENVIRONMENT)
    runs = [_run_once(command, ROOT) for _ in range(repeat)]
    return statistics.median(t for t, _, _ in runs), max(p for _, p, _ in runs), runs[-1][2]


def measure_interleaved(
    commands: dict[str, tuple[list[str], Path]], repeat: int
) -> dict[str, tuple[float, int, subprocess.CompletedProcess]]:
    """``measure`` for several (command, working directory) pairs run in turn, one of each per
    round, so a baseline and the command compared with it see the same machine load."""
    rounds: dict[str, list[tuple[float, int, subprocess.CompletedProcess]]] = {
        name: [] for name in commands
    }
    for command, cwd in commands.values():
        subprocess.run(command, capture_output=True, cwd=cwd, env=CHILD_ENVIRONMENT)
    for _ in range(repeat):
        for name, (command, cwd) in commands.items():
            rounds[name].append(_run_once(command, cwd))
    return {
        name: (
            statistics.median(t for t, _, _ in runs),
            max(p for _, p, _ in runs),
            runs[-1][2],
        )
        for name, runs in rounds.items()
    }


def _run_once(command: list[str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess]:
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=CHILD_ENVIRONMENT
    )
    stdout_chunks, stderr_chunks = _drain(process)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return (
        elapsed,
        usage.ru_maxrss,
        subprocess.CompletedProcess(command, code, stdout_chunks, stderr_chunks),
    )


def _drain(process: subprocess.Popen) -> tuple[bytes, bytes]:
    """Read stdout and stderr to the end without deadlocking, leaving the child unreaped."""
    import threading

    chunks: dict[str, bytes] = {}

    def read(name: str, stream) -> None:
        chunks[name] = stream.read()

    reader = threading.Thread(target=read, args=("err", process.stderr))
    reader.start()
    chunks["out"] = process.stdout.read()
    reader.join()
    return chunks["out"], chunks["err"]


def small_policy(tmp: Path) -> Path:
    path = tmp / "small.json"
    path.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::example-bucket/*",
                    }
                ],
            },
            indent=2,
        )
    )
    return path


CONFIGURED_REPOSITORY = """
[tool.iamlint]
ignore = ["LPR010"]
required-tag-keys = ["team"]
per-file-ignores = { "legacy/*.json" = ["POL003"] }
"""


def bench_startup(tmp: Path, repeat: int) -> dict:
    small = small_policy(tmp)
    repository = tmp / "repository"
    (repository / ".git").mkdir(parents=True)
    (repository / "pyproject.toml").write_text(CONFIGURED_REPOSITORY)
    runs = measure_interleaved(
        {
            "pass": ([PYTHON, "-c", "pass"], tmp),
            "click": ([PYTHON, "-c", "import click"], tmp),
            "one": ([*IAMLINT, "check", "--no-cache", str(small)], tmp),
            "configured": ([*IAMLINT, "check", "--no-cache", str(small)], repository),
        },
        repeat,
    )
    for name in ("one", "configured"):
        result = runs[name][2]
        assert result.returncode in (0, 1), result.stderr.decode()
    bare, click, one, configured = (runs[n][0] for n in ("pass", "click", "one", "configured"))
    return {
        "python -c pass (s)": bare,
        'python -c "import click" (s)': click,
        "iamlint check small.json (s)": one,
        "ratio vs python -c pass": one / bare,
        "ratio vs import click (target <= 1.5)": one / click,
        "same, in a repository with a [tool.iamlint] table (s)": configured,
        "same, ratio vs import click": configured / click,
        "peak RSS (MiB)": runs["one"][1] / 1024,
    }


JSON_LOOP = """
import json, os, sys
root = sys.argv[1]
for name in sorted(os.listdir(root)):
    if name.endswith('.json'):
        with open(os.path.join(root, name), 'rb') as handle:
            json.loads(handle.read())
"""

PARLIAMENT_LOOP = """
import os, sys, time
import parliament
from parliament import analyze_policy_string
root = sys.argv[1]
community = sys.argv[2] == "community"
crashes = findings = 0
start = time.perf_counter()
for name in sorted(os.listdir(root)):
    if not name.endswith('.json'):
        continue
    with open(os.path.join(root, name)) as handle:
        text = handle.read()
    try:
        policy = analyze_policy_string(text, include_community_auditors=community)
        findings += len(policy.findings)
    except Exception:
        crashes += 1
print(crashes, findings, time.perf_counter() - start)
"""


def bench_corpus(repeat: int, directory: Path, label: str, parliament: bool) -> dict:
    files = len([p for p in directory.iterdir() if p.suffix == ".json"])
    check = [*IAMLINT, "check", "-q", "--no-cache", "--jobs", "1"]
    runs = measure_interleaved(
        {
            "loop": ([PYTHON, "-c", JSON_LOOP, str(directory)], ROOT),
            "lint": ([*check, str(directory)], ROOT),
            "floor": ([*check, "--select", "GRM001", str(directory)], ROOT),
        },
        repeat,
    )
    loop = runs["loop"][0]
    lint, peak, result = runs["lint"]
    floor = runs["floor"][0]
    assert result.returncode in (0, 1), result.stderr.decode()[-2000:]
    findings = len(result.stdout.splitlines())
    row = {
        f"{label}: files": files,
        f"{label}: json.loads loop (s)": loop,
        f"{label}: iamlint --jobs 1 (s)": lint,
        f"{label}: findings": findings,
        f"{label}: ratio vs json.loads loop (target <= 3)": lint / loop,
        f"{label}: engine alone, one trivial rule (GRM001) (s)": floor,
        f"{label}: engine alone, ratio vs json.loads loop": floor / loop,
        f"{label}: iamlint peak RSS (MiB)": peak / 1024,
    }
    if parliament:
        default, _, result = measure(
            [*IAMLINT, "check", "-q", "--no-cache", str(directory)], repeat
        )
        row[f"{label}: iamlint, default --jobs (s)"] = default
        for mode in ("core", "community"):
            command = [PYTHON, "-c", PARLIAMENT_LOOP, str(directory), mode]
            elapsed, _, result = measure(command, 1, warm_up=False)
            name = f"{label}: parliament 1.6.4 {mode} auditors"
            if result.returncode != 0:
                row[name] = "unavailable: " + result.stderr.decode()[-200:].strip()
                continue
            crashes, parliament_findings, _ = result.stdout.split()
            row[f"{name} (s)"] = elapsed
            row[f"{name}: crashes"] = int(crashes)
            row[f"{name}: findings"] = int(parliament_findings)
            row[f"{name}: iamlint --jobs 1 speed-up (target >= 20)"] = elapsed / lint
    return row


def generate_corpus(target: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` synthetic policies built from the shapes of real ones."""
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    services = ["s3", "kms", "transcribe", "iam", "ec2", "logs", "dynamodb", "sqs", "sns"]
    verbs = ["Get", "List", "Describe", "Put", "Delete", "Create", "Update", "Start"]
    for index in range(count):
        statements = []
        for number in range(rng.randint(1, 6)):
            service = rng.choice(services)
            statement = {
                "Sid": f"S{number}",
                "Effect": rng.choice(["Allow", "Allow", "Deny"]),
                "Action": [f"{service}:{rng.choice(verbs)}*" for _ in range(rng.randint(1, 4))],
                "Resource": rng.choice(
                    ["*", f"arn:aws:{service}:us-east-1:111122223333:*", "arn:aws:s3:::b/*"]
                ),
            }
            if rng.random() < 0.4:
                statement["Condition"] = {
                    "StringEquals": {"aws:ResourceTag/team": rng.choice(["a", "b"])}
                }
            statements.append(statement)
        document = {"Version": "2012-10-17", "Statement": statements}
        (target / f"p{index:05d}.json").write_text(json.dumps(document, indent=2))


def bench_scaling(tmp: Path, repeat: int) -> dict:
    small_dir, large_dir = tmp / "gen2k", tmp / "gen20k"
    generate_corpus(small_dir, 2_000)
    generate_corpus(large_dir, 20_000)
    small, _, _ = measure(
        [*IAMLINT, "check", "-q", "--no-cache", "--jobs", "1", str(small_dir)], repeat
    )
    large, peak, result = measure(
        [*IAMLINT, "check", "-q", "--no-cache", "--jobs", "1", str(large_dir)], 1, warm_up=False
    )
    assert result.returncode in (0, 1), result.stderr.decode()[-2000:]
    big = tmp / "big" / "big.json"
    big.parent.mkdir()
    statements = [
        {
            "Sid": f"S{i}",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::b{i}/*",
        }
        for i in range(40_000)
    ]
    big.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2))
    one_big, big_peak, result = measure([*IAMLINT, "check", "-q", "--no-cache", str(big)], 1)
    return {
        "2,000 generated files (s)": small,
        "20,000 generated files (s)": large,
        "10x files cost (target <= 11x)": large / small,
        "20,000 files peak RSS (MiB, target < 200)": peak / 1024,
        f"one {big.stat().st_size / 1e6:.1f} MB policy, 40,000 statements (s)": one_big,
        "one big policy peak RSS (MiB)": big_peak / 1024,
    }


def bench_jobs(tmp: Path) -> dict:
    directory = tmp / "gen20k"
    if not directory.exists():
        generate_corpus(directory, 20_000)
    one, _, first = measure(
        [*IAMLINT, "check", "-q", "--no-cache", "--jobs", "1", str(directory)], 1
    )
    two, _, second = measure(
        [*IAMLINT, "check", "-q", "--no-cache", "--jobs", "2", str(directory)], 1
    )
    return {
        "--jobs 1 (s)": one,
        "--jobs 2 (s)": two,
        "speed-up": one / two,
        "identical output": first.stdout == second.stdout,
    }


CACHE_PROBE = """
import json, os, sys, tempfile, time
from linter import cache
from linter.engine import Linter
root = sys.argv[1]
names = sorted(n for n in os.listdir(root) if n.endswith('.json'))
files = []
for name in names:
    with open(os.path.join(root, name), 'rb') as handle:
        files.append((name, handle.read()))
linter = Linter()
def payload(result):
    rows = [[f.rule_id, *f.span, f.message, f.severity.value, list(f.json_path),
             f.statement_fingerprint] for f in result.findings]
    return {'status': result.status, 'findings': rows}
def best(work):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)
lint = best(lambda: [linter.lint_bytes(data, name) for name, data in files])
with tempfile.TemporaryDirectory() as directory:
    store = cache.ResultCache.open(directory, cache.settings_digest('bench'))
    payloads = [payload(linter.lint_bytes(data, name)) for name, data in files]
    put = best(lambda: [store.put(n, d, p) for (n, d), p in zip(files, payloads)])
    hits = [store.get(name, data) for name, data in files]
    assert hits == [json.loads(json.dumps(p)) for p in payloads]
    get = best(lambda: [store.get(name, data) for name, data in files])
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(directory) for f in fs)
    opened = best(lambda: cache.ResultCache.open(directory, cache.settings_digest('bench')))
print(json.dumps({'files': len(files), 'lint': lint, 'get': get, 'put': put, 'bytes': size,
                  'open': opened}))
"""


def bench_cache(tmp: Path, repeat: int, directory: Path) -> dict:
    probe = subprocess.run(
        [PYTHON, "-c", CACHE_PROBE, str(directory)],
        capture_output=True,
        cwd=ROOT,
        env=CHILD_ENVIRONMENT,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    numbers = json.loads(probe.stdout)
    files = numbers["files"]
    row: dict[str, object] = {
        "cache: files": files,
        "cache: decode + lint per file (us)": numbers["lint"] / files * 1e6,
        "cache: hit per file (us)": numbers["get"] / files * 1e6,
        "cache: store per file (us)": numbers["put"] / files * 1e6,
        "cache: hit vs decode + lint": numbers["get"] / numbers["lint"],
        "cache: size on disk (KiB)": numbers["bytes"] / 1024,
        "cache: open + settings digest (ms)": numbers["open"] * 1e3,
    }
    # A warm re-run end to end: a copy of the corpus in a repository of its own, linted once to
    # fill the cache, then timed against the json.loads loop.
    project = tmp / "cached-project"
    (project / ".git").mkdir(parents=True)
    shutil.copytree(directory, project / "policies")
    check = [*IAMLINT, "check", "-q", "policies"]
    subprocess.run(check, capture_output=True, cwd=project, env=CHILD_ENVIRONMENT)
    if not (project / ".iamlint_cache").is_dir():
        row["cache: warm re-run"] = "not measured: this iamlint run does not use the cache yet"
        return row
    runs = measure_interleaved(
        {
            "loop": ([PYTHON, "-c", JSON_LOOP, str(project / "policies")], project),
            "warm": (check, project),
            "cold": ([*check[:-1], "--no-cache", "policies"], project),
        },
        repeat,
    )
    loop, warm, cold = (runs[name][0] for name in ("loop", "warm", "cold"))
    assert runs["warm"][2].stdout == runs["cold"][2].stdout, "a warm run changed the output"
    row.update(
        {
            "cache: json.loads loop (s)": loop,
            "cache: cold, --no-cache, default jobs (s)": cold,
            "cache: warm re-run, default jobs (s)": warm,
            "cache: warm ratio vs json.loads loop (target <= 3)": warm / loop,
        }
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--only", nargs="*", choices=["startup", "corpus", "scaling", "jobs", "cache"]
    )
    parser.add_argument("--no-parliament", action="store_true")
    args = parser.parse_args()
    wanted = set(args.only or ["startup", "corpus", "scaling", "jobs", "cache"])
    if args.quick:
        wanted.discard("scaling")
        wanted.discard("jobs")
    repeat = 5 if args.quick else 11
    results: dict[str, object] = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    tmp = Path(tempfile.mkdtemp(prefix="iamlint-bench-"))
    try:
        if "startup" in wanted:
            results.update(bench_startup(tmp, repeat * 2))
        if "corpus" in wanted:
            if CORPUS.is_dir():
                results.update(
                    bench_corpus(max(3, repeat // 2), CORPUS, "aws-managed", not args.no_parliament)
                )
            else:
                results["aws-managed"] = f"not found at {CORPUS}"
        if "scaling" in wanted:
            results.update(bench_scaling(tmp, 3))
        if "jobs" in wanted:
            results.update(bench_jobs(tmp))
        if "cache" in wanted and CORPUS.is_dir():
            results.update(bench_cache(tmp, max(3, repeat // 2), CORPUS))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    width = max(len(k) for k in results)
    for key, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")


if __name__ == "__main__":
    main()
