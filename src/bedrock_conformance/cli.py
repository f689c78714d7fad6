"""The ``bedrock-conformance`` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import difflib
import importlib.util
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from ._schemas import SchemaError
from ._usage import UsageError
from ._validate_cmd import add_validate_arguments, cmd_validate
from .frontend import OPTIONS, add_options, positive
from .targets import SPECS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", " ".join(self.format_usage().split()))

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        known, extras = self.parse_known_args(args, namespace)
        if extras:
            # Blamed on the subcommand the user typed, which knows the options they most likely meant.
            command = self._command_parser(known)
            command.error(_unrecognized(extras, command))
        return known

    def _command_parser(self, namespace: argparse.Namespace) -> _Parser:
        parser: _Parser = self
        while True:
            actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
            chosen = getattr(namespace, actions[0].dest, None) if actions else None
            if chosen is None:
                return parser
            parser = actions[0].choices[chosen]


def _unrecognized(extras: list[str], parser: argparse.ArgumentParser) -> str:
    """'unrecognized arguments: --exmaples (did you mean --examples?)'"""
    known = [option for action in parser._actions for option in action.option_strings if option.startswith("--")]
    words = []
    for extra in extras:
        flag = extra.split("=", 1)[0]
        close = difflib.get_close_matches(flag, known, n=1, cutoff=0.6) if flag.startswith("-") else []
        words.append(f"{extra} (did you mean {close[0]}?)" if close else extra)
    return "unrecognized arguments: " + " ".join(words)


# Marks the terminal report uses, spelt in ASCII for a console whose encoding lacks them (cp1252, ascii).
_ASCII = {"✔": "+", "✘": "x", "≈": "~", "–": "-", "—": "--", "…": "..."}
_ASCII_ERRORS = "bedrock-conformance-ascii"


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    text = "".join(_ASCII.get(c, c.encode("ascii", "backslashreplace").decode("ascii")) for c in bad)
    return text, error.end


codecs.register_error(_ASCII_ERRORS, _ascii_fallback)


@contextlib.contextmanager
def _console() -> Iterator[None]:
    """What the console cannot encode is written in ASCII, never a UnicodeEncodeError."""
    streams = [s for s in (sys.stdout, sys.stderr) if isinstance(s, io.TextIOWrapper) and s.errors == "strict"]
    for stream in streams:
        stream.reconfigure(errors=_ASCII_ERRORS)
    try:
        yield
    finally:
        for stream in streams:
            with contextlib.suppress(ValueError):  # closed under us
                stream.reconfigure(errors="strict")


def _wants_workers(pytest_args: list[str]) -> bool:
    """Whether the arguments passed on to pytest ask for pytest-xdist workers (-n N, -nN, --numprocesses)."""
    return any(a == "--numprocesses" or a.startswith(("-n", "--numprocesses=")) for a in pytest_args)


@contextlib.contextmanager
def _hypothesis_storage() -> Iterator[None]:
    """Hypothesis caches its Unicode tables under ./.hypothesis: a run keeps them in the user's cache instead of
    the working directory (HYPOTHESIS_STORAGE_DIRECTORY, if set, still decides)."""
    from hypothesis import configuration

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    try:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home directory
        cache = Path(tempfile.gettempdir())
    where = cache / "bedrock-conformance" / "hypothesis"
    previous = getattr(configuration, "__hypothesis_home_directory", None)
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(where)  # for pytest-xdist workers too
    configuration.set_hypothesis_home_dir(where)
    try:
        yield
    finally:
        del os.environ["HYPOTHESIS_STORAGE_DIRECTORY"]
        configuration.set_hypothesis_home_dir(previous)


def cmd_run(args: argparse.Namespace) -> int:
    with _hypothesis_storage():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    import pytest

    from ._http import TargetError
    from ._schemas import data_dir
    from .cassettes import CassetteError
    from .frontend import ConformancePlugin, config_from, open_session
    from .report import BaselineError, render_terminal
    from .sdk import SdkSpecError, parse_sdk

    config = config_from(args)
    config.quiet = args.quiet
    config.progress = not args.quiet and sys.stderr.isatty()
    for sdk in config.sdks:
        try:
            parse_sdk(sdk)
        except SdkSpecError as exc:
            raise UsageError(str(exc)) from exc
    if _wants_workers(args.pytest_args or []) and importlib.util.find_spec("xdist") is None:
        raise UsageError("-n needs pytest-xdist: pip install pytest-xdist")
    if config.record and _wants_workers(args.pytest_args or []):
        # Said here in one line: pytest would print the plugin's refusal and the run would end with a second one.
        raise UsageError("--record writes one cassette per suite from one process: drop -n")
    try:
        plugin = ConformancePlugin(config)
        plugin.session = open_session(config, plugin.recorder)
    except (BaselineError, TargetError, CassetteError) as exc:
        raise UsageError(str(exc)) from exc
    # The unraisable/thread exception plugins run gc.collect() at session end (0.2-0.45 s) to report what -W hides.
    quiet_plugins = ["-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:unraisableexception"]
    suites = str(data_dir("suites"))
    # The suites' own folder is the root: installed in a virtualenv inside a project, they would otherwise hang under
    # the project's root (every folder between a node, walked per test: about a tenth of a run's CPU), and the
    # project's conftest.py files would be loaded into a run that is not theirs.
    rooted = [f"--rootdir={suites}", f"--confcutdir={suites}"]
    pytest_args = [suites, *rooted, *quiet_plugins, "-p", "no:threadexception", "-W", "ignore"]
    if args.junit_xml:
        pytest_args.append(f"--junit-xml={args.junit_xml}")
    with _lean(bool(args.pytest_args)) as lean:
        status = pytest.main(pytest_args + lean + list(args.pytest_args or []), plugins=[plugin])
    if plugin.report is not None and not config.quiet:
        # On a terminal, reproduce lines are cut to its width (the JSON report keeps them whole).
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        print(render_terminal(plugin.report, width, config.report_json))
    if plugin.fatal is not None:
        raise UsageError(plugin.fatal)
    if plugin.interrupted:
        print("interrupted: the report was written and marked incomplete", file=sys.stderr)
        return 130
    if plugin.report is None:
        raise UsageError(f"the suites did not run (pytest exit {int(status)})")
    if int(status) == pytest.ExitCode.NO_TESTS_COLLECTED or _collect_only(args.pytest_args or []):
        # Every clause would be a skip and the run would pass having checked nothing.
        raise UsageError("no clause was checked: the pytest arguments after -- selected none of the suites' tests")
    return plugin.exit_code


# pytest's own plugins that the suites never use: they hold no doctest, unittest case or assert statement, and ask
# for neither tmpdir nor recwarn. Every registered plugin is scanned for fixtures when a run starts and called on
# every hook of every test.
_UNUSED_PLUGINS = (
    "doctest",
    "pastebin",
    "legacypath",
    "recwarn",
    "setuponly",
    "setupplan",
    "stepwise",
    "unittest",
    "python_path",
    # Replaced in _lean by what they amount to in a run whose terminal output is off.
    "logging",
    "warnings",
)


_NO_AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"


@contextlib.contextmanager
def _lean(user_args: bool) -> Iterator[list[str]]:
    """The pytest arguments (and process state) of a run that loads only what the suites use.

    Unless the user passes pytest arguments of their own (then pytest is left as it is, so that every option and
    plugin they name works): pytest's plugins in ``_UNUSED_PLUGINS`` are blocked, assertions are not rewritten, and
    no plugin is auto-loaded from another package (pytest-randomly, say, would reorder and reseed a run). pytest's
    logging and warnings plugins are replaced by what they amount to in a run whose terminal output is off: log
    records and warnings are dropped, once for the whole run instead of around each phase of each test. Together
    about 12 % of a run's instructions (docs/testing.md, Run time).
    """
    if user_args:
        yield []
        return
    previous = os.environ.get(_NO_AUTOLOAD)
    os.environ[_NO_AUTOLOAD] = "1"
    root = logging.getLogger()
    dropped = logging.NullHandler()
    root.addHandler(dropped)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield [arg for name in _UNUSED_PLUGINS for arg in ("-p", f"no:{name}")] + ["--assert=plain"]
    finally:
        root.removeHandler(dropped)
        if previous is None:
            del os.environ[_NO_AUTOLOAD]
        else:
            os.environ[_NO_AUTOLOAD] = previous


def _collect_only(pytest_args: list[str]) -> bool:
    return any(arg in ("--collect-only", "--co") for arg in pytest_args)


CASSETTES_DIR = "a folder of cassettes (sub-folders included), or a shipped set: mock, published"


def cmd_cassettes_check(args: argparse.Namespace) -> int:
    from .cassettes import CassetteError, lint, resolve_directory

    try:
        problems, checked = lint(resolve_directory(args.directory))
    except CassetteError as exc:
        raise UsageError(str(exc)) from exc
    for problem in problems:
        print(f"{problem.where}: {problem.message}")
    print(f"{len(problems)} problems; {checked} clause checks of recorded answers")
    return 1 if problems else 0


def cmd_replay(args: argparse.Namespace) -> int:
    from ._http import TargetError
    from .cassettes import CassetteError, compare, read_directory, resolve_directory
    from .targets import TargetOptions, open_target

    try:
        interactions = read_directory(resolve_directory(args.directory), nested=True)
        target = open_target(
            TargetOptions(
                spec=args.target,
                region=args.region,
                aws_profile=args.aws_profile,
                timeout=args.timeout,
                allow_writes=args.allow_writes or None,
            )
        )
    except (CassetteError, TargetError) as exc:
        raise UsageError(str(exc)) from exc
    try:
        differences, total = compare(interactions, target.transport)
    except TargetError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        target.close()
    recorded = interactions[0].meta.get("target", "?") if interactions else "?"
    title = f"parity: {target.name} vs recorded {recorded}"
    for difference in differences:
        print(f"{difference.where}: {difference.what}")
    print(f"{title}: {total - len({d.where for d in differences})} of {total} interactions agree")
    if args.report_json:
        doc = {
            "target": target.name,
            "recorded": recorded,
            "interactions": total,
            "differences": [{"where": d.where, "what": d.what} for d in differences],
        }
        Path(args.report_json).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 1 if differences else 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bedrock-conformance", description="Conformance suite for Amazon Bedrock GetInferenceProfile."
    )
    parser.add_argument("--version", action="version", version=f"bedrock-conformance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = sub.add_parser(
        "validate",
        help="check saved answers (GetInferenceProfile, a List page, CreateInferenceProfile, ListTagsForResource) "
        "clause by clause",
    )
    add_validate_arguments(validate)
    validate.set_defaults(func=cmd_validate)

    run = sub.add_parser(
        "run",
        help="run the conformance suites against a target and report per clause",
        usage="%(prog)s [options] [-- PYTEST_ARGS ...]",
    )
    add_options(run.add_argument)
    run.add_argument("--junit-xml", metavar="FILE", help="also write JUnit XML (one test case per clause)")
    run.add_argument("--quiet", action="store_true", help="no per-clause table on the terminal and no progress line")
    run.add_argument("pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="extra arguments for pytest")
    run.set_defaults(func=cmd_run)

    cassettes = sub.add_parser("cassettes", help="work with recorded cassettes")
    cassettes_sub = cassettes.add_subparsers(dest="cassettes_command", required=True, parser_class=_Parser)
    check = cassettes_sub.add_parser("check", help="lint cassettes: parse, secrets, clause checks")
    check.add_argument("directory", metavar="DIR", help=CASSETTES_DIR)
    check.set_defaults(func=cmd_cassettes_check)

    replay = sub.add_parser("replay", help="re-send recorded requests to another implementation and diff the answers")
    replay.add_argument("directory", metavar="DIR", help=CASSETTES_DIR)
    replay.add_argument(
        "--target", required=True, type=OPTIONS["target"]["type"], metavar="TARGET", help=f"where to re-send: {SPECS}"
    )
    replay.add_argument("--region", default="us-east-1", help="AWS region to sign requests for (default: %(default)s)")
    replay.add_argument("--aws-profile", metavar="PROFILE", default=None, help="credentials from this AWS profile")
    replay.add_argument(
        "--timeout", type=positive, default=10.0, metavar="SECONDS", help="read timeout (default: %(default)s)"
    )
    replay.add_argument("--report-json", metavar="FILE", help="write the differences as JSON")
    replay.add_argument("--allow-writes", action="store_true", help="re-send recorded creates and deletes too")
    replay.set_defaults(func=cmd_replay)

    from . import drift

    drift_cmd = sub.add_parser("drift", help="compare schemas/ with botocore's bedrock model; exit 1 on new drift")
    drift.add_drift_arguments(drift_cmd)
    drift_cmd.set_defaults(func=drift.run_drift)

    from .mock import _cli as mock_cli

    mock = sub.add_parser("mock", help="serve the reference mock until SIGINT/SIGTERM (prints its URL first)")
    mock_cli.add_arguments(mock)
    mock.set_defaults(func=mock_cli.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with _console():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except UsageError as exc:
        if exc.usage:
            print(exc.usage, file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SchemaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (| head) left: nothing more to say, and nothing to say it to.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        if os.environ.get("BEDROCK_CONFORMANCE_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (set BEDROCK_CONFORMANCE_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
