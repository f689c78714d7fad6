"""The SDK suites: drive one SDK through its adapter against the reference mock and a canned-answer server.

Every check records a ``Result`` under an sdk.* clause of sdk.json, with ``context["sdk"]`` naming the SDK
and version, into the run's ``Recorder`` and into the ``SdkRun`` that ``run_sdk_suite`` returns.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_to_bytes

from .._draw import draw
from .._engine import Recorder, RunConfig
from .._http import Transport, TransportOptions, encode_label
from .._schemas import contract
from .._strategies import (
    deviating_bodies,
    identifier_examples,
    invalid_identifier_examples,
    invalid_identifiers,
    request_clauses,
    valid_bodies,
    valid_identifiers,
)
from .._validator import Outcome
from ..checks import Result
from ..mock import FORCE_ERROR_HEADER, MockServer
from ..targets import DUMMY
from ._adapter import Adapter, Answer
from ._canned import Canned, CannedServer
from ._defects import instant, known_defect
from ._env import SdkUnavailable, runtime_for
from ._family import CREATED, GONE, PAGINATOR, check_paginator, check_round_trip
from ._run import SdkRun
from ._spec import (
    SdkSpec,
    clause_id,
    operation,
    parse_sdk,
    retried_errors,
    retry_modes,
    sdk_clause_ids,
    sdk_facts,
    timestamp_resolution,
)

# Checks that are not about retries make one attempt, so that a 429 or 500 answers at once.
ONE_ATTEMPT = {"maxAttempts": 1}
MAX_PAGES = 20


# ------------------------------------------------------------------------------------------------ inputs
@functools.lru_cache(maxsize=8)
def _valid_identifiers(count: int, run_seed: int) -> tuple[str, ...]:
    drawn = draw(valid_identifiers(), count, run_seed, "sdk/valid-identifiers")
    return tuple(dict.fromkeys([*identifier_examples().values(), *drawn]))


@functools.lru_cache(maxsize=8)
def _invalid_identifiers(count: int, run_seed: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(clause id, identifiers that break it) for each identifier clause the server enforces."""
    out = []
    for clause in request_clauses():
        values = [*invalid_identifier_examples(clause.id)]
        if clause.keyword == "pattern":
            values += draw(invalid_identifiers(clause.id), count, run_seed, f"sdk/{clause.id}")
        out.append((clause.id, tuple(dict.fromkeys(values))))
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _generated_bodies(count: int, run_seed: int) -> tuple[tuple[str, str], ...]:
    """(what, JSON text) for valid bodies and, per recorded deviation, bodies that deviate as AWS does."""
    out = [("a generated valid body", json.dumps(b)) for b in draw(valid_bodies(), count, run_seed, "sdk/bodies")]
    for deviation in contract().deviations:
        # Deviating bodies are slow to draw (a filter keeps one deviation only): a tenth of the valid ones.
        drawn = draw(deviating_bodies(deviation), max(1, count // 10), run_seed, f"sdk/{deviation}")
        out += [(f"a body deviating as AWS does ({deviation})", json.dumps(b)) for b in drawn]
    return tuple(out)


def _short(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else f"{text[:60]}…{text[-12:]} ({len(value)} characters)"


def _lost_or_changed(wire: Any, parsed: Any, path: str = "") -> list[str]:
    """Where the SDK's output lost or changed a member of the wire body (timestamps are judged on their own)."""
    if isinstance(parsed, dict) and "$timestamp" in parsed and isinstance(wire, str):
        return []
    if isinstance(wire, dict):
        if not isinstance(parsed, dict):
            return [f"{path or '/'} became {json.dumps(parsed)[:60]}"]
        problems = []
        for key, value in wire.items():
            if key not in parsed:
                problems.append(f"{path}/{key} lost")
            else:
                problems += _lost_or_changed(value, parsed[key], f"{path}/{key}")
        return problems
    if isinstance(wire, list):
        if not isinstance(parsed, list) or len(parsed) != len(wire):
            return [f"{path} had {len(wire)} items, the SDK gave {json.dumps(parsed)[:60]}"]
        return [
            p for i, (w, s) in enumerate(zip(wire, parsed, strict=True)) for p in _lost_or_changed(w, s, f"{path}/{i}")
        ]
    if wire != parsed:
        return [f"{path} {json.dumps(wire)[:60]} became {json.dumps(parsed)[:60]}"]
    return []


# ------------------------------------------------------------------------------------------------ the suite
class _Suite:
    """One SDK, one adapter, one mock, one canned server: the checks of every sdk.* clause."""

    def __init__(
        self,
        spec: SdkSpec,
        adapter: Adapter,
        mock: MockServer,
        canned: CannedServer,
        config: RunConfig,
        run: SdkRun,
        recorder: Recorder,
    ) -> None:
        self.spec, self.adapter, self.mock, self.canned = spec, adapter, mock, canned
        self.config, self.run, self.recorder = config, run, recorder
        self.the_contract = contract()
        self.label = self.the_contract.path_label
        self.content_type = {"Content-Type": self.the_contract.content_type}
        self.transport = Transport(mock.url, config.region, DUMMY, TransportOptions(timeout=config.timeout))
        self.profiles = self._catalogue()
        id_member = self.the_contract.role("id")
        listed = [p[id_member] for p in self.profiles if isinstance(p.get(id_member), str)]
        self.some_id = listed[0] if listed else max(identifier_examples().values(), key=len)[:64]

    # ---- plumbing
    @property
    def mock_url(self) -> str:
        return self.mock.url

    def target(self, endpoint: str, operation_name: str | None = None) -> dict[str, Any]:
        where = {"client": self.spec.info["client"]} if self.spec.runtime == "node" else {}
        return {
            "service": self.spec.info.get("service"),
            **where,
            "operation": operation_name or operation(),
            "endpoint": endpoint,
            "region": self.config.region,
            "credentials": [DUMMY.access_key, DUMMY.secret_key],
        }

    def call(self, endpoint: str, identifier: str, **options: Any) -> Answer:
        return self.adapter.call(self.target(endpoint), {self.label: identifier}, **options)

    def record(self, key: str, ok: bool, message: str, **context: Any) -> None:
        outcome = Outcome.PASS if ok else Outcome.FAIL
        clause = clause_id(key)
        defect = None if ok else known_defect(self.spec.name, self.run.version, clause, context)
        if defect is not None:
            # A known defect of the SDK: shown in every report, a failure only under --strict.
            outcome = Outcome.FAIL if self.config.strict else Outcome.DEVIATION
            message += f" (known {self.spec.name} defect {defect.id}: {defect.summary})"
            context["defect"] = defect.to_dict()
        result = Result(clause, outcome, f"{self.run.label}: {message}", context={"sdk": self.run.label, **context})
        self.run.results.append(result)
        self.recorder.add([result])

    def _catalogue(self) -> list[dict[str, Any]]:
        """Every profile the mock lists, read raw (not through the SDK)."""
        path = self.the_contract.list_operation.path
        member, token_member = self.the_contract.list_member, self.the_contract.token_member
        found: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            query = {token_member: token} if token else None
            exchange = self.transport.send(self.transport.request("GET", path, query=query))
            if exchange.response is None or exchange.response.status >= 300:
                break
            page = exchange.response.json()
            found += [p for p in page.get(member) or [] if isinstance(p, dict)]
            token = page.get(token_member)
            if not token:
                break
        return found

    def _raw_get(self, identifier: str) -> Any:
        path = self.the_contract.page_operation.path_for(encode_label(identifier))
        exchange = self.transport.send(self.transport.request("GET", path))
        if exchange.response is None or exchange.response.status >= 300:
            return None
        return exchange.response.json()

    # ---- encoding
    def check_encoding(self) -> None:
        """Each valid identifier arrives as one path segment that decodes to exactly its bytes."""
        template = self.the_contract.page_operation.path.split("/")
        index = template.index("{" + self.label + "}")
        answer = Canned(200, self.content_type, json.dumps(self.profiles[0] if self.profiles else {}).encode())
        for identifier in _valid_identifiers(self.config.examples, self.config.seed):
            self.canned.set(answer)
            self.call(self.canned.url, identifier, retry=ONE_ATTEMPT)
            seen = self.canned.seen
            if not seen:
                continue  # rejected before sending: sdk.validation.acceptsValid reports it
            raw = seen[0].path.split("/")
            sent = seen[0].path if len(seen[0].path) <= 120 else seen[0].path[:100] + "…"
            if len(raw) != len(template) or any(
                a != b for i, (a, b) in enumerate(zip(raw, template, strict=True)) if i != index
            ):
                self.record(
                    "encoding",
                    False,
                    f"{_short(identifier)} was sent as {sent!r}, not as one segment of {'/'.join(template)}",
                    identifier=identifier,
                )
                continue
            decoded = unquote_to_bytes(raw[index])
            ok = decoded == identifier.encode("utf-8")
            message = f"{_short(identifier)} sent as {sent!r}" + (
                "" if ok else f", which decodes to {decoded.decode('utf-8', 'replace')!r}"
            )
            self.record("encoding", ok, message, identifier=identifier)

    # ---- parsing and timestamps
    def _wire_timestamps(self, wire: Mapping[str, Any]) -> list[str]:
        return [wire[n] for n in self.the_contract.response.timestamps() if isinstance(wire.get(n), str)]

    def _judge_body(self, what: str, wire: dict[str, Any], answer: Answer) -> None:
        if answer.kind != "output":
            raised = {"class": answer.error.cls, "message": answer.error.message} if answer.error else None
            stamps = self._wire_timestamps(wire)
            self.record("parsing", False, f"{what}: {answer.describe()}", raised=raised, timestamps=stamps)
            return
        problems = _lost_or_changed(wire, answer.output)
        message = f"{what}: every member kept" if not problems else f"{what}: {'; '.join(problems[:5])}"
        self.record("parsing", not problems, message)
        self._judge_timestamps(what, wire, answer.output)

    def _judge_timestamps(self, what: str, wire: Mapping[str, Any], parsed: Mapping[str, Any]) -> None:
        if not isinstance(parsed, Mapping):
            return
        # A member the SDK lost is sdk.response.parsed's finding; this clause judges the ones it kept.
        members = [n for n in self.the_contract.response.timestamps() if n in wire and n in parsed]
        if not members:
            return
        resolution = timedelta(seconds=timestamp_resolution(self.spec))
        problems, seen = [], []
        # (wire value, the SDK's value) of each timestamp it kept but changed, for the ledger of known defects.
        wrong: list[tuple[str, str]] = []
        for name in members:
            value = parsed[name]
            expected = instant(wire[name])
            if not isinstance(value, dict) or "$timestamp" not in value:
                problems.append(f"{name} {wire[name]!r} became {json.dumps(value)[:60]}, not a timestamp")
                continue
            if not value.get("aware"):
                problems.append(f"{name} {wire[name]!r} became a naive timestamp {value['$timestamp']!r}")
                continue
            got = instant(value["$timestamp"])
            if expected is None or got is None or abs(got - expected) > resolution:
                wrong.append((str(wire[name]), str(value["$timestamp"])))
                problems.append(
                    f"{name} {wire[name]!r} became {value['$timestamp']!r}, more than {resolution} from the wire value"
                )
            else:
                seen.append(f"{name} {wire[name]!r} -> {value['$timestamp']!r}")
        message = "; ".join(problems) if problems else "; ".join(seen)
        context = {"wrong": wrong, "problems": len(problems), "resolution": resolution.total_seconds()}
        self.record("timestamps", not problems, f"{what}: {message}", **context)

    def check_parsing(self) -> None:
        """The mock's profiles through the SDK, then generated valid and AWS-deviating bodies from the canned server."""
        id_member = self.the_contract.role("id")
        for profile in self.profiles:
            identifier = profile.get(id_member)
            if not isinstance(identifier, str):
                continue
            wire = self._raw_get(identifier)
            if not isinstance(wire, dict):
                continue
            answer = self.call(self.mock.url, identifier, retry=ONE_ATTEMPT)
            self._judge_body(f"the mock's profile {identifier}", wire, answer)
        bodies = [
            (f"{what} {_short(text)}", text) for what, text in _generated_bodies(self.config.examples, self.config.seed)
        ]
        if self.profiles:
            stamps = self.the_contract.response.timestamps()
            for value in sdk_facts().edge_timestamps:
                edge = {**self.profiles[0], **dict.fromkeys(stamps, value)}
                bodies.append((f"a body with the edge timestamp {value}", json.dumps(edge)))
        for what, text in bodies:
            self.canned.set(Canned(200, self.content_type, text.encode("utf-8")))
            answer = self.call(self.canned.url, self.some_id, retry=ONE_ATTEMPT)
            self._judge_body(what, json.loads(text), answer)

    # ---- errors
    def _judge_error(self, key: str, name: str, how: str, message: str, answer: Answer) -> None:
        status = self.the_contract.errors[name].status
        problems = []
        if answer.kind != "error" or answer.error is None:
            problems.append(answer.describe())
        else:
            error = answer.error
            if not error.modelled:
                problems.append(f"raised {error.cls} (code {error.code!r}), not the SDK's modelled {name}")
            if error.status != status:
                problems.append(f"status {error.status}, not {status}")
            if error.message != message:
                problems.append(f"message {error.message!r}, not {message!r}")
        text = f"{name}, {how}: " + (
            "; ".join(problems) if problems else f"modelled {name}, HTTP {status}, message kept"
        )
        self.record(key, not problems, text, error=name)

    def check_errors(self) -> None:
        wire = self.the_contract.wire
        header, namespace, message_member = wire.type_header, wire.namespace, wire.message_member
        for name, modelled in self.the_contract.errors.items():
            default = modelled.default_message
            answer = self.call(
                self.mock.url, self.some_id, headers={FORCE_ERROR_HEADER: name}, retry=ONE_ATTEMPT, expect=name
            )
            self._judge_error("errorTypeHeader", name, f"from the reference mock ({header}: {name}:…)", default, answer)
            # (clause key, how the error is typed and worded, headers, message member, body member for the type)
            variants: list[tuple[str, str, dict[str, str], str, str | None]] = [
                ("errorTypeHeader", f"{header}: {name} (no suffix)", {header: name}, message_member, None)
            ]
            variants += [
                ("errorTypeBody", f"type only in the body's {member}", {}, message_member, member)
                for member in wire.type_body_members
            ]
            variants += [
                ("errorMessage", f"{member} instead of {message_member}", {header: f"{name}:{namespace}"}, member, None)
                for member in wire.message_members
                if member != message_member
            ]
            status = self.the_contract.errors[name].status
            for key, how, headers, words, type_member in variants:
                text = f"canned {name}: {how}"
                body = {words: text} if type_member is None else {type_member: name, words: text}
                self.canned.set(Canned(status, {**self.content_type, **headers}, json.dumps(body).encode()))
                answer = self.call(self.canned.url, self.some_id, retry=ONE_ATTEMPT, expect=name)
                self._judge_error(key, name, how, text, answer)

    # ---- client-side validation
    def _sent(self, identifier: str, expect: str | None = None) -> tuple[bool, Answer]:
        before = self.mock.request_count
        answer = self.call(self.mock.url, identifier, retry=ONE_ATTEMPT, expect=expect)
        return self.mock.request_count > before, answer

    def check_validation(self) -> None:
        for identifier in _valid_identifiers(self.config.examples, self.config.seed):
            sent, answer = self._sent(identifier)
            message = f"{_short(identifier)} sent" if sent else f"{_short(identifier)} not sent: {answer.describe()}"
            self.record("acceptsValid", sent, message, identifier=identifier)
        invalid_answer = str(self.the_contract.page_operation.invalid_answer)
        summary: dict[str, dict[str, int]] = {}
        notes: list[str] = []
        for cid, values in _invalid_identifiers(self.config.examples, self.config.seed):
            constraint = self.the_contract.clause(cid).constraint
            tally = summary.setdefault(constraint, {"rejected": 0, "sent": 0})
            for value in values:
                sent, answer = self._sent(value, invalid_answer)
                tally["sent" if sent else "rejected"] += 1
                if not sent:
                    notes.append(f"{_short(value)} ({constraint}) rejected before sending: {answer.describe()}")
                elif answer.error is None or not answer.error.modelled:
                    notes.append(f"{_short(value)} ({constraint}) sent, and the SDK {answer.describe()}")
        rejects = [f"{c} ({t['rejected']}/{t['rejected'] + t['sent']})" for c, t in summary.items() if t["rejected"]]
        sends = [f"{c} ({t['sent']}/{t['rejected'] + t['sent']})" for c, t in summary.items() if t["sent"]]
        message = f"rejects before sending: {', '.join(rejects) or 'none'}; sends: {', '.join(sends) or 'none'}"
        if notes:
            message += ". " + " ".join(notes[:6])
        # Information, never a failure: which constraints an SDK checks is its own business.
        self.record(
            "clientSide", True, message, rejects=[c for c, t in summary.items() if t["rejected"]], tally=summary
        )

    # ---- retries
    def check_retries(self) -> None:
        retried, never = retried_errors()
        modes = retry_modes(self.spec)
        for mode in [None, *modes]:
            for name in [*retried, *never]:
                before = self.mock.request_count
                answer = self.call(
                    self.mock.url,
                    self.some_id,
                    headers={FORCE_ERROR_HEADER: name},
                    retry={"mode": mode} if mode else None,
                    expect=name,
                )
                attempts = self.mock.request_count - before
                resolved = answer.retry_mode or mode
                label = f"{mode} mode" if mode else f"default mode ({resolved or 'unknown'})"
                status = self.the_contract.errors[name].status
                if name in never:
                    ok = attempts == 1
                    text = f"{name} (HTTP {status}), {label}: {attempts} attempt{'s' * (attempts != 1)}"
                    self.record("notRetried", ok, text + ("" if ok else ", expected 1"), error=name, mode=resolved)
                    continue
                described = modes.get(resolved or "")
                if described is None:
                    self.recorder.skip(clause_id("retried"), f"{self.run.label}: sdk.json describes no {resolved} mode")
                    continue
                expected = int(described["maxAttempts"])
                ok = attempts == expected
                delays = ", ".join(f"{d:.2f}s" for d in answer.delays)
                text = f"{name} (HTTP {status}), {label}: {attempts} attempts"
                text += f" (the mode allows {expected})" if ok else f", expected {expected} ({described['source']})"
                if delays:
                    text += f"; backoff asked for {delays}"
                self.record("retried", ok, text, error=name, mode=resolved, attempts=attempts)

    def steps(self) -> list[tuple[Callable[[], None], tuple[str, ...]]]:
        return [
            (self.check_encoding, ("encoding",)),
            (self.check_parsing, ("parsing", "timestamps")),
            (self.check_errors, ("errorTypeHeader", "errorTypeBody", "errorMessage")),
            (self.check_validation, ("acceptsValid", "clientSide")),
            (self.check_retries, ("retried", "notRetried")),
            (lambda: check_paginator(self), PAGINATOR),
            (lambda: check_round_trip(self, f"bc-sdk-{self.config.seed % 100000}"), (CREATED, GONE)),
        ]

    def close(self) -> None:
        self.transport.close()


def _skip_all(recorder: Recorder, clauses: Iterable[str], reason: str) -> None:
    for cid in clauses:
        recorder.skip(cid, reason)


def run_sdk_suite(sdk: str, recorder: Recorder, config: RunConfig) -> SdkRun:
    """Run every sdk.* check for ``sdk`` (``boto3``, ``aiobotocore==2.13.0``, ``js``, ...), recording into ``recorder``.

    An SDK that cannot run here (no Node.js, an install that failed) is skipped: every sdk.* clause gets the
    reason, and the returned ``SdkRun`` carries it in ``skipped``. An unknown name raises ``SdkSpecError``.
    """
    spec = parse_sdk(sdk)
    run = SdkRun(requested=str(spec), name=spec.name)
    try:
        runtime = runtime_for(spec)
        adapter = Adapter(runtime, spec.distribution)
    except SdkUnavailable as exc:
        run.skipped = f"{spec} not run: {exc}"
        _skip_all(recorder, sdk_clause_ids(), run.skipped)
        return run
    run.version, run.core, run.runtime, run.where = (
        adapter.hello.version,
        adapter.hello.core,
        adapter.hello.runtime,
        runtime.where,
    )
    with adapter, MockServer(region=config.region, seed=config.seed) as mock, CannedServer() as canned:
        suite = _Suite(spec, adapter, mock, canned, config, run, recorder)
        try:
            for step, keys in suite.steps():
                try:
                    step()
                except SdkUnavailable as exc:
                    # The adapter died: what it was checking fails, and nothing after it can run.
                    for key in keys:
                        suite.record(key, False, f"the adapter stopped: {exc}")
                    run.skipped = f"{run.label} stopped early: {exc}"
                    _skip_all(recorder, sdk_clause_ids(), run.skipped)
                    break
        finally:
            suite.close()
    return run
