"""Who is calling: SigV4 Authorization parsing, signature verification with botocore, and deny rules."""

from __future__ import annotations

import fnmatch
import functools
import hmac
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import Message

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from .._schemas import contract
from ._answers import answer
from ._catalogue import partition_of

# SigV4 protocol constants (the signing algorithm, not the service contract).
_ALGORITHM = "AWS4-HMAC-SHA256"
_SCOPE_TERMINATOR = "aws4_request"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_HEX = frozenset(string.hexdigits)


@dataclass(frozen=True)
class Caller:
    """A request's SigV4 identity: the access key and the credential scope it signed for."""

    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str

    @property
    def partition(self) -> str:
        return partition_of(self.region) or ""


def signing_name() -> str:
    return contract().signing_name


def identify(headers: Message) -> Caller:
    """Parse a well-formed SigV4 Authorization header for this service, or raise the error AWS answers."""
    authorization = headers.get("Authorization")
    if not authorization:
        raise answer("missingAuthentication")
    incomplete = answer("incompleteSignature")
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != _ALGORITHM:
        raise incomplete
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or key in fields:
            raise incomplete
        fields[key] = value
    scope = fields.get("Credential", "").split("/")
    signed = tuple(fields.get("SignedHeaders", "").split(";"))
    signature = fields.get("Signature", "")
    amz_date = headers.get("X-Amz-Date", "")
    if (
        len(scope) != 5
        or not all(scope)
        or scope[4] != _SCOPE_TERMINATOR
        or not all(signed)
        or "host" not in signed
        or any(h != h.lower() for h in signed)
        or len(signature) != 64
        or not _HEX.issuperset(signature)
        or not _is_amz_date(amz_date)
        or scope[1] != amz_date[:8]
    ):
        raise incomplete
    access_key, date, region, service, _ = scope
    if service != signing_name():
        raise answer("wrongService", service=signing_name())
    if partition_of(region) is None:
        raise answer("invalidRegion")
    return Caller(access_key, date, region, service, signed, signature.lower(), amz_date)


# Every request of the same second carries the same X-Amz-Date; strptime is slow enough to be worth caching.
@functools.lru_cache(maxsize=256)
def _is_amz_date(value: str) -> bool:
    try:
        datetime.strptime(value, _AMZ_DATE)
    except ValueError:
        return False
    return len(value) == len("YYYYMMDDTHHMMSSZ")


class _Recomputer(SigV4Auth):
    """botocore's SigV4 signer, told which headers the client signed instead of choosing them itself."""

    def __init__(self, credentials: Credentials, service: str, region: str, signed: HTTPHeaders) -> None:
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        return self._signed


def verify(
    caller: Caller,
    secret_key: str,
    *,
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
) -> bool:
    """Recompute the request's signature with botocore and compare it in constant time."""
    pairs = list(headers)
    signed = HTTPHeaders()
    for name, value in pairs:
        if name.lower() in caller.signed_headers:
            signed[name.lower()] = value
    request = AWSRequest(method=method, url=url, data=body, headers=dict(pairs))
    request.context["timestamp"] = caller.amz_date
    signer = _Recomputer(Credentials(caller.access_key, secret_key), caller.service, caller.region, signed)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    return hmac.compare_digest(expected, caller.signature)


@dataclass(frozen=True)
class DenyRule:
    """``key:<glob>`` denies an access key, ``resource:<glob>`` an ARN or ID, ``action:<glob>`` an IAM action."""

    kind: str
    glob: str

    KINDS = ("key", "resource", "action")

    @classmethod
    def parse(cls, text: str) -> DenyRule:
        kind, sep, glob = text.partition(":")
        if not sep or kind not in cls.KINDS or not glob:
            raise ValueError(f"deny rule {text!r} is not one of " + ", ".join(f"{k}:<glob>" for k in cls.KINDS))
        return cls(kind, glob)

    def denies(self, *, access_key: str, action: str, resources: Iterable[str]) -> bool:
        if self.kind == "key":
            return fnmatch.fnmatchcase(access_key, self.glob)
        if self.kind == "action":
            return fnmatch.fnmatchcase(action, self.glob)
        return any(fnmatch.fnmatchcase(resource, self.glob) for resource in resources)
