"""The reference mock where a conformant client rarely takes it: a region too long for an ARN, a Delete with an empty
label, a service that raises, a status with no reason phrase, starting and stopping twice, credentials that are not
strings, and the module's own ``python -m`` entry point.

Restated: an inference profile ARN's region is at most 20 characters of ``[0-9a-z-]`` (the page's ARN pattern);
InternalServerException is 500; the mock answers an operation it does not know with 404 UnknownOperationException.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
from typing import Any
from urllib.parse import quote

import pytest
from test_mock_support import HAIKU, raw

from bedrock_conformance._findings import Finding
from bedrock_conformance._validator import Outcome
from bedrock_conformance.mock import MockServer
from bedrock_conformance.mock._answers import rejection, situation
from bedrock_conformance.mock._service import Reply

HAIKU_ARN = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU}"
LONG_REGION = "us-xxxxxxxxxxxxxxxxxx-1"  # botocore puts it in the aws partition; 23 characters, over the ARN's 20


def _error(answer: Any) -> tuple[int, str, str]:
    return answer.status, answer.error_type, json.loads(answer.body)["message"]


def test_a_profile_that_cannot_be_rendered_in_the_callers_region_is_a_500_naming_it() -> None:
    with MockServer() as mock:
        answer = raw(mock, "GET", "/inference-profiles/us.anthropic.claude-3-haiku-20240307-v1%3A0", region=LONG_REGION)
    status, kind, message = _error(answer)
    assert (status, kind) == (500, "InternalServerException")
    assert message.startswith(f"The reference mock failed: {HAIKU} in {LONG_REGION}: ")
    assert f'"arn:aws:bedrock:{LONG_REGION}:123456789012:inference-profile/{HAIKU}" does not match' in message


@pytest.mark.parametrize("target", ["/inference-profiles/", "/inference-profiles//"])
def test_a_delete_with_an_empty_label_is_no_operation(target: str) -> None:
    """A trailing '/' is the unlabelled path (which has no DELETE); a label left empty before it names nothing."""
    with MockServer() as mock:
        answer = raw(mock, "DELETE", target)
    assert _error(answer) == (404, "UnknownOperationException", f"Unknown operation: DELETE {target}")


def test_a_service_that_raises_is_answered_500_and_the_traceback_goes_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(request: Any) -> Reply:
        raise RuntimeError("the catalogue caught fire")

    with MockServer() as mock:
        monkeypatch.setattr(mock._service, "handle", broken)
        answer = raw(mock, "GET", "/inference-profiles")
        monkeypatch.undo()
        after = raw(mock, "GET", "/inference-profiles")
    assert _error(answer) == (
        500,
        "InternalServerException",
        "The reference mock failed: RuntimeError: the catalogue caught fire",
    )
    assert after.status == 200  # the mock keeps serving
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: the catalogue caught fire" in err


def test_a_status_without_a_reason_phrase_is_sent_with_an_empty_one(monkeypatch: pytest.MonkeyPatch) -> None:
    with MockServer() as mock:
        monkeypatch.setattr(mock._service, "handle", lambda request: Reply(599, b"{}"))
        answer = raw(mock, "GET", "/inference-profiles")
    assert (answer.status, answer.body) == (599, b"{}")


def test_starting_and_stopping_twice_is_harmless() -> None:
    mock = MockServer()
    assert mock.start() is mock
    port = mock.port
    assert mock.start() is mock and mock.port == port  # already serving: the same socket
    assert raw(mock, "GET", "/inference-profiles").status == 200
    mock.stop()
    mock.stop()  # already stopped: nothing to do


@pytest.mark.parametrize("credentials", [{"AKID": 5}, {7: "secret"}])
def test_credentials_must_be_strings(credentials: Any) -> None:
    with pytest.raises(ValueError, match=r"^credentials must map access key IDs to secret keys, both strings$"):
        MockServer(credentials=credentials)


def test_python_m_mock_has_its_own_program_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bedrock_conformance.mock.__main__ import main  # imported, not run: it parses nothing on import

    monkeypatch.setattr(sys, "argv", ["python -m bedrock_conformance.mock", "--help"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m bedrock_conformance.mock")


def test_a_rejection_shows_values_as_json_and_the_whole_body_as_no_member() -> None:
    """A true or null value is shown as JSON spells it; a finding on the whole request names no member."""
    enum = ["SYSTEM_DEFINED", "APPLICATION"]
    error = rejection(
        [
            Finding("c", Outcome.FAIL, "", True, "m", keyword="enum", limit=enum),
            Finding("c", Outcome.FAIL, "/typeEquals", None, "m", keyword="enum", limit=enum),
            Finding("c", Outcome.PASS, "/maxResults", 5, "m", keyword="maximum", limit=1000),
        ],
        names={"typeEquals": "type"},
    )
    assert error is not None and error.error == "ValidationException"
    assert error.message == (
        "2 validation errors detected: "
        "Value 'true' at '' failed to satisfy constraint: Member must satisfy enum value set: "
        "[SYSTEM_DEFINED, APPLICATION]; "
        "Value 'null' at 'type' failed to satisfy constraint: Member must satisfy enum value set: "
        "[SYSTEM_DEFINED, APPLICATION]"
    )


def test_a_situation_lists_only_what_it_has() -> None:
    assert dict(situation("requestLineTooLong")) == {
        "error": "RequestUriTooLongException",
        "message": "The request line is longer than {limit} bytes.",
        "limit": 8192,
    }
    assert dict(situation("invalidInput")) == {"error": "ValidationException"}


def test_a_client_that_resets_mid_request_leaves_no_traceback_and_the_mock_serves_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with MockServer() as mock:
        client = socket.create_connection(("127.0.0.1", mock.port))
        client.sendall(b"GET /inference-profiles HTTP/1.1\r\nHost: mock\r\n")  # the headers never end
        httpd = mock._httpd
        assert httpd is not None
        for _ in range(1000):  # until the handler holds the connection (not a timing assertion: a bounded wait)
            with httpd._lock:
                if httpd._connections:
                    break
            threading.Event().wait(0.01)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a TCP reset
        for _ in range(1000):  # until the handler let it go
            with httpd._lock:
                if not httpd._connections:
                    break
            threading.Event().wait(0.01)
        assert raw(mock, "GET", "/inference-profiles").status == 200
    assert capsys.readouterr().err == ""


class _Scripted:
    """A random source whose choices spell the given ids, one character at a time."""

    def __init__(self, *ids: str) -> None:
        self._chars = iter("".join(ids))

    def choice(self, alphabet: str) -> str:
        char = next(self._chars)
        assert char in alphabet
        return char


def test_an_application_id_already_taken_is_drawn_again() -> None:
    body = json.dumps({"inferenceProfileName": "{}", "modelSource": {"copyFrom": HAIKU_ARN}})
    with MockServer() as mock:
        mock._service._ids = _Scripted("aaaaaaaaaaaa", "aaaaaaaaaaaa", "bbbbbbbbbbbb")  # type: ignore[assignment]
        arns = []
        for name in ("first", "second"):
            answer = raw(mock, "POST", "/inference-profiles", body=body.replace("{}", name).encode())
            assert answer.status == 201, answer.body
            arns.append(json.loads(answer.body)["inferenceProfileArn"])
    prefix = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/"
    assert arns == [prefix + "aaaaaaaaaaaa", prefix + "bbbbbbbbbbbb"]


PROJECT = "([a-zA-Z0-9_-]+|arn:aws(-[^:]+)?:bedrock:[0-9a-z-]{1,20}:[0-9]{12}:project/[a-zA-Z0-9_-]+)"
HAIKU_PATH = "/inference-profiles/us.anthropic.claude-3-haiku-20240307-v1%3A0"


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("projectIdentifier=default", 200, None),
        (
            "projectIdentifier=%21%21",
            400,
            "1 validation error detected: Value '!!' at 'projectIdentifier' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {PROJECT}",
        ),
        (
            "projectIdentifier=",
            400,
            "2 validation errors detected: Value '' at 'projectIdentifier' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1; Value '' at 'projectIdentifier' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {PROJECT}",
        ),
    ],
    ids=["valid", "pattern", "empty"],
)
def test_a_get_checks_the_models_project_identifier_query(query: str, status: int, message: str | None) -> None:
    """projectIdentifier (the service model's optional query parameter of GetInferenceProfile, not on the page):
    1..2048 characters of its pattern, refused with 400 ValidationException in AWS's words."""
    with MockServer() as mock:
        answer = raw(mock, "GET", f"{HAIKU_PATH}?{query}")
    assert answer.status == status
    if message is None:
        assert json.loads(answer.body)["inferenceProfileId"] == HAIKU
    else:
        assert _error(answer) == (400, "ValidationException", message)


def test_a_profile_another_delete_removed_meanwhile_is_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two Deletes of one application profile at once: the one that finds it already gone gets 404."""
    body = json.dumps({"inferenceProfileName": "raced", "modelSource": {"copyFrom": HAIKU_ARN}}).encode()
    with MockServer() as mock:
        created = raw(mock, "POST", "/inference-profiles", body=body)
        assert created.status == 201
        arn = json.loads(created.body)["inferenceProfileArn"]
        service = mock._service
        looked_up = service._existing

        def existing(route: Any, identifier: str, caller: Any) -> Any:
            found = looked_up(route, identifier, caller)
            if route.method == "DELETE":  # the other Delete removes it between the lookup and the removal
                service._view(caller.region).applications.pop(found.id)
            return found

        monkeypatch.setattr(service, "_existing", existing)
        answer = raw(mock, "DELETE", "/inference-profiles/" + quote(arn, safe=""))
    assert _error(answer) == (404, "ResourceNotFoundException", f"Inference profile {arn} not found.")
