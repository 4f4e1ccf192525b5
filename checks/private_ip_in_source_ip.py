"""CND019 private-ip-in-source-ip: ``aws:SourceIp`` compared with private addresses."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import condition_entries, entry_operator, parse_ip_value
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class PrivateIpInSourceIp(Check):
    """## What it does
    Reports `IpAddress`/`NotIpAddress` conditions on `aws:SourceIp` whose values are private
    ranges (RFC 1918 `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`, loopback, link-local, IPv6
    unique-local `fc00::/7` and link-local `fe80::/10`).

    - Only private values: **error**. Under `IpAddress` the condition never matches; under
      `NotIpAddress` it always matches.
    - Private and public values: a **note** on each private value, which has no effect.

    ## Why is this bad?
    `aws:SourceIp` holds the public address a request comes from; requests through a VPC
    endpoint carry no `aws:SourceIp` at all. An Allow meant for "our office network 10.0.0.0/8"
    grants nothing, and a Deny "unless from 10.0.0.0/8" denies everything. For private
    addresses behind a VPC endpoint, use `aws:VpcSourceIp`.

    ## Example
    ```json
    "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}
    ```

    ## Use instead
    ```json
    "Condition": {"IpAddress": {"aws:VpcSourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}
    ```

    ## References
    - [aws:SourceIp](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip)
    - Access Analyzer `PRIVATE_IP_ADDRESS`, `PRIVATE_NOT_IP_ADDRESS`,
      `PRIVATE_IP_ADDRESS_SUBSET`, `PRIVATE_NOT_IP_ADDRESS_SUBSET`
    """

    id = "CND019"
    name = "private-ip-in-source-ip"
    summary = "aws:SourceIp compared with private IP ranges, which it never holds."
    severity = Severity.ERROR
    tags = ("condition", "network")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for _statement, entry in condition_entries(policy):
            if entry.key_lower != "aws:sourceip":
                continue
            operator = entry_operator(entry)
            if operator is None or operator.family != "IPAddress":
                continue
            parsed = [
                (item, parse_ip_value(item.value))
                for item in entry.values
                if isinstance(item.value, str)
            ]
            valid = [(item, p[0]) for item, p in parsed if p is not None]
            private = [item for item, network in valid if is_private_network(network)]
            if not private:
                continue
            if len(private) == len(valid):
                outcome = "never matches" if not operator.negated else "always matches"
                yield Report(
                    entry.key_path,
                    f"{entry.key} is only compared with private ranges, which it never holds "
                    "(it is the public address; requests through a VPC endpoint have none): "
                    f"this {entry.operator} condition {outcome}; use aws:VpcSourceIp for "
                    "private addresses",
                    key=True,
                )
                continue
            for item in private:
                yield Report(
                    item.path,
                    f"{item.value} is a private range, which {entry.key} never holds; "
                    "remove it, or compare aws:VpcSourceIp in its own statement",
                    severity=Severity.NOTE,
                )


_PRIVATE_RANGES = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
)


@functools.cache
def _private_networks() -> tuple:
    import ipaddress

    return tuple(ipaddress.ip_network(cidr) for cidr in _PRIVATE_RANGES)


def is_private_network(network) -> bool:
    """Whether every address of ``network`` is private (RFC 1918, loopback, link-local, IPv6
    unique-local): addresses ``aws:SourceIp`` never holds."""
    return any(
        network.version == private.version and network.subnet_of(private)
        for private in _private_networks()
    )
