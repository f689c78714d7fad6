"""The mock's HTTP layer: limits, framing, keep-alive, concurrency, and a fuzz run that finds no 5xx."""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import re
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from test_mock_support import ACCESS_KEY, HAIKU, SECRET_KEY, client, raw, situation, status_of

from bedrock_conformance import contract
from bedrock_conformance.mock import FORCE_ERROR_HEADER, MockServer

HAIKU_PATH = "/inference-profiles/" + quote(HAIKU, safe="")
# Anywhere, not only at line starts: a body sent without Content-Length is a pipelined second request.
_STATUS_LINE = re.compile(rb"HTTP/1\.1 (\d{3}) ")
_FORCED_500 = f"{FORCE_ERROR_HEADER}: InternalServerException".encode()


def _exchange(mock: MockServer, request: bytes, timeout: float = 10.0) -> bytes:
    """Send raw bytes on a fresh connection, half-close, and read everything the server sends back."""
    with socket.create_connection((mock.host, mock.port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # The server may answer and close before it has read everything (over-long request lines).
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _head(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def _signed_headers(mock: MockServer, method: str, target: str, body: bytes = b"") -> dict[str, str]:
    request = AWSRequest(method=method, url=mock.url + target, data=body)
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "bedrock", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def _request_bytes(method: str, target: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def test_a_request_line_over_the_limit_gets_a_typed_414_and_one_at_the_limit_does_not(bedrock_mock: MockServer) -> None:
    limit = situation("requestLineTooLong")["limit"]
    prefix, suffix = "GET /inference-profiles/", " HTTP/1.1\r\n"
    at_limit = prefix + "a" * (limit - len(prefix) - len(suffix)) + suffix
    assert len(at_limit) == limit
    headers = "Host: x\r\nConnection: close\r\n\r\n"
    status, _, _ = _head(_exchange(bedrock_mock, (at_limit + headers).encode()))
    assert status != status_of(situation("requestLineTooLong")["error"])
    over = prefix + "a" * (limit - len(prefix) - len(suffix) + 1) + suffix
    status, response_headers, body = _head(_exchange(bedrock_mock, (over + headers).encode()))
    assert status == status_of(situation("requestLineTooLong")["error"]) and 400 <= status < 500
    assert response_headers["x-amzn-errortype"].startswith(situation("requestLineTooLong")["error"] + ":")
    assert str(limit) in json.loads(body)["message"]


def test_a_request_line_of_a_megabyte_is_refused_without_harm(bedrock_mock: MockServer) -> None:
    status, _, _ = _head(_exchange(bedrock_mock, b"GET /" + b"x" * (1 << 20) + b" HTTP/1.1\r\n\r\n"))
    assert 400 <= status < 500
    assert raw(bedrock_mock, "GET", HAIKU_PATH).status == 200


def test_a_body_over_the_limit_gets_a_typed_413_the_client_can_read(bedrock_mock: MockServer) -> None:
    limit = situation("bodyTooLarge")["limit"]
    body = b"{" + b" " * limit + b"}"
    connection = http.client.HTTPConnection(bedrock_mock.host, bedrock_mock.port, timeout=10)
    connection.request(
        "POST",
        "/inference-profiles",
        body=body,
        headers=_signed_headers(bedrock_mock, "POST", "/inference-profiles", body),
    )
    response = connection.getresponse()
    assert response.status == status_of(situation("bodyTooLarge")["error"]) and 400 <= response.status < 500
    assert response.getheader("x-amzn-ErrorType").startswith(situation("bodyTooLarge")["error"] + ":")
    assert response.getheader("Connection") == "close"
    response.read()
    connection.close()
    # At the limit the body is read and judged on its content (here: a JSON object with no members).
    at_limit = b"{" + b" " * (limit - 2) + b"}"
    answer = raw(bedrock_mock, "POST", "/inference-profiles", body=at_limit)
    assert (answer.status, answer.error_type) == (status_of("ValidationException"), "ValidationException")


def test_broken_framing_gets_a_typed_400_and_a_closed_connection(bedrock_mock: MockServer) -> None:
    cases = [
        {"Content-Length": "abc"},
        {"Content-Length": "-1"},
        {"Transfer-Encoding": "chunked"},
        {"Content-Length": "50"},  # ...but only 4 bytes follow
    ]
    for extra in cases:
        headers = {"Host": "x", **_signed_headers(bedrock_mock, "POST", "/inference-profiles"), **extra}
        status, response_headers, _ = _head(
            _exchange(bedrock_mock, _request_bytes("POST", "/inference-profiles", headers, b"{}{}"))
        )
        assert status == status_of(situation("malformedHttp")["error"]), extra
        assert response_headers["x-amzn-errortype"].startswith(situation("malformedHttp")["error"] + ":")
        assert response_headers["connection"] == "close"


def test_keep_alive_serves_many_requests_and_errors_on_one_connection_without_nagle_stalls(
    bedrock_mock: MockServer,
) -> None:
    connection = http.client.HTTPConnection(bedrock_mock.host, bedrock_mock.port, timeout=10)
    headers = _signed_headers(bedrock_mock, "GET", HAIKU_PATH)
    connection.request("GET", HAIKU_PATH, headers=headers)
    connection.getresponse().read()
    sock = connection.sock
    took = []
    for index in range(100):
        target = HAIKU_PATH if index % 2 else "/inference-profiles/us.nothing%3A0"
        signed = headers if index % 2 else _signed_headers(bedrock_mock, "GET", target)
        started = time.perf_counter()
        connection.request("GET", target, headers=signed)
        response = connection.getresponse()
        response.read()
        took.append(time.perf_counter() - started)
        assert response.status == (200 if index % 2 else 404)
    assert connection.sock is sock
    # A Nagle stall waits for the peer's delayed ACK, at least 40 ms on Linux, on every response; without it an
    # exchange on loopback takes well under a millisecond. A busy machine delays some exchanges, not most of them:
    # the median is a count of stalls, not a race against the clock.
    assert statistics.median(took) < 0.040, sorted(took)[50:]
    connection.close()


def test_head_gets_headers_only_and_leaves_the_connection_usable(bedrock_mock: MockServer) -> None:
    connection = http.client.HTTPConnection(bedrock_mock.host, bedrock_mock.port, timeout=10)
    connection.request("HEAD", HAIKU_PATH, headers=_signed_headers(bedrock_mock, "HEAD", HAIKU_PATH))
    head = connection.getresponse()
    assert head.read() == b"" and int(head.getheader("Content-Length")) > 0
    assert head.getheader("x-amzn-ErrorType").startswith(situation("unknownOperation")["error"])
    connection.request("GET", HAIKU_PATH, headers=_signed_headers(bedrock_mock, "GET", HAIKU_PATH))
    assert connection.getresponse().status == 200
    connection.close()


def test_concurrent_clients_are_all_served_and_counted(bedrock_mock: MockServer) -> None:
    bedrock_mock.reset_count()

    def worker(index: int) -> list[int]:
        connection = http.client.HTTPConnection(bedrock_mock.host, bedrock_mock.port, timeout=10)
        statuses = []
        for _ in range(50):
            connection.request("GET", HAIKU_PATH, headers=_signed_headers(bedrock_mock, "GET", HAIKU_PATH))
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        connection.close()
        return statuses

    def creator(index: int) -> str:
        created = client(bedrock_mock).create_inference_profile(
            inferenceProfileName=f"parallel-{index}",
            modelSource={"copyFrom": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0"},
        )
        return str(created["inferenceProfileArn"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        readers = [pool.submit(worker, i) for i in range(8)]
        writers = [pool.submit(creator, i) for i in range(8)]
        statuses = [s for future in readers for s in future.result()]
        arns = [future.result() for future in writers]
    assert statuses == [200] * 400
    assert len(set(arns)) == 8
    listed = client(bedrock_mock).list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert sorted(s["inferenceProfileArn"] for s in listed) == sorted(arns)
    assert bedrock_mock.request_count == 400 + 8 + 1


def test_stop_returns_promptly_while_a_client_holds_an_idle_keep_alive_connection() -> None:
    mock = MockServer().start()
    connection = http.client.HTTPConnection(mock.host, mock.port, timeout=10)
    connection.request("GET", HAIKU_PATH, headers=_signed_headers(mock, "GET", HAIKU_PATH))
    connection.getresponse().read()
    # The idle connection would keep its handler reading for 60 s: stop() must close it rather than wait for it.
    stopper = threading.Thread(target=mock.stop)
    stopper.start()
    stopper.join(timeout=30)  # bounds a hang only
    assert not stopper.is_alive()
    assert connection.sock.recv(1) == b""  # the server closed the connection the client still holds
    connection.close()


# --- fuzz ------------------------------------------------------------------------------------------------

_METHODS = ["GET", "GET", "POST", "POST", "DELETE", "PUT", "HEAD", "OPTIONS", "PATCH", "get", "BREW", "G\x01T", "\x00"]
_VERSIONS = ["HTTP/1.1"] * 6 + ["HTTP/1.0", "HTTP/2.0", "HTTP/1.1.1", "HTTX/1.1", "HTTP/9999999999999.1", ""]
_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:._/%?&=+ !$'()*,;@[]~\\\"#<>{}|^`"
    "\u00e9\u00ff\u0100\u2028\u202e\ufeff\U0001f600\x7f"
)


def _text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, longest)))


def _identifier(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.2:
        return HAIKU
    if choice < 0.3:
        return f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU}"
    if choice < 0.35:
        return "a" * rng.choice([2048, 2049, 4000])
    return _text(rng, 40)


def _target(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.35:
        return "/inference-profiles/" + quote(_identifier(rng), safe=rng.choice(["", "", ":", "/:", "/"]))
    if choice < 0.55:
        pairs = [
            (rng.choice(["maxResults", "nextToken", "type", "projectIdentifier", "x", ""]), _text(rng, 12))
            for _ in range(rng.randint(0, 4))
        ]
        return (
            "/inference-profiles" + rng.choice(["", "/"]) + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)
        )
    if choice < 0.7:
        return rng.choice(
            [
                "/inference-profiles",
                "/inference-profiles/",
                "//inference-profiles",
                "/",
                "*",
                "/inference-profiles/%",
                "/inference-profiles/%zz",
                "/inference-profiles/%C3%28",
                "/inference-profiles/..",
                "http://h/inference-profiles",
                "/inference-profiles/a/b/c",
            ]
        )
    return "/" + quote(_text(rng, 60), safe=rng.choice(["", "/%?=&"]))


def _json_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randint(0, 7 if depth < 3 else 4)
    return [
        lambda: None,
        lambda: rng.choice([True, False]),
        lambda: rng.randint(-(2**70), 2**70),
        lambda: rng.random() * 1e308,
        lambda: _text(rng, 30),
        lambda: [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))],
        lambda: {_text(rng, 8): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))},
        lambda: {
            "copyFrom": rng.choice([f"arn:aws:bedrock:us-east-1::foundation-model/{_text(rng, 20)}", _text(rng, 20)])
        },
    ][kind]()


def _body(rng: random.Random) -> bytes:
    choice = rng.random()
    if choice < 0.3:
        return b""
    if choice < 0.75:
        document = {
            name: _json_value(rng)
            for name in ("inferenceProfileName", "description", "modelSource", "clientRequestToken", "tags", "extra")
            if rng.random() < 0.6
        }
        return json.dumps(document, ensure_ascii=rng.random() < 0.5).encode("utf-8", errors="surrogatepass")
    if choice < 0.85:
        return b"[" * rng.choice([10, 5000, 200000])
    return rng.randbytes(rng.randint(1, 300))


def _fuzz_request(rng: random.Random, mock: MockServer) -> bytes:
    method, target, body = rng.choice(_METHODS), _target(rng), _body(rng)
    headers: dict[str, str] = {"Host": f"{mock.host}:{mock.port}"}
    if rng.random() < 0.5 and method.isalpha() and method.isupper():
        # botocore cannot sign every garbage target; such a request goes out unsigned.
        with contextlib.suppress(ValueError):
            headers.update(_signed_headers(mock, method, target, body))
    elif rng.random() < 0.3:
        headers["Authorization"] = rng.choice(
            ["AWS4-HMAC-SHA256 " + _text(rng, 80), _text(rng, 40), "AWS4-HMAC-SHA256"]
        )
        headers["X-Amz-Date"] = rng.choice(["20250101T000000Z", _text(rng, 16)])
    length = rng.random()
    if length < 0.7:
        headers["Content-Length"] = str(len(body))
    elif length < 0.8:
        headers["Content-Length"] = rng.choice(
            ["-5", "1e3", " 7", "99999999999999999999", str(len(body) + 10), "0x10", "٣"]
        )
    elif length < 0.85:
        headers["Transfer-Encoding"] = "chunked"
    if rng.random() < 0.1:
        headers[FORCE_ERROR_HEADER] = rng.choice([*contract().errors, _text(rng, 10)])
    for _ in range(rng.choice([0, 0, 0, 1, 3, 120])):
        headers["X-" + _text(rng, 6).replace(":", "").replace("\r", "").replace("\n", "")] = _text(rng, 20)
    if rng.random() < 0.05:
        headers["X-Huge"] = "v" * 70000
    if rng.random() < 0.1:
        headers["Expect"] = "100-continue"
    version = rng.choice(_VERSIONS)
    line = f"{method} {target}" + (f" {version}" if version else "")
    head = "\r\n".join([line, *(f"{k}: {v}" for k, v in headers.items())]) + "\r\n\r\n"
    return head.encode("utf-8", errors="surrogatepass") + body


def test_fuzzed_methods_paths_headers_and_bodies_never_get_a_5xx_and_the_server_survives() -> None:
    requests_per_worker, workers = 700, 4
    with MockServer() as mock:

        def run(seed: int) -> list[tuple[bytes, bytes]]:
            rng = random.Random(seed)
            return [
                (request, _exchange(mock, request))
                for request in (_fuzz_request(rng, mock) for _ in range(requests_per_worker))
            ]

        with ThreadPoolExecutor(max_workers=workers) as pool:
            exchanges = [
                pair for future in [pool.submit(run, seed) for seed in range(workers)] for pair in future.result()
            ]
        after = raw(mock, "GET", HAIKU_PATH)
        listed = raw(mock, "GET", "/inference-profiles")
    assert len(exchanges) == requests_per_worker * workers
    statuses = [[int(s) for s in _STATUS_LINE.findall(response)] for _, response in exchanges]
    server_errors = [
        (request[:200], response[:300])
        for (request, response), found in zip(exchanges, statuses, strict=True)
        if any(s >= 500 for s in found) and _FORCED_500 not in request
    ]
    assert server_errors == [], server_errors[:3]
    silent = [request[:80] for (request, _), found in zip(exchanges, statuses, strict=True) if not found]
    # Only a request whose first line is blank goes unanswered (there is no request to answer).
    assert all(not request.split(b"\n", 1)[0].strip() for request in silent), silent[:3]
    answered = [s for found in statuses for s in found if s != 100]
    assert len(answered) >= 0.95 * len(exchanges)
    assert {200, 400, 403, 404} <= set(answered)
    typed = [r for (_, r), found in zip(exchanges, statuses, strict=True) if found and found[-1] >= 400]
    assert all(b"\r\nx-amzn-ErrorType: " in r for r in typed)
    assert after.status == 200 and listed.status == 200


@pytest.mark.parametrize(
    ("method", "target", "status"),
    [
        ("GET", HAIKU_PATH, 200),
        ("GET", "/inference-profiles/us.unknown.model-v1%3A0", 404),
        ("GET", "/inference-profiles/%3F", 400),
        ("GET", "/inference-profiles?maxResults=0", 400),
        ("POST", HAIKU_PATH, 404),
    ],
)
def test_an_answer_asked_in_process_is_the_one_sent_over_http_but_for_its_id_date_and_framing(
    bedrock_mock: MockServer, method: str, target: str, status: int
) -> None:
    body = b"{}" if method == "POST" else b""
    headers = _signed_headers(bedrock_mock, method, target, body)
    sent = _exchange(bedrock_mock, _request_bytes(method, target, {**headers, "Connection": "close"}, body))
    over_http_status, over_http_headers, over_http_body = _head(sent)
    message = http.client.HTTPMessage()
    for name, value in headers.items():
        message[name] = value
    answered = bedrock_mock.answer(method, target, message, body)
    assert (answered.status, over_http_status) == (status, status)
    assert answered.body == over_http_body
    names = [name.lower() for name, _ in answered.headers]
    assert names == [name for name in over_http_headers if name != "connection"]
    assert names[:5] == ["content-type", "content-length", "x-amzn-requestid", "date", "server"]
    assert dict(answered.headers)["Content-Length"] == str(len(over_http_body))
    assert ("x-amzn-errortype" in names) == (status >= 400)
    assert (answered.close, answered.linger) == (False, False)
