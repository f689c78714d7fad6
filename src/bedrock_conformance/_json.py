"""The one JSON reader for what targets send: strict RFC 8259, which has no NaN or Infinity."""

from __future__ import annotations

import json
from typing import Any


class NotJSON(ValueError):
    """Text that Python's json module reads but RFC 8259 does not allow: NaN, Infinity, -Infinity."""


def _no_constant(name: str) -> Any:
    raise NotJSON(f"{name} is not a JSON number (RFC 8259 has no NaN or Infinity)")


# One decoder for every body: ``json.loads(text, parse_constant=...)`` builds a new one per call, which doubled the
# cost of re-judging recorded answers (benchmarks row 4).
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def loads(text: str | bytes | bytearray) -> Any:
    """``json.loads``, except that NaN, Infinity and -Infinity are errors, as RFC 8259 says: they are not JSON."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    elif not isinstance(text, str):
        raise TypeError(f"the JSON object must be str, bytes or bytearray, not {type(text).__name__}")
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _DECODER.decode(text)
