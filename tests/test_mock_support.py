"""Helpers shared by the mock's tests: boto3 clients and signed raw HTTP against a MockServer (no tests here)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.credentials import Credentials

from bedrock_conformance import contract
from bedrock_conformance.mock import FORCE_ERROR_HEADER, MockServer

ACCESS_KEY = "AKIDCONFORMANCE"
SECRET_KEY = "conformance-secret"
HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0"


def client(
    mock: MockServer, *, region: str = "us-east-1", key: str = ACCESS_KEY, secret: str = SECRET_KEY
) -> BaseClient:
    """An unmodified boto3 bedrock client aimed at the mock, without retries (so 429/500 surface at once)."""
    return boto3.client(
        "bedrock",
        region_name=region,
        endpoint_url=mock.url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def forcing(bedrock: BaseClient, error: str) -> BaseClient:
    """Make every call of ``bedrock`` carry the force-error header."""

    def add_header(request: AWSRequest, **_: Any) -> None:
        request.headers[FORCE_ERROR_HEADER] = error

    bedrock.meta.events.register("before-sign.bedrock.*", add_header)
    return bedrock


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error_type(self) -> str:
        return self.headers.get("x-amzn-errortype", "").split(":", 1)[0]


def raw(
    mock: MockServer | str,
    method: str,
    target: str,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    region: str = "us-east-1",
    key: str = ACCESS_KEY,
    secret: str = SECRET_KEY,
    service: str = "bedrock",
    sign: bool = True,
) -> Answer:
    """Send one request exactly as given (target still percent-encoded), SigV4-signed by botocore unless told not.

    ``mock`` is a MockServer or the URL of one (a mock started by the CLI).
    """
    url = mock if isinstance(mock, str) else mock.url
    request = AWSRequest(method=method, url=url + target, data=body, headers=dict(headers or {}))
    if sign:
        SigV4Auth(Credentials(key, secret), service, region).add_auth(request)
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request(method, target, body=body, headers=dict(request.headers.items()))
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def situation(name: str) -> Mapping[str, Any]:
    """What errors.json says the mock answers in a situation (the tests read the same data as the mock)."""
    entry: Mapping[str, Any] = contract().documents["errors.json"]["x-mock-answers"][name]
    return entry


def status_of(error: str) -> int:
    errors = contract().documents["errors.json"]
    if error in contract().errors:
        return contract().errors[error].status
    return int(errors["x-service-errors"][error]["x-http-status"])
