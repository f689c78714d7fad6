"""pytest plugin: hypothesis profiles and the ``bedrock_mock`` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ._profiles import register_profiles

if TYPE_CHECKING:
    from .mock import MockServer

register_profiles()


@pytest.fixture
def bedrock_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockServer]:
    """A started reference mock (fresh state per test); ``AWS_ENDPOINT_URL_BEDROCK`` points boto3 at it."""
    # Imported here so that every pytest run with this package installed does not pay for the mock.
    from .mock import MockServer

    with MockServer() as mock:
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", mock.url)
        yield mock


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
