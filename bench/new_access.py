"""Cost of ``--new-access-since`` against the same run without it, in one run.

A temporary git repository holds the AWS managed policies (../shared/corpus/aws-managed) as its
first commit; the work tree then changes every policy (one statement granting ``iam:PassRole``
added) or none. Each case is timed with ``iamlint check --jobs 1 --no-cache``, interleaved with
the plain run on the same tree, and reported as the median ratio:

- ``unchanged``: the work tree equals the revision (every policy compared, nothing new);
- ``changed``: every policy has a new statement (every policy compared, each reports it).

    python bench/new_access.py                # 5 repetitions
    python bench/new_access.py --repeat 3 --policies 400
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "aws-managed"
PASS_ROLE = {"Sid": "BenchPassRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}


def _git(directory: Path, *arguments: str) -> None:
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", *identity, *arguments], cwd=directory, check=True, capture_output=True)


def _repository(directory: Path, count: int) -> list[Path]:
    files = []
    for path in sorted(CORPUS.glob("*.json"))[:count]:
        target = directory / path.name
        shutil.copyfile(path, target)
        files.append(target)
    _git(directory, "init", "-q")
    _git(directory, "add", ".")
    _git(directory, "commit", "-q", "-m", "corpus")
    return files


def _change(files: list[Path]) -> None:
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        statements = document.get("Statement")
        listed = statements if isinstance(statements, list) else [statements]
        document["Statement"] = [*listed, PASS_ROLE]
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def _time(directory: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "linter", "check", "--jobs", "1", "--no-cache", "--no-config"]
    start = time.perf_counter()
    subprocess.run(
        [*command, "-q", *extra, "."], cwd=directory, capture_output=True, check=False, env=None
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--policies", type=int, default=2000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        files = _repository(directory, arguments.policies)
        for case in ("unchanged", "changed"):
            if case == "changed":
                _change(files)
            plain, compared = [], []
            for _ in range(arguments.repeat):
                plain.append(_time(directory))
                compared.append(_time(directory, "--new-access-since", "HEAD"))
            ratios = [c / p for c, p in zip(compared, plain, strict=True)]
            print(
                f"{case:9}  {len(files)} policies  plain {statistics.median(plain):.2f} s  "
                f"--new-access-since {statistics.median(compared):.2f} s  "
                f"ratio {statistics.median(ratios):.2f}x"
            )


if __name__ == "__main__":
    main()
