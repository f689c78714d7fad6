"""Shared fixtures for the project's own tests (the suites in suites/ have their own conftest)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parent.parent / "shared"
PUBLISHED = SHARED / "data" / "published-aws" / "responses.json"


@pytest.fixture(scope="session")
def published_records() -> list[dict[str, Any]]:
    """The real AWS responses published in public sources (read-only, beside the repository)."""
    if not PUBLISHED.exists():
        pytest.fail(f"{PUBLISHED} is missing: the tests need ../shared beside the checkout")
    return list(json.loads(PUBLISHED.read_text(encoding="utf-8"))["records"])
