"""What the suites in ``suites/`` send, suite by suite, and which clauses each suite judges.

An exercise is a plain function of the run's ``Session``: it sends requests through it, and the session checks
every answer and records the results under their clauses. The pytest suites call the exercises in their fixtures
and judge each clause with ``frontend.verdict``; under pytest-xdist, ``parallel`` deals them out between workers.
"""

from __future__ import annotations

from .behaviour import (
    behaviour_clause_ids,
    run_application_lifecycle,
    run_listed_profiles,
    run_percent_decoding,
    run_unknown_identifiers,
)
from .errors import error_clause_ids, run_forced_errors
from .family import answer_clause_ids, list_request_clause_ids, run_answer_clauses, run_list_requests
from .family_writes import run_write_requests, write_request_clause_ids
from .lifecycle import lifecycle_clause_ids, run_lifecycle
from .pagination import pagination_clause_ids, run_pagination
from .request import request_clause_ids, run_request_clause
from .response import response_clause_ids
from .sdk import run_sdk_suites, sdk_clause_ids

__all__ = [
    "answer_clause_ids",
    "behaviour_clause_ids",
    "error_clause_ids",
    "lifecycle_clause_ids",
    "list_request_clause_ids",
    "pagination_clause_ids",
    "request_clause_ids",
    "response_clause_ids",
    "run_answer_clauses",
    "run_application_lifecycle",
    "run_forced_errors",
    "run_lifecycle",
    "run_list_requests",
    "run_listed_profiles",
    "run_pagination",
    "run_percent_decoding",
    "run_request_clause",
    "run_sdk_suites",
    "run_unknown_identifiers",
    "run_write_requests",
    "sdk_clause_ids",
    "write_request_clause_ids",
]
