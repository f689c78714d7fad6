"""The transport's and the targets' paths no other test takes: a chunked body cut short, a connect the deadline
outlived, a connection whose socket is gone, the one-line wording of timeouts and short bodies, a target named
``localhost``, no retries at all, and moto missing."""

from __future__ import annotations

import http.client
import socket
import sys
import threading
from collections.abc import Callable, Iterator

import pytest
from zoo.servers import read_request_head

from bedrock_conformance import _http, cli
from bedrock_conformance._deadline import Deadline, describe_failure, stale
from bedrock_conformance._http import TargetError, Transport
from bedrock_conformance.mock import MockServer
from bedrock_conformance.targets import DUMMY, TargetOptions, open_target

HAIKU_PATH = "/inference-profiles/us.anthropic.claude-3-haiku-20240307-v1%3A0"


def _listen(act: Callable[[socket.socket], None]) -> Iterator[int]:
    """A loopback listener doing ``act`` with the one connection it accepts; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            act(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()
        thread.join(timeout=30)


def _chunked_then_gone(conn: socket.socket) -> None:
    read_request_head(conn)
    # One whole chunk of 5 bytes, then a chunk of 16 that stops after 2: the connection closes mid-body.
    conn.sendall(
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n10\r\n12'
    )


def test_a_chunked_body_cut_short_is_no_answer_saying_how_much_came() -> None:
    for port in _listen(_chunked_then_gone):
        transport = Transport(f"http://127.0.0.1:{port}", "us-east-1", DUMMY)
        try:
            exchange = transport.send(transport.request("GET", HAIKU_PATH))
        finally:
            transport.close()
        assert exchange.response is None
        assert (exchange.error, exchange.attempts) == ("the connection closed mid-body: 5 bytes read", 1)


def test_a_connect_the_deadline_outlived_is_a_timeout_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline fires as the connection completes: the probe counts it as the timeout it was."""

    class FiresAtOnce(Deadline):
        def __enter__(self) -> Deadline:
            super().__enter__()
            self.fire()  # no socket yet: nothing to shut down
            return self

    monkeypatch.setattr(_http, "Deadline", FiresAtOnce)
    for port in _listen(lambda conn: conn.recv(1)):
        transport = Transport(f"http://127.0.0.1:{port}", "us-east-1", DUMMY, _http.TransportOptions(timeout=2.5))
        with pytest.raises(TargetError) as caught:
            transport.probe()
        assert str(caught.value) == f"cannot reach http://127.0.0.1:{port}: timed out after 2.5 s connecting"
        assert transport._local.conn is None  # dropped, not kept for the next request


def test_a_connection_whose_socket_was_closed_is_stale() -> None:
    conn = http.client.HTTPConnection("127.0.0.1", 1)
    assert not stale(conn)  # never connected: nothing to look at
    conn.sock = socket.socket()
    conn.sock.close()  # select() refuses a closed socket
    assert stale(conn)


@pytest.mark.parametrize(
    ("error", "phase", "received", "expected"),
    [
        (TimeoutError(), "", 0, "timed out"),
        (TimeoutError("timed out"), "waiting for the response", 0, "timed out waiting for the response"),
        (http.client.IncompleteRead(b"abc"), "reading the body", 10, "the connection closed mid-body: 13 bytes read"),
        # 10 bytes before, 3 in this read, 7 more promised: 20 in all.
        (
            http.client.IncompleteRead(b"abc", 7),
            "reading the body",
            10,
            "the connection closed mid-body: 13 of 20 bytes read",
        ),
    ],
)
def test_timeouts_and_short_bodies_are_one_line(error: BaseException, phase: str, received: int, expected: str) -> None:
    assert describe_failure(error, phase, received) == expected


def test_a_url_that_is_not_http_is_refused_by_the_transport() -> None:
    with pytest.raises(TargetError, match=r"^not an http\(s\) URL: ftp://127\.0\.0\.1:21$"):
        Transport("ftp://127.0.0.1:21", "us-east-1", DUMMY)


# ------------------------------------------------------------------------------------------------ targets
def test_a_target_named_localhost_gets_the_short_loopback_backoff() -> None:
    with MockServer() as mock:
        target = open_target(TargetOptions(spec=f"http://localhost:{mock.port}"))
        try:
            options = target.transport.options
            assert (options.backoff_base, options.backoff_cap) == (0.005, 1.0)
        finally:
            target.close()


def test_no_attempt_at_all_is_refused() -> None:
    with pytest.raises(TargetError, match=r"^--max-attempts must be 1 or more, not 0$"):
        open_target(TargetOptions(spec="mock", max_attempts=0))


def test_the_moto_target_without_moto_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "moto.server", None)  # import fails as if moto were not installed
    assert cli.main(["run", "--quiet", "--target", "moto"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err == "error: the moto target needs moto[server]: pip install 'moto[server]'\n"
