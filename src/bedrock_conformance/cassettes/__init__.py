"""Cassettes: record runs with vcrpy, lint them, replay them offline, and compare implementations against them.

One module per job: ``format`` (the file, reading it back), ``record``, ``replay``, ``lint`` and ``parity``. They
build on the transport and the checks and know nothing of targets or the engine: ``targets`` opens a replay.
"""

from __future__ import annotations

from .format import (
    FORMAT,
    META_KEY,
    CassetteError,
    CassetteSerializer,
    Interaction,
    account_placeholder,
    cassette_files,
    load_document,
    read_cassette,
    read_directory,
    resolve_directory,
    scrub_account,
    shipped_sets,
)
from .lint import SECRET_PATTERNS, Problem, check_recorded, lint, recorded_operation
from .parity import Difference, compare, normalise
from .record import RECORD_MODES, Recording, reconstruct, recording_metadata, recording_refusal, scrubbers
from .replay import ReplayTransport, network_blocked, open_replay

__all__ = [
    "FORMAT",
    "META_KEY",
    "RECORD_MODES",
    "SECRET_PATTERNS",
    "CassetteError",
    "CassetteSerializer",
    "Difference",
    "Interaction",
    "Problem",
    "Recording",
    "ReplayTransport",
    "account_placeholder",
    "cassette_files",
    "check_recorded",
    "compare",
    "lint",
    "load_document",
    "network_blocked",
    "normalise",
    "open_replay",
    "read_cassette",
    "read_directory",
    "reconstruct",
    "recorded_operation",
    "recording_metadata",
    "recording_refusal",
    "resolve_directory",
    "scrub_account",
    "scrubbers",
    "shipped_sets",
]
