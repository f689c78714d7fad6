"""SDK conformance: drive boto3, aiobotocore and the AWS SDK for JavaScript v3 through the sdk.* clauses.

    from bedrock_conformance.sdk import run_sdk_suite, render_sdk_matrix

    runs = [run_sdk_suite(name, recorder, config) for name in ("boto3", "aiobotocore", "js")]
    print(render_sdk_matrix(runs))

Each SDK runs in an adapter process (``_pyadapter.py``, ``js/adapter.mjs``) that speaks JSON lines, against
the reference mock (forced errors, counted attempts) and a loopback server of canned answers (generated
bodies, error variants, raw request targets). SDKs the running interpreter lacks are installed into the
cache on first use; without Node.js the js suite is skipped with the reason.
"""

from __future__ import annotations

import argparse

from ._env import SdkUnavailable, cache_dir, runtime_for
from ._matrix import render_sdk_matrix
from ._run import SdkRun
from ._spec import SdkSpecError, parse_sdk, sdk_clause_ids, sdk_names
from ._suite import run_sdk_suite

__all__ = [
    "SdkRun",
    "SdkSpecError",
    "SdkUnavailable",
    "add_sdk_arguments",
    "cache_dir",
    "parse_sdk",
    "provision",
    "render_sdk_matrix",
    "run_sdk_suite",
    "sdk_clause_ids",
    "sdk_names",
]

DEFAULT_SDK = "boto3"


def _sdk_argument(text: str) -> str:
    try:
        return str(parse_sdk(text))
    except SdkSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_sdk_arguments(parser: argparse.ArgumentParser, dest: str = "sdk") -> None:
    """``--sdk NAME[==VERSION]``, repeatable; the values land in ``dest`` (None when not given: use boto3)."""
    parser.add_argument(
        "--sdk",
        dest=dest,
        action="append",
        type=_sdk_argument,
        default=None,
        metavar="SDK",
        help=f"run the sdk.* suites with this SDK: {', '.join(sdk_names())}, or NAME==VERSION "
        f"(repeatable; default {DEFAULT_SDK})",
    )


def provision(sdk: str) -> str:
    """Install ``sdk`` into the cache now if it needs it (CI can do this before the tests); returns where it runs."""
    return runtime_for(parse_sdk(sdk)).where
