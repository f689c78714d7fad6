"""Broken and conformant servers for the suite's self-test: the reference mock behind a rewriting proxy."""

from __future__ import annotations

from ._proxy import Call, Handler, Proxy, Reply, Upstream, passthrough
from ._run import RunResult, run_conformance
from ._variants import VARIANTS, ApplicationProfiles, Variant
from ._zoo import MUTANTS, Mutant

__all__ = [
    "MUTANTS",
    "VARIANTS",
    "ApplicationProfiles",
    "Call",
    "Handler",
    "Mutant",
    "Proxy",
    "Reply",
    "RunResult",
    "Upstream",
    "Variant",
    "passthrough",
    "run_conformance",
]
