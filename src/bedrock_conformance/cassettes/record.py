"""Recording: runs into cassettes through vcrpy, secrets and volatile headers scrubbed; published answers as one.

vcrpy itself is imported only when a run records: it would add a fifth of a second to every start of the CLI.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import botocore
import hypothesis

from .. import __version__
from .._http import SECRET_HEADERS, Request, Transport
from .._schemas import contract
from .format import FORMAT, META_KEY, CassetteError, CassetteSerializer, scrub_account

RECORD_MODES = ("none", "once", "new_episodes", "all")
# Volatile transport headers that say nothing about the contract and would make recordings differ run to run.
_VOLATILE = frozenset({"date", "keep-alive", "connection", "server"})


# ------------------------------------------------------------------------------------------------ scrubbing
def _scrubbed(name: str) -> bool:
    return name.lower() in SECRET_HEADERS or name.lower() in _VOLATILE


def _scrub_headers(headers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in headers.items() if not _scrubbed(k)}


def scrubbers(
    *, accounts: bool, endpoint: str, alias: str, redact: Callable[[bytes], bytes] | None = None
) -> tuple[Callable[[Any], Any], Callable[[dict[str, Any]], dict[str, Any]]]:
    """vcrpy before_record hooks: drop secrets and volatile headers; optionally replace account ids."""

    def request_hook(request: Any) -> Any:
        # A copy: vcrpy matches and sends the request it passed in. Only the headers are changed in place, so only
        # they are copied (a deep copy of every request, several times per exchange, was a tenth of a recording).
        request = copy.copy(request)
        request.headers = {k: v for k, v in _scrub_headers(request.headers).items() if k.lower() != "host"}
        request.uri = request.uri.replace(endpoint, alias, 1)
        if accounts:
            request.uri = scrub_account(request.uri)
            if isinstance(request.body, (bytes, str)) and request.body:
                body = request.body.decode() if isinstance(request.body, bytes) else request.body
                request.body = scrub_account(body).encode()
        return request

    def response_hook(response: dict[str, Any]) -> dict[str, Any]:
        # New headers and body mappings; the rest of vcrpy's response is kept as it is, never changed in place.
        response = {**response, "headers": _scrub_headers(response["headers"]), "body": dict(response["body"])}
        if redact is not None:
            # A target may echo the caller's credentials or signatures back: cut them out before anything is written.
            response["headers"] = {
                k: [redact(str(v).encode("utf-8")).decode("utf-8", "replace") for v in vs]
                for k, vs in response["headers"].items()
            }
            body = response["body"]["string"]
            if isinstance(body, bytes):
                response["body"]["string"] = redact(body)
        if accounts:
            response["headers"] = {k: [scrub_account(v) for v in vs] for k, vs in response["headers"].items()}
            body = response["body"]["string"]
            if isinstance(body, bytes):
                with contextlib.suppress(UnicodeDecodeError):
                    response["body"]["string"] = scrub_account(body.decode("utf-8")).encode("utf-8")
        return response

    return request_hook, response_hook


# ------------------------------------------------------------------------------------------------ matching
_SAME_REQUEST = "method_path_query"


def same_request(r1: Any, r2: Any) -> bool:
    """vcrpy's method, path and query matchers as one: the same method, path and query parameters (in any order).

    vcrpy compares each request with every recorded one, and its three matchers each run every time (the query
    parsed anew, a mismatch raised as an exception): over a recording that was quadratic in the requests sent.
    """
    return bool(
        r1.method == r2.method
        and r1.parsed_uri.path == r2.parsed_uri.path
        and _query(r1.parsed_uri.query) == _query(r2.parsed_uri.query)
    )


@functools.lru_cache(maxsize=4096)
def _query(query: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(parse_qsl(query)))


# ------------------------------------------------------------------------------------------------ recording
@dataclass
class Recording:
    """Records each suite group into its own cassette (``DIR/<group>.yaml``) through vcrpy."""

    directory: Path
    mode: str
    metadata: dict[str, Any]
    accounts: bool
    endpoint: str
    alias: str
    _active: Any = None
    group: str | None = None
    # (staging file, cassette) per group: cassettes are written beside their final place and moved in only when
    # the whole run completes, so an interrupted or stopped run leaves every existing cassette as it was.
    staged: list[tuple[Path, Path]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    def switch(self, group: str, transport: Transport) -> None:
        if group == self.group:
            return
        self.stop(transport)
        import vcr

        path = self.directory / f"{group}.yaml"
        staging = self.directory / f".{group}.yaml.partial"
        if path.exists():
            # Record modes that read the old cassette (once, new_episodes, none) read it from the copy.
            shutil.copyfile(path, staging)
        else:
            staging.unlink(missing_ok=True)
        self.staged.append((staging, path))
        serializer = CassetteSerializer({**self.metadata, "group": group}, str(path))
        request_hook, response_hook = scrubbers(
            accounts=self.accounts, endpoint=self.endpoint, alias=self.alias, redact=transport.redact
        )
        recorder = vcr.VCR(
            record_mode=self.mode,
            match_on=(_SAME_REQUEST,),
            before_record_request=request_hook,
            before_record_response=response_hook,
            decode_compressed_response=True,
        )
        recorder.register_serializer("bedrock-conformance", serializer)
        recorder.register_matcher(_SAME_REQUEST, same_request)
        self._active = recorder.use_cassette(str(staging), serializer="bedrock-conformance")
        try:
            self._active.__enter__()
        except CassetteError:  # our reader's, which names the file already
            self._active = None
            raise
        except Exception as exc:  # vcrpy raises plain errors for unreadable files
            self._active = None
            raise CassetteError(f"{path}: {exc}") from None
        self.group = group
        # vcrpy now answers the transport's connections: what it refuses to record ends the run in one line.
        transport.refusal = recording_refusal

    def stop(self, transport: Transport) -> None:
        # Connections made outside a cassette are not patched by vcrpy: never reuse one across a switch.
        transport.close()
        transport.refusal = None
        if self._active is not None:
            active, self._active = self._active, None
            active.__exit__(None, None, None)
        self.group = None

    def finish(self, transport: Transport, *, complete: bool) -> None:
        """Stop; move every group's cassette into place if the run completed, else drop them all."""
        self.stop(transport)
        for staging, path in self.staged:
            if complete and staging.exists():
                os.replace(staging, path)
            else:
                staging.unlink(missing_ok=True)
        self.staged.clear()


def recording_refusal(error: BaseException, request: Request) -> CassetteError | None:
    """vcrpy's refusal to add an interaction under the record mode, as one clear line; None for other errors."""
    from vcr.errors import CannotOverwriteExistingCassetteException

    if not isinstance(error, CannotOverwriteExistingCassetteException):
        return None
    cassette = getattr(error, "cassette", None)
    staged = Path(str(getattr(cassette, "_path", "cassette")))
    # Recording writes beside the cassette first (see Recording.finish): name the cassette, not its staging file.
    where = staged.with_name(staged.name.removeprefix(".").removesuffix(".partial"))
    mode = getattr(cassette, "record_mode", "?")
    mode = getattr(mode, "value", mode)
    return CassetteError(f"{where}: record mode {mode} allows no new interaction ({request.method} {request.path})")


def recording_metadata(target: str, kind: str, region: str, seed: int, examples: int, **extra: Any) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "target": target,
        "target_kind": kind,
        "region": region,
        "tool_version": __version__,
        "schema_hash": contract().digest,
        "botocore_version": botocore.__version__,
        # Generated identifiers depend on hypothesis's version as well as on the seed.
        "hypothesis_version": hypothesis.__version__,
        "seed": seed,
        "examples": examples,
        "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **extra,
    }


# ------------------------------------------------------------------------------------------------ reconstruction
def reconstruct(records: list[dict[str, Any]], directory: Path) -> int:
    """Cassettes from published responses: each published List page becomes the List interaction it was.

    Nothing is invented: records that are not complete List summaries are left out, and the cassettes are
    marked partial, so a replay skips every check that would need an answer nobody published.
    """
    the_contract = contract()
    list_path = the_contract.list_operation.path
    pages: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if record.get("kind") == "list_item" and not record.get("partial") and isinstance(record.get("body"), dict):
            pages.setdefault(str(record["source"]), []).append(record)
    interactions = []
    region = "us-east-1"
    for source, page in pages.items():
        arn = str(page[0]["body"].get(the_contract.role("arn"), ""))
        region = arn.split(":")[3] if arn.count(":") >= 5 and arn.split(":")[3] else region
        body = json.dumps({the_contract.list_member: [r["body"] for r in page]}, indent=1)
        interactions.append(
            {
                "request": {
                    "method": "GET",
                    "uri": f"https://bedrock.{region}.amazonaws.com{list_path}",
                    "body": "",
                    "headers": {"Accept": ["application/json"]},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {"string": body},
                },
                META_KEY: {
                    "reconstructed": "from published ListInferenceProfiles summaries, copied as published",
                    "source": source,
                    "records": [r["id"] for r in page],
                },
            }
        )
    meta = {
        "format": FORMAT,
        "target": "real AWS (published responses)",
        "target_kind": "published",
        "region": region,
        "tool_version": __version__,
        "schema_hash": contract().digest,
        "botocore_version": None,
        "seed": 0,
        "examples": 0,
        "recorded_at": None,
        "partial": True,
        "can_force_errors": False,
        "writes": False,
        "group": "behaviour",
    }
    directory.mkdir(parents=True, exist_ok=True)
    text = CassetteSerializer(meta).serialize({"version": 1, "interactions": interactions})
    (directory / "behaviour.yaml").write_text(text, encoding="utf-8")
    return len(interactions)
