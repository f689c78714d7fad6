"""TLS on https targets: an untrusted certificate is one clear line unless --insecure is asked for; trust is real.

Certificates are made at test time (tests/zoo/certs.py). A private CA is trusted through SSL_CERT_FILE, which the
default SSL context reads whenever it is created, so verification itself is exercised, not only its failure.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from zoo import servers as zoo
from zoo.certs import Pair, issue
from zoo.runs import get_of, listed, run

from bedrock_conformance import contract
from bedrock_conformance.mock import MockServer


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pair]:
    directory = tmp_path_factory.mktemp("certs")
    ca = issue(directory, "ca", "zoo-ca.invalid", ca=True)
    return {
        "ca": ca,
        "loopback": issue(directory, "loopback", "127.0.0.1", issuer=ca),
        "elsewhere": issue(directory, "elsewhere", "elsewhere.invalid", issuer=ca),
        "self-signed": issue(directory, "self-signed", "127.0.0.1"),
    }


def _serving(pair: Pair, fault: zoo.Fault = zoo.passthrough) -> zoo.ZooServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pair.cert, pair.key)
    return zoo.ZooServer(fault, tls=context)


@pytest.fixture
def trusted_ca(certs: dict[str, Pair], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SSL_CERT_FILE", str(certs["ca"].cert))
    yield


def test_a_self_signed_certificate_is_one_line_exit_2_and_nothing_is_sent(
    tmp_path: Path, certs: dict[str, Pair]
) -> None:
    with _serving(certs["self-signed"]) as server:
        result = run(tmp_path, server.url)
        sent = server.count()
    expected = f"error: cannot reach {server.url}: TLS certificate not trusted (self-signed certificate); "
    assert (result.code, result.err) == (2, expected + "use --insecure to accept it\n")
    assert result.out == "" and sent == 0


def test_insecure_accepts_the_self_signed_certificate_and_the_run_is_clean(
    tmp_path: Path, certs: dict[str, Pair]
) -> None:
    with _serving(certs["self-signed"]) as server:
        result = run(tmp_path, server.url, "--insecure")
        sent = server.count()
    assert result.code == 0, result.err
    assert result.failed() == []
    assert result.report is not None and sent == result.report["requests"] > 0


def test_a_certificate_from_a_trusted_ca_needs_no_insecure(
    tmp_path: Path, certs: dict[str, Pair], trusted_ca: None
) -> None:
    with _serving(certs["loopback"]) as server:
        result = run(tmp_path, server.url)
    assert result.code == 0, result.err
    assert result.failed() == []


def test_a_trusted_certificate_for_another_host_is_refused(
    tmp_path: Path, certs: dict[str, Pair], trusted_ca: None
) -> None:
    with _serving(certs["elsewhere"]) as server:
        result = run(tmp_path, server.url)
    mismatch = "IP address mismatch, certificate is not valid for '127.0.0.1'."
    expected = (
        f"error: cannot reach {server.url}: TLS certificate not trusted ({mismatch}); use --insecure to accept it"
    )
    assert (result.code, result.err) == (2, expected + "\n")


def test_a_plain_http_server_at_an_https_url_is_a_tls_handshake_failure(tmp_path: Path) -> None:
    with MockServer() as mock:
        url = f"https://127.0.0.1:{mock.port}"
        result = run(tmp_path, url)
    assert (result.code, result.err) == (2, f"error: cannot reach {url}: TLS handshake failed (wrong version number)\n")


def test_the_whole_response_deadline_holds_over_tls(tmp_path: Path, certs: dict[str, Pair]) -> None:
    with _serving(certs["self-signed"], zoo.trickle(0.05)) as server:
        server.applies = get_of(listed(server, 1)[contract().role("arn")])
        # The timeout holds for every request (and handshake): 5 s leaves the others room on a busy machine.
        result = run(tmp_path, server.url, "--insecure", "--timeout", "5")
    clause = "behaviour.listedProfile.resolvesByArn"
    assert result.failed() == [clause]
    pattern = r"^'[^']+': no answer \(timed out after 5 s reading the body \(\d+ bytes read\)\)$"
    assert any(re.search(pattern, m) for m in result.messages(clause)), result.messages(clause)
