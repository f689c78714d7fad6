"""pytest plugin: the ``bedrock_mock`` and ``bedrock_mock_factory`` fixtures for users' own tests.

Installing the package changes nothing else: the user's Hypothesis settings stay theirs (the suites carry their
own, see ``_profiles.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .mock import MockServer

MARKER = "bedrock_mock"
# Settings that would send boto3 elsewhere, or make it look for a profile or a token the test does not have.
_CLEARED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): start the test's bedrock_mock with these MockServer options "
        "(region, faults, deny, rate_limit, catalogue, credentials, seed, ...)",
    )


def _point_boto3_at(monkeypatch: pytest.MonkeyPatch, mock: MockServer, credentials: Any) -> None:
    """Credentials, region and endpoint for boto3, for the test's duration (monkeypatch restores them)."""
    import boto3

    from .targets import DUMMY

    access_key, secret_key = (
        next(iter(dict(credentials).items())) if credentials else (DUMMY.access_key, DUMMY.secret_key)
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", mock.region)
    monkeypatch.setenv("AWS_REGION", mock.region)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", mock.url)
    # boto3's default session keeps the credentials it first found; the test's clients get a fresh one.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


@pytest.fixture
def bedrock_mock_factory(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., MockServer]]:
    """Start a reference mock with ``MockServer``'s options and point boto3 at it; every one started stops after.

    ``bedrock_mock_factory(region="eu-west-1", faults={"ThrottlingException": 0.5}, deny=["resource:*claude*"],
    rate_limit=5, catalogue="catalogue.json")``. boto3 gets dummy credentials (or the first pair of
    ``credentials``), the mock's region and ``AWS_ENDPOINT_URL_BEDROCK``, restored when the test ends.
    """
    # Imported here so that every pytest run with this package installed does not pay for the mock.
    from .mock import MockServer

    started: list[MockServer] = []

    def start(**options: Any) -> MockServer:
        # Cleared first: botocore, which the mock asks for region data, refuses to load an unknown AWS_PROFILE.
        for name in _CLEARED:
            monkeypatch.delenv(name, raising=False)
        mock = MockServer(**options).start()
        started.append(mock)
        _point_boto3_at(monkeypatch, mock, options.get("credentials"))
        return mock

    try:
        yield start
    finally:
        for mock in reversed(started):
            mock.stop()


@pytest.fixture
def bedrock_mock(request: pytest.FixtureRequest, bedrock_mock_factory: Callable[..., MockServer]) -> MockServer:
    """A started reference mock (fresh state per test) that unconfigured boto3 reaches.

    Options come from ``@pytest.mark.bedrock_mock(region="eu-west-1", ...)``, as for ``bedrock_mock_factory``.
    """
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None and marker.args:
        # The user's mistake, in one line: no traceback through this fixture.
        pytest.fail(f"@pytest.mark.{MARKER} takes keyword arguments only (MockServer's options)", pytrace=False)
    return bedrock_mock_factory(**(marker.kwargs if marker is not None else {}))


SUITES = "bedrock_conformance.suites"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """``--pyargs bedrock_conformance.suites`` collects the suites' folder by path.

    pytest loads a conftest before it parses the command line only for arguments that are paths, so the suites'
    options (``--bc-target`` ...) would be unknown under ``--pyargs``. Naming the folder instead also works from a
    checkout, where the suites are the top-level ``suites/`` folder.
    """
    if not early_config.known_args_namespace.pyargs or not any(a.split("::")[0].startswith(SUITES) for a in args):
        return
    from ._schemas import data_dir

    def as_path(arg: str) -> str:
        name, sep, rest = arg.partition("::")
        if name != SUITES and not name.startswith(SUITES + "."):
            return arg
        module = name[len(SUITES) + 1 :]
        path = data_dir("suites") / (module.replace(".", "/") + ".py" if module else "")
        return str(path) + sep + rest

    args[:] = [as_path(a) for a in args]
    namespace = early_config.known_args_namespace
    namespace.file_or_dir = [as_path(a) for a in namespace.file_or_dir]
