from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bedrock_conformance._http import Transport
from bedrock_conformance._schemas import data_dir
from bedrock_conformance.cassettes import (
    CassetteSerializer,
    account_placeholder,
    lint,
    network_blocked,
    read_directory,
    reconstruct,
    scrubbers,
)
from bedrock_conformance.cli import main
from bedrock_conformance.mock import MockServer
from bedrock_conformance.targets import DUMMY

SHIPPED = data_dir("cassettes")


def _run(*args: str) -> int:
    return main(["run", "--quiet", *args])


def _report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def _outcomes(report: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {c["id"]: (c["outcome"], c["checks"]) for c in report["clauses"]}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One small recording of the reference mock, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("recorded")
    assert (
        _run("--seed", "7", "--examples", "3", "--record", str(root / "c"), "--report-json", str(root / "r.json")) == 0
    )
    return root / "c", _report(root / "r.json")


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.glob("*.yaml"))}


def test_recording_writes_one_readable_cassette_per_suite_with_metadata(recorded: tuple[Path, Any]) -> None:
    directory, _ = recorded
    names = {p.stem for p in directory.glob("*.yaml")}
    assert {"request", "behaviour", "errors"} <= names
    text = (directory / "request.yaml").read_text()
    assert "!!binary" not in text and "!!python" not in text
    data = yaml.safe_load(text)
    meta = data["metadata"]["bedrock_conformance"]
    for key in ("target", "region", "tool_version", "schema_hash", "botocore_version", "seed", "recorded_at"):
        assert meta[key] is not None, key
    assert meta["seed"] == 7
    bodies = [i["response"]["body"] for i in data["interactions"]]
    assert any("json" in b for b in bodies), "JSON bodies are kept as JSON"


def test_recordings_hold_no_secret_or_signing_header(recorded: tuple[Path, Any]) -> None:
    directory, _ = recorded
    text = "".join(p.read_text() for p in directory.glob("*.yaml")).lower()
    for secret in ("authorization", "x-amz-date", "x-amz-security-token", "signature=", "credential="):
        assert secret not in text
    problems, checked = lint(directory)
    assert problems == [] and checked > 100


def test_scrubbing_drops_tokens_and_replaces_accounts_everywhere() -> None:
    import vcr.request

    request_hook, response_hook = scrubbers(accounts=True, endpoint="http://127.0.0.1:9", alias="http://mock")
    request = vcr.request.Request(
        "GET",
        "http://127.0.0.1:9/inference-profiles/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fx",
        b"",
        {
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=ab",
            "X-Amz-Security-Token": "tok",
            "X-Amz-Date": "20260101T000000Z",
            "amz-sdk-invocation-id": "1",
            "Accept": "application/json",
        },
    )
    scrubbed = request_hook(request)
    assert set(scrubbed.headers) == {"Accept"}
    assert scrubbed.uri.startswith("http://mock/") and "123456789012" not in scrubbed.uri
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Set-Cookie": ["a=b"], "x-amzn-RequestId": ["r"], "Date": ["now"]},
        "body": {"string": b'{"inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/x"}'},
    }
    out = response_hook(response)
    assert set(out["headers"]) == {"x-amzn-RequestId"}
    assert account_placeholder().encode() in out["body"]["string"] and b"123456789012" not in out["body"]["string"]


def test_scrubbed_account_ids_still_keep_their_patterns(tmp_path: Path) -> None:
    assert _run("--seed", "3", "--examples", "1", "--record", str(tmp_path / "c"), "--scrub-account") == 0
    text = "".join(p.read_text() for p in (tmp_path / "c").glob("*.yaml"))
    assert account_placeholder() == "111111111111" and account_placeholder() in text and "123456789012" not in text
    assert lint(tmp_path / "c")[0] == []


def test_replay_reproduces_the_live_outcomes(recorded: tuple[Path, Any], tmp_path: Path) -> None:
    directory, live = recorded
    assert _run("--target", f"replay:{directory}", "--report-json", str(tmp_path / "r.json")) == 0
    replayed = _report(tmp_path / "r.json")
    assert _outcomes(replayed) == _outcomes(live)
    assert replayed["seed"] == 7


def test_a_live_call_fails_loudly_while_replaying() -> None:
    with MockServer() as mock:
        transport = Transport(mock.url, "us-east-1", DUMMY)
        with network_blocked():
            exchange = transport.send(transport.request("GET", "/inference-profiles"))
        assert exchange.response is None and "blocked during replay" in str(exchange.error)


def _edit(directory: Path, name: str, edit: Any) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text())
    edit(data["interactions"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_replay_rechecks_recorded_bodies_against_todays_schemas(recorded: tuple[Path, Any], tmp_path: Path) -> None:
    directory = tmp_path / "c"
    shutil.copytree(recorded[0], directory)

    def break_status(interactions: list[dict[str, Any]]) -> None:
        for interaction in interactions:
            body = interaction["response"]["body"]
            if isinstance(body.get("json"), dict) and "status" in body["json"]:
                body["json"]["status"] = "DELETING"
                return

    _edit(directory, "behaviour.yaml", break_status)
    assert _run("--target", f"replay:{directory}", "--report-json", str(tmp_path / "r.json")) == 1
    assert _outcomes(_report(tmp_path / "r.json"))["response.status.enum"][0] == "fail"


def test_replay_judges_recorded_identifiers_by_their_recorded_answers(
    recorded: tuple[Path, Any], tmp_path: Path
) -> None:
    directory = tmp_path / "c"
    shutil.copytree(recorded[0], directory)

    pattern, maximum = "request.inferenceProfileIdentifier.pattern", "request.inferenceProfileIdentifier.maxLength"

    def accept_an_invalid_identifier(interactions: list[dict[str, Any]]) -> None:
        for interaction in interactions:
            sent_for = interaction["request"]["headers"].get("x-bedrock-conformance-check", [None])[0]
            if interaction["response"]["status"]["code"] == 400 and sent_for == pattern:
                interaction["response"]["status"] = {"code": 404, "message": "Not Found"}
                return
        raise AssertionError("no pattern case was rejected in the recording")

    _edit(directory, "request.yaml", accept_an_invalid_identifier)
    assert _run("--target", f"replay:{directory}", "--report-json", str(tmp_path / "r.json")) == 1
    outcomes = _outcomes(_report(tmp_path / "r.json"))
    assert (outcomes[pattern][0], outcomes[maximum][0]) == ("fail", "pass")


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda p: p.write_text(p.read_text()[: len(p.read_text()) // 2] + "\n  - [unclosed"), "not valid YAML"),
        (lambda p: p.write_text(p.read_text().replace("format: 1", "format: 99", 1)), "format 99 is not supported"),
        (lambda p: p.write_text("just: text\n"), "not a cassette"),
    ],
    ids=["truncated", "unknown-format", "not-a-cassette"],
)
def test_a_broken_cassette_is_one_line_naming_the_file_and_exit_2(
    recorded: tuple[Path, Any], tmp_path: Path, damage: Any, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "c"
    shutil.copytree(recorded[0], directory)
    damage(directory / "errors.yaml")
    assert _run("--target", f"replay:{directory}") == 2
    err = capsys.readouterr().err
    assert expected in err and "errors.yaml" in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_missing_interaction_is_one_line_naming_the_file_and_the_request(
    recorded: tuple[Path, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "c"
    shutil.copytree(recorded[0], directory)
    _edit(directory, "errors.yaml", lambda interactions: interactions.pop())
    assert _run("--target", f"replay:{directory}") == 2
    err = capsys.readouterr().err
    assert "errors.yaml: no recorded interaction for GET /inference-profiles/" in err and err.count("\n") == 1


def test_record_mode_none_never_changes_existing_cassettes(
    recorded: tuple[Path, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "c"
    shutil.copytree(recorded[0], directory)
    before = _digest(directory)
    assert _run("--seed", "8", "--examples", "3", "--record", str(directory), "--record-mode", "none") == 2
    assert "allows no new interaction" in capsys.readouterr().err
    assert _digest(directory) == before


def test_cassettes_check_finds_planted_secrets_and_breaks(
    recorded: tuple[Path, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "c"
    shutil.copytree(recorded[0], directory)
    path = directory / "errors.yaml"
    path.write_text(path.read_text().replace("- application/json", "- application/json AKIAABCDEFGHIJKLMNOP", 1))
    assert main(["cassettes", "check", str(directory)]) == 1
    out = capsys.readouterr().out
    assert "errors.yaml" in out and "an AWS access key id" in out


def test_cassettes_check_on_a_missing_folder_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cassettes", "check", "/nonexistent/cassettes"]) == 2
    assert "no such cassette directory" in capsys.readouterr().err


def test_serializer_round_trips_bodies_byte_for_byte() -> None:
    bodies = [b'{"a": 1}', b'{"a":1}', b'{"a": "\\u00e9"}', b"<html>x</html>", b"\xff\x00", b""]
    data = {
        "version": 1,
        "interactions": [
            {
                "request": {"method": "GET", "uri": "http://x/", "body": b, "headers": {}},
                "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": b}},
            }
            for b in bodies
        ],
    }
    serializer = CassetteSerializer({"format": 1})
    back = serializer.deserialize(serializer.serialize(data))
    got = [i["response"]["body"]["string"] for i in back["interactions"]]
    assert [g if isinstance(g, bytes) else g.encode() for g in got] == bodies


def test_shipped_cassettes_lint_clean_and_replay_green() -> None:
    for name in ("mock", "published"):
        problems, checked = lint(SHIPPED / name)
        assert problems == [] and checked > 0, name
        assert _run("--target", f"replay:{SHIPPED / name}") == 0, name


def test_the_published_replay_reports_aws_deviations_and_skips_what_nobody_published(tmp_path: Path) -> None:
    assert _run("--target", f"replay:{SHIPPED / 'published'}", "--report-json", str(tmp_path / "r.json")) == 0
    outcomes = _outcomes(_report(tmp_path / "r.json"))
    assert outcomes["response.description.pattern"][0] == "deviation"
    assert outcomes["response.inferenceProfileName.pattern"][0] == "deviation"
    assert outcomes["behaviour.listedProfile.resolvesById"][0] == "skip"
    assert outcomes["behaviour.inferenceProfileArn.endsWithId"][0] == "pass"
    assert _run("--target", f"replay:{SHIPPED / 'published'}", "--strict") == 1


def test_published_cassettes_are_what_the_published_records_reconstruct(
    published_records: list[dict[str, Any]], tmp_path: Path
) -> None:
    reconstruct(published_records, tmp_path)
    fresh, shipped = (tmp_path / "behaviour.yaml").read_text(), (SHIPPED / "published" / "behaviour.yaml").read_text()
    assert _same_but_volatile(fresh, shipped) == []
    for interaction in read_directory(tmp_path):
        assert interaction.extra["source"].startswith("https://") and "reconstructed" in interaction.extra


VOLATILE_META = ("recorded_at", "schema_hash")  # the time, and the contract's digest, which says what changed


def _same_but_volatile(fresh: str, shipped: str) -> list[tuple[str, str]]:
    pairs = zip(fresh.splitlines(), shipped.splitlines(), strict=True)
    return [(a, b) for a, b in pairs if a != b and not any(f"    {k}:" in a for k in VOLATILE_META)]


def test_regenerating_the_mock_cassettes_is_byte_identical_but_for_the_time(tmp_path: Path) -> None:
    import hypothesis

    meta = yaml.safe_load((SHIPPED / "mock" / "request.yaml").read_text())["metadata"]["bedrock_conformance"]
    if meta["hypothesis_version"] != hypothesis.__version__:
        pytest.skip(f"recorded with hypothesis {meta['hypothesis_version']}; its draws differ from this version's")
    args = ["--seed", str(meta["seed"]), "--examples", str(meta["examples"]), "--mock-clock", "2026-01-01T00:00:00Z"]
    assert _run(*args, "--record", str(tmp_path)) == 0
    for path in sorted((SHIPPED / "mock").glob("*.yaml")):
        assert _same_but_volatile((tmp_path / path.name).read_text(), path.read_text()) == [], path.name


def test_the_test_extra_pins_the_hypothesis_that_drew_the_mock_cassettes() -> None:
    """The regeneration test above skips on any other version, so the test extra installs exactly this one."""
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    extra = pyproject.split("\ntest = [", 1)[1].split("\n]", 1)[0]
    for name in ("request", "errors", "behaviour"):
        meta = yaml.safe_load((SHIPPED / "mock" / f"{name}.yaml").read_text())["metadata"]["bedrock_conformance"]
        assert f'"hypothesis=={meta["hypothesis_version"]}"' in extra, name


def test_parity_against_the_mock_agrees_and_against_a_denying_mock_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(SHIPPED / "mock"), "--target", "mock"]) == 0
    assert "agree" in capsys.readouterr().out
    with MockServer(deny=["resource:*claude-3-haiku*"]) as denying:
        args = ["--target", denying.url, "--allow-writes", "--report-json", str(tmp_path / "p.json")]
        assert main(["replay", str(SHIPPED / "mock"), *args]) == 1
    report = json.loads((tmp_path / "p.json").read_text())
    assert any("status 403, recorded 200" in d["what"] for d in report["differences"])


def test_parity_never_writes_to_a_target_without_allow_writes(capsys: pytest.CaptureFixture[str]) -> None:
    with MockServer() as mock:
        assert main(["replay", str(SHIPPED / "mock"), "--target", mock.url]) == 2
    assert "read-only (use --allow-writes)" in capsys.readouterr().err


def test_shipped_sets_replay_by_name_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    by_path = tmp_path / "by-path.json"
    assert _run("--seed", "3", "--target", f"replay:{SHIPPED / 'mock'}", "--report-json", str(by_path)) == 0
    monkeypatch.chdir(tmp_path)  # no ./mock or ./published here
    assert _run("--seed", "3", "--target", "replay:mock", "--report-json", "by-name.json") == 0
    assert _outcomes(_report(tmp_path / "by-name.json")) == _outcomes(_report(by_path))
    assert _run("--target", "replay:published", "--strict") == 1  # the published set holds AWS's deviations
    assert _run("--target", "replay:nosuch") == 2
    assert "nosuch: no such cassette directory, and no shipped set of that name (shipped: mock, published)" in (
        capsys.readouterr().err
    )


def test_a_replay_of_a_folder_of_several_sets_names_them_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--target", f"replay:{SHIPPED}") == 2
    err = capsys.readouterr().err
    assert "holds 2 cassette sets (mock, published); replay one" in err
    assert "Traceback" not in err


def test_cassettes_check_looks_into_every_set_under_a_folder(
    recorded: tuple[Path, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cassettes", "check", str(SHIPPED)]) == 0
    together = capsys.readouterr().out
    counts = []
    for name in ("mock", "published"):
        assert main(["cassettes", "check", name]) == 0
        counts.append(int(capsys.readouterr().out.split("; ")[1].split()[0]))
    assert f"0 problems; {sum(counts)} clause checks" in together
    shutil.copytree(recorded[0], tmp_path / "sets" / "clean")
    shutil.copytree(recorded[0], tmp_path / "sets" / "deep" / "leaky")
    path = tmp_path / "sets" / "deep" / "leaky" / "errors.yaml"
    path.write_text(path.read_text().replace("- application/json", "- application/json AKIAABCDEFGHIJKLMNOP", 1))
    assert main(["cassettes", "check", str(tmp_path / "sets")]) == 1
    out = capsys.readouterr().out
    assert "leaky/errors.yaml" in out and "an AWS access key id" in out and "clean/" not in out


def test_parity_replays_every_set_under_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "mock", "--target", "mock"]) == 0
    one = int(capsys.readouterr().out.rsplit(" of ", 1)[1].split()[0])
    shutil.copytree(SHIPPED / "mock", tmp_path / "sets" / "a")
    shutil.copytree(SHIPPED / "mock", tmp_path / "sets" / "b")
    assert main(["replay", str(tmp_path / "sets"), "--target", "mock"]) == 0
    assert f"{2 * one} of {2 * one} interactions agree" in capsys.readouterr().out
