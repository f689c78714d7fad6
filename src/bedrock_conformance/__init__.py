"""Conformance suite for Amazon Bedrock GetInferenceProfile."""

from __future__ import annotations

from ._schemas import Clause, Contract, Deviation, contract, load_contract
from ._validator import (
    Finding,
    Outcome,
    outcomes_by_clause,
    validate_error,
    validate_identifier,
    validate_list_page,
    validate_response,
)

__version__ = "0.1.0"

__all__ = [
    "Clause",
    "Contract",
    "Deviation",
    "Finding",
    "Outcome",
    "__version__",
    "contract",
    "load_contract",
    "outcomes_by_clause",
    "validate_error",
    "validate_identifier",
    "validate_list_page",
    "validate_response",
]
