"""The mock under hostile clients, fuzzed with hypothesis: what tests/test_mock_http.py's random fuzz leaves out.

That fuzz sends one request per connection in one write. This one also sends header bytes no parser should accept
(bare CR, bare LF, NUL, obs-fold continuation lines, header floods), pipelines several requests on one connection,
and dribbles them in small pieces. The mock must answer no 5xx, answer every request that has a request line, and
still serve an ordinary request afterwards.
"""

from __future__ import annotations

import itertools
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_mock_support import HAIKU, raw

from bedrock_conformance.mock import MockServer

_STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3}) ")
HAIKU_PATH = "/inference-profiles/" + quote(HAIKU, safe="")


@dataclass
class Wire:
    """The bytes of one or more requests and how they are cut into writes."""

    requests: list[bytes]
    pieces: list[int]

    @property
    def data(self) -> bytes:
        return b"".join(self.requests)


_NASTY = ["\r", "\n", "\x00", "\t", " ", ":", "\x7f", "é", "\u2028", "\ufeff"]
_text = st.text(alphabet=st.sampled_from([*"aZ09-_./%?=&", *_NASTY]), max_size=16)
_methods = st.sampled_from(["GET", "POST", "DELETE", "HEAD", "PUT", "get", "G T", ""]) | _text
_targets = st.sampled_from(
    ["/inference-profiles", "/inference-profiles/", HAIKU_PATH, "/inference-profiles/%", "*", "/"]
) | _text.map(lambda t: "/inference-profiles/" + t)
_versions = st.sampled_from(["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "http/1.1", ""])
_header = st.tuples(_text, _text).map(lambda kv: f"{kv[0]}: {kv[1]}")
_fold = _text.map(lambda t: " " + t)  # an obs-fold continuation line


@st.composite
def _request(draw: st.DrawFn) -> bytes:
    method, target, version = draw(_methods), draw(_targets), draw(_versions)
    lines = [f"{method} {target}" + (f" {version}" if version else ""), "Host: 127.0.0.1"]
    lines += draw(st.lists(st.one_of(_header, _fold), max_size=6))
    lines += ["X-Flood: v"] * draw(st.sampled_from([0, 0, 0, 99, 101]))
    body = draw(st.binary(max_size=200))
    framing = draw(st.sampled_from(["length", "length", "none", "short", "double", "chunked", "junk"]))
    if framing == "length":
        lines.append(f"Content-Length: {len(body)}")
    elif framing == "short":
        lines.append(f"Content-Length: {len(body) + 7}")
    elif framing == "double":
        lines += [f"Content-Length: {len(body)}", f"Content-Length: {len(body) + 1}"]
    elif framing == "chunked":
        lines.append("Transfer-Encoding: chunked")
    elif framing == "junk":
        lines.append(f"Content-Length: {draw(_text)}")
    ending = draw(st.sampled_from(["\r\n", "\r\n", "\n"]))
    return (ending.join(lines) + ending + ending).encode("utf-8", "surrogatepass") + body


@st.composite
def _wires(draw: st.DrawFn) -> Wire:
    requests = draw(st.lists(_request(), min_size=1, max_size=3))
    pieces = draw(st.lists(st.integers(1, 64), max_size=8))
    return Wire(requests, pieces)


def _send(mock: MockServer, wire: Wire) -> bytes:
    """Write the requests in the drawn pieces (the rest in one go), half-close, and read all that comes back.

    The mock must end every connection itself: a read that times out means it kept one open without answering, and
    fails the test. A reset is the kernel's answer to bytes the mock chose not to read after it closed; what came back
    before it is judged like any other answer.
    """
    data = wire.data
    with socket.create_connection((mock.host, mock.port), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            offset = 0
            for size in wire.pieces:
                sock.sendall(data[offset : offset + size])
                offset += size
            sock.sendall(data[offset:])
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # The mock may answer and close before it has read everything.
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            except TimeoutError:
                pytest.fail(f"the mock neither answered nor closed within 10 s: {data[:200]!r}")
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _answers(answer: bytes) -> list[tuple[int, bool]]:
    """(status, whether it says Connection: close) of each answer, in order."""
    out = []
    for match in re.finditer(rb"HTTP/1\.[01] (\d{3}) [^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n", answer):
        headers = match.group(2).lower()
        out.append((int(match.group(1)), re.search(rb"^connection:\s*close\s*$", headers, re.M) is not None))
    return out


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(wire=_wires())
def test_hostile_framing_pipelining_and_dribbling_never_get_a_5xx(mock: MockServer, wire: Wire) -> None:
    answer = _send(mock, wire)
    answers = _answers(answer)
    assert len(answers) == len(_STATUS_LINE.findall(answer)), answer[:400]
    assert all(status < 500 for status, _ in answers), answer[:400]
    # Every request is answered, in order, until one without a request line (the mock may close there without a
    # word: it cannot tell where anything after it starts) or an answer that says the mock closes the connection.
    asked = list(itertools.takewhile(lambda r: r.split(b"\n", 1)[0].strip(), wire.requests))
    if asked:
        assert answers, (wire.requests[0][:200], answer[:200])
    closes = [i for i, (_, close) in enumerate(answers) if close]
    if closes:
        assert closes == [len(answers) - 1], answer[:400]  # nothing is answered after the mock said it closes
    else:
        assert len(answers) >= len(asked), (wire.requests, answer[:400])
    assert raw(mock, "GET", HAIKU_PATH).status == 200
