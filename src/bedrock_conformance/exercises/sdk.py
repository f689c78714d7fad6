"""The SDK suite's exercise: the sdk.* suites for every SDK named with --sdk."""

from __future__ import annotations

from .._engine import Session
from ..sdk import run_sdk_suite, sdk_clause_ids
from ._common import exercise


@exercise
def run_sdk_suites(session: Session) -> None:
    """The sdk.* suites for every SDK named with --sdk; without one, the SDK clauses are skipped.

    Sends: nothing to the run's target. Each SDK (boto3, aiobotocore, js, at a pinned version if asked) drives
    GetInferenceProfile against a reference mock and a canned-answer server of its own (see ``sdk``).
    Feeds: the sdk.* clauses of sdk.json, and the report's SDK matrix.
    """
    if not session.config.sdks:
        for clause in sdk_clause_ids():
            session.recorder.skip(clause, "SDK suites run with --sdk (boto3, aiobotocore or js)")
        return
    for sdk in session.config.sdks:
        session.recorder.sdk_runs.append(run_sdk_suite(sdk, session.recorder, session.config))
