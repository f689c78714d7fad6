"""The Python adapter (sdk/_pyadapter.py) in-process: its boto3 serving loop fed JSON lines against the reference mock.

The suites run the adapter as a script under the SDK's interpreter, where coverage cannot follow it; here its loop
reads a fake stdin and writes to a fake stdout, and each answer is read back as the suite reads it
(``_adapter._answer``). What botocore reports (exception classes, codes, statuses, attempts) is restated from
botocore and the page. aiobotocore is not installed here: its half of the adapter (``AioBotocore``,
``serve_aiobotocore``) is run only by tests/test_sdk_real.py, in an environment of its own.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib
import importlib.metadata
import importlib.util
import io
import json
import os
import platform
import runpy
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from bedrock_conformance._http import Transport
from bedrock_conformance.mock import MockServer
from bedrock_conformance.sdk._adapter import _answer
from bedrock_conformance.sdk._env import PYTHON_ADAPTER
from bedrock_conformance.targets import DUMMY

FORCE = "x-bedrock-conformance-force-error"
HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0"
THROTTLED = (
    "Too many requests, please wait before trying again. You have sent too many requests. Wait before trying again."
)


@pytest.fixture(scope="module")
def pa() -> ModuleType:
    """The adapter module; importing it points sys.stdout at stderr (the protocol owns stdout), which is undone here."""
    saved = sys.stdout
    try:
        return importlib.import_module("bedrock_conformance.sdk._pyadapter")
    finally:
        sys.stdout = saved


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture(autouse=True)
def no_aws_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment the suites give the adapter: no AWS_* settings of the caller, no config files to read."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


def serve(pa: ModuleType, monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> list[dict[str, Any]]:
    """Feed ``lines`` to the boto3 loop; the answers it wrote, one JSON object a line."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    monkeypatch.setattr(pa, "_OUT", out)
    pa.serve_boto3()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def target(mock: MockServer, operation: str = "GetInferenceProfile") -> dict[str, Any]:
    return {
        "service": "bedrock",
        "operation": operation,
        "endpoint": mock.url,
        "region": "us-east-1",
        "credentials": [DUMMY.access_key, DUMMY.secret_key],
    }


def get(mock: MockServer, rid: int, identifier: str = HAIKU, **extra: Any) -> str:
    request = {"id": rid, "op": "call", **target(mock), "params": {"inferenceProfileIdentifier": identifier}}
    return json.dumps({"headers": {}, "retry": None, "expect": None, **request, **extra})


# ------------------------------------------------------------------------------------------------ hello and calls
def test_hello_names_the_sdk_its_botocore_and_the_interpreter(pa: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = serve(pa, monkeypatch, [json.dumps({"id": 1, "op": "hello", "distribution": "boto3"})])
    assert answers == [
        {
            "id": 1,
            "sdk": "boto3",
            "version": importlib.metadata.version("boto3"),
            "core": f"botocore {importlib.metadata.version('botocore')}",
            "runtime": f"{platform.python_implementation()} {platform.python_version()}",
        }
    ]
    # Without a distribution the SDK's own name is looked up.
    (plain,) = serve(pa, monkeypatch, [json.dumps({"id": 2, "op": "hello"})])
    assert plain["version"] == importlib.metadata.version("boto3")


def test_a_get_answers_its_output_without_metadata_and_timestamps_marked_aware(
    pa: ModuleType, monkeypatch: pytest.MonkeyPatch, mock: MockServer
) -> None:
    before = mock.request_count
    (answer,) = serve(pa, monkeypatch, [get(mock, 5, retry={"mode": "standard"})])
    assert mock.request_count - before == 1
    assert (answer["id"], answer["kind"], answer["attempts"], answer["delays"]) == (5, "output", 1, [])
    assert (answer["retryMode"], answer["instantRetries"]) == ("standard", True)
    output = answer["output"]
    assert "ResponseMetadata" not in output
    assert output["inferenceProfileId"] == HAIKU
    assert output["inferenceProfileName"] == "US Anthropic Claude 3 Haiku"
    assert output["createdAt"] == {"$timestamp": "2024-09-30T00:00:00+00:00", "aware": True}
    assert output["models"][0] == {
        "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
    }
    parsed = _answer(answer)
    assert (parsed.kind, parsed.attempts, parsed.retry_mode, parsed.instant_retries) == ("output", 1, "standard", True)
    assert parsed.describe() == "returned an output"


@pytest.mark.parametrize(
    ("retry", "mode", "attempts"),
    [({"mode": "standard"}, "standard", 3), ({"mode": "legacy"}, "legacy", 5), ({"maxAttempts": 1}, None, 1)],
    ids=["standard", "legacy", "one-attempt"],
)
def test_a_throttle_is_retried_as_the_mode_says_at_once_with_the_headers_on_every_attempt(
    pa: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    mock: MockServer,
    retry: dict[str, Any],
    mode: str | None,
    attempts: int,
) -> None:
    before = mock.request_count
    line = get(mock, 9, headers={FORCE: "ThrottlingException"}, retry=retry, expect="ThrottlingException")
    (answer,) = serve(pa, monkeypatch, [line])
    # Every attempt carried the forced-error header: the mock throttled each one.
    assert mock.request_count - before == attempts
    assert answer["kind"] == "error" and answer["attempts"] == attempts
    assert answer["error"] == {
        "class": "ThrottlingException",
        "code": "ThrottlingException",
        "message": THROTTLED,
        "status": 429,
        "service": True,
        "modelled": True,
    }
    # The backoff botocore asked for between attempts is noted, and not waited for.
    assert len(answer["delays"]) == attempts - 1 and all(d > 0 for d in answer["delays"])
    if mode is not None:
        assert answer["retryMode"] == mode
    parsed = _answer(answer)
    assert parsed.error is not None and parsed.error.describe() == f"HTTP 429 ThrottlingException: {THROTTLED}"


@pytest.mark.parametrize("expect", ["ValidationException", None], ids=["another-error", "none"])
def test_an_error_is_modelled_only_as_the_error_expected(
    pa: ModuleType, monkeypatch: pytest.MonkeyPatch, mock: MockServer, expect: str | None
) -> None:
    line = get(mock, 3, headers={FORCE: "ResourceNotFoundException"}, retry={"maxAttempts": 1}, expect=expect)
    (answer,) = serve(pa, monkeypatch, [line])
    error = answer["error"]
    assert (error["class"], error["code"], error["status"]) == ("ResourceNotFoundException",) * 2 + (404,)
    assert (error["service"], error["modelled"], answer["attempts"]) == (True, False, 1)


def test_a_request_botocore_refuses_is_an_error_of_no_service_and_never_sent(
    pa: ModuleType, monkeypatch: pytest.MonkeyPatch, mock: MockServer
) -> None:
    before = mock.request_count
    # botocore checks the label's minimum length (1) before sending.
    (answer,) = serve(pa, monkeypatch, [get(mock, 4, identifier="", expect="ValidationException")])
    assert mock.request_count == before
    assert answer["kind"] == "error" and (answer["attempts"], answer["delays"]) == (None, [])
    error = answer["error"]
    assert (error["class"], error["code"], error["status"]) == ("ParamValidationError", None, None)
    assert (error["service"], error["modelled"]) == (False, False)
    assert "Invalid length for parameter inferenceProfileIdentifier" in error["message"]
    assert _answer(answer).describe().startswith("raised ParamValidationError: Parameter validation failed")


# ------------------------------------------------------------------------------------------------ paginate
def raw_listing(mock: MockServer) -> list[str]:
    transport = Transport(mock.url, "us-east-1", DUMMY)
    try:
        body = transport.send(transport.request("GET", "/inference-profiles")).response
        assert body is not None
        return [s["inferenceProfileId"] for s in json.loads(body.body)["inferenceProfileSummaries"]]
    finally:
        transport.close()


def test_paginate_follows_next_token_to_the_last_page_at_the_page_size_asked(
    pa: ModuleType, monkeypatch: pytest.MonkeyPatch, mock: MockServer
) -> None:
    line = {"id": 8, "op": "paginate", **target(mock, "ListInferenceProfiles"), "params": {}, "pageSize": 2}
    (answer,) = serve(pa, monkeypatch, [json.dumps({"headers": {}, "retry": None, **line})])
    assert (answer["id"], answer["kind"], answer["attempts"]) == (8, "output", None)
    pages = answer["output"]
    assert len(pages) > 1
    assert all(len(p["inferenceProfileSummaries"]) <= 2 and "ResponseMetadata" not in p for p in pages)
    assert all("nextToken" in p for p in pages[:-1]) and "nextToken" not in pages[-1]
    got = [s["inferenceProfileId"] for p in pages for s in p["inferenceProfileSummaries"]]
    assert got == raw_listing(mock)
    assert pages[0]["inferenceProfileSummaries"][0]["createdAt"]["aware"] is True


def test_a_paginator_that_meets_an_error_answers_the_error(
    pa: ModuleType, monkeypatch: pytest.MonkeyPatch, mock: MockServer
) -> None:
    line = {"id": 2, "op": "paginate", **target(mock, "ListInferenceProfiles"), "params": {}, "pageSize": None}
    line |= {"headers": {FORCE: "AccessDeniedException"}, "retry": None}
    (answer,) = serve(pa, monkeypatch, [json.dumps(line)])
    assert answer["kind"] == "error" and answer["attempts"] == 1
    error = answer["error"]
    assert (error["class"], error["status"], error["service"], error["modelled"]) == (
        "AccessDeniedException",
        403,
        True,
        False,
    )


# ------------------------------------------------------------------------------------------------ crashes
def test_each_request_that_breaks_the_adapter_is_a_crash_and_the_loop_goes_on(
    pa: ModuleType, monkeypatch: pytest.MonkeyPatch, mock: MockServer
) -> None:
    unknown = {"id": 7, "op": "call", **target(mock, "NoSuchOperation"), "params": {}, "retry": None}
    lines = ["not json", "", "   ", json.dumps({"id": 6, "op": "call"}), json.dumps(unknown), json.dumps({"id": 11})]
    answers = serve(pa, monkeypatch, [*lines, get(mock, 12)])
    # Blank lines get no answer; every other line gets one, in order.
    assert [a["id"] for a in answers] == [None, 6, 7, 11, 12]
    assert [a["kind"] for a in answers] == ["crash"] * 4 + ["output"]
    last = [a["crash"].strip().splitlines()[-1] for a in answers[:4]]
    assert last[0].startswith("json.decoder.JSONDecodeError: Expecting value")
    assert last[1] == "KeyError: 'service'"
    assert last[2] == "AttributeError: 'Bedrock' object has no attribute 'no_such_operation'"
    assert last[3] == "KeyError: 'op'"
    assert _answer(answers[1]).describe() == "the adapter crashed: KeyError: 'service'"
    assert answers[4]["output"]["inferenceProfileId"] == HAIKU


def test_a_crash_with_no_traceback_is_described_as_such() -> None:
    assert _answer({"id": 1, "kind": "crash", "crash": ""}).describe() == "the adapter crashed: no traceback"


# ------------------------------------------------------------------------------------------------ pieces
def test_sdk_values_become_json_as_the_protocol_says(pa: ModuleType) -> None:
    naive = datetime.datetime(2024, 9, 30, 1, 2, 3)
    aware = datetime.datetime(2024, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    value = {1: (naive, aware), "b": b"\x00\xff", "s": io.BytesIO(b"x"), "n": None}
    assert pa.plain(value) == {
        "1": [
            {"$timestamp": "2024-09-30T01:02:03", "aware": False},
            {"$timestamp": "2024-09-30T00:00:00+02:00", "aware": True},
        ],
        "b": {"$bytes": "AP8="},
        "s": {"$stream": True},
        "n": None,
    }


@pytest.mark.parametrize(
    ("retry", "config"),
    [
        (None, None),
        ({}, None),
        ({"mode": "legacy"}, {"mode": "legacy"}),
        ({"maxAttempts": 2}, {"total_max_attempts": 2}),
        ({"mode": "standard", "maxAttempts": 4}, {"mode": "standard", "total_max_attempts": 4}),
        ({"mode": None, "maxAttempts": None}, {}),
    ],
)
def test_the_retry_request_becomes_botocores_retries_config(
    pa: ModuleType, retry: dict[str, Any] | None, config: dict[str, Any] | None
) -> None:
    assert pa.retries_config(retry) == config


def client(pa: ModuleType, mock: MockServer) -> Any:
    return pa.Boto3().client({**target(mock), "retry": None})[0]


def test_without_botocores_retry_handler_retries_are_left_alone(pa: ModuleType, mock: MockServer) -> None:
    bedrock = client(pa, mock)
    bedrock.meta.events.unregister("needs-retry.bedrock", unique_id="retry-config-bedrock")
    assert pa.instant_retries(bedrock, pa.State(), is_async=False) is False


def test_an_async_retry_handler_is_awaited_and_its_delay_noted(pa: ModuleType, mock: MockServer) -> None:
    """aiobotocore's retry handlers are coroutines: the wrapper awaits them, notes the delay, retries at once."""
    bedrock = client(pa, mock)
    events = bedrock.meta.events
    events.unregister("needs-retry.bedrock", unique_id="retry-config-bedrock")
    delays = iter([0.25, None])

    async def handler(**_: Any) -> float | None:
        return next(delays)

    events.register("needs-retry.bedrock", handler, unique_id="retry-config-bedrock")
    state = pa.State()
    assert pa.instant_retries(bedrock, state, is_async=True) is True
    wrapper = events._emitter._unique_id_handlers["retry-config-bedrock"]["handler"]
    assert asyncio.run(wrapper(attempts=1)) == 0
    assert asyncio.run(wrapper(attempts=2)) is None
    assert state.delays == [0.25]
    # A handler that answers at once (botocore's own) is not awaited.
    sync = pa.State()
    events.unregister("needs-retry.bedrock", unique_id="retry-config-bedrock")
    events.register("needs-retry.bedrock", lambda **_: 1.5, unique_id="retry-config-bedrock")
    assert pa.instant_retries(bedrock, sync, is_async=True) is True
    wrapper = events._emitter._unique_id_handlers["retry-config-bedrock"]["handler"]
    assert asyncio.run(wrapper()) == 0 and sync.delays == [1.5]


def test_the_state_notes_no_delay_when_botocore_does_not_retry(pa: ModuleType) -> None:
    state = pa.State()
    assert state.record(None) is None and state.record(False) is False
    assert state.record(2) == 0 and state.delays == [2.0]


# ------------------------------------------------------------------------------------------------ main
def test_main_serves_boto3_when_no_sdk_is_named(pa: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "argv", ["_pyadapter.py"])
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"id": 1, "op": "hello"}) + "\n"))
    monkeypatch.setattr(pa, "_OUT", out)
    pa.main()
    assert json.loads(out.getvalue())["sdk"] == "boto3"


@pytest.mark.skipif(importlib.util.find_spec("aiobotocore") is not None, reason="aiobotocore is installed here")
def test_main_for_aiobotocore_needs_aiobotocore(pa: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["_pyadapter.py", "aiobotocore"])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(ModuleNotFoundError, match="aiobotocore"):
        pa.main()


def test_run_as_a_script_it_serves_the_sdk_named_on_stdout_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the suites start it (``python _pyadapter.py boto3``): answers go to the stdout it found, prints to stderr."""
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "argv", [str(PYTHON_ADAPTER), "boto3"])
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"id": 4, "op": "hello"}) + "\n"))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    runpy.run_path(str(PYTHON_ADAPTER), run_name="__main__")
    assert sys.stdout is err  # a library's print cannot break the protocol
    print("a library's chatter")
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [4]
    assert err.getvalue() == "a library's chatter\n"
