"""The fixtures and hooks that ``suites/conftest.py`` takes, so that ``pytest --pyargs bedrock_conformance.suites``
runs without the CLI too."""

from __future__ import annotations

import pytest

from .._engine import RunConfig, Session
from .._http import TargetError
from ..report import BaselineError
from ._options import add_options, config_from
from ._plugin import PLUGIN_NAME, XDIST_KEY, ConformancePlugin


def _plugin(config: pytest.Config) -> ConformancePlugin:
    plugin = next((p for p in config.pluginmanager.get_plugins() if isinstance(p, ConformancePlugin)), None)
    assert plugin is not None, "the bedrock-conformance plugin is not registered"
    return plugin


@pytest.fixture(scope="session")
def conformance(request: pytest.FixtureRequest) -> Session:
    """The run's session against its target, opened once."""
    try:
        return _plugin(request.config)._open()
    except TargetError as exc:
        pytest.exit(str(exc), returncode=2)


@pytest.fixture(scope="session")
def conformance_baseline(request: pytest.FixtureRequest) -> dict[str, str]:
    """Known failures (clause -> reason) from --baseline."""
    return _plugin(request.config).baseline


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bedrock-conformance")
    add_options(group.addoption, prefix="bc-")


def pytest_configure(config: pytest.Config) -> None:
    if any(isinstance(p, ConformancePlugin) for p in config.pluginmanager.get_plugins()):
        return
    controller = getattr(config, "workerinput", {}).get(XDIST_KEY)
    if controller is None:
        try:
            plugin = ConformancePlugin(config_from(config.option))
        except BaselineError as exc:
            pytest.exit(str(exc), returncode=2)
        config.pluginmanager.register(plugin, PLUGIN_NAME)
        return
    # An xdist worker: the controller's run, reported by the controller alone.
    run_config = RunConfig(
        **{**controller, "report_json": None, "report_md": None, "report_html": None, "quiet": True, "progress": False}
    )
    config.pluginmanager.register(ConformancePlugin(run_config, worker=True), PLUGIN_NAME)
