"""The console script exits without interpreter tear-down: output must still be complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = {**os.environ, "PYTHONPATH": str(ROOT)}
BAD = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "transcribe:GetTranscriptionJobs", "Resource": "*"}
    ],
}


def _iamlint(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "linter", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENVIRONMENT,
    )


def test_exit_status_and_every_output_survive_the_fast_exit(tmp_path: Path) -> None:
    for index in range(300):  # enough output to need more than one buffer flush
        (tmp_path / f"p{index:03}.json").write_text(json.dumps(BAD))
    completed = _iamlint(
        "check", "--no-config", "--jobs", "1", "--output-file", "sarif:out.sarif", ".", cwd=tmp_path
    )
    assert completed.returncode == 1
    assert completed.stdout.count("ACT002") == 300
    summary = "Found 300 problems (300 warnings) in 300 files checked."
    assert completed.stdout.rstrip().endswith(summary)
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 300


def test_usage_errors_keep_their_status(tmp_path: Path) -> None:
    completed = _iamlint("check", "--no-config", "--select", "NOPE999", "x.json", cwd=tmp_path)
    assert completed.returncode == 2
    assert "no rule matches: NOPE999" in completed.stderr


def test_a_clean_file_exits_zero(tmp_path: Path) -> None:
    good = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ],
    }
    (tmp_path / "good.json").write_text(json.dumps(good))
    completed = _iamlint("check", "--no-config", "good.json", cwd=tmp_path)
    assert (completed.returncode, completed.stderr) == (0, "")
    assert completed.stdout.strip()


def test_a_closed_pipe_does_not_raise(tmp_path: Path) -> None:
    for index in range(200):
        (tmp_path / f"p{index:03}.json").write_text(json.dumps(BAD))
    reader = subprocess.Popen(["head", "-n", "1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    writer = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--no-config", "--jobs", "1", "."],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=ENVIRONMENT,
    )
    reader.stdin.close()
    reader.wait()
    assert "Traceback" not in writer.stderr
