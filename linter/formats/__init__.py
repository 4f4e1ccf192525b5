"""Input formats: which module reads a file, and the policy sources it finds there.

One module per format: ``aws_cli`` (saved AWS CLI outputs), ``cloudformation`` (CloudFormation,
SAM and CDK output, JSON and YAML), ``terraform`` (HCL), ``terraform_json`` (``*.tf.json``) and
``terraform_plan`` (``terraform show -json``). Plain JSON is decoded here once and handed to the
format its content belongs to; the YAML and HCL parsers are imported only for files with those
extensions, so a run over JSON policies never loads them.
"""

from __future__ import annotations

import importlib
from typing import Any

from linter.decode import Decoded, decode_bytes
from linter.sources import ParsedFile, PolicySource

#: File names a directory walk lints by default (``include`` in the configuration replaces it).
TEMPLATE_PATTERNS = ("*.yaml", "*.yml", "*.template", "*.tf", "*.tf.json")

_YAML_SUFFIXES = (".yaml", ".yml", ".template")


def _format_module(name: str) -> Any | None:
    """A format module, or None while it is not part of this build."""
    try:
        return importlib.import_module(f"linter.formats.{name}")
    except ModuleNotFoundError as error:
        if error.name == f"linter.formats.{name}":
            return None
        raise


def parse_file(
    data: bytes, path: str, *, explicit: bool, max_depth: int, name: str | None = None
) -> ParsedFile | None:
    """The policy sources of one file; None for a file that holds no policy (skipped silently).

    ``name`` is the file name that decides the format when it differs from ``path`` (standard
    input given ``--stdin-filename``).
    """
    lowered = (name or path).lower()
    if lowered.endswith(".tf"):
        terraform = _format_module("terraform")
        return terraform.from_hcl(data, path, explicit) if terraform else None
    yaml_named = lowered.endswith(_YAML_SUFFIXES)
    if yaml_named and data.lstrip()[:1] not in (b"{", b"["):
        cloudformation = _format_module("cloudformation")
        return cloudformation.from_yaml(data, path, explicit) if cloudformation else None
    decoded = decode_bytes(data, max_depth=max_depth)
    if yaml_named and decoded.problems:
        # YAML flow style that is not strict JSON (trailing commas, 'single quotes'): a
        # template CloudFormation reads as YAML, not a JSON file with syntax errors.
        cloudformation = _format_module("cloudformation")
        template = cloudformation.from_yaml(data, path, False) if cloudformation else None
        if template is not None and template.ok:
            return template
    return parse_json(decoded, path, explicit=explicit, name=lowered)


def parse_json(
    decoded: Decoded, path: str, *, explicit: bool, name: str | None = None
) -> ParsedFile | None:
    """The policy sources of a decoded JSON file: a bare policy, a template, a Terraform plan or
    an AWS CLI output."""
    text = decoded.text
    problems = tuple(decoded.problems)
    if not decoded.ok:
        if explicit or "statement" in text.lower():
            return ParsedFile(text, "json", (), problems, ok=False)
        return None
    value = decoded.value
    from linter.formats import aws_cli

    looks_like_policy = aws_cli.looks_like_policy

    if looks_like_policy(value) or (explicit and _is_statementless_policy(value)):
        if '"Fn::' in text or '"Ref"' in text:
            # A policy fragment with CloudFormation intrinsics: deploy-time values, not
            # malformed ones.
            cloudformation = _format_module("cloudformation")
            if cloudformation is not None:
                value = cloudformation.resolve_fragment(decoded)
        return ParsedFile(text, "json", (PolicySource(value, decoded),), problems)
    lowered = (name or path).lower()
    if lowered.endswith(".tf.json"):
        terraform_json = _format_module("terraform_json")
        return terraform_json.from_tf_json(decoded, path) if terraform_json else None
    if isinstance(value, dict):
        cloudformation = _format_module("cloudformation")
        if cloudformation is not None and cloudformation.looks_like_template(value):
            return cloudformation.from_json(decoded, path)
        plan = _format_module("terraform_plan")
        if plan is not None and plan.looks_like_plan(value):
            return plan.from_plan(decoded, path)
    return aws_cli.parse(decoded)


def _is_statementless_policy(value: Any) -> bool:
    """A file named on the command line whose top level is ``{"Version": ...}`` and nothing that
    says it is something else: a policy that lost its Statement, which GRM reports."""
    return (
        isinstance(value, dict)
        and "Version" in value
        and all(isinstance(k, str) and k[:1].isupper() for k in value)
        and set(value) <= {"Version", "Id", "Statement"}
    )
