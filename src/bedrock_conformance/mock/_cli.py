"""``bedrock-conformance mock``: serve the reference mock until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from ._server import DEFAULT_ACCOUNT, DEFAULT_HOST, DEFAULT_REGION, MockServer

_PROG = "bedrock-conformance mock"


class _UsageError(ValueError):
    """A flag or file the mock cannot start with; reported as one line, exit status 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the mock's flags. Values stay text here; run() checks them and reports one clear line."""
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", default="0", help="TCP port; 0 picks a free one (default 0)")
    parser.add_argument(
        "--region", default=DEFAULT_REGION, help=f"catalogue served to unlisted regions (default {DEFAULT_REGION})"
    )
    parser.add_argument("--account", default=DEFAULT_ACCOUNT, help=f"account ID in ARNs (default {DEFAULT_ACCOUNT})")
    parser.add_argument(
        "--catalogue", metavar="FILE", help="JSON catalogue of system-defined profiles (default bundled)"
    )
    parser.add_argument(
        "--credentials", metavar="FILE", help='JSON {"ACCESS_KEY_ID": "secret"}: verify SigV4 signatures against it'
    )
    parser.add_argument(
        "--deny",
        metavar="RULE",
        action="append",
        default=[],
        help="key:<glob>, resource:<glob> or action:<glob>; repeatable",
    )
    parser.add_argument("--rate-limit", metavar="N", help="requests per second per access key (token bucket)")
    parser.add_argument(
        "--fault",
        metavar="NAME=P",
        action="append",
        default=[],
        help="inject modelled error NAME with probability P; repeatable",
    )
    parser.add_argument("--seed", default="0", help="seed for fault injection and application profile IDs (default 0)")


def _integer(flag: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _UsageError(f"{flag}: {text!r} is not an integer") from None


def _number(flag: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _UsageError(f"{flag}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise _UsageError(f"{flag}: {text!r} is not a finite number")
    return value


def _credentials(path: str) -> dict[str, str]:
    try:
        document: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise _UsageError(f"--credentials: cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise _UsageError(f"--credentials: {path} is not JSON: {exc}") from None
    if not isinstance(document, dict) or not all(isinstance(v, str) for v in document.values()):
        raise _UsageError(f'--credentials: {path} must be a JSON object {{"ACCESS_KEY_ID": "secret", ...}}')
    return document


def _faults(specs: list[str]) -> dict[str, float]:
    faults: dict[str, float] = {}
    for spec in specs:
        name, sep, probability = spec.partition("=")
        if not sep or not name:
            raise _UsageError(f"--fault: {spec!r} is not NAME=P")
        faults[name] = _number(f"--fault {name}", probability)
    return faults


def _server(args: argparse.Namespace) -> MockServer:
    port = _integer("--port", args.port)
    if not 0 <= port <= 65535:
        raise _UsageError(f"--port: {port} is not a TCP port")
    try:
        return MockServer(
            host=args.host,
            port=port,
            region=args.region,
            account=args.account,
            catalogue=args.catalogue,
            credentials=_credentials(args.credentials) if args.credentials else None,
            deny=args.deny,
            rate_limit=_number("--rate-limit", args.rate_limit) if args.rate_limit is not None else None,
            faults=_faults(args.fault),
            seed=_integer("--seed", args.seed),
        ).start()
    except OSError as exc:
        raise _UsageError(f"cannot listen on {args.host}:{port}: {exc.strerror or exc}") from None
    except ValueError as exc:
        if isinstance(exc, _UsageError):
            raise
        raise _UsageError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Serve the reference mock; print its URL as the first line of stdout; stop on SIGINT or SIGTERM."""
    try:
        mock = _server(args)
    except _UsageError as exc:
        print(f"{_PROG}: error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(mock.url, flush=True)
        print(f"{_PROG}: serving {mock.url} for account {mock.account}; stop with Ctrl-C", file=sys.stderr)
        # A bounded wait keeps the main thread returning to the interpreter, where signal handlers run.
        while not stop.wait(0.5):
            pass
    finally:
        mock.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
