"""Cost per policy of templates against the same policies as JSON files, in one run.

The template corpus is generated from the AWS managed policies (../shared/corpus/aws-managed):
the same documents written as CloudFormation YAML (``AWS::IAM::ManagedPolicy`` with the document
as a YAML mapping), CloudFormation JSON, and Terraform HCL (``jsonencode`` of the document and a
heredoc), several policies per file. Each form is timed with ``iamlint check --jobs 1 --no-cache``
alongside the JSON files, interleaved, and reported as the median ratio of the cost per policy.

    python bench/templates.py                 # 5 repetitions
    python bench/templates.py --repeat 3 --policies 400
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
PER_FILE = 10


def _documents(count: int) -> list[tuple[str, dict]]:
    found = []
    for path in sorted(CORPUS.glob("*.json"))[:count]:
        found.append((path.stem, json.loads(path.read_text(encoding="utf-8"))))
    return found


def _logical_id(name: str, index: int) -> str:
    return "P" + "".join(c for c in name if c.isalnum())[:40] + str(index)


def _yaml_scalar(value: object) -> str:
    return json.dumps(value)  # a JSON string or number is a YAML flow scalar


def _yaml_block(value: object, indent: int) -> list[str]:
    """Block-style YAML for a JSON value (mappings and sequences on their own lines)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{_yaml_scalar(key)}:")
                lines.extend(_yaml_block(item, indent + 2))
            else:
                lines.append(f"{pad}{_yaml_scalar(key)}: {_yaml_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                inner = _yaml_block(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_yaml_scalar(item)}")
    return lines


def write_forms(target: Path, documents: list[tuple[str, dict]]) -> dict[str, Path]:
    """The same documents as JSON files and as templates, ``PER_FILE`` policies per template."""
    forms = {name: target / name for name in ("json", "cfn-yaml", "cfn-json", "terraform")}
    for directory in forms.values():
        directory.mkdir(parents=True)
    for name, document in documents:
        (forms["json"] / f"{name}.json").write_text(json.dumps(document, indent=2))
    for start in range(0, len(documents), PER_FILE):
        group = documents[start : start + PER_FILE]
        resources = {
            _logical_id(name, start + i): {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"PolicyDocument": document},
            }
            for i, (name, document) in enumerate(group)
        }
        template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
        (forms["cfn-json"] / f"t{start:05}.json").write_text(json.dumps(template, indent=2))
        yaml_lines = [
            'AWSTemplateFormatVersion: "2010-09-09"',
            *_yaml_block({"Resources": resources}, 0),
        ]
        (forms["cfn-yaml"] / f"t{start:05}.yaml").write_text("\n".join(yaml_lines) + "\n")
        blocks = []
        for i, (_, document) in enumerate(group):
            text = json.dumps(document, indent=2)
            if i % 2:
                blocks.append(
                    f'resource "aws_iam_policy" "p{i}" {{\n  name   = "p{i}"\n'
                    f"  policy = <<EOF\n{text}\nEOF\n}}\n"
                )
            else:
                blocks.append(
                    f'resource "aws_iam_policy" "p{i}" {{\n  name   = "p{i}"\n'
                    f"  policy = jsonencode({_hcl(document, 2)})\n}}\n"
                )
        (forms["terraform"] / f"t{start:05}.tf").write_text("\n".join(blocks))
    return forms


def _hcl(value: object, indent: int) -> str:
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = [f"{pad}{json.dumps(k)} = {_hcl(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + "\n".join(members) + "\n" + " " * indent + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(v, indent) for v in value) + "]"
    text = json.dumps(value)
    return text.replace("${", "$${").replace("%{", "%%{") if isinstance(value, str) else text


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--policies", type=int, default=600)
    arguments = parser.parse_args()
    documents = _documents(arguments.policies)
    work = Path(tempfile.mkdtemp(prefix="iamlint-bench-templates-"))
    try:
        forms = write_forms(work, documents)
        base = [sys.executable, "-m", "linter", "check", "--no-config", "--jobs", "1", "-q"]
        base += ["--fail-on", "never"]
        if _supports_no_cache():
            base.append("--no-cache")
        times: dict[str, list[float]] = {name: [] for name in forms}
        for _ in range(arguments.repeat):
            for name, directory in forms.items():  # interleaved: the same machine state
                times[name].append(_time([*base, str(directory)]))
        json_per_policy = statistics.median(times["json"]) / len(documents)
        print(f"{len(documents)} policies; median of {arguments.repeat} runs, --jobs 1")
        print(f"{'form':10} {'files':>6} {'median s':>9} {'µs/policy':>10} {'vs JSON':>8}")
        for name, directory in forms.items():
            median = statistics.median(times[name])
            per_policy = median / len(documents)
            files = sum(1 for _ in directory.iterdir())
            print(
                f"{name:10} {files:>6} {median:>9.3f} {per_policy * 1e6:>10.0f} "
                f"{per_policy / json_per_policy:>7.2f}x"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _supports_no_cache() -> bool:
    done = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--help"], capture_output=True, text=True
    )
    return "--no-cache" in done.stdout


if __name__ == "__main__":
    main()
