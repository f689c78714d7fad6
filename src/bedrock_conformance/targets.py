"""Targets: where the suite sends its requests (the embedded mock, any URL, real AWS, moto, recorded cassettes)."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.credentials import Credentials

from ._engine import Target
from ._http import DUMMY, FORCE_ERROR_HEADER, TargetError, Transport, TransportOptions
from .cassettes import network_blocked, open_replay, resolve_directory
from .mock import MockServer

if TYPE_CHECKING:
    from ._share import Share

__all__ = ["DUMMY", "FORCE_ERROR_HEADER", "Target", "TargetOptions", "check_spec", "open_target"]

SPECS = "mock, http(s)://HOST:PORT, aws[:REGION], moto, replay:DIR or replay:NAME (mock, published)"

# Backoff (base, cap) in seconds for a target on this machine. A loopback server shares no capacity with other
# clients and answers in about a millisecond, so a wait of a few milliseconds already lets a transient failure
# pass: a first retry waits 5-10 ms, a second 10-20 ms. A run of a few hundred requests with a 500 on every 7th
# then waits about half a second in all instead of 15 s at the polite waits remote targets (aws: included) get.
LOOPBACK_BACKOFF = (0.005, 1.0)


@dataclass
class TargetOptions:
    spec: str = "mock"
    region: str = "us-east-1"
    aws_profile: str | None = None
    timeout: float = 10.0
    insecure: bool = False
    budget: int | None = None
    rate: float | None = None
    max_attempts: int = 3
    allow_writes: bool | None = None
    seed: int = 0
    mock_clock: str | None = None
    # The target answers FORCE_ERROR_HEADER with the error it names (the reference mock is detected without this).
    force_errors: bool = False
    # A pytest-xdist worker's share of the run: it gets that part of the request budget and of the rate.
    share: Share | None = None


def _aws_credentials(profile: str | None) -> Credentials:
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.Session(profile_name=profile) if profile else boto3.Session()
        found = session.get_credentials()
    except BotoCoreError as exc:
        raise TargetError(f"cannot load AWS credentials: {exc}") from exc
    if found is None:
        raise TargetError("no AWS credentials found (set AWS_PROFILE, --aws-profile, or the AWS_* variables)")
    frozen = found.get_frozen_credentials()
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


def _probe(transport: Transport) -> None:
    """Fail now, in one line, if the target cannot be connected to (refused, unresolvable, TLS not trusted)."""
    try:
        transport.probe()
    except TargetError:
        transport.close()
        raise


def _limit(limits: TransportOptions, options: TargetOptions, budget: int | None, rate: float | None) -> None:
    """Set the request budget and rate for this process: a pytest-xdist worker gets its share of the run's."""
    share = options.share
    limits.budget, limits.rate = budget, rate
    if share is None or share.count == 1:
        return
    # The limits hold for all workers together, as the user gave them (or as real AWS's defaults say).
    if budget is not None:
        limits.budget, limits.run_budget = share.quota(budget), budget
    if rate is not None:
        limits.rate = rate / share.count


def check_spec(spec: str) -> str:
    """``spec`` if it names a target; TargetError naming the mistake (and the likely meaning) if not."""
    if spec in ("mock", "moto", "aws") or (spec.startswith(("aws:", "replay:")) and spec.partition(":")[2]):
        return spec
    parts = urllib.parse.urlsplit(spec)
    if parts.scheme in ("http", "https"):
        try:
            port = parts.port
        except ValueError:
            raise TargetError(f"target {spec!r}: the port is not a number from 1 to 65535") from None
        if not parts.hostname:
            raise TargetError(f"target {spec!r} names no host: use http(s)://HOST:PORT")
        if port == 0:
            raise TargetError(f"target {spec!r}: the port is not a number from 1 to 65535")
        return spec
    host, colon, port_text = spec.rpartition(":")
    if colon and host and "/" not in host and port_text.isdigit():
        raise TargetError(f"unknown target {spec!r}: did you mean http://{spec}?")
    raise TargetError(f"unknown target {spec!r}: use {SPECS}")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _transport(url: str, region: str, credentials: Credentials, options: TransportOptions) -> Transport:
    """The transport to ``url``, with the short backoff if it is on this machine."""
    transport = Transport(url, region, credentials, options)
    if _loopback(transport.host):
        options.backoff_base, options.backoff_cap = LOOPBACK_BACKOFF
    return transport


def open_target(options: TargetOptions) -> Target:
    """Start, connect to or replay the target named by ``options.spec``; TargetError/CassetteError if it can't."""
    spec = check_spec(options.spec)
    if spec.startswith("replay:"):
        # A recording is judged as it was made (its region, attempts and seed are in it), whatever the options say.
        return _open_replay(spec.partition(":")[2])
    if options.max_attempts < 1:
        raise TargetError(f"--max-attempts must be 1 or more, not {options.max_attempts}")
    transport_options = TransportOptions(
        timeout=options.timeout, insecure=options.insecure, max_attempts=options.max_attempts
    )
    _limit(transport_options, options, options.budget, options.rate)
    if spec == "mock":
        mock = MockServer(region=options.region, seed=options.seed, clock=options.mock_clock)
        mock.__enter__()
        transport = _transport(mock.url, options.region, DUMMY, transport_options)
        writes = True if options.allow_writes is None else options.allow_writes
        return Target(f"mock ({mock.url})", "mock", transport, True, writes, [lambda: mock.__exit__(None, None, None)])
    if spec.startswith(("http://", "https://")):
        creds = _aws_credentials(options.aws_profile) if options.aws_profile else DUMMY
        # Anything at a URL may be a live service: no write leaves the transport unless asked for.
        transport_options.read_only = not options.allow_writes
        transport = _transport(spec, options.region, creds, transport_options)
        _probe(transport)
        return Target(spec, "http", transport, options.force_errors, bool(options.allow_writes))
    if spec == "aws" or spec.startswith("aws:"):
        if os.environ.get("CI"):
            raise TargetError("refusing to call real AWS from CI: replay its cassettes instead")
        region = spec.partition(":")[2] or options.region
        creds = _aws_credentials(options.aws_profile)
        budget = options.budget if options.budget is not None else 200
        _limit(transport_options, options, budget, options.rate if options.rate is not None else 5.0)
        transport_options.read_only = not options.allow_writes
        transport = Transport(f"https://bedrock.{region}.amazonaws.com", region, creds, transport_options)
        _probe(transport)
        return Target(f"aws ({region})", "aws", transport, options.force_errors, bool(options.allow_writes))
    if spec == "moto":
        return _open_moto(options, transport_options)
    raise TargetError(f"unknown target {spec!r}: use {SPECS}")


def _open_replay(where: str) -> Target:
    """Recorded cassettes (a directory, or a shipped set by name) as a target, with the network blocked.

    The recording says how it was made (region, seed, attempts, ...): ``Target.replay.meta``. CassetteError if the
    cassettes cannot be read.
    """
    transport, meta = open_replay(resolve_directory(where))
    blocker = contextlib.ExitStack()
    blocker.enter_context(network_blocked())
    return Target(
        f"replay of {meta.get('target', '?')} ({where})",
        "replay",
        transport,
        # A recording learns that its target forces errors from the target's first answer, so a cassette
        # switched to before it says it cannot.
        any(i.meta.get("can_force_errors") for i in transport.interactions),
        bool(meta.get("writes")),
        [blocker.close],
        replay=transport,
    )


def _open_moto(options: TargetOptions, transport_options: TransportOptions) -> Target:
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise TargetError("the moto target needs moto[server]: pip install 'moto[server]'") from None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    transport = _transport(url, options.region, DUMMY, transport_options)
    writes = True if options.allow_writes is None else options.allow_writes
    return Target(f"moto ({url})", "moto", transport, options.force_errors, writes, [server.stop])
