"""Starting the mock: the CLI (URL first, clean stop on signals, one-line errors) and user catalogues."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_mock_support import ACCESS_KEY, HAIKU, SECRET_KEY, client, raw

from bedrock_conformance.mock import CatalogueError, MockServer
from bedrock_conformance.mock._cli import add_arguments, run

PROFILE = {
    "inferenceProfileId": "us.acme.widget-v1:0",
    "inferenceProfileName": "US Acme Widget",
    "description": "Routes requests to Acme Widget in us-east-1 and us-west-2.",
    "createdAt": "2025-01-01T00:00:00Z",
    "updatedAt": "2025-01-01T00:00:00Z",
    "models": [
        {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/acme.widget-v1:0"},
        {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/acme.widget-v1:0"},
    ],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}


def _catalogue(tmp_path: Path, profile: dict) -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"profiles": [{"regions": ["us-east-1", "us-west-2"], "profile": profile}]}))
    return path


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run(parser.parse_args(argv))


def _serve(argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bedrock_conformance.mock", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_cli_prints_its_url_first_serves_and_exits_0_on_a_signal(tmp_path: Path, stop: signal.Signals) -> None:
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({ACCESS_KEY: SECRET_KEY}))
    process = _serve(["--port", "0", "--account", "111122223333", "--credentials", str(credentials)])
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        host, port = url.removeprefix("http://").rsplit(":", 1)
        assert host == "127.0.0.1" and int(port) > 0
        served = raw(url, "GET", "/inference-profiles/us.amazon.nova-micro-v1%3A0")
        assert served.status == 200
        assert served.json()["inferenceProfileArn"].startswith("arn:aws:bedrock:us-east-1:111122223333:")
        assert raw(url, "GET", "/inference-profiles", secret="wrong").status == 403
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


@pytest.mark.parametrize(
    ("argv", "mentions"),
    [
        (["--port", "http"], "--port"),
        (["--port", "70000"], "--port"),
        (["--seed", "x"], "--seed"),
        (["--rate-limit", "fast"], "--rate-limit"),
        (["--rate-limit", "-1"], "rate limit"),
        (["--fault", "InternalServerException"], "NAME=P"),
        (["--fault", "TeapotException=0.1"], "TeapotException"),
        (["--fault", "InternalServerException=nan"], "--fault"),
        (["--fault", "InternalServerException=1.5"], "between 0 and 1"),
        (["--deny", "bob"], "deny rule"),
        (["--region", "xx-nowhere-1"], "xx-nowhere-1"),
        (["--account", "12"], "account"),
        (["--catalogue", "/nonexistent/catalogue.json"], "/nonexistent/catalogue.json"),
        (["--credentials", "/nonexistent/credentials.json"], "--credentials"),
        (["--host", "203.0.113.1"], "cannot listen"),
    ],
)
def test_bad_flags_and_files_give_one_line_and_exit_2(
    argv: list[str], mentions: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bedrock-conformance mock: error: ")
    assert mentions in lines[0]


def test_a_credentials_file_that_is_not_a_key_map_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for content in ("not json", "[1]", '{"AKID": 5}'):
        (tmp_path / "c.json").write_text(content)
        assert _run(["--credentials", str(tmp_path / "c.json")]) == 2
        assert len(capsys.readouterr().err.splitlines()) == 1


def test_a_user_catalogue_replaces_the_bundled_one(tmp_path: Path) -> None:
    with MockServer(catalogue=_catalogue(tmp_path, PROFILE)) as mock:
        bedrock = client(mock)
        listed = bedrock.list_inference_profiles()["inferenceProfileSummaries"]
        assert [p["inferenceProfileId"] for p in listed] == ["us.acme.widget-v1:0"]
        with pytest.raises(bedrock.exceptions.ResourceNotFoundException):
            bedrock.get_inference_profile(inferenceProfileIdentifier=HAIKU)
        created = bedrock.create_inference_profile(
            inferenceProfileName="widgets",
            modelSource={"copyFrom": "arn:aws:bedrock:us-west-2::foundation-model/acme.widget-v1:0"},
        )
        assert created["inferenceProfileArn"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": "BROKEN"}, "response.status.enum"),
        ({"models": []}, "response.models.minItems"),
        ({"inferenceProfileName": "x" * 65}, "response.inferenceProfileName.maxLength"),
        ({"inferenceProfileArn": "arn:aws:bedrock:us-east-1:1:inference-profile/x"}, "inferenceProfileArn"),
        ({"models": "none"}, "models"),
    ],
)
def test_a_catalogue_whose_profiles_break_the_contract_is_refused(tmp_path: Path, change: dict, problem: str) -> None:
    with pytest.raises(CatalogueError, match=problem):
        MockServer(catalogue=_catalogue(tmp_path, {**PROFILE, **change}))


def test_a_catalogue_that_keeps_to_recorded_deviations_is_accepted(tmp_path: Path) -> None:
    deviating = {**PROFILE, "inferenceProfileName": "US Acme Widget 2.5", "description": "Routes, with commas."}
    with MockServer(catalogue=_catalogue(tmp_path, deviating)) as mock:
        assert raw(mock, "GET", "/inference-profiles/us.acme.widget-v1%3A0").status == 200
