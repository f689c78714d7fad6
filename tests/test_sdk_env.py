"""Choosing and starting SDKs: --sdk values, the cache, Python environments, Node.js, and adapters that fail."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from bedrock_conformance._engine import Recorder, RunConfig
from bedrock_conformance.sdk import (
    SdkSpecError,
    SdkUnavailable,
    _env,
    add_sdk_arguments,
    cache_dir,
    parse_sdk,
    render_sdk_matrix,
    run_sdk_suite,
    sdk_clause_ids,
    sdk_names,
)
from bedrock_conformance.sdk._adapter import Adapter, _scrubbed_env
from bedrock_conformance.sdk._env import PYTHON_ADAPTER, Runtime


def test_sdk_names_come_from_sdk_json() -> None:
    assert sdk_names() == ["boto3", "aiobotocore", "js"]


@pytest.mark.parametrize(
    ("text", "name", "version"),
    [("boto3", "boto3", None), ("boto3==1.35.0", "boto3", "1.35.0"), ("js@3.600.0", "js", "3.600.0")],
)
def test_an_sdk_may_be_pinned_to_a_version(text: str, name: str, version: str | None) -> None:
    spec = parse_sdk(text)
    assert (spec.name, spec.version) == (name, version)


@pytest.mark.parametrize("text", ["botocore", "boto3==", "js@", ""])
def test_an_unknown_sdk_is_refused_with_the_choices(text: str) -> None:
    with pytest.raises(SdkSpecError, match="use one of boto3, aiobotocore, js"):
        parse_sdk(text)


def test_the_sdk_option_is_repeatable_and_checked_at_parse_time(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="x")
    add_sdk_arguments(parser)
    assert parser.parse_args(["--sdk", "js", "--sdk", "boto3==1.2"]).sdk == ["js", "boto3==1.2"]
    assert parser.parse_args([]).sdk is None
    with pytest.raises(SystemExit):
        parser.parse_args(["--sdk", "boto2"])
    assert "unknown SDK 'boto2'" in capsys.readouterr().err


def test_the_cache_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BEDROCK_CONFORMANCE_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.delenv("BEDROCK_CONFORMANCE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "x" / "bedrock-conformance"


def test_an_installed_python_sdk_runs_in_this_interpreter() -> None:
    runtime = _env.python_runtime(parse_sdk("boto3"))
    assert runtime.argv == [sys.executable, str(PYTHON_ADAPTER), "boto3"]


def test_another_version_gets_an_environment_of_its_own_in_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BEDROCK_CONFORMANCE_CACHE", str(tmp_path))
    built: list[tuple[Path, str]] = []
    monkeypatch.setattr(_env, "_install_once", lambda target, stamp, what, build: built.append((target, stamp)))
    runtime = _env.python_runtime(parse_sdk("boto3==1.0.0"))
    ((target, stamp),) = built
    assert stamp == "boto3==1.0.0"
    assert target.parent.parent == tmp_path / "python" and target.name == "boto3_1.0.0"
    assert runtime.argv[0] == str(_env._env_python(target)) and runtime.argv[1:] == [str(PYTHON_ADAPTER), "boto3"]


def test_an_install_that_fails_says_what_the_installer_said(tmp_path: Path) -> None:
    def build(tmp: Path) -> None:
        _env._run([sys.executable, "-c", "import sys; sys.stderr.write('no such thing\\n'); sys.exit(3)"], "pip")

    with pytest.raises(SdkUnavailable, match="pip failed: no such thing"):
        _env._install_once(tmp_path / "env", "x", "x", build)
    assert not (tmp_path / "env").exists()


def test_an_install_is_reused_once_it_is_ready(tmp_path: Path) -> None:
    calls: list[Path] = []

    def build(tmp: Path) -> None:
        calls.append(tmp)
        (tmp / "made").write_text("yes")

    for _ in range(2):
        _env._install_once(tmp_path / "env", "stamp-1", "x", build)
    assert len(calls) == 1 and (tmp_path / "env" / "made").read_text() == "yes"
    _env._install_once(tmp_path / "env", "stamp-2", "x", build)
    assert len(calls) == 2


def test_without_node_the_js_suite_is_skipped_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_env.shutil, "which", lambda name: None)
    recorder = Recorder()
    run = run_sdk_suite("js", recorder, RunConfig(seed=1, examples=1))
    assert run.skipped is not None and "Node.js is not installed" in run.skipped
    assert run.results == []
    assert set(recorder.skips) == set(sdk_clause_ids())
    assert all("Node.js is not installed" in reason for reason in recorder.skips.values())
    assert "Node.js is not installed" in render_sdk_matrix([run])


def test_an_adapter_that_dies_at_start_is_reported_with_its_last_words() -> None:
    script = "import sys; sys.stderr.write('cannot import the SDK\\n'); sys.exit(1)"
    with pytest.raises(SdkUnavailable, match="cannot import the SDK"):
        Adapter(Runtime([sys.executable, "-c", script], "here"), "boto3")


def test_a_program_that_cannot_start_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SdkUnavailable, match="cannot start"):
        Adapter(Runtime([str(tmp_path / "no-such-program")], "here"), "boto3")


def test_adapters_see_no_aws_settings_of_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    monkeypatch.setenv("AWS_PROFILE", "someone")
    env = _scrubbed_env({"EXTRA": "1"})
    assert "AWS_RETRY_MODE" not in env and "AWS_PROFILE" not in env
    assert env["EXTRA"] == "1" and env["AWS_CONFIG_FILE"] == env["AWS_SHARED_CREDENTIALS_FILE"]
