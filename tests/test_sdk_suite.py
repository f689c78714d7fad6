"""The SDK checks catch broken SDKs: a fake SDK with one defect at a time fails exactly the clause it breaks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest

from bedrock_conformance._engine import Recorder, RunConfig
from bedrock_conformance._http import Clock, Transport
from bedrock_conformance._validator import Outcome
from bedrock_conformance.mock import MockServer
from bedrock_conformance.sdk import SdkRun, parse_sdk, sdk_clause_ids
from bedrock_conformance.sdk._adapter import Answer, Hello, SdkError
from bedrock_conformance.sdk._canned import Canned, CannedServer
from bedrock_conformance.sdk._defects import instant as _instant
from bedrock_conformance.sdk._suite import _lost_or_changed, _Suite
from bedrock_conformance.targets import DUMMY

CONFIG = RunConfig(seed=3, examples=2)
ERROR_MESSAGE = "sdk.errorMessage.capitalised"
NO_WAITS = Clock(sleep=lambda seconds: None)


# What a real SDK knows from its service model, restated from the page (never read from the contract or the validator).
PATH = "/inference-profiles/{inferenceProfileIdentifier}"
LABEL = "inferenceProfileIdentifier"
TIMESTAMP_MEMBERS = frozenset({"createdAt", "updatedAt"})
LIST_PATH = "/inference-profiles"
SIBLINGS = ("CreateInferenceProfile", "DeleteInferenceProfile")
PAGINATOR = {"ListInferenceProfiles:sdk.paginator.complete", "ListInferenceProfiles:sdk.paginator.noDuplicates"}


def wire_error_type(headers: dict[str, str], body: Any) -> str | None:
    """rest-json's error type, as botocore reads it: the x-amzn-ErrorType header up to its first ':', else the body's
    code, Code or __type (after any 'namespace#')."""
    for name, value in headers.items():
        if name.lower() == "x-amzn-errortype" and value.strip():
            return value.split(":")[0].strip()
    if isinstance(body, dict):
        for member in ("code", "Code", "__type"):
            if isinstance(body.get(member), str) and body[member]:
                return str(body[member]).split("#")[-1].split(":")[0]
    return None


@dataclass
class FakeSdk:
    """An SDK built on the project's raw transport that keeps the contract, except for the ``defects`` named."""

    defects: set[str] = field(default_factory=set)
    hello: Hello = field(default_factory=lambda: Hello("fake", "0", "fake 0", "test"))

    def call(
        self,
        target: dict[str, Any],
        params: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        retry: dict[str, Any] | None = None,
        expect: str | None = None,
    ) -> Answer:
        if target["operation"] in SIBLINGS:
            return self._sibling(target, params, expect)
        identifier = params[LABEL]
        if "rejects-arns" in self.defects and identifier.startswith("arn:"):
            return Answer("error", error=SdkError("ParamValidationError", None, "no ARNs", None, False, False))
        if "rejects-all" in self.defects:
            return Answer("error", error=SdkError("ParamValidationError", None, "no", None, False, False))
        safe = ":/" if "unencoded" in self.defects else ""
        path = PATH.replace("{" + LABEL + "}", quote(identifier, safe=safe))
        # The transport's own waits between resends are not what a fake SDK is judged on: they take no time here.
        transport = Transport(target["endpoint"], target["region"], DUMMY, clock=NO_WAITS)
        mode = (retry or {}).get("mode") or "standard"
        most = (retry or {}).get("maxAttempts") or {"legacy": 5}.get(mode, 3)
        if "never-retries" in self.defects:
            most = 1
        try:
            for attempt in range(1, most + 1):
                exchange = transport.send(transport.request("GET", path, headers=headers))
                assert exchange.response is not None, exchange.error
                status = exchange.response.status
                retryable = status in (429, 500) or ("retries-everything" in self.defects and status >= 400)
                if attempt < most and retryable:
                    continue
                answer = self._answer(
                    exchange.response.status, exchange.response.headers, exchange.response.body, expect
                )
                answer.retry_mode = mode
                return answer
        finally:
            transport.close()
        raise AssertionError("unreachable")

    def _sibling(self, target: dict[str, Any], params: dict[str, Any], expect: str | None) -> Answer:
        """CreateInferenceProfile and DeleteInferenceProfile, as the page's siblings are bound (POST and DELETE)."""
        transport = Transport(target["endpoint"], target["region"], DUMMY, clock=NO_WAITS)
        try:
            if target["operation"] == "CreateInferenceProfile":
                exchange = transport.send(transport.request("POST", LIST_PATH, body=params))
                answer = self._answer(
                    exchange.response.status, exchange.response.headers, exchange.response.body, expect
                )
                if "creates-under-another-arn" in self.defects and answer.output:
                    answer.output["inferenceProfileArn"] = answer.output["inferenceProfileArn"][:-1] + "0"
                return answer
            if "delete-not-sent" in self.defects:
                return Answer("output", output={})
            path = PATH.replace("{" + LABEL + "}", quote(params[LABEL], safe=""))
            exchange = transport.send(transport.request("DELETE", path))
            return self._answer(exchange.response.status, exchange.response.headers, exchange.response.body, expect)
        finally:
            transport.close()

    def paginate(self, target: dict[str, Any], params: dict[str, Any], *, page_size: int | None = None) -> Answer:
        """ListInferenceProfiles page by page: maxResults, then each page's nextToken until a page has none."""
        transport = Transport(target["endpoint"], target["region"], DUMMY, clock=NO_WAITS)
        pages: list[dict[str, Any]] = []
        token = None
        try:
            while True:
                query = {"maxResults": str(page_size), **({"nextToken": token} if token else {})}
                exchange = transport.send(transport.request("GET", LIST_PATH, query=query))
                page = json.loads(exchange.response.body)
                pages.append(page)
                if "repeats-the-first-page" in self.defects and len(pages) == 2:
                    pages.append(pages[0])
                token = page.get("nextToken")
                if not token or "stops-after-one-page" in self.defects:
                    return Answer("output", output=pages)
        finally:
            transport.close()

    def _read(self, value: Any) -> Any:
        """A wire timestamp as this SDK reads it: years 0-99 as 1900-1999 or 2000-2099 if it has that defect."""
        shift = 1900 if "two-digit-years" in self.defects else 2000 if "two-digit-years-2000" in self.defects else 0
        if not isinstance(value, str) or not shift or not value[:4].isdigit() or int(value[:4]) > 99:
            return value
        return f"{int(value[:4]) + shift:04d}{value[4:]}"

    def _answer(self, status: int, headers: dict[str, str], raw: bytes, expect: str | None) -> Answer:
        body = json.loads(raw) if raw else {}
        if status < 300:
            if "drops-a-member" in self.defects and body:
                body.pop(sorted(body)[0])
            stamped = [k for k, v in body.items() if k in TIMESTAMP_MEMBERS and isinstance(v, str)]
            leap = [body[k] for k in stamped if body[k][17:19] == "60"]
            if leap and {"leap-second", "leap-second-typeerror"} & self.defects:
                cls = "ValueError" if "leap-second" in self.defects else "TypeError"
                message = f'Invalid timestamp "{leap[0]}": second must be in 0..59'
                return Answer("error", error=SdkError(cls, None, message, None, False, False))
            stamps = {k: {"$timestamp": self._read(body[k]), "aware": "naive" not in self.defects} for k in stamped}
            output = {k: stamps.get(k, v) for k, v in body.items()}
            return Answer("output", output=output)
        code = wire_error_type(headers, None if "ignores-body-type" in self.defects else body)
        members = ["message"] if "ignores-Message" in self.defects else ["message", "Message"]
        message = next((body[m] for m in members if m in body), "")
        modelled = code == expect and "generic-errors" not in self.defects
        error = SdkError("ClientError" if not modelled else str(code), code, message, status, True, modelled)
        return Answer("error", error=error)


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[MockServer, CannedServer]]:
    with MockServer(seed=CONFIG.seed) as mock, CannedServer() as canned:
        yield mock, canned


def suite_for(fake: FakeSdk, servers: tuple[MockServer, CannedServer]) -> tuple[_Suite, SdkRun]:
    run = SdkRun(requested="fake", name="fake", version="0")
    mock, canned = servers
    return _Suite(parse_sdk("boto3"), fake, mock, canned, CONFIG, run, Recorder()), run  # type: ignore[arg-type]


def outcomes(run: SdkRun) -> dict[str, set[Outcome]]:
    found: dict[str, set[Outcome]] = {}
    for result in run.results:
        found.setdefault(result.clause, set()).add(result.outcome)
    return found


def failing(run: SdkRun) -> set[str]:
    return {clause for clause, seen in outcomes(run).items() if Outcome.FAIL in seen}


def test_an_sdk_that_keeps_the_contract_passes_every_clause(servers: tuple[MockServer, CannedServer]) -> None:
    suite, run = suite_for(FakeSdk(), servers)
    for step, _keys in suite.steps():
        step()
    assert failing(run) == set()
    assert set(outcomes(run)) == set(sdk_clause_ids())


@pytest.mark.parametrize(
    ("defect", "step", "clauses"),
    [
        ("unencoded", "check_encoding", {"sdk.identifier.encoding"}),
        ("drops-a-member", "check_parsing", {"sdk.response.parsed"}),
        ("naive", "check_parsing", {"sdk.response.timestamps"}),
        (
            "generic-errors",
            "check_errors",
            {"sdk.errorType.header", "sdk.errorType.body", "sdk.errorMessage.capitalised"},
        ),
        ("ignores-body-type", "check_errors", {"sdk.errorType.body"}),
        ("ignores-Message", "check_errors", {ERROR_MESSAGE}),
        ("rejects-arns", "check_validation", {"sdk.validation.acceptsValid"}),
        ("never-retries", "check_retries", {"sdk.retry.retried"}),
        ("retries-everything", "check_retries", {"sdk.retry.notRetried"}),
        ("stops-after-one-page", 5, {"ListInferenceProfiles:sdk.paginator.complete"}),
        ("repeats-the-first-page", 5, {"ListInferenceProfiles:sdk.paginator.noDuplicates"}),
        ("creates-under-another-arn", 6, {"CreateInferenceProfile:sdk.roundTrip.gettable"}),
        ("delete-not-sent", 6, {"DeleteInferenceProfile:sdk.roundTrip.gone"}),
    ],
)
def test_each_defect_fails_the_clauses_it_breaks_and_no_other(
    defect: str, step: str | int, clauses: set[str], servers: tuple[MockServer, CannedServer]
) -> None:
    suite, run = suite_for(FakeSdk({defect}), servers)
    if isinstance(step, int):  # the family steps: the paginator, the round trip
        suite.steps()[step][0]()
    else:
        getattr(suite, step)()
    assert failing(run) == clauses
    if defect in ("creates-under-another-arn", "delete-not-sent"):
        # Whatever the SDK did, the profile it created is gone when the check ends.
        listing = Transport(servers[0].url, "us-east-1", DUMMY, clock=NO_WAITS)
        page = json.loads(listing.send(listing.request("GET", LIST_PATH, query={"type": "APPLICATION"})).response.body)
        listing.close()
        assert not [p for p in page["inferenceProfileSummaries"] if p["inferenceProfileName"].startswith("bc-sdk-")]


def test_an_unencoded_slash_is_reported_with_the_path_that_was_sent(servers: tuple[MockServer, CannedServer]) -> None:
    suite, run = suite_for(FakeSdk({"unencoded"}), servers)
    suite.check_encoding()
    failures = [r.message for r in run.results if r.outcome is Outcome.FAIL]
    assert failures and all("not as one segment" in m for m in failures)
    # The identifiers that break up are ARNs: the path sent shows their '/' and ':' unencoded.
    assert any("was sent as '/inference-profiles/arn:aws" in m for m in failures)
    assert all("%2F" not in m.split(" was sent as ")[1].split(", not as")[0] for m in failures)


def test_client_side_rejections_are_information_not_failures(servers: tuple[MockServer, CannedServer]) -> None:
    suite, run = suite_for(FakeSdk({"rejects-all"}), servers)
    suite.check_validation()
    info = [r for r in run.results if r.clause == "sdk.validation.clientSide"]
    assert [r.outcome for r in info] == [Outcome.PASS]
    assert "sends: none" in info[0].message
    assert info[0].context["rejects"] == list(info[0].context["tally"])


def test_every_result_names_the_sdk_it_came_from(servers: tuple[MockServer, CannedServer]) -> None:
    suite, run = suite_for(FakeSdk(), servers)
    suite.check_errors()
    assert run.results and all(r.context["sdk"] == "fake 0" and r.message.startswith("fake 0: ") for r in run.results)


def test_lost_and_changed_members_are_named_by_their_pointer() -> None:
    wire = {"a": "x", "models": [{"modelArn": "m1"}, {"modelArn": "m2"}], "t": "2024-09-30T00:00:00Z"}
    parsed = {"models": [{"modelArn": "m1"}, {}], "t": {"$timestamp": "2024-09-30T00:00:00+00:00", "aware": True}}
    assert _lost_or_changed(wire, parsed) == ["/a lost", "/models/1/modelArn lost"]
    assert _lost_or_changed({"n": 1}, {"n": "1"}) == ['/n 1 became "1"']


def test_wire_timestamps_compare_as_instants_whatever_their_offset() -> None:
    assert _instant("2024-09-30T05:30:00+05:30") == _instant("2024-09-30T00:00:00Z")
    assert _instant("2024-09-30T00:00:00.123456789Z") == _instant("2024-09-30T00:00:00.123456Z")
    assert _instant("2016-12-31T23:59:60Z") == _instant("2017-01-01T00:00:00Z")
    assert _instant("2024-09-30") is None


def test_canned_server_answers_as_told_and_keeps_the_raw_target() -> None:
    with CannedServer() as canned:
        canned.set(Canned(418, {"X-Test": "yes"}, b"{}"))
        transport = Transport(canned.url, "us-east-1", DUMMY)
        exchange = transport.send(transport.request("GET", "/a%2Fb/c%3Ad?x=1"))
        transport.close()
        assert exchange.response is not None and exchange.response.status == 418
        assert exchange.response.header("X-Test") == "yes"
        assert [s.target for s in canned.seen] == ["/a%2Fb/c%3Ad?x=1"]
        assert canned.seen[0].path == "/a%2Fb/c%3Ad"


# ------------------------------------------------------------------------------------------------ known defects
# The ledger (sdk.json x-known-defects) names botocore's leap-second ValueError for boto3 >= 1.35 and the JS SDK's
# years 0-99 read as 1900-1999; each must match exactly, or the failure stays a failure.
def _parsed_as(
    defects: set[str], servers: tuple[MockServer, CannedServer], sdk: str, version: str, *, strict: bool = False
) -> dict[str, set[Outcome]]:
    run = SdkRun(requested=sdk, name=sdk, version=version)
    mock, canned = servers
    config = RunConfig(seed=CONFIG.seed, examples=CONFIG.examples, strict=strict)
    fake = FakeSdk(defects)
    suite = _Suite(parse_sdk(sdk), fake, mock, canned, config, run, Recorder())  # type: ignore[arg-type]
    suite.check_parsing()
    suite.close()
    for result in run.results:
        if result.outcome is Outcome.DEVIATION:
            assert result.context["defect"]["id"] in result.message and result.context["defect"]["evidence"]
    return outcomes(run)


PARSED, TIMESTAMPS = "sdk.response.parsed", "sdk.response.timestamps"


def test_the_known_leap_second_defect_of_boto3_is_a_deviation(servers: tuple[MockServer, CannedServer]) -> None:
    found = _parsed_as({"leap-second"}, servers, "boto3", "1.40.0")
    assert found[PARSED] == {Outcome.PASS, Outcome.DEVIATION}


def test_the_known_two_digit_year_defect_of_the_js_sdk_is_a_deviation(
    servers: tuple[MockServer, CannedServer],
) -> None:
    found = _parsed_as({"two-digit-years"}, servers, "js", "3.1164.0")
    assert Outcome.DEVIATION in found[TIMESTAMPS] and Outcome.FAIL not in found[TIMESTAMPS]


def test_under_strict_a_known_defect_fails(servers: tuple[MockServer, CannedServer]) -> None:
    assert Outcome.FAIL in _parsed_as({"leap-second"}, servers, "boto3", "1.40.0", strict=True)[PARSED]
    assert Outcome.FAIL in _parsed_as({"two-digit-years"}, servers, "js", "3.1164.0", strict=True)[TIMESTAMPS]


@pytest.mark.parametrize(
    ("defects", "sdk", "version", "clause"),
    [
        ({"leap-second-typeerror"}, "boto3", "1.40.0", PARSED),  # another symptom
        ({"leap-second"}, "boto3", "1.30.0", PARSED),  # a version outside the ledger's range
        ({"leap-second"}, "js", "3.1164.0", PARSED),  # an SDK the entry does not name
        ({"two-digit-years-2000"}, "js", "3.1164.0", TIMESTAMPS),  # the years misread another way
        ({"two-digit-years"}, "boto3", "1.40.0", TIMESTAMPS),  # a defect boto3 is not known for
    ],
    ids=["other-symptom", "other-version", "other-sdk", "other-misreading", "not-in-ledger"],
)
def test_a_defect_that_is_not_exactly_in_the_ledger_still_fails(
    servers: tuple[MockServer, CannedServer], defects: set[str], sdk: str, version: str, clause: str
) -> None:
    found = _parsed_as(defects, servers, sdk, version)
    assert Outcome.FAIL in found[clause] and Outcome.DEVIATION not in found[clause]
