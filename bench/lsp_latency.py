"""Language-server latency: didChange → publishDiagnostics on a 1,000-line policy.

Starts ``python -m linter lsp`` as an editor would, opens a generated policy of about 1,000
lines (statements with actions, resources and conditions, a few findings), then sends a series
of didChange notifications (each one alternates the letter case of one action, so every change
gives a different set of findings) and times each until its publishDiagnostics arrives. The
server waits DEBOUNCE_SECONDS after a change before it lints (so a burst of keystrokes is linted
once); the figure to compare with the 100 ms target is the time after that pause, which is the
lint, the conversion and the round trip.

    python bench/lsp_latency.py              # 40 changes
    python bench/lsp_latency.py --changes 100
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def policy_text(lines: int = 1000) -> str:
    """A pretty-printed identity policy of about ``lines`` lines."""
    statements = []
    index = 0
    while True:
        statements.append(
            {
                "Sid": f"Statement{index}",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:getobject" if index % 7 == 0 else "s3:ListBucket",
                    "dynamodb:Query",
                ],
                "Resource": [
                    f"arn:aws:s3:::bucket-{index}",
                    f"arn:aws:s3:::bucket-{index}/*",
                    f"arn:aws:dynamodb:us-east-1:111122223333:table/t{index}",
                ],
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"team-{index}"}},
            }
        )
        index += 1
        text = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2) + "\n"
        if text.count("\n") >= lines:
            return text


async def measure(changes: int) -> dict[str, float]:
    from lsprotocol import types
    from pytest_lsp.client import make_test_lsp_client

    from linter.lsp import DEBOUNCE_SECONDS

    text = policy_text()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "policy.json"
        uri = path.as_uri()
        client = make_test_lsp_client()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        await client.start_io(sys.executable, "-m", "linter", "lsp", env=env, cwd=directory)
        await client.initialize_session(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=Path(directory).as_uri()
            )
        )
        started = time.perf_counter()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="json", version=1, text=text
                )
            )
        )
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        first = time.perf_counter() - started
        findings = len(client.diagnostics[uri])
        timings = []
        for version in range(2, changes + 2):
            changed = text.replace('"s3:PutObject"', '"s3:putobject"', version % 5 + 1)
            started = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=changed)],
                )
            )
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            timings.append(time.perf_counter() - started)
        await client.shutdown_session()
        await client.stop()
    median = statistics.median(timings)
    return {
        "lines": text.count("\n"),
        "findings_on_open": findings,
        "open_ms": first * 1000,
        "debounce_ms": DEBOUNCE_SECONDS * 1000,
        "change_median_ms": median * 1000,
        "change_median_after_debounce_ms": (median - DEBOUNCE_SECONDS) * 1000,
        "change_p90_after_debounce_ms": (statistics.quantiles(timings, n=10)[-1] - DEBOUNCE_SECONDS)
        * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--changes", type=int, default=40)
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    result = asyncio.run(measure(arguments.changes))
    for name, value in result.items():
        print(f"{name:34} {value:10.1f}" if isinstance(value, float) else f"{name:34} {value:10}")
    target = 100.0
    verdict = "met" if result["change_median_after_debounce_ms"] < target else "MISSED"
    print(f"target: median after the debounce < {target:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
