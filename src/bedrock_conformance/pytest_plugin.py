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
