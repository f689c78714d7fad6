"""Error paths no other test reaches: each bad input is one line on stderr and a non-zero exit, never a traceback.

The internal-error catch-all and an interrupt outside the suites' run; every kind of corrupt cassette and lint of a
broken one; each difference the parity diff (``replay DIR --target URL``) can report, and its CLI errors; malformed
baselines; and the transport's TLS EOF, disconnect, broken pipe and DNS failures (on loopback, and a ``.invalid``
name, which never resolves).
"""

from __future__ import annotations

import errno
import http.client
import json
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml
from zoo.servers import read_request_head, serving

from bedrock_conformance import cli
from bedrock_conformance._http import Transport
from bedrock_conformance.targets import DUMMY

MOCK = Path(__file__).resolve().parent.parent / "cassettes" / "mock"
HAIKU_PATH = "/inference-profiles/us.anthropic.claude-3-haiku-20240307-v1%3A0"


def one_line(err: str) -> str:
    """The error's one line (a usage mistake may add argparse's one-line usage before it)."""
    lines = err.splitlines()
    assert err.endswith("\n") and (len(lines) == 1 or (len(lines) == 2 and lines[0].startswith("usage: "))), err
    assert "Traceback" not in err
    return lines[-1]


# ------------------------------------------------------------------------------------------------ CLI catch-alls
def test_an_unexpected_exception_is_one_line_naming_it_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: Any) -> int:
        raise RuntimeError("the validator fell over")

    monkeypatch.setattr(cli, "cmd_validate", broken)
    monkeypatch.delenv("BEDROCK_CONFORMANCE_DEBUG", raising=False)
    assert cli.main(["validate", "x.json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert one_line(err) == (
        "internal error: RuntimeError: the validator fell over (set BEDROCK_CONFORMANCE_DEBUG=1 for a traceback)"
    )
    monkeypatch.setenv("BEDROCK_CONFORMANCE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="the validator fell over"):
        cli.main(["validate", "x.json"])


def test_an_interrupt_outside_the_suites_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(_directory: Path) -> Any:
        raise KeyboardInterrupt

    # Ctrl-C while `cassettes check` reads its folder: no suite is running, no report is due.
    monkeypatch.setattr("bedrock_conformance.cassettes.lint", interrupted)
    assert cli.main(["cassettes", "check", str(MOCK)]) == 130
    out, err = capsys.readouterr()
    assert out == ""
    assert one_line(err) == "interrupted"


# ------------------------------------------------------------------------------------------------ corrupt cassettes
def _edit_yaml(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _drop_metadata(data: dict[str, Any]) -> None:
    del data["metadata"]


def _incomplete(data: dict[str, Any]) -> None:
    del data["interactions"][0]["response"]


def _no_status(data: dict[str, Any]) -> None:
    del data["interactions"][0]["response"]["status"]["code"]


def _unknown_style(data: dict[str, Any]) -> None:
    data["interactions"][0]["response"]["body"]["json_style"] = "fancy"


def _not_utf8(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"Forbidden", b"Forbidd\xe9n", 1))


def _unreadable(path: Path) -> None:
    path.unlink()
    path.mkdir()  # a folder named errors.yaml: found by the glob, cannot be read as a file (root reads any mode)


CORRUPTIONS = {
    "missing-metadata": (
        lambda p: _edit_yaml(p, _drop_metadata),
        "errors.yaml: no bedrock_conformance metadata (not recorded by bedrock-conformance)",
    ),
    "incomplete-interaction": (
        lambda p: _edit_yaml(p, _incomplete),
        "errors.yaml: interaction 0 is incomplete (needs request.uri and response)",
    ),
    "missing-status": (
        lambda p: _edit_yaml(p, _no_status),
        "errors.yaml: interaction 0 has no response status code",
    ),
    "unknown-json-style": (
        lambda p: _edit_yaml(p, _unknown_style),
        "errors.yaml: interaction 0: unknown json_style 'fancy'",
    ),
    "not-utf-8": (_not_utf8, "errors.yaml: not UTF-8 text"),
    "unreadable": (_unreadable, "errors.yaml: cannot read (Is a directory)"),
}


@pytest.fixture
def cassettes(tmp_path: Path) -> Path:
    directory = tmp_path / "c"
    directory.mkdir()
    shutil.copy(MOCK / "errors.yaml", directory / "errors.yaml")
    return directory


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_each_kind_of_corrupt_cassette_is_one_line_naming_the_file_and_exit_2(
    kind: str, cassettes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage, expected = CORRUPTIONS[kind]
    damage(cassettes / "errors.yaml")
    assert cli.main(["run", "--quiet", "--target", f"replay:{cassettes}"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("error: ") and line.endswith(expected), line
    assert str(cassettes / "errors.yaml") in line


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_lint_lists_a_broken_cassette_as_a_problem_and_exits_1(
    kind: str, cassettes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage, expected = CORRUPTIONS[kind]
    shutil.copy(MOCK / "request.yaml", cassettes / "request.yaml")
    damage(cassettes / "errors.yaml")
    assert cli.main(["cassettes", "check", str(cassettes)]) == 1
    out = capsys.readouterr().out.splitlines()
    message = expected.split(": ", 1)[1]
    assert out[0] == f"{cassettes / 'errors.yaml'}: {message}", out
    # The healthy file beside it is still linted: its clause checks are counted.
    assert len(out) == 2 and out[1].startswith("1 problems; ") and not out[1].startswith("1 problems; 0 ")


# ------------------------------------------------------------------------------------------------ parity diff
class _Quirky(BaseHTTPRequestHandler):
    """Answers the recorded requests wrongly, one way per forced error, and the haiku profile as HTML."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        forced = self.headers.get("x-bedrock-conformance-force-error")
        if forced is None:
            self._answer(200, {"Content-Type": "text/html"}, b"<html>a profile</html>")
        elif forced == "AccessDeniedException":
            self._answer(403, {"x-amzn-ErrorType": "ValidationException"}, b'{"message": "no"}')
        elif forced == "InternalServerException":
            self.close_connection = True  # no answer at all
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self._answer(404, {"x-amzn-ErrorType": "ResourceNotFoundException"}, b'{"message": "gone"}')


@pytest.fixture
def quirky() -> Iterator[str]:
    with serving(_Quirky) as url:
        yield url


def _parity_cassettes(directory: Path) -> Path:
    """The recorded Get of the haiku profile, and the recorded forced AccessDenied and InternalServer errors."""
    directory.mkdir()
    errors = yaml.safe_load((MOCK / "errors.yaml").read_text(encoding="utf-8"))
    behaviour = yaml.safe_load((MOCK / "behaviour.yaml").read_text(encoding="utf-8"))
    (get,) = [
        i
        for i in behaviour["interactions"]
        if i["request"]["uri"].endswith(HAIKU_PATH) and i["request"]["method"] == "GET"
    ][:1]
    forced = {i["request"]["headers"]["x-bedrock-conformance-force-error"][0]: i for i in errors["interactions"]}
    errors["interactions"] = [get, forced["AccessDeniedException"], forced["InternalServerException"]]
    (directory / "parity.yaml").write_text(yaml.safe_dump(errors, sort_keys=False), encoding="utf-8")
    return directory


def test_parity_reports_no_answer_error_type_and_non_json_differences(
    quirky: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _parity_cassettes(tmp_path / "c")
    report = tmp_path / "parity.json"
    code = cli.main(["replay", str(directory), "--target", quirky, "--allow-writes", "--report-json", str(report)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    where = f"{directory / 'parity.yaml'}: interaction"
    assert out[0] == f"{where} 0 (GET {HAIKU_PATH}): body differs (not JSON)"
    assert out[1] == f"{where} 1 (GET {HAIKU_PATH}): error type ValidationException, recorded AccessDeniedException"
    assert out[2] == f"{where} 2 (GET {HAIKU_PATH}): no answer: the target closed the connection without answering"
    assert out[3] == f"parity: {quirky} vs recorded mock: 0 of 3 interactions agree"
    assert len(out) == 4
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert (doc["interactions"], len(doc["differences"])) == (3, 3)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["/nonexistent/cassettes", "--target", "mock"], "error: /nonexistent/cassettes: no such cassette directory"),
        (
            [str(MOCK), "--target", "ftp://127.0.0.1/"],
            "argument --target: unknown target 'ftp://127.0.0.1/': use mock, http(s)://HOST:PORT, aws[:REGION], moto",
        ),
        ([str(MOCK)], "error: bedrock-conformance replay: the following arguments are required: --target"),
        ([str(MOCK), "--target", "mock", "--timeout", "soon"], "argument --timeout: 'soon' is not a number"),
    ],
    ids=["no-folder", "bad-target", "no-target", "bad-timeout"],
)
def test_parity_cli_errors_are_one_line_and_exit_2(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["replay", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert expected in one_line(err)


def test_parity_against_a_target_nobody_listens_on_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    assert cli.main(["replay", str(MOCK), "--target", url, "--allow-writes"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("error: ") and "connection refused" in line and url in line


# ------------------------------------------------------------------------------------------------ baselines
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read baseline {path}: No such file or directory"),
        ("{not json", "baseline {path} is not {{'known_failures': [{{'clause', 'reason'}}]}}: Expecting"),
        ('{"failures": []}', "baseline {path} is not {{'known_failures': [{{'clause', 'reason'}}]}}: 'known_failures'"),
        ('{"known_failures": [{"reason": "x"}]}', "baseline {path} is not {{'known_failures'"),
        ('{"known_failures": 7}', "baseline {path} is not {{'known_failures'"),
        (
            '{"known_failures": [{"clause": "response.nothing.here", "reason": "x"}]}',
            "baseline {path} names clauses that do not exist: response.nothing.here",
        ),
    ],
    ids=["missing", "not-json", "no-known-failures", "entry-without-clause", "not-a-list", "unknown-clause"],
)
def test_a_malformed_baseline_is_one_line_and_exit_2_before_anything_is_sent(
    content: str | None, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens: a run that got as far as sending would say so
    assert cli.main(["run", "--quiet", "--target", url, "--baseline", str(path)]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("error: " + expected.format(path=path).replace("{{", "{").replace("}}", "}")), line


# ------------------------------------------------------------------------------------------------ transport errors
class _Listener:
    """A loopback TCP listener that does ``act`` with each connection it accepts."""

    def __init__(self, act: Callable[[socket.socket], None]):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.act = act
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                self.act(conn)

    def close(self) -> None:
        self.sock.close()


def _send(url: str) -> tuple[str | None, int | None]:
    transport = Transport(url, "us-east-1", DUMMY)
    try:
        exchange = transport.send(transport.request("GET", HAIKU_PATH))
    finally:
        transport.close()
    return exchange.error, exchange.response.status if exchange.response else None


def test_tls_eof_in_the_handshake_is_no_answer_in_one_line() -> None:
    # Reads the client's hello (so that closing sends a clean FIN, not a reset for unread bytes), then closes
    # without a TLS byte of its own.
    listener = _Listener(lambda conn: conn.recv(65536) and None)
    try:
        error, status = _send(f"https://127.0.0.1:{listener.port}")
    finally:
        listener.close()
    assert status is None
    assert error == "TLS handshake failed: the target closed the connection"


def test_a_disconnect_after_the_request_is_no_answer_in_one_line() -> None:
    listener = _Listener(read_request_head)  # reads the whole request, then closes without a word
    try:
        error, status = _send(f"http://127.0.0.1:{listener.port}")
    finally:
        listener.close()
    assert (error, status) == ("the target closed the connection without answering", None)


def test_a_broken_pipe_while_sending_is_no_answer_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    listener = _Listener(read_request_head)

    def broken_pipe(self: http.client.HTTPConnection, data: Any) -> None:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(http.client.HTTPConnection, "send", broken_pipe)
    try:
        error, status = _send(f"http://127.0.0.1:{listener.port}")
    finally:
        listener.close()
    assert (error, status) == ("the target closed the connection while the request was being sent", None)


def test_a_host_that_does_not_resolve_is_no_answer_and_a_run_against_it_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # RFC 6761: .invalid never resolves, so no query leaves the machine with an answer and nothing is sent.
    error, status = _send("http://bedrock.conformance.invalid")
    assert status is None
    assert error is not None and error.startswith("cannot resolve host (")
    assert cli.main(["run", "--quiet", "--target", "http://bedrock.conformance.invalid"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("error: cannot reach http://bedrock.conformance.invalid: cannot resolve host ("), line
