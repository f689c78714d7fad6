"""Adapters that misbehave, and the installers' paths that a machine with everything installed never takes.

The adapters here are small Python scripts that speak (or break) the JSON-lines protocol of sdk/_adapter.py; the
installers' commands are recorded instead of run (nothing is downloaded).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance.sdk import SdkUnavailable, _adapter, _env, parse_sdk
from bedrock_conformance.sdk._adapter import Adapter
from bedrock_conformance.sdk._env import Runtime

HELLO = 'import json, sys\nfirst = json.loads(sys.stdin.readline())\nprint(json.dumps({"id": first["id"], "sdk": "s", "version": "1", "core": "c", "runtime": "r"}), flush=True)\n'  # noqa: E501
TARGET = {"service": "bedrock", "operation": "GetInferenceProfile", "endpoint": "http://127.0.0.1:9", "region": "x"}


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def adapter(body: str) -> Adapter:
    """An adapter whose script answers hello, then runs ``body``."""
    return Adapter(Runtime([sys.executable, "-c", HELLO + body], "here"), "boto3")


# ------------------------------------------------------------------------------------------------ adapters
def test_lines_that_are_no_json_or_answer_another_request_are_passed_over() -> None:
    body = (
        "request = json.loads(sys.stdin.readline())\n"
        "print('a library printed this', flush=True)\n"
        'print(json.dumps({"id": request["id"] + 100, "kind": "output", "output": "stale"}), flush=True)\n'
        'echo = {"echo": request["params"]}\n'
        'print(json.dumps({"id": request["id"], "kind": "output", "output": echo}), flush=True)\n'
        "sys.stdin.read()\n"
    )
    with adapter(body) as sdk:
        assert sdk.hello.sdk == "s"
        answer = sdk.call(TARGET, {"inferenceProfileIdentifier": "p"})
    assert (answer.kind, answer.output) == ("output", {"echo": {"inferenceProfileIdentifier": "p"}})


def test_an_adapter_that_never_answers_is_given_up_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # The script reads every request and answers none; it ends when its stdin is closed.
    monkeypatch.setattr(_adapter, "START_TIMEOUT", 1.0)
    script = "import sys\nfor line in sys.stdin:\n    pass\n"
    with pytest.raises(SdkUnavailable, match=exactly("the adapter did not start: the adapter gave no answer in 1 s")):
        Adapter(Runtime([sys.executable, "-c", script], "here"), "boto3")


def test_a_request_to_an_adapter_that_has_exited_says_what_it_said_last() -> None:
    sdk = adapter("sys.stderr.write('fatal: out of luck\\n')\n")
    try:
        sdk._process.wait()  # its stdin has no reader any more: writing to it breaks the pipe
        with pytest.raises(SdkUnavailable, match=exactly("the adapter exited: fatal: out of luck")):
            sdk.call(TARGET, {})
    finally:
        sdk.close()


def test_an_adapter_that_does_not_exit_when_its_stdin_closes_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    sdk = adapter("import time\ntime.sleep(600)\n")
    process = sdk._process
    real_wait = process.wait

    def wait(timeout: float | None = None) -> int:
        # The 10 s grace the adapter gives runs out at once here; the kill's own wait is real.
        if timeout is not None:
            raise subprocess.TimeoutExpired(process.args, timeout)
        return real_wait()

    monkeypatch.setattr(process, "wait", wait)
    sdk.close()
    assert process.returncode == -signal.SIGKILL


# ------------------------------------------------------------------------------------------------ installers
def test_an_install_runs_unlocked_where_there_is_no_fcntl(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "fcntl", None)  # import fcntl raises ImportError, as on Windows
    built = _env._install_once(tmp_path / "env", "s", "x", lambda tmp: (tmp / "made").write_text("yes"))
    assert (built / "made").read_text() == "yes" and (built / _env._READY).read_text() == "s"


def test_an_install_another_process_finished_while_this_one_waited_is_not_redone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "env"

    @contextlib.contextmanager
    def locked(path: Path) -> Iterator[None]:
        # The lock comes free when the other installer is done: the target is ready for the same stamp.
        assert path == tmp_path / "env.lock"
        target.mkdir()
        (target / _env._READY).write_text("s")
        yield

    def build(tmp: Path) -> None:
        raise AssertionError("built twice")

    monkeypatch.setattr(_env, "_locked", locked)
    assert _env._install_once(target, "s", "x", build) == target


def test_an_installer_that_cannot_start_or_takes_too_long_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(SdkUnavailable, match=r"^npm ci could not start .*no-npm: No such file or directory$"):
        _env._run([str(tmp_path / "no-npm"), "ci"], "npm ci")

    def slow(argv: list[str], **_: Any) -> None:
        raise subprocess.TimeoutExpired(argv, _env.INSTALL_TIMEOUT)

    monkeypatch.setattr(_env.subprocess, "run", slow)
    with pytest.raises(SdkUnavailable, match=exactly("pip install x took longer than 900 s")):
        _env._run(["pip"], "pip install x")


def test_an_installer_that_says_only_warnings_is_reported_by_its_exit_code() -> None:
    script = "import sys; sys.stderr.write('WARNING: old pip\\nnpm warn deprecated x\\n'); sys.exit(4)"
    with pytest.raises(SdkUnavailable, match=exactly("pip failed: exit 4")):
        _env._run([sys.executable, "-c", script], "pip")
    _env._run([sys.executable, "-c", "print('done')"], "pip")  # a zero exit raises nothing


def recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], str, Path | None]]:
    calls: list[tuple[list[str], str, Path | None]] = []
    monkeypatch.setattr(_env, "_run", lambda argv, what, cwd=None: calls.append((argv, what, cwd)))
    return calls


@pytest.mark.parametrize("have_pip", [True, False], ids=["pip-here", "no-pip-here"])
def test_a_python_sdk_environment_is_a_venv_with_the_requirement_pip_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, have_pip: bool
) -> None:
    calls = recorded(monkeypatch)
    real_find_spec = _env.importlib.util.find_spec
    monkeypatch.setattr(
        _env.importlib.util, "find_spec", lambda name: real_find_spec(name) if have_pip or name != "pip" else None
    )
    _env._build_venv("aiobotocore==2.13.0")(tmp_path)
    python = str(tmp_path / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
    install = ["install", "--quiet", "--disable-pip-version-check", "aiobotocore==2.13.0"]
    if have_pip:
        # This interpreter's pip installs into the new environment, which gets no pip of its own.
        venv = [sys.executable, "-m", "venv", "--without-pip", str(tmp_path)]
        pip = [sys.executable, "-m", "pip", "--python", python, *install]
    else:
        venv = [sys.executable, "-m", "venv", str(tmp_path)]
        pip = [python, "-m", "pip", *install]
    assert calls == [
        (venv, "creating a virtual environment for aiobotocore==2.13.0", None),
        (pip, "pip install aiobotocore==2.13.0", None),
    ]


NPM_FLAGS = ["--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]


def test_the_js_sdk_is_installed_from_the_lock_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = recorded(monkeypatch)
    _env._build_js("/bin/npm", parse_sdk("js"))(tmp_path)
    assert calls == [
        (["/bin/npm", "ci", *NPM_FLAGS], "npm ci (@aws-sdk/client-bedrock from sdk/js/package-lock.json)", tmp_path)
    ]
    for name in ("package.json", "package-lock.json"):
        assert (tmp_path / name).read_bytes() == (_env.JS_DIR / name).read_bytes()


def test_a_pinned_js_sdk_is_installed_at_that_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = recorded(monkeypatch)
    _env._build_js("/bin/npm", parse_sdk("js==3.600.0"))(tmp_path)
    assert calls == [(["/bin/npm", "install", *NPM_FLAGS], "npm install @aws-sdk/client-bedrock@3.600.0", tmp_path)]
    manifest = json.loads((tmp_path / "package.json").read_text())
    assert manifest["dependencies"] == {"@aws-sdk/client-bedrock": "3.600.0"}
    assert not (tmp_path / "package-lock.json").exists()


def node_on_path(monkeypatch: pytest.MonkeyPatch, major: int | None, npm: bool = True) -> None:
    found = {"node": "/opt/node/bin/node", "npm": "/opt/node/bin/npm" if npm else None}
    monkeypatch.setattr(_env.shutil, "which", lambda name: found[name])
    monkeypatch.setattr(_env, "_node_major", lambda node: major)


@pytest.mark.parametrize(
    ("major", "npm", "reason"),
    [
        (16, True, "/opt/node/bin/node is Node.js 16; the js suite needs 18+"),
        (None, True, "/opt/node/bin/node is Node.js of unknown version; the js suite needs 18+"),
        (20, False, "npm is not installed (no 'npm' on PATH); the js suite installs the SDK with it"),
    ],
    ids=["node-16", "node-unknown", "no-npm"],
)
def test_the_js_suite_needs_node_18_and_npm(
    monkeypatch: pytest.MonkeyPatch, major: int | None, npm: bool, reason: str
) -> None:
    node_on_path(monkeypatch, major, npm)
    with pytest.raises(SdkUnavailable) as raised:
        _env.node_runtime(parse_sdk("js"))
    assert str(raised.value) == reason


def test_node_18_with_npm_runs_the_js_adapter_from_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    node_on_path(monkeypatch, 18)
    monkeypatch.setenv("BEDROCK_CONFORMANCE_CACHE", str(tmp_path))
    monkeypatch.setattr(_env, "_install_once", lambda target, stamp, what, build: target)
    runtime = _env.node_runtime(parse_sdk("js==3.600.0"))
    target = str(tmp_path / "js" / "3.600.0")
    assert runtime.argv == ["/opt/node/bin/node", str(_env.JS_ADAPTER), target, "@aws-sdk/client-bedrock"]
    assert (runtime.where, runtime.env) == (target, {"NODE_NO_WARNINGS": "1"})


def test_the_node_version_is_read_from_node_version(tmp_path: Path) -> None:
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\necho v20.11.1\n")
    node.chmod(0o755)
    assert _env._node_major(str(node)) == 20
    assert _env._node_major(str(tmp_path / "no-node")) is None  # cannot start
    assert _env._node_major(sys.executable) is None  # answers "Python 3...", no Node.js version
