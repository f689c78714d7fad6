"""Targets that cannot be opened: AWS refused from CI, credentials that cannot be found or loaded. Each is one line
on stderr and exit 2 before anything is sent. Only loopback is ever addressed: the credential cases point the run at
a loopback port nobody listens on, and reading credentials happens before the first request.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bedrock_conformance import cli

CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert err.endswith("\n") and len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An AWS config with one profile that holds no credentials, and nowhere else to find any (no instance metadata)."""
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    config.write_text("[profile empty]\nregion = us-east-1\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config


@pytest.mark.parametrize("spec", ["aws", "aws:eu-west-1"])
def test_real_aws_is_refused_from_ci_in_one_line(
    spec: str, aws_config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No credentials either (aws_config): were the refusal missing, the run would stop there, not call AWS.
    monkeypatch.setenv("CI", "true")
    assert cli.main(["run", "--quiet", "--target", spec]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert one_line(err) == "error: refusing to call real AWS from CI: replay its cassettes instead"


def test_a_profile_that_does_not_exist_is_one_line_and_exit_2(
    aws_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    assert cli.main(["run", "--quiet", "--target", url, "--aws-profile", "nosuch"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert one_line(err) == "error: cannot load AWS credentials: The config profile (nosuch) could not be found"


def test_a_profile_without_credentials_is_one_line_and_exit_2(
    aws_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    assert cli.main(["run", "--quiet", "--target", url, "--aws-profile", "empty"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    expected = "error: no AWS credentials found (set AWS_PROFILE, --aws-profile, or the AWS_* variables)"
    assert one_line(err) == expected
