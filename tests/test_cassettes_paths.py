"""Cassette paths no other test takes: recording over a cassette that cannot be read back, lint of requests to no
operation and of an unscrubbed header, bodies written by hand, parity of equal non-JSON bodies, and the errors of
a folder that is not there or an install that ships no cassettes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from zoo.servers import serving

from bedrock_conformance import cli
from bedrock_conformance._http import Exchange, Request, Response, Transport
from bedrock_conformance._schemas import SchemaError
from bedrock_conformance.cassettes import format as cassette_format
from bedrock_conformance.cassettes.format import CassetteError, Interaction, cassette_files, read_cassette
from bedrock_conformance.cassettes.lint import Problem, lint
from bedrock_conformance.cassettes.parity import compare, normalise
from bedrock_conformance.cassettes.record import recording_refusal
from bedrock_conformance.targets import DUMMY

HEAD = """version: 1
metadata:
  bedrock_conformance:
    format: 1
    region: us-east-1
interactions:
"""

# The mock's answer to an identifier nobody has, as cassettes/mock/request.yaml holds it.
NOT_FOUND = """- request:
    method: GET
    uri: http://mock.bedrock-conformance.invalid/inference-profiles/x
    headers:
      Accept:
      - application/json
{extra}  response:
    status:
      code: 404
      message: Not Found
    headers:
      Content-Type:
      - application/json
      x-amzn-ErrorType:
      - ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/
    body:
      json:
        message: Inference profile x not found.
"""

ELSEWHERE = """- request:
    method: GET
    uri: http://mock.bedrock-conformance.invalid/foundation-models
  response:
    status:
      code: 200
    body: not the answer of any operation
- request:
    method: GET
    uri: http://mock.bedrock-conformance.invalid/inference-profiles/x
  response:
    status:
      code: 302
    headers:
      Location:
      - /elsewhere
"""


def _cassette(directory: Path, text: str, name: str = "request.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------ recording
def test_recording_over_a_cassette_that_is_no_yaml_stops_the_run_naming_it_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _cassette(tmp_path / "c", "version: 1\ninteractions: [\n")
    argv = ["run", "--quiet", "--examples", "1", "--record", str(tmp_path / "c"), "--record-mode", "once"]
    assert cli.main([*argv, "--", "-k", "inferenceProfileIdentifier and minLength"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: {broken}: not valid YAML at line 3 (expected the node content, but found '<stream end>')\n"
    )
    assert broken.read_text(encoding="utf-8") == "version: 1\ninteractions: [\n"  # left as it was


def test_recording_over_a_cassette_vcrpy_cannot_read_stops_the_run_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        HEAD
        + "- request:\n    uri: http://mock.bedrock-conformance.invalid/x\n  response:\n    status:\n      code: 404\n"
    )
    broken = _cassette(tmp_path / "c", text)
    argv = ["run", "--quiet", "--examples", "1", "--record", str(tmp_path / "c"), "--record-mode", "new_episodes"]
    assert cli.main([*argv, "--", "-k", "inferenceProfileIdentifier and minLength"]) == 2
    assert capsys.readouterr().err == (
        f"error: {broken}: Request.__init__() missing 2 required positional arguments: 'method' and 'headers'\n"
    )


def test_an_error_that_is_no_refusal_to_record_is_left_to_the_caller() -> None:
    assert recording_refusal(ValueError("no"), Request("GET", "http://127.0.0.1:1/x")) is None


# ------------------------------------------------------------------------------------------------ reading
def test_bodies_written_by_hand_as_plain_values_are_read_as_text(tmp_path: Path) -> None:
    path = _cassette(tmp_path, HEAD + ELSEWHERE)
    first, second = read_cassette(path)
    assert (first.exchange.request.body, first.exchange.response.body) == (b"", b"not the answer of any operation")
    assert second.exchange.response.body == b""


def test_cassettes_of_a_folder_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match=r": no such cassette directory$") as caught:
        cassette_files(tmp_path / "gone")
    assert str(caught.value) == f"{tmp_path / 'gone'}: no such cassette directory"


def test_an_install_that_ships_no_cassettes_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_folder(name: str) -> Path:
        raise SchemaError(f"no {name}/ found (looked in /a and /b)")

    monkeypatch.setattr(cassette_format, "data_dir", no_folder)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["cassettes", "check", "mock"]) == 2
    assert capsys.readouterr().err == (
        "error: mock: no such cassette directory, and no shipped set of that name (shipped: none)\n"
    )


def test_an_arn_pattern_without_an_account_field_cannot_be_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A schemas/ whose ARN pattern lost its ``[0-9]{12}`` account field: scrubbing says why it cannot work."""
    arn = SimpleNamespace(pattern="^arn:aws:bedrock:[a-z0-9-]+:.+$")
    response = SimpleNamespace(members={"inferenceProfileArn": arn})
    fake = SimpleNamespace(response=response, role=lambda _name: "inferenceProfileArn")
    monkeypatch.setattr(cassette_format, "contract", lambda: fake)
    cassette_format._account_digits.cache_clear()
    try:
        with pytest.raises(CassetteError, match=r"^response\.json's ARN pattern has no account field to scrub$"):
            cassette_format.scrub_account("arn:aws:bedrock:us-east-1:123456789012:inference-profile/x")
    finally:
        cassette_format._account_digits.cache_clear()


# ------------------------------------------------------------------------------------------------ lint
def test_lint_flags_an_unscrubbed_header_and_judges_only_answers_of_the_contracts_operations(tmp_path: Path) -> None:
    signed = NOT_FOUND.format(extra="      Authorization:\n      - AWS4-HMAC-SHA256 scrubbed by hand\n")
    path = _cassette(tmp_path / "all", HEAD + signed + ELSEWHERE)
    problems, checked = lint(tmp_path / "all")
    assert problems == [
        Problem(f"{path}: interaction 0 (GET /inference-profiles/x)", "request header Authorization was not scrubbed")
    ]
    # The List of foundation models and the redirect add no check: only the 404 is judged.
    _cassette(tmp_path / "one", HEAD + NOT_FOUND.format(extra=""))
    assert checked == lint(tmp_path / "one")[1] > 0
    assert lint(tmp_path / "one")[0] == []


# ------------------------------------------------------------------------------------------------ parity
class _Plain(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = b"plain text"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def plain() -> Iterator[str]:
    with serving(_Plain) as url:
        yield url


def test_parity_finds_equal_non_json_bodies_alike_and_different_ones_different(plain: str, tmp_path: Path) -> None:
    def recorded(index: int, body: bytes) -> Interaction:
        request = Request("GET", "http://recorded.invalid/inference-profiles/x", {"Accept": "application/json"})
        return Interaction(tmp_path / "c.yaml", index, Exchange(request, Response(200, {}, body)), {}, {})

    transport = Transport(plain, "us-east-1", DUMMY)
    try:
        differences, total = compare([recorded(0, b"plain text"), recorded(1, b"other text")], transport)
    finally:
        transport.close()
    assert total == 2
    where = f"{tmp_path / 'c.yaml'}: interaction 1 (GET /inference-profiles/x)"
    assert [(d.where, d.what) for d in differences] == [(where, "body differs (not JSON)")]


def test_parity_compares_numbers_booleans_and_nulls_as_they_are() -> None:
    body = {"maxResults": 7, "ok": True, "nextToken": None, "createdAt": "2024-08-30T00:00:00Z"}
    assert normalise(json.loads(json.dumps(body))) == {
        "maxResults": 7,
        "ok": True,
        "nextToken": None,
        "createdAt": "<timestamp>",
    }


def test_every_shipped_cassette_reads_as_pyyamls_pure_python_safe_loader_reads_it() -> None:
    import yaml

    shipped = sorted((Path(__file__).resolve().parent.parent / "cassettes").rglob("*.yaml"))
    assert len(shipped) >= 8
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        assert cassette_format.load_document(text, str(path)) == yaml.load(text, Loader=yaml.SafeLoader), path


def test_a_yaml_error_is_worded_by_the_pure_python_loader_with_or_without_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    words = "not valid YAML at line 2 (found character '\\t' that cannot start any token)"
    for loader in {yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)}:
        monkeypatch.setattr(cassette_format, "_LOADER", loader)
        with pytest.raises(CassetteError) as caught:
            cassette_format.load_document("version: 1\n\tinteractions: []\n", "c.yaml")
        assert str(caught.value) == f"c.yaml: {words}"


def test_a_cassette_read_again_is_parsed_from_its_new_text_into_a_copy_of_its_own(tmp_path: Path) -> None:
    text = HEAD + NOT_FOUND.format(extra="")
    path = _cassette(tmp_path / "c", text)
    first = cassette_format.load_document(path.read_text(encoding="utf-8"), str(path))
    first["interactions"][0]["response"]["status"]["code"] = 200  # what one reader does to its copy
    again = cassette_format.load_document(path.read_text(encoding="utf-8"), str(path))
    assert again["interactions"][0]["response"]["status"]["code"] == 404
    path.write_text(text.replace("code: 404", "code: 403"), encoding="utf-8")
    edited = cassette_format.load_document(path.read_text(encoding="utf-8"), str(path))
    assert edited["interactions"][0]["response"]["status"]["code"] == 403


LIST = "http://m/inference-profiles"  # ListInferenceProfiles, whose query has maxResults and typeEquals
BOTH, BOTH_SWAPPED = f"{LIST}?maxResults=5&typeEquals=APPLICATION", f"{LIST}?typeEquals=APPLICATION&maxResults=5"
GET = "http://m/inference-profiles/"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("GET", BOTH), ("GET", BOTH), True),
        (("GET", BOTH), ("GET", BOTH_SWAPPED), True),
        (("GET", BOTH), ("POST", BOTH), False),
        (("GET", f"{LIST}?maxResults=5"), ("GET", f"{LIST}?maxResults=6"), False),
        (("GET", f"{LIST}?maxResults=5"), ("GET", LIST), False),
        (("GET", f"{GET}a"), ("DELETE", f"{GET}a"), False),
        (("GET", f"{GET}a"), ("GET", f"{GET}b"), False),
        # The host is the scrubbed alias either way: vcrpy's path and query matchers never looked at it.
        (("GET", f"{GET}a"), ("GET", "http://other/inference-profiles/a"), True),
    ],
)
def test_recording_matches_requests_as_vcrpys_method_path_and_query_matchers_do(
    a: tuple[str, str], b: tuple[str, str], same: bool
) -> None:
    import vcr.matchers
    import vcr.request

    from bedrock_conformance.cassettes.record import same_request

    r1, r2 = (vcr.request.Request(method, uri, b"", {}) for method, uri in (a, b))
    assert same_request(r1, r2) is same
    assert vcr.matchers.requests_match(r1, r2, [vcr.matchers.method, vcr.matchers.path, vcr.matchers.query]) is same
