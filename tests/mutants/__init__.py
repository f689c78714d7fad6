"""Broken and conformant servers for the suite's self-test: the reference mock behind a rewriting proxy."""

from __future__ import annotations

from ._proxy import Call, Handler, Proxy, Reply, Upstream, passthrough
from ._run import RunResult, run_conformance
from ._variants import VARIANTS, ApplicationProfiles, Variant
from ._zoo import MUTANTS, UNDECIDABLE, Mutant, Undecidable

__all__ = [
    "MUTANTS",
    "UNDECIDABLE",
    "VARIANTS",
    "ApplicationProfiles",
    "Call",
    "Handler",
    "Mutant",
    "Proxy",
    "Reply",
    "RunResult",
    "Undecidable",
    "Upstream",
    "Variant",
    "passthrough",
    "run_conformance",
]
