"""Self-test: `bedrock-conformance run` never blames a conformant server, however it differs from the mock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mutants import VARIANTS, ApplicationProfiles, Proxy, Variant, run_conformance

from bedrock_conformance import contract
from bedrock_conformance.mock import MockServer

# The catalogue region whose profiles show every deviation AWS is recorded with (six models: apac nova-micro).
DEVIATING_REGION = "ap-northeast-1"


@pytest.fixture(scope="module")
def reference_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_conformant_variant_has_no_failures(variant: Variant, reference_mock: MockServer, tmp_path: Path) -> None:
    with Proxy(reference_mock, variant.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json")
    assert result.failing == set(), {c: result.messages(c)[:1] for c in result.failing}
    assert result.code == 0
    checks = {c["id"]: c["checks"] for c in result.report["clauses"]}
    for clause in variant.exercises:
        assert result.outcomes[clause] == "pass" and checks[clause] > 0, f"{variant.name} never exercised {clause}"


def test_application_profiles_listed_only_under_their_type_are_resolved(
    reference_mock: MockServer, tmp_path: Path
) -> None:
    server = ApplicationProfiles()
    with Proxy(reference_mock, server) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json")
    assert result.failing == set()
    assert len(server.created) == ApplicationProfiles.COUNT
    # Listed only under type=APPLICATION, each was still found and fetched by its ARN and by its id.
    for arn in server.created:
        assert arn in server.asked and arn.rsplit("/", 1)[1] in server.asked


def test_unknown_member_is_reported_as_drift(reference_mock: MockServer, tmp_path: Path) -> None:
    variant = next(v for v in VARIANTS if v.name == "unknown-extra-member")
    with Proxy(reference_mock, variant.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json")
    members = next(c for c in result.report["clauses"] if c["id"] == "model.response.members")
    assert any("routingConfiguration" in note for note in members.get("drift", []))


def test_missing_description_is_not_checked(reference_mock: MockServer, tmp_path: Path) -> None:
    variant = next(v for v in VARIANTS if v.name == "no-description")
    with Proxy(reference_mock, variant.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json")
    description = {c for c in contract().clauses if c.startswith("response.description.")}
    assert description <= result.with_outcome("skip")


def test_reference_mock_over_http_has_no_failures(reference_mock: MockServer, tmp_path: Path) -> None:
    result = run_conformance(reference_mock.url, tmp_path / "report.json")
    assert (result.code, result.failing) == (0, set())


def test_embedded_mock_has_no_failures_even_with_writes(tmp_path: Path) -> None:
    result = run_conformance("mock", tmp_path / "report.json")
    assert (result.code, result.failing) == (0, set())
    assert result.report["summary"]["fail"] == 0
    assert result.outcomes["behaviour.inferenceProfileArn.resourceType"] == "pass"


def test_aws_deviations_are_reported_as_deviations(reference_mock: MockServer, tmp_path: Path) -> None:
    result = run_conformance(reference_mock.url, tmp_path / "report.json", "--region", DEVIATING_REGION)
    assert (result.code, result.failing) == (0, set())
    assert result.with_outcome("deviation") == set(contract().deviations)
    for clause in result.report["clauses"]:
        if clause["outcome"] == "deviation":
            assert clause["deviation"]["evidence"], clause["id"]


def test_strict_turns_deviations_into_failures(reference_mock: MockServer, tmp_path: Path) -> None:
    result = run_conformance(reference_mock.url, tmp_path / "report.json", "--region", DEVIATING_REGION, "--strict")
    assert result.code == 1
    assert result.failing == set(contract().deviations)
    assert result.with_outcome("deviation") == set()
