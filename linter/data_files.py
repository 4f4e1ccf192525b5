"""The JSON data files of ``linter/data/``, read once on first use."""

from __future__ import annotations

import functools


@functools.cache
def data_file(name: str) -> dict:
    """A JSON file of ``linter/data/`` (``trust.json``, ``monitoring_tamper.json``, …), read once
    on first use and shared; callers must not modify it."""
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", name)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
