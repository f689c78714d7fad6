"""The installed pytest plugin, as a user's own test suite meets it: run in a subprocess with nothing configured."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

# Everything a user's README-style test needs; no AWS settings, a HOME with no ~/.aws in it.
HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0"


def _run_user_tests(tmp_path: Path, source: str, extra_env: dict[str, str] | None = None) -> str:
    """Run pytest on a user's test file with a scrubbed environment; the output (the run must pass)."""
    home = tmp_path / "home"
    home.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_user.py").write_text(textwrap.dedent(source), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), **(extra_env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def test_boto3_with_no_aws_settings_reaches_the_fixtures_mock_and_the_environment_is_restored(tmp_path: Path) -> None:
    output = _run_user_tests(
        tmp_path,
        f"""
        import os

        import boto3

        def test_a_get(bedrock_mock):
            profile = boto3.client("bedrock").get_inference_profile(inferenceProfileIdentifier="{HAIKU}")
            assert profile["inferenceProfileId"] == "{HAIKU}"
            assert profile["inferenceProfileArn"].startswith("arn:aws:bedrock:us-east-1:")
            assert os.environ["AWS_ENDPOINT_URL_BEDROCK"] == bedrock_mock.url

        def test_z_after_it_nothing_is_left_set():
            for name in ("AWS_ENDPOINT_URL_BEDROCK", "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION"):
                assert name not in os.environ, name
        """,
    )
    assert "2 passed" in output


def test_a_users_own_aws_settings_are_overridden_for_the_test_and_put_back_after(tmp_path: Path) -> None:
    users = {
        "AWS_PROFILE": "no-such-profile",
        "AWS_ACCESS_KEY_ID": "AKIAUSERSOWNKEY00000",
        "AWS_DEFAULT_REGION": "ap-south-1",
        "AWS_ENDPOINT_URL_BEDROCK": "http://127.0.0.1:1",
    }
    output = _run_user_tests(
        tmp_path,
        f"""
        import os

        import boto3

        USERS = {users!r}

        def test_a_get(bedrock_mock):
            assert boto3.client("bedrock").get_inference_profile(inferenceProfileIdentifier="{HAIKU}")

        def test_z_restored():
            assert {{name: os.environ.get(name) for name in USERS}} == USERS
        """,
        users,
    )
    assert "2 passed" in output


def test_the_marker_and_the_factory_pass_mockserver_options(tmp_path: Path) -> None:
    output = _run_user_tests(
        tmp_path,
        f"""
        import boto3
        import pytest
        from botocore.config import Config
        from botocore.exceptions import ClientError

        NO_RETRIES = Config(retries={{"total_max_attempts": 1}})

        @pytest.mark.bedrock_mock(region="eu-west-1")
        def test_marker_region(bedrock_mock):
            assert bedrock_mock.region == "eu-west-1"
            bedrock = boto3.client("bedrock")
            assert bedrock.meta.region_name == "eu-west-1"
            eu_haiku = "eu.anthropic.claude-3-haiku-20240307-v1:0"
            profile = bedrock.get_inference_profile(inferenceProfileIdentifier=eu_haiku)
            assert profile["inferenceProfileArn"].startswith("arn:aws:bedrock:eu-west-1:")

        def test_factory_faults(bedrock_mock_factory):
            mock = bedrock_mock_factory(faults={{"ThrottlingException": 1.0}})
            with pytest.raises(ClientError) as caught:
                boto3.client("bedrock", config=NO_RETRIES).get_inference_profile(inferenceProfileIdentifier="{HAIKU}")
            assert caught.value.response["Error"]["Code"] == "ThrottlingException"
            assert mock.request_count == 1

        def test_factory_deny(bedrock_mock_factory):
            bedrock_mock_factory(deny=["resource:*claude*"])
            bedrock = boto3.client("bedrock", config=NO_RETRIES)
            with pytest.raises(ClientError) as caught:
                bedrock.get_inference_profile(inferenceProfileIdentifier="{HAIKU}")
            assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
            assert bedrock.get_inference_profile(inferenceProfileIdentifier="us.amazon.nova-micro-v1:0")

        def test_factory_rate_limit(bedrock_mock_factory):
            mock = bedrock_mock_factory(rate_limit=0.001)
            bedrock = boto3.client("bedrock", config=NO_RETRIES)
            codes = []
            for _ in range(5):
                try:
                    bedrock.get_inference_profile(inferenceProfileIdentifier="{HAIKU}")
                    codes.append("ok")
                except ClientError as exc:
                    codes.append(exc.response["Error"]["Code"])
            assert "ThrottlingException" in codes

        def test_factory_credentials_are_the_ones_boto3_signs_with(bedrock_mock_factory):
            bedrock_mock_factory(credentials={{"AKIAMOCKUSER0000000A": "secret"}})
            assert boto3.client("bedrock").get_inference_profile(inferenceProfileIdentifier="{HAIKU}")
        """,
    )
    assert "5 passed" in output


def test_the_factorys_catalogue_replaces_the_bundled_one(tmp_path: Path) -> None:
    import json

    from bedrock_conformance.mock._catalogue import bundled_path

    document = json.loads(bundled_path().read_text(encoding="utf-8"))
    document["profiles"] = [e for e in document["profiles"] if e["profile"]["inferenceProfileId"] == HAIKU]
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text(json.dumps(document), encoding="utf-8")
    output = _run_user_tests(
        tmp_path,
        f"""
        import boto3

        def test_catalogue(bedrock_mock_factory):
            bedrock_mock_factory(catalogue={str(catalogue)!r})
            listed = boto3.client("bedrock").list_inference_profiles()["inferenceProfileSummaries"]
            assert [p["inferenceProfileId"] for p in listed] == ["{HAIKU}"]
        """,
    )
    assert "1 passed" in output


README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
# The README's own examples of tests a user writes with the fixture, exactly as printed there.
README_EXAMPLES = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_shows_a_plain_fixture_test_and_a_forcing_one() -> None:
    assert len(README_EXAMPLES) == 2
    assert "def test_my_code_reads_a_profile(bedrock_mock)" in README_EXAMPLES[0]
    assert 'forcing("ThrottlingException")' in README_EXAMPLES[1]


def test_the_readmes_first_example_passes_with_no_aws_settings(tmp_path: Path) -> None:
    assert "1 passed" in _run_user_tests(tmp_path, README_EXAMPLES[0])


def test_the_readmes_forcing_example_passes_with_one_request(tmp_path: Path) -> None:
    assert "1 passed" in _run_user_tests(tmp_path, README_EXAMPLES[1])


def test_installing_the_package_leaves_a_users_hypothesis_settings_alone(tmp_path: Path) -> None:
    output = _run_user_tests(
        tmp_path,
        """
        import datetime

        from hypothesis import given, settings, strategies as st

        @given(st.integers())
        def test_defaults(value):
            assert settings().max_examples == 100
            assert settings().deadline == datetime.timedelta(milliseconds=200)
            assert settings().derandomize is False
        """,
    )
    assert "1 passed" in output


def test_importing_the_plugin_loads_no_hypothesis_profile(tmp_path: Path) -> None:
    output = _run_user_tests(
        tmp_path,
        """
        import bedrock_conformance.pytest_plugin
        from hypothesis import settings

        def test_profile():
            assert settings._current_profile == "default"
            assert settings().database is not None
        """,
    )
    assert "1 passed" in output


def test_the_package_declares_its_type_hints() -> None:
    from importlib.resources import files

    assert files("bedrock_conformance").joinpath("py.typed").is_file()
