"""The run's options, declared once for the CLI (``--name``) and for pytest (``--bc-name``), and the RunConfig
built from them."""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable
from typing import Any

from .._engine import RunConfig
from .._http import TargetError
from ..cassettes import RECORD_MODES
from ..targets import FORCE_ERROR_HEADER, check_spec


def _target(text: str) -> str:
    try:
        return check_spec(text)
    except TargetError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than ``minimum``."""

    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is less than {minimum}")
        return value

    whole.__name__ = "number"
    return whole


def positive(text: str) -> float:
    """An argparse type: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number above 0")
    return value


# The run's options, for the CLI (``--name``) and for pytest (``--bc-name``). Every one has help; a default that
# means something is shown in it.
OPTIONS: dict[str, dict[str, Any]] = {
    "target": {
        "type": _target,
        "default": "mock",
        "metavar": "TARGET",
        "help": "where to send requests: mock (the embedded reference mock), http(s)://HOST:PORT, aws[:REGION], "
        "moto, or replay:DIR (judge recorded cassettes offline)",
    },
    "region": {"default": "us-east-1", "metavar": "REGION", "help": "AWS region to sign requests for"},
    "seed": {
        "type": at_least(0),
        "default": None,
        "metavar": "N",
        "help": "reproduce a run's requests (default: a random seed, printed in the report)",
    },
    "examples": {"type": at_least(0), "default": 25, "metavar": "N", "help": "generated cases per clause"},
    "strict": {"action": "store_true", "help": "count AWS's recorded deviations as failures"},
    "allow-writes": {
        "action": "store_true",
        "default": None,
        "help": "create and delete application profiles (default: only against mock and moto)",
    },
    "profile-id": {
        "action": "append",
        "default": [],
        "metavar": "ID",
        "help": "also check this profile (repeatable)",
    },
    "max-profiles": {"type": at_least(0), "default": 25, "metavar": "N", "help": "how many listed profiles to resolve"},
    "report-json": {"default": None, "metavar": "FILE", "help": "write the per-clause report as JSON"},
    "report-md": {"default": None, "metavar": "FILE", "help": "write the per-clause report as a Markdown matrix"},
    "report-html": {"default": None, "metavar": "FILE", "help": "write a self-contained HTML report to hand on"},
    "baseline": {"default": None, "metavar": "FILE", "help": "known failures that do not fail the run"},
    "timeout": {"type": positive, "default": 10.0, "metavar": "SECONDS", "help": "read timeout"},
    "insecure": {"action": "store_true", "help": "accept an untrusted TLS certificate"},
    "force-errors": {
        "action": "store_true",
        "help": f"the target answers the {FORCE_ERROR_HEADER} header with the error it names: force each modelled "
        "error with it (the reference mock is detected without this)",
    },
    "budget": {
        "type": at_least(1),
        "default": None,
        "metavar": "N",
        "help": "at most this many requests (default: unlimited; 200 against aws)",
    },
    "rate-limit": {
        "type": positive,
        "default": None,
        "dest": "rate",
        "metavar": "PER_SECOND",
        "help": "requests per second (default: unlimited; 5 against aws)",
    },
    "max-attempts": {
        "type": at_least(1),
        "default": 3,
        "metavar": "N",
        "help": "send a request at most this many times when a 429, a 5xx or a reset may pass (1: no retries)",
    },
    "aws-profile": {"default": None, "metavar": "PROFILE", "help": "credentials from this AWS profile"},
    "record": {"default": None, "metavar": "DIR", "help": "record every interaction into vcrpy cassettes in DIR"},
    "record-mode": {"default": "all", "choices": RECORD_MODES, "help": "vcrpy record mode"},
    "scrub-account": {"action": "store_true", "help": "replace every 12-digit account id with 111111111111"},
    "sdk": {
        "action": "append",
        "nargs": "?",
        "const": "boto3",
        "default": [],
        "metavar": "SDK",
        "help": "also run the sdk.* suites with boto3 (the default), aiobotocore or js, or NAME==VERSION; repeatable",
    },
    "show-sensitive": {"action": "store_true", "help": "quote description values in reports instead of redacting them"},
    "mock-clock": {
        "default": None,
        "metavar": "TIME",
        "help": "freeze the embedded mock's clock (reproducible recordings)",
    },
}


def add_options(add: Any, prefix: str = "") -> None:
    """Declare the run options on argparse (``prefix=''``) or on pytest (``prefix='bc-'``)."""
    for name, spec in OPTIONS.items():
        kwargs = dict(spec)
        kwargs["dest"] = "bc_" + kwargs.pop("dest", name.replace("-", "_"))
        default = kwargs.get("default")
        if default not in (None, False, []) and "(default" not in kwargs["help"]:
            kwargs["help"] += " (default: %(default)s)"
        add(f"--{prefix}{name}", **kwargs)


def config_from(values: Any) -> RunConfig:
    get = lambda name: getattr(values, "bc_" + name)  # noqa: E731
    run_seed = get("seed")
    return RunConfig(
        target=get("target"),
        region=get("region"),
        seed=run_seed if run_seed is not None else random.randrange(2**32),
        examples=get("examples"),
        strict=get("strict"),
        allow_writes=get("allow_writes"),
        profile_ids=list(get("profile_id") or []),
        max_profiles=get("max_profiles"),
        report_json=get("report_json"),
        report_md=get("report_md"),
        report_html=get("report_html"),
        baseline=get("baseline"),
        timeout=get("timeout"),
        insecure=get("insecure"),
        budget=get("budget"),
        rate=get("rate"),
        max_attempts=get("max_attempts"),
        aws_profile=get("aws_profile"),
        seed_given=run_seed is not None,
        record=get("record"),
        record_mode=get("record_mode"),
        scrub_account=get("scrub_account"),
        mock_clock=get("mock_clock"),
        sdks=list(get("sdk") or []),
        show_sensitive=get("show_sensitive"),
        force_errors=get("force_errors"),
    )
