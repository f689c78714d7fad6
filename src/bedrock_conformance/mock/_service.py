"""The inference-profile operations: routing, checks in AWS's order, and the state the mock holds.

Routes, constraints, ARN forms, defaults and error choices are all read from ``schemas/``; this module
only decides the order in which they apply.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import json
import random
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from .._http import FORCE_ERROR_HEADER
from .._model import Operation
from .._schemas import contract
from .._validator import (
    Finding,
    Outcome,
    shape_validator,
    validate_identifier,
    validate_request_member,
    validate_response,
)
from ._answers import MockError, answer, json_object, modelled, rejection
from ._auth import Caller, DenyRule, identify, verify
from ._catalogue import Catalogue, arn, render
from ._members import creation, listing, profile
from ._tagging import Tags
from ._traffic import FaultInjector, RateLimiter


@dataclass(frozen=True)
class Request:
    """One HTTP request as the wire carried it: the path and query still percent-encoded."""

    method: str
    path: str
    query: str
    headers: Message
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


@dataclass(frozen=True)
class Profile:
    """A profile as served: its body, and that body already encoded (Get and List send the same bytes)."""

    body: Mapping[str, Any]
    encoded: bytes

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> Profile:
        return cls(body, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    @property
    def id(self) -> str:
        return str(self.body[profile().id])

    @property
    def arn(self) -> str:
        return str(self.body[profile().arn])

    @property
    def type(self) -> str:
        return str(self.body[profile().type])


@dataclass
class _Region:
    """What one region serves: the catalogue's system profiles and the application profiles created there."""

    system: list[Profile]
    index: dict[str, Profile]
    applications: dict[str, Profile] = field(default_factory=dict)

    def find(self, identifier: str) -> Profile | None:
        return self.index.get(identifier)

    def everything(self) -> list[Profile]:
        return [*self.system, *self.applications.values()]


@dataclass(frozen=True)
class Route:
    operation: str
    method: str
    segments: tuple[str, ...]
    label: str | None
    model: Operation

    def match(self, parts: list[str]) -> str | None:
        """The raw label if the path's segments fit this route ('' when it has no label), else None."""
        if len(parts) != len(self.segments):
            return None
        label = ""
        for part, segment in zip(parts, self.segments, strict=True):
            if segment.startswith("{"):
                if not part:
                    return None
                label = part
            elif part != segment:
                return None
        return label


def routes() -> list[Route]:
    """Every operation the contract describes: GetInferenceProfile and its siblings."""
    return [Route(op.name, op.method, op.segments, op.label, op) for op in contract().operations.values()]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _decode(label: str) -> str:
    """AWS percent-decodes the path label before it checks it (the request line arrives as latin-1)."""
    return unquote_to_bytes(label.encode("latin-1")).decode("utf-8", errors="replace")


def _failures_at(findings: Iterable[Finding], member: str) -> list[Finding]:
    """The failures among findings about a lone value, re-pointed at the request member that carried it."""
    return [dataclasses.replace(f, pointer=f"/{member}{f.pointer}") for f in findings if f.outcome is Outcome.FAIL]


@functools.lru_cache(maxsize=4096)
def _identifier_failures(identifier: str) -> tuple[Finding, ...]:
    # Clients ask for the same few identifiers again and again; their verdict never changes.
    return tuple(f for f in validate_identifier(identifier, strict=True) if f.outcome is Outcome.FAIL)


def _strict(operation: Operation, value: Any) -> list[Finding]:
    # Requests are held to the page: a recorded AWS deviation excuses AWS's answers, not a client's input.
    return shape_validator(operation.input).validate(value, strict=True)


def _integer(text: str) -> int | str:
    """A query value the model types as an integer; left as text (and so rejected) unless it is one."""
    digits = text[1:] if text.startswith("-") else text
    return int(text) if digits.isascii() and digits.isdigit() else text


class Service:
    """Answers requests; holds the application profiles, idempotency tokens and per-region views."""

    def __init__(
        self,
        *,
        region: str,
        account: str,
        catalogue: Catalogue,
        credentials: Mapping[str, str] | None,
        deny: Iterable[DenyRule],
        limiter: RateLimiter | None,
        faults: FaultInjector | None,
        seed: int,
        clock: str | None = None,
    ) -> None:
        self.clock = clock
        self.region = region
        self.account = account
        self.catalogue = catalogue
        self._credentials = dict(credentials) if credentials is not None else None
        self._deny = tuple(deny)
        self._limiter = limiter
        self._faults = faults
        self._routes = routes()
        self._handlers: dict[str, Callable[[Route, str, Request, Caller], Reply]] = {
            "GetInferenceProfile": self._get,
            "ListInferenceProfiles": self._list,
            "CreateInferenceProfile": self._create,
            "DeleteInferenceProfile": self._delete,
            "TagResource": self._tagging,
            "UntagResource": self._tagging,
            "ListTagsForResource": self._tagging,
        }
        self._tags = Tags()
        self._lock = threading.RLock()
        self._regions: dict[str, _Region] = {}
        self._tokens: dict[tuple[str, str], tuple[str, str]] = {}
        # Application profile IDs repeat run to run for one seed, like the faults.
        self._ids = random.Random(seed)
        self._copyable_models = catalogue.model_arns()
        if not catalogue.offered_in(region):
            listed = ", ".join(catalogue.regions())
            raise ValueError(f"region {region!r} has no profiles in {catalogue.origin} (it lists {listed})")

    def handle(self, request: Request) -> Reply:
        """Answer one request, or raise the MockError that answers it.

        The order: a forced error; routing; SigV4 authentication; throttling; injected faults; then, in the
        operation, input validation, deny rules (which need the resource ARN), and the operation itself.
        """
        forced = request.headers.get(FORCE_ERROR_HEADER)
        if forced is not None:
            raise self._forced(forced.strip())
        route, label = self._route(request)
        caller = self._authenticate(request)
        if self._limiter is not None and not self._limiter.allow(caller.access_key):
            raise answer("throttled")
        if self._faults is not None:
            injected = self._faults.draw()
            if injected is not None:
                raise modelled(injected)
        return self._handlers[route.operation](route, label, request, caller)

    def _forced(self, name: str) -> MockError:
        known = contract().errors
        if name in known:
            return modelled(name)
        return answer("unknownForcedError", header=FORCE_ERROR_HEADER, name=name, known=", ".join(sorted(known)))

    def _route(self, request: Request) -> tuple[Route, str]:
        path = request.path
        if len(path) > 1 and path.endswith("/"):
            # botocore turns an empty label into a trailing '/', which AWS routes as the unlabelled operation.
            path = path[:-1]
        if path.startswith("/"):
            parts = path[1:].split("/")
            for route in self._routes:
                label = route.match(parts)
                if label is not None and route.method == request.method:
                    return route, label
        raise answer("unknownOperation", method=request.method, path=request.path)

    def _authenticate(self, request: Request) -> Caller:
        caller = identify(request.headers)
        if self._credentials is None:
            return caller
        secret = self._credentials.get(caller.access_key)
        if secret is None:
            raise answer("unknownAccessKey")
        url = f"http://{request.headers.get('Host', '')}{request.path}" + (f"?{request.query}" if request.query else "")
        if not verify(
            caller, secret, method=request.method, url=url, headers=request.headers.items(), body=request.body
        ):
            raise answer("signatureMismatch")
        return caller

    def _authorize(self, route: Route, caller: Caller, resource: str, *also: str) -> None:
        if not self._deny:
            return
        action = route.model.iam_action
        for rule in self._deny:
            if rule.denies(access_key=caller.access_key, action=action, resources=(resource, *also)):
                raise answer(
                    "accessDenied",
                    partition=caller.partition,
                    account=self.account,
                    user=caller.access_key,
                    action=action,
                    resource=resource,
                )

    def _view(self, region: str) -> _Region:
        view = self._regions.get(region)
        if view is not None:
            return view
        with self._lock:
            view = self._regions.get(region)
            if view is None:
                view = self._build(region)
                self._regions[region] = view
            return view

    def _build(self, region: str) -> _Region:
        # A region the catalogue does not list is served the default region's profiles, under its own ARNs.
        entries = self.catalogue.offered_in(region) or self.catalogue.offered_in(self.region)
        system = [Profile.of(render(entry, region=region, account=self.account)) for entry in entries]
        if region not in self.catalogue.regions():
            for profile in system:
                failed = [f for f in validate_response(profile.body) if f.outcome is Outcome.FAIL]
                if failed:
                    raise answer("internalError", problem=f"{profile.id} in {region}: {failed[0].message}")
        index = {key: p for p in system for key in (p.id, p.arn)}
        return _Region(system, index)

    def _existing(self, route: Route, identifier: str, caller: Caller) -> Profile:
        """The profile ``identifier`` names, once the caller may see it; ResourceNotFound otherwise."""
        found = self._resolve(identifier, caller)
        self._authorize(route, caller, self._resource(route, identifier, found, caller), identifier)
        if found is None:
            raise answer("profileNotFound", identifier=identifier)
        return found

    def _resolve(self, identifier: str, caller: Caller) -> Profile | None:
        view = self._view(caller.region)
        with self._lock:
            return view.find(identifier)

    def _resource(self, route: Route, identifier: str, found: Profile | None, caller: Caller) -> str:
        """The ARN IAM would evaluate: the profile's, the identifier itself if it is an ARN, else a system ARN."""
        if found is not None:
            return found.arn
        checks = shape_validator(contract().response.members[profile().arn]).validate(identifier)
        if not any(f.outcome is Outcome.FAIL for f in checks):
            return identifier
        return self._wildcard(route.model.iam_resource_type, caller, identifier)

    def _wildcard(self, kind: str, caller: Caller, profile_id: str = "*") -> str:
        return arn(kind, region=caller.region, account=self.account, profile_id=profile_id)

    def _query(self, request: Request) -> dict[str, str]:
        values: dict[str, str] = {}
        for name, value in parse_qsl(request.query, keep_blank_values=True, errors="replace"):
            values.setdefault(name, value)
        return values

    def _get(self, route: Route, label: str, request: Request, caller: Caller) -> Reply:
        identifier = _decode(label)
        assert route.label is not None
        findings = _failures_at(_identifier_failures(identifier), route.label)
        query = self._query(request)
        for name in route.model.located("querystring"):
            if name in query:
                findings += _failures_at(validate_request_member(name, query[name]), name)
        problem = rejection(findings)
        if problem is not None:
            raise problem
        found = self._existing(route, identifier, caller)
        return Reply(route.model.success_status, found.encoded)

    def _list(self, route: Route, label: str, request: Request, caller: Caller) -> Reply:
        wire_names = route.model.query
        members = route.model.members
        query = self._query(request)
        params: dict[str, Any] = {}
        for wire in wire_names:
            if wire in query:
                params[wire] = _integer(query[wire]) if members[wire].type == "integer" else query[wire]
        problem = rejection(_strict(route.model, params), names=wire_names)
        if problem is not None:
            raise problem
        self._authorize(route, caller, self._wildcard(route.model.iam_resource_type, caller))
        names = listing()
        kind = params.get(names.filter, members[names.filter].default)
        view = self._view(caller.region)
        with self._lock:
            matching = [p for p in view.everything() if p.type == kind]
        start = self._offset(params.get(names.token), kind)
        size = params.get(names.page_size) or len(matching)
        page = matching[start : start + size]
        # Summaries are spliced in already encoded: a page costs no re-serialisation of its profiles.
        body = b"{" + json.dumps(names.items).encode() + b":[" + b",".join(p.encoded for p in page) + b"]"
        if start + size < len(matching):
            token = self._token(kind, start + size)
            body += b"," + json.dumps(names.next_token).encode() + b":" + json.dumps(token).encode()
        return Reply(route.model.success_status, body + b"}")

    @staticmethod
    def _token(kind: str, offset: int) -> str:
        return base64.urlsafe_b64encode(json.dumps([kind, offset]).encode()).decode().rstrip("=")

    @classmethod
    def _offset(cls, token: str | None, kind: str) -> int:
        """Where a nextToken resumes: only a token as the mock spells it (decoding alone would skip stray characters
        and padding), past the first page, and with the filter it was issued for."""
        if token is None:
            return 0
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        except (ValueError, binascii.Error):
            decoded = None
        offset = decoded[1] if isinstance(decoded, list) and len(decoded) == 2 else None
        if type(offset) is not int or offset <= 0 or cls._token(kind, offset) != token:
            raise answer("badNextToken", token=token)
        return offset

    def _create(self, route: Route, label: str, request: Request, caller: Caller) -> Reply:
        document = json_object(request.body)
        problem = rejection(_strict(route.model, document))
        if problem is not None:
            raise problem
        given, made = creation(), profile()
        source = given.source_of(document)
        self._authorize(route, caller, self._wildcard(route.model.iam_resource_type, caller), source)
        creates = route.model.creates
        assert creates is not None
        token = document.get(given.token)
        name = document[given.name]
        # What makes a retry with the same token the same request (not unknown members, which AWS ignores).
        fingerprint = json.dumps(
            [name, document.get(given.text), source, document.get(given.tags)], sort_keys=True, ensure_ascii=False
        )
        status = route.model.success_status
        view = self._view(caller.region)
        with self._lock:
            if token is not None and (caller.region, token) in self._tokens:
                seen, existing = self._tokens[(caller.region, token)]
                if seen != fingerprint:
                    raise answer("tokenConflict", token=token)
                return Reply(status, self._created(existing, creates.status))
            if any(p.body[made.name] == name for p in view.applications.values()):
                raise answer("nameConflict", name=name)
            models = self._models_of(source, view)
            tags = self._tags.checked(name, document.get(given.tags, ()), {})
            profile_id = self._new_id(creates.id_alphabet, creates.id_length)
            now = self.clock or _now()
            body: dict[str, Any] = {made.name: name}
            if given.text in document:
                body[made.text] = document[given.text]
            body |= {
                made.created: now,
                made.updated: now,
                made.arn: self._wildcard(creates.type, caller, profile_id),
                made.models: models,
                made.id: profile_id,
                made.status: creates.status,
                made.type: creates.type,
            }
            created = Profile.of(body)
            view.applications[profile_id] = created
            view.index[created.id] = view.index[created.arn] = created
            self._tags.create(created.arn, tags)
            if token is not None:
                self._tokens[(caller.region, token)] = (fingerprint, created.arn)
        return Reply(status, self._created(created.arn, creates.status))

    @staticmethod
    def _created(profile_arn: str, status: str) -> bytes:
        names = creation()
        return json.dumps({names.arn: profile_arn, names.status: status}).encode()

    def _models_of(self, source: str, view: _Region) -> list[dict[str, str]]:
        """A foundation model routes to itself; a system profile lends its models (region-less ones included)."""
        if source in self._copyable_models:
            return [{profile().model: source}]
        found = view.find(source)
        if found is not None and any(found is system for system in view.system):
            return [dict(model) for model in found.body[profile().models]]
        raise answer("copySourceNotFound", source=source)

    def _new_id(self, alphabet: str, length: int) -> str:
        while True:
            candidate = "".join(self._ids.choice(alphabet) for _ in range(length))
            if all(candidate not in view.applications for view in self._regions.values()):
                return candidate

    def _delete(self, route: Route, label: str, request: Request, caller: Caller) -> Reply:
        identifier = _decode(label)
        assert route.label is not None
        problem = rejection(_strict(route.model, {route.label: identifier}))
        if problem is not None:
            raise problem
        found = self._existing(route, identifier, caller)
        deletable = route.model.deletable_types
        if found.type not in deletable:
            raise answer("notDeletable", identifier=identifier, type=found.type, deletable=" or ".join(deletable))
        view = self._view(caller.region)
        with self._lock:
            if view.applications.pop(found.id, None) is None:
                raise answer("profileNotFound", identifier=identifier)
            view.index.pop(found.id, None)
            view.index.pop(found.arn, None)
            self._tags.drop(found.arn)
            # A token stands for the profile it made: once that is gone, the token may make a new one.
            self._tokens = {key: seen for key, seen in self._tokens.items() if seen[1] != found.arn}
        return Reply(route.model.success_status, b"{}")

    def _tagging(self, route: Route, label: str, request: Request, caller: Caller) -> Reply:
        """TagResource, UntagResource, ListTagsForResource: on the caller's application profiles, by ARN."""
        document = json_object(request.body)
        problem = rejection(_strict(route.model, document))
        if problem is not None:
            raise problem
        resource = str(document[route.model.roles["resource"]])
        self._authorize(route, caller, resource)
        view = self._view(caller.region)
        with self._lock:
            found = view.find(resource)
            if found is None or found.arn != resource or view.applications.get(found.id) is not found:
                raise answer("resourceNotFound", resource=resource)
            return Reply(route.model.success_status, self._tags.serve(route.model, resource, document))
