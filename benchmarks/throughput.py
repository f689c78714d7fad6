"""Row 2: the reference mock's GetInferenceProfile throughput against moto's server on ListCustomModels."""

from __future__ import annotations

import http.client
import logging
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ._harness import Row, middle, progress, repeat

CLIENT_THREADS = 4
SECONDS = 2.0
REGION = "us-east-1"
CREDENTIALS = Credentials("AKIDBENCHMARK0000000", "benchmark-secret-key-0000000000000000000")


@dataclass
class Load:
    """What the client threads got in one timed window."""

    answered: int
    unexpected: int
    reconnects: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds


def signed_headers(host: str, port: int, path: str) -> dict[str, str]:
    """A well-formed SigV4 header set for ``GET path``, signed once and reused (neither server verifies it)."""
    request = AWSRequest("GET", f"http://{host}:{port}{path}", headers={"Accept": "application/json"})
    SigV4Auth(CREDENTIALS, "bedrock", REGION).add_auth(request)
    return {k: str(v) for k, v in request.headers.items()}


def hammer(host: str, port: int, path: str, threads: int = CLIENT_THREADS, seconds: float = SECONDS) -> Load:
    """GET ``path`` as fast as ``threads`` keep-alive http.client connections can, for ``seconds``."""
    headers = signed_headers(host, port, path)
    counts = [[0, 0, 0] for _ in range(threads)]
    start = threading.Barrier(threads + 1)
    deadline = [0.0]

    def client(slot: list[int]) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.connect()
        start.wait()
        while time.perf_counter() < deadline[0]:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            slot[0] += 1
            if response.status != 200:
                slot[1] += 1
            if response.will_close:
                # http.client reopens on the next request; counted, because a server that drops keep-alive pays it.
                slot[2] += 1
        conn.close()

    workers = [threading.Thread(target=client, args=(slot,), daemon=True) for slot in counts]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    return Load(sum(c[0] for c in counts), sum(c[1] for c in counts), sum(c[2] for c in counts), elapsed)


class _Moto(AbstractContextManager["_Moto"]):
    """moto's threaded werkzeug server on an ephemeral loopback port."""

    def __enter__(self) -> _Moto:
        from moto.server import ThreadedMotoServer

        # werkzeug writes a log line per request; the mock writes none, and neither should pay for it here.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        self.host, self.port = self.server.get_host_and_port()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


def mock_throughput(times: int, threads: int = CLIENT_THREADS, seconds: float = SECONDS) -> Row:
    """Row 2: requests per second, the mock's GetInferenceProfile over moto's ListCustomModels."""
    from bedrock_conformance._schemas import contract
    from bedrock_conformance.mock import MockServer

    row = Row(
        "2",
        f"mock: GetInferenceProfile req/s, {threads} keep-alive http.client threads, loopback",
        "moto's ThreadedMotoServer, ListCustomModels (GET /custom-models), same client",
        5.0,
        at_least=True,
    )
    get_path = contract().documents["request.json"]["x-operation"]["path"]
    ident = "us.anthropic.claude-3-haiku-20240307-v1:0"
    path = get_path.replace("{" + contract().path_label + "}", quote(ident, safe="-_.~"))
    mocks: list[Load] = []
    motos: list[Load] = []

    with MockServer() as mock, _Moto() as moto:
        # Warm both: first requests pay imports and lazily built routes.
        hammer(mock.host, mock.port, path, threads, 0.3)
        hammer(moto.host, moto.port, "/custom-models", threads, 0.3)

        def on_mock(index: int) -> None:
            mocks.append(hammer(mock.host, mock.port, path, threads, seconds))

        def on_moto(index: int) -> None:
            motos.append(hammer(moto.host, moto.port, "/custom-models", threads, seconds))
            row.samples.append(mocks[-1].per_second / motos[-1].per_second)
            progress(f"  row 2 rep {index + 1}: mock {mocks[-1].per_second:.0f} req/s, moto {motos[-1].per_second:.0f}")

        repeat(times, on_mock, on_moto)

    def summary(name: str, loads: list[Load]) -> str:
        bad, reconnects = sum(x.unexpected for x in loads), sum(x.reconnects for x in loads)
        return (
            f"{name}: {middle([x.per_second for x in loads]):.0f} req/s "
            f"(median of {len(loads)} windows of {seconds:g} s); "
            f"{bad} non-200 answers; {reconnects} answers closed the connection"
        )

    row.notes += [summary("mock", mocks), summary("moto", motos)]
    return row
