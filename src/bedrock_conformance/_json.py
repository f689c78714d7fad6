"""The one JSON reader for what targets send: strict RFC 8259, which has no NaN or Infinity."""

from __future__ import annotations

import json
from typing import Any


class NotJSON(ValueError):
    """Text that Python's json module reads but RFC 8259 does not allow: NaN, Infinity, -Infinity."""


def _no_constant(name: str) -> Any:
    raise NotJSON(f"{name} is not a JSON number (RFC 8259 has no NaN or Infinity)")


def loads(text: str | bytes) -> Any:
    """``json.loads``, except that NaN, Infinity and -Infinity are errors, as RFC 8259 says: they are not JSON."""
    return json.loads(text, parse_constant=_no_constant)
