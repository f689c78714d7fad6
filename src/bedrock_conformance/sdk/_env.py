"""Where each SDK runs: the running interpreter, a Python environment of its own, or Node.js with the locked SDK.

Nothing is installed by hand: an SDK that the running interpreter cannot import (aiobotocore pins an older
botocore than the project's) gets a virtual environment in the cache, and the AWS SDK for JavaScript is
installed there from ``js/package-lock.json`` with ``npm ci``. Both happen once per cache; later runs reuse
them. The cache is ``$BEDROCK_CONFORMANCE_CACHE``, else ``$XDG_CACHE_HOME/bedrock-conformance``, else
``~/.cache/bedrock-conformance``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._spec import SdkSpec

CACHE_ENV = "BEDROCK_CONFORMANCE_CACHE"
HERE = Path(__file__).resolve().parent
PYTHON_ADAPTER = HERE / "_pyadapter.py"
JS_DIR = HERE / "js"
JS_ADAPTER = JS_DIR / "adapter.mjs"
INSTALL_TIMEOUT = 900.0
# The oldest Node.js that the AWS SDK for JavaScript v3 supports.
MIN_NODE_MAJOR = 18
_READY = ".bedrock-conformance-ready"


class SdkUnavailable(RuntimeError):
    """The SDK cannot run on this machine (no Node.js, an install that failed): its suite is skipped, with this."""


@dataclass
class Runtime:
    """How to start an SDK's adapter: the command line, and the environment it needs on top of the scrubbed one."""

    argv: list[str]
    where: str
    env: dict[str, str] = field(default_factory=dict)


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bedrock-conformance"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One installer per target folder at a time, across processes (POSIX; elsewhere nothing to lock with)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            import fcntl
        except ImportError:
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(argv: list[str], what: str, cwd: Path | None = None) -> None:
    try:
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise SdkUnavailable(f"{what} took longer than {INSTALL_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise SdkUnavailable(f"{what} could not start {argv[0]}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        # Installers say what went wrong first, after their warnings; the last lines point at logs.
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        errors = [line for line in lines if not line.lower().startswith(("warning", "npm warn"))]
        said = " | ".join(errors[:2]) if errors else f"exit {done.returncode}"
        raise SdkUnavailable(f"{what} failed: {said}")


def _install_once(target: Path, stamp: str, what: str, build: Callable[[Path], None]) -> Path:
    """Build ``target`` with ``build(tmp)`` unless it is already built for ``stamp``; atomic and locked."""
    ready = target / _READY
    if ready.is_file() and ready.read_text() == stamp:
        return target
    with _locked(target.with_name(target.name + ".lock")):
        if ready.is_file() and ready.read_text() == stamp:
            return target
        print(f"bedrock-conformance: installing {what} into {target} (once)", file=sys.stderr)
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            build(tmp)
            (tmp / _READY).write_text(stamp)
            shutil.rmtree(target, ignore_errors=True)
            tmp.rename(target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


# ------------------------------------------------------------------------------------------------ Python SDKs
def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _env_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _build_venv(requirement: str) -> Callable[[Path], None]:
    def build(tmp: Path) -> None:
        have_pip = importlib.util.find_spec("pip") is not None
        venv = [sys.executable, "-m", "venv", *(["--without-pip"] if have_pip else []), str(tmp)]
        _run(venv, f"creating a virtual environment for {requirement}")
        # The running pip can install into another interpreter (--python, pip >= 22.3): no pip bootstrap per env.
        here = [sys.executable, "-m", "pip", "--python", str(_env_python(tmp))]
        pip = here if have_pip else [str(_env_python(tmp)), "-m", "pip"]
        _run([*pip, "install", "--quiet", "--disable-pip-version-check", requirement], f"pip install {requirement}")

    return build


def python_runtime(spec: SdkSpec) -> Runtime:
    """The running interpreter when it has the SDK (at the pinned version, if any); else an environment of its own."""
    installed = _installed_version(spec.distribution)
    if installed is not None and spec.version in (None, installed):
        return Runtime([sys.executable, str(PYTHON_ADAPTER), spec.name], f"{sys.executable} (this environment)")
    requirement = spec.distribution if spec.version is None else f"{spec.distribution}=={spec.version}"
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    target = cache_dir() / "python" / tag / _slug(requirement)
    _install_once(target, requirement, requirement, _build_venv(requirement))
    python = _env_python(target)
    return Runtime([str(python), str(PYTHON_ADAPTER), spec.name], str(target))


# ------------------------------------------------------------------------------------------------ JavaScript
def _node_major(node: str) -> int | None:
    try:
        text = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.match(r"v?(\d+)", text.strip())
    return int(match.group(1)) if match else None


def _lock_stamp() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((JS_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def _build_js(npm: str, spec: SdkSpec) -> Callable[[Path], None]:
    def build(tmp: Path) -> None:
        flags = ["--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        if spec.version is None:
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(JS_DIR / name, tmp / name)
            _run([npm, "ci", *flags], f"npm ci ({spec.distribution} from sdk/js/package-lock.json)", cwd=tmp)
            return
        manifest = json.loads((JS_DIR / "package.json").read_text())
        manifest["dependencies"] = {spec.distribution: spec.version}
        (tmp / "package.json").write_text(json.dumps(manifest, indent=2))
        _run([npm, "install", *flags], f"npm install {spec.distribution}@{spec.version}", cwd=tmp)

    return build


def node_runtime(spec: SdkSpec) -> Runtime:
    """Node.js with the SDK installed in the cache: from the lock file, or at the version asked for."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        raise SdkUnavailable("Node.js is not installed (no 'node' on PATH); the js suite needs Node.js and npm")
    major = _node_major(node)
    if major is None or major < MIN_NODE_MAJOR:
        raise SdkUnavailable(f"{node} is Node.js {major or 'of unknown version'}; the js suite needs {MIN_NODE_MAJOR}+")
    if npm is None:
        raise SdkUnavailable("npm is not installed (no 'npm' on PATH); the js suite installs the SDK with it")
    stamp = _lock_stamp() if spec.version is None else _slug(spec.version)
    target = cache_dir() / "js" / stamp
    _install_once(target, stamp, f"{spec.distribution} ({stamp})", _build_js(npm, spec))
    # The SDK prints a warning on stderr when Node.js is older than it will support next; it is not ours to show.
    return Runtime([node, str(JS_ADAPTER), str(target), spec.distribution], str(target), {"NODE_NO_WARNINGS": "1"})


def runtime_for(spec: SdkSpec) -> Runtime:
    if spec.runtime == "node":
        return node_runtime(spec)
    return python_runtime(spec)
