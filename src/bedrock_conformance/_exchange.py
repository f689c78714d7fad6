"""What goes to a target and what comes back: requests, responses, exchanges, and the secrets cut out of them.

Below the transport (``_http``), the checks and everything beside the engine (cassettes, the mock, the SDK runs):
the headers and values they share are written here once.
"""

from __future__ import annotations

import functools
import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from ._json import loads

SCRUBBED = "<scrubbed>"
# Headers that carry secrets or per-request signing material; never stored, printed or recorded.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "x-amz-security-token",
        "x-amz-date",
        "amz-sdk-invocation-id",
        "cookie",
        "set-cookie",
        "x-amz-content-sha256",
    }
)
SERVICE = "bedrock"
# A request carrying this header asks the target for that modelled error (the reference mock honours it): the
# error is the point of the request, so it is never retried.
FORCE_ERROR_HEADER = "x-bedrock-conformance-force-error"
# The clause a request serves travels with it in this header, so that a recording of it can be judged again.
CHECK_HEADER = "x-bedrock-conformance-check"
# Every answer of the reference mock names it in its Server header, so that a run against a mock started by hand
# (a URL target) knows it can force each modelled error with FORCE_ERROR_HEADER.
SERVER = "bedrock-conformance-mock"
# The error of an exchange that a partial recording cannot answer: the checks that needed it skip.
NOT_RECORDED = "not in the cassettes"


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def scrub_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (SCRUBBED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def encode_label(label: str) -> str:
    """Percent-encode a path label the way botocore does: ':' and '/' included."""
    return quote(label, safe="-_.~")


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    label: str | None = None
    region: str = ""

    @property
    def retryable(self) -> bool:
        """Whether a 429 or a transient failure of this request may be cured by sending it again."""
        return header(self.headers, FORCE_ERROR_HEADER) is None

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "url": self.url, "headers": scrub_headers(self.headers)}
        if self.label is not None:
            out["identifier"] = self.label
        if self.body:
            out["body"] = _body_for_report(self.body)
        return out


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    reason: str = ""

    def header(self, name: str) -> str | None:
        return header(self.headers, name)

    def json(self) -> Any:
        """The body as JSON, as RFC 8259 reads it: ValueError for anything else, NaN and Infinity included."""
        return loads(self.body)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "headers": scrub_headers(self.headers), "body": _body_for_report(self.body)}


def _body_for_report(body: bytes, limit: int = 16384) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(body)} bytes, not UTF-8>"
    try:
        if len(text) <= limit:
            # The strict reader: a body with NaN or Infinity is shown as the text it is, so the JSON report stays JSON.
            return loads(text)
    except ValueError:
        pass
    return text if len(text) <= limit else f"{text[:limit]}… ({len(body)} bytes)"


@dataclass
class Exchange:
    """One request and what came back (or the transport error instead)."""

    request: Request
    response: Response | None = None
    error: str | None = None
    elapsed: float = 0.0
    # How many times the request was sent, retries included; ``response``/``error`` are the last attempt's.
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"request": self.request.to_dict()}
        if self.response is not None:
            out["response"] = self.response.to_dict()
        if self.error is not None:
            out["error"] = self.error
        return out

    def curl(self) -> str:
        """A command that sends the same request, signed with the caller's own credentials."""
        parts = ["curl", "-sS", "-i", "-X", self.request.method, self.request.url]
        parts += ["--aws-sigv4", f"aws:amz:{self.request.region or 'us-east-1'}:{SERVICE}"]
        parts += ["--user", "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"]
        for name, value in self.request.headers.items():
            if name.lower() in SECRET_HEADERS or name.lower() in ("host", "content-length"):
                continue
            parts += ["-H", f"{name}: {value}"]
        if self.request.body:
            parts += ["--data-binary", self.request.body.decode("utf-8", "replace")]
        return " ".join(shlex.quote(p) if not p.startswith("$AWS") else f'"{p}"' for p in parts)


# ------------------------------------------------------------------------------------------------ secrets
@functools.lru_cache(maxsize=4096)
def _forms(secret: str) -> tuple[str, ...]:
    """A secret as it may appear: itself, percent-encoded, or escaped inside a JSON string.

    Cached: a recording redacts every answer against the signatures of the latest few hundred requests."""
    return tuple({secret, quote(secret, safe=""), json.dumps(secret)[1:-1]})


@functools.lru_cache(maxsize=4096)
def _byte_forms(secret: str) -> tuple[bytes, ...]:
    return tuple({form.encode("utf-8", "replace") for form in _forms(secret)})


_SCRUBBED_BYTES = SCRUBBED.encode()


def redact_text(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        for form in _forms(secret):
            text = text.replace(form, SCRUBBED)
    return text


def redact_bytes(data: bytes, secrets: list[str]) -> bytes:
    for secret in secrets:
        for form in _byte_forms(secret):
            data = data.replace(form, _SCRUBBED_BYTES)
    return data


def redact(response: Response, secrets: list[str]) -> Response:
    """The response with every credential of the caller cut out (a hostile target may echo them back)."""
    headers = {k: redact_text(v, secrets) for k, v in response.headers.items()}
    body = redact_bytes(response.body, secrets)
    return Response(response.status, headers, body, redact_text(response.reason, secrets))
