"""Cassettes: record runs with vcrpy, lint them, replay them offline, and compare implementations against them."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
import re
import shutil
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import botocore
import hypothesis
import yaml

from . import __version__
from ._http import SECRET_HEADERS, Exchange, Request, Response, Transport
from ._schemas import SchemaError, contract, data_dir
from ._validator import Outcome, is_datetime

FORMAT = 1
META_KEY = "bedrock_conformance"
CHECK_HEADER = "x-bedrock-conformance-check"
RECORD_MODES = ("none", "once", "new_episodes", "all")
# Values that look like credentials anywhere in a cassette: access keys, SigV4 signatures, session tokens.
SECRET_PATTERNS = {
    "an AWS access key id": re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"),
    "a SigV4 signature": re.compile(r"Signature=[0-9a-f]{64}"),
    "a SigV4 credential scope": re.compile(r"Credential=[A-Z0-9]{16,}/"),
    "a session token": re.compile(r"\bFwoGZXIvYXdz[A-Za-z0-9/+=]{20,}|IQoJb3JpZ2lu[A-Za-z0-9/+=]{20,}"),
}
# Volatile transport headers that say nothing about the contract and would make recordings differ run to run.
_VOLATILE = frozenset({"date", "keep-alive", "connection", "server"})


class CassetteError(RuntimeError):
    """A cassette cannot be used: one line naming the file (and interaction), exit 2."""


# ------------------------------------------------------------------------------------------------ serialisation
def _body_out(body: Any) -> dict[str, Any]:
    """Readable body: JSON kept as JSON when it re-serialises byte for byte, else text, else base64."""
    raw = body.get("string") if isinstance(body, dict) else body
    if raw is None or raw == b"" or raw == "":
        return {"string": ""}
    data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        import base64

        return {"base64": base64.b64encode(data).decode("ascii")}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"string": text}
    for style, kwargs in _JSON_STYLES.items():
        if json.dumps(parsed, **kwargs) == text:
            return {"json": parsed, "json_style": style}
    return {"string": text}


_JSON_STYLES: dict[str, dict[str, Any]] = {
    "default": {},
    "compact": {"separators": (",", ":")},
    "default-unicode": {"ensure_ascii": False},
    "compact-unicode": {"separators": (",", ":"), "ensure_ascii": False},
}


def _body_in(body: Any, where: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {"string": body if body is not None else ""}
    if "json" in body:
        style = _JSON_STYLES.get(body.get("json_style", "default"))
        if style is None:
            raise CassetteError(f"{where}: unknown json_style {body.get('json_style')!r}")
        return {"string": json.dumps(body["json"], **style)}
    if "base64" in body:
        import base64

        return {"string": base64.b64decode(body["base64"])}
    return {"string": body.get("string") or ""}


@dataclass
class CassetteSerializer:
    """vcrpy serializer that keeps cassettes readable and carries this tool's metadata."""

    metadata: dict[str, Any] = field(default_factory=dict)
    path: str = "<cassette>"

    def serialize(self, data: dict[str, Any]) -> str:
        out = {"version": data.get("version", 1), "metadata": {META_KEY: self.metadata}, "interactions": []}
        for interaction in data["interactions"]:
            item = copy.deepcopy(interaction)
            for side in ("request", "response"):
                body = item[side].get("body")
                if isinstance(body, dict) and isinstance(body.get("string"), str):
                    body["string"] = body["string"].encode("utf-8")
            for side in ("request", "response"):
                item[side]["body"] = _body_out(item[side].get("body"))
                # vcrpy keeps headers in no stable order; sorted, a re-recording diffs only where answers differ.
                headers = item[side].get("headers") or {}
                item[side]["headers"] = {k: headers[k] for k in sorted(headers, key=str.lower)}
            out["interactions"].append(item)
        return yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=120)

    def deserialize(self, text: str) -> dict[str, Any]:
        data = load_document(text, self.path)
        for index, interaction in enumerate(data["interactions"]):
            where = f"{self.path}: interaction {index}"
            interaction["request"]["body"] = _body_in(interaction["request"].get("body"), where)["string"]
            interaction["response"]["body"] = _body_in(interaction["response"].get("body"), where)
        return data


def load_document(text: str, path: str) -> dict[str, Any]:
    """Parse and shape-check a cassette file's text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CassetteError(f"{path}: not valid YAML{where} ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(f"{path}: not a cassette (no list of interactions)")
    meta = (data.get("metadata") or {}).get(META_KEY)
    if not isinstance(meta, dict):
        raise CassetteError(f"{path}: no {META_KEY} metadata (not recorded by bedrock-conformance)")
    if meta.get("format") != FORMAT:
        raise CassetteError(
            f"{path}: cassette format {meta.get('format')!r} is not supported (this tool reads {FORMAT})"
        )
    for index, interaction in enumerate(data["interactions"]):
        request = interaction.get("request") if isinstance(interaction, dict) else None
        response = interaction.get("response") if isinstance(interaction, dict) else None
        if not isinstance(request, dict) or not isinstance(response, dict) or "uri" not in request:
            raise CassetteError(f"{path}: interaction {index} is incomplete (needs request.uri and response)")
        status = response.get("status")
        if not isinstance(status, dict) or not isinstance(status.get("code"), int):
            raise CassetteError(f"{path}: interaction {index} has no response status code")
    return data


# ------------------------------------------------------------------------------------------------ scrubbing
@functools.lru_cache(maxsize=1)
def _account_digits() -> int:
    """How many digits an account id has: read from the account field of the ARN pattern in response.json."""
    arn = contract().schema("response.json", f"/properties/{contract().role('arn')}")["pattern"]
    field_ = re.search(r"\[0-9\]\{(\d+)\}", arn)
    if field_ is None:
        raise CassetteError("response.json's ARN pattern has no account field to scrub")
    return int(field_.group(1))


def _account() -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9])[0-9]{{{_account_digits()}}}(?![0-9])")


def account_placeholder() -> str:
    """What --scrub-account writes instead of an account id: all ones, so ARNs keep their pattern."""
    return "1" * _account_digits()


def scrub_account(text: str) -> str:
    return _account().sub(account_placeholder(), text)


def _scrub_headers(headers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS and k.lower() not in _VOLATILE}


def scrubbers(
    *, accounts: bool, endpoint: str, alias: str, redact: Callable[[bytes], bytes] | None = None
) -> tuple[Callable[[Any], Any], Callable[[dict[str, Any]], dict[str, Any]]]:
    """vcrpy before_record hooks: drop secrets and volatile headers; optionally replace account ids."""

    def request_hook(request: Any) -> Any:
        request = copy.deepcopy(request)
        for name in list(request.headers):
            if name.lower() in SECRET_HEADERS or name.lower() in _VOLATILE or name.lower() == "host":
                del request.headers[name]
        request.uri = request.uri.replace(endpoint, alias, 1)
        if accounts:
            request.uri = scrub_account(request.uri)
            if isinstance(request.body, (bytes, str)) and request.body:
                body = request.body.decode() if isinstance(request.body, bytes) else request.body
                request.body = scrub_account(body).encode()
        return request

    def response_hook(response: dict[str, Any]) -> dict[str, Any]:
        response = copy.deepcopy(response)
        response["headers"] = _scrub_headers(response["headers"])
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
            match_on=("method", "path", "query"),
            before_record_request=request_hook,
            before_record_response=response_hook,
            decode_compressed_response=True,
        )
        recorder.register_serializer("bedrock-conformance", serializer)
        self._active = recorder.use_cassette(str(staging), serializer="bedrock-conformance")
        try:
            self._active.__enter__()
        except Exception as exc:  # vcrpy raises plain errors for unreadable files
            self._active = None
            raise CassetteError(f"{path}: {exc}") from None
        self.group = group

    def stop(self, transport: Transport) -> None:
        # Connections made outside a cassette are not patched by vcrpy: never reuse one across a switch.
        transport.close()
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


# ------------------------------------------------------------------------------------------------ reading back
@dataclass
class Interaction:
    path: Path
    index: int
    exchange: Exchange
    meta: dict[str, Any]
    extra: dict[str, Any]

    @property
    def check(self) -> str | None:
        return self.exchange.request.headers.get(CHECK_HEADER)

    @property
    def where(self) -> str:
        r = self.exchange.request
        return f"{self.path}: interaction {self.index} ({r.method} {r.path})"


def _first(values: Any) -> str:
    return str(values[0]) if isinstance(values, list) and values else str(values)


def _label_of(uri: str) -> str | None:
    template = contract().documents["request.json"]["x-operation"]["path"]
    prefix = template.split("{", 1)[0]
    path = urlsplit(uri).path
    if path.startswith(prefix) and len(path) > len(prefix) and "/" not in path[len(prefix) :]:
        return unquote(path[len(prefix) :])
    return None


def read_cassette(path: Path) -> list[Interaction]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CassetteError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise CassetteError(f"{path}: not UTF-8 text") from None
    data = CassetteSerializer(path=str(path)).deserialize(text)
    meta = data["metadata"][META_KEY]
    out = []
    for index, raw in enumerate(data["interactions"]):
        req, resp = raw["request"], raw["response"]
        headers = {k: _first(v) for k, v in (req.get("headers") or {}).items()}
        body = req.get("body") or b""
        request = Request(
            str(req.get("method", "GET")),
            str(req["uri"]),
            headers,
            body if isinstance(body, bytes) else str(body).encode("utf-8"),
            _label_of(str(req["uri"])),
            str(meta.get("region", "")),
        )
        rbody = resp["body"]["string"]
        response = Response(
            int(resp["status"]["code"]),
            {k: _first(v) for k, v in (resp.get("headers") or {}).items()},
            rbody if isinstance(rbody, bytes) else str(rbody).encode("utf-8"),
            str(resp["status"].get("message", "")),
        )
        out.append(Interaction(path, index, Exchange(request, response), meta, raw.get(META_KEY) or {}))
    if not out:
        raise CassetteError(f"{path}: holds no interactions")
    return out


def shipped_sets() -> dict[str, Path]:
    """The cassette sets this install ships (``mock``, ``published``), by name."""
    try:
        shipped = data_dir("cassettes")
    except SchemaError:
        return {}
    return {p.name: p for p in sorted(shipped.iterdir()) if p.is_dir() and any(p.glob("*.yaml"))}


def resolve_directory(spec: str) -> Path:
    """A cassette directory given by path, or a shipped set given by name (``mock``, ``published``)."""
    path = Path(spec)
    if path.is_dir():
        return path
    shipped = shipped_sets()
    if spec in shipped:
        return shipped[spec]
    raise CassetteError(
        f"{spec}: no such cassette directory, and no shipped set of that name (shipped: {', '.join(shipped)})"
    )


def cassette_files(directory: Path, *, nested: bool = False) -> list[Path]:
    """The cassettes of one set, or with ``nested`` of every set under the directory."""
    if not directory.is_dir():
        raise CassetteError(f"{directory}: no such cassette directory")
    files = sorted(directory.rglob("*.yaml") if nested else directory.glob("*.yaml"))
    if not files:
        raise CassetteError(f"{directory}: no cassettes (*.yaml) in it or under it")
    return files


def read_directory(directory: Path, *, nested: bool = False) -> list[Interaction]:
    return [i for path in cassette_files(directory, nested=nested) for i in read_cassette(path)]


# ------------------------------------------------------------------------------------------------ replay
@contextlib.contextmanager
def network_blocked() -> Iterator[None]:
    """Every socket connect fails loudly while replaying: a replay never reaches a live endpoint."""
    original = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
        raise PermissionError(f"network access is blocked during replay (tried {address!r})")

    socket.socket.connect = refuse  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


NOT_RECORDED = "not in the cassettes"


class ReplayTransport(Transport):
    """Answers requests from recorded interactions, in recorded order per (method, path and query).

    A complete recording must hold every request the run makes (a missing one is fatal: the run has diverged).
    A partial one (reconstructed from published bodies) answers NOT_RECORDED, and the checks that needed it skip.
    """

    def __init__(
        self, interactions: list[Interaction], region: str, *, partial: bool = False, max_attempts: int | None = None
    ):
        from .targets import DUMMY

        super().__init__("http://replay.invalid", region, DUMMY)
        if max_attempts is not None:
            self.options.max_attempts = max_attempts
        self.partial = partial
        self.group: str | None = None
        # A retried request was recorded once per attempt: each request is the run of attempts its retry policy
        # made (every attempt was answered, or vcrpy would not have recorded it, so the answers decide).
        self._queues: dict[tuple[str, str], list[list[Interaction]]] = {}
        for interaction in interactions:
            request = interaction.exchange.request
            queue = self._queues.setdefault((request.method, request.path), [])
            last = queue[-1] if queue else None
            if last is not None and self._retried(last):
                last.append(interaction)
            else:
                queue.append([interaction])
        # What each request came to (the last attempt's answer), in recorded order: what is judged again offline.
        finals = {id(sends[-1]) for queue in self._queues.values() for sends in queue}
        self.interactions = [i for i in interactions if id(i) in finals]

    def _retried(self, attempts: list[Interaction]) -> bool:
        exchange = attempts[-1].exchange
        return self._should_retry(exchange.request, exchange, False, len(attempts) - 1)

    def send(self, request: Request) -> Exchange:
        queue = self._queues.get((request.method, request.path))
        if not queue and self.partial:
            return Exchange(request, None, NOT_RECORDED, 0.0)
        if not queue:
            where = self.group or "cassettes"
            raise CassetteError(f"{where}: no recorded interaction for {request.method} {request.path}")
        attempts = queue.pop(0)
        with self._lock:
            self.sent += len(attempts)
        return Exchange(request, attempts[-1].exchange.response, None, 0.0, len(attempts))

    def holds(self, request: Request) -> bool:
        """Whether some recorded interaction is this request (by method, path and query)."""
        return (request.method, request.path) in self._queues

    def tagged(self, check: str) -> list[Interaction]:
        return [i for i in self.interactions if i.check == check]

    def close(self) -> None:
        return None


def open_replay(directory: Path) -> tuple[ReplayTransport, dict[str, Any]]:
    """One set's cassettes as a transport; a directory of several sets names them instead of mixing them."""
    if directory.is_dir() and not any(directory.glob("*.yaml")):
        sets = sorted({p.parent.relative_to(directory).as_posix() for p in directory.rglob("*.yaml")})
        if sets:
            raise CassetteError(
                f"{directory}: holds {len(sets)} cassette sets ({', '.join(sets)}); replay one, "
                f"e.g. replay:{(directory / sets[0]).as_posix()}"
            )
    interactions = read_directory(directory)
    meta = dict(interactions[0].meta) if interactions else {}
    partial = bool(meta.get("partial"))
    # Recordings made with the default number of attempts do not say it.
    attempts = int(meta["max_attempts"]) if "max_attempts" in meta else None
    region = str(meta.get("region", "us-east-1"))
    return ReplayTransport(interactions, region, partial=partial, max_attempts=attempts), meta


# ------------------------------------------------------------------------------------------------ reconstruction
def reconstruct(records: list[dict[str, Any]], directory: Path) -> int:
    """Cassettes from published responses: each published List page becomes the List interaction it was.

    Nothing is invented: records that are not complete List summaries are left out, and the cassettes are
    marked partial, so a replay skips every check that would need an answer nobody published.
    """
    the_contract = contract()
    list_path = the_contract.documents["operations.json"]["$defs"]["ListInferenceProfiles"]["x-operation"]["path"]
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


# ------------------------------------------------------------------------------------------------ lint
def operation_of(request: Request) -> str | None:
    """'get', 'list', or None for a sibling operation whose success bodies the contract does not cover."""
    the_contract = contract()
    list_path = the_contract.documents["operations.json"]["$defs"]["ListInferenceProfiles"]["x-operation"]["path"]
    if request.method != "GET":
        return None
    if request.label is not None:
        return "get"
    return "list" if urlsplit(request.url).path.rstrip("/") == list_path else None


def check_recorded(exchange: Exchange) -> list[Any]:
    """Clause checks of a recorded answer: Get and List successes, and every error."""
    from .checks import check_answer

    operation = operation_of(exchange.request)
    assert exchange.response is not None
    if operation is None and exchange.response.status < 400:
        return []
    return check_answer(exchange, listing=operation == "list")


@dataclass
class Problem:
    where: str
    message: str


def lint(directory: Path) -> tuple[list[Problem], int]:
    """Every file parses, no secret remains, and every recorded answer keeps its clauses."""
    problems: list[Problem] = []
    checked = 0
    for path in cassette_files(directory, nested=True):
        try:
            interactions = read_cassette(path)
            text = path.read_text(encoding="utf-8")
        except CassetteError as exc:
            problems.append(Problem(str(path), str(exc).split(": ", 1)[-1]))
            continue
        for what, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(Problem(f"{path}:{line}", f"contains {what}"))
        for interaction in interactions:
            for name in interaction.exchange.request.headers:
                if name.lower() in SECRET_HEADERS:
                    problems.append(Problem(interaction.where, f"request header {name} was not scrubbed"))
            for result in check_recorded(interaction.exchange):
                checked += 1
                if result.outcome is Outcome.FAIL:
                    problems.append(Problem(interaction.where, f"{result.clause}: {result.message}"))
    return problems, checked


# ------------------------------------------------------------------------------------------------ parity


def normalise(value: Any) -> Any:
    """Blank out what legitimately differs between implementations: accounts, generated ids, timestamps."""
    if isinstance(value, dict):
        out = {k: normalise(v) for k, v in value.items()}
        arn_member, id_member = contract().role("arn"), contract().role("id")
        if _generated_id(value.get(arn_member), out.get(arn_member), value.get(id_member)):
            out[id_member] = "<id>"
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        if is_datetime(value):
            return "<timestamp>"
        types = contract().documents["behaviour.json"]["x-resource-types"]
        created = contract().documents["operations.json"]["$defs"]["CreateInferenceProfile"]["x-creates"]
        generated = f"[{re.escape(created['idAlphabet'])}]{{{created['idLength']}}}"
        text = _account().sub("<account>", value)
        for resource_type in types.values():
            text = re.sub(rf"({re.escape(resource_type)}/){generated}$", r"\1<id>", text)
        return text
    return value


def _generated_id(arn: Any, normalised_arn: Any, ident: Any) -> bool:
    """The profile's id is the generated suffix of its ARN (an application profile)."""
    return (
        isinstance(arn, str)
        and isinstance(ident, str)
        and isinstance(normalised_arn, str)
        and normalised_arn.endswith("/<id>")
        and arn.endswith("/" + ident)
    )


def _renamed(recorded: Any, live: Any) -> dict[str, str]:
    """Values at the same place that differ only by what ``normalise`` blanks out (generated ids)."""
    if isinstance(recorded, dict) and isinstance(live, dict):
        out = {k: v for key in recorded.keys() & live.keys() for k, v in _renamed(recorded[key], live[key]).items()}
        id_member = contract().role("id")
        old, new = recorded.get(id_member), live.get(id_member)
        if isinstance(old, str) and isinstance(new, str) and old != new and normalise(recorded) == normalise(live):
            out[old] = new
        return out
    same_shape = isinstance(recorded, str) and isinstance(live, str) and normalise(recorded) == normalise(live)
    if same_shape and recorded != live and not is_datetime(str(recorded)):
        return {str(recorded): str(live)}
    return {}


@dataclass
class Difference:
    where: str
    what: str


def compare(interactions: list[Interaction], transport: Transport) -> tuple[list[Difference], int]:
    """Re-send every recorded request to ``transport`` and diff status, error type and normalised body."""
    from .checks import answer_type

    differences: list[Difference] = []
    # Ids the other implementation generated for what the recording created: recorded value -> its value.
    renamed: dict[str, str] = {}
    for interaction in interactions:
        recorded = interaction.exchange
        headers = {k: v for k, v in recorded.request.headers.items() if k.lower() not in SECRET_HEADERS}
        path = recorded.request.path
        for old, new in renamed.items():
            path = path.replace(old, new).replace(quote(old, safe="-_.~"), quote(new, safe="-_.~"))
        request = Request(
            recorded.request.method,
            transport.endpoint + path,
            headers,
            recorded.request.body,
            recorded.request.label,
            transport.region,
        )
        live = transport.send(request)
        if live.response is None:
            differences.append(Difference(interaction.where, f"no answer: {live.error}"))
            continue
        assert recorded.response is not None
        if live.response.status != recorded.response.status:
            differences.append(
                Difference(interaction.where, f"status {live.response.status}, recorded {recorded.response.status}")
            )
        if recorded.response.status >= 400 or live.response.status >= 400:
            a, b = answer_type(live), answer_type(recorded)
            if a != b:
                differences.append(Difference(interaction.where, f"error type {a}, recorded {b}"))
            continue
        try:
            live_body, recorded_body = live.response.json(), recorded.response.json()
            got, want = normalise(live_body), normalise(recorded_body)
            renamed.update(_renamed(recorded_body, live_body))
        except ValueError:
            if live.response.body != recorded.response.body:
                differences.append(Difference(interaction.where, "body differs (not JSON)"))
            continue
        if got != want:
            both = isinstance(got, dict) and isinstance(want, dict)
            members = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k)) if both else []
            differences.append(Difference(interaction.where, f"body differs in {members or 'shape'}"))
    return differences, len(interactions)
