"""Open the run's target as a session: a live target, or ``replay:DIR`` (recorded cassettes, judged offline)."""

from __future__ import annotations

from .._engine import Recorder, RunConfig, Session
from .._share import Share
from ..targets import TargetOptions, open_target


def open_session(config: RunConfig, recorder: Recorder | None = None, share: Share | None = None) -> Session:
    """Open the configured target (``replay:DIR`` included) as a session; TargetError/CassetteError if it can't."""
    if config.target.startswith("replay:"):
        target = open_target(TargetOptions(spec=config.target))
        assert target.replay is not None
        meta = target.replay.meta
        if not config.seed_given:
            config.seed = int(meta.get("seed", config.seed))
        config.examples = int(meta.get("examples", config.examples))
        config.region = str(meta.get("region", config.region))
        return Session(target, config, recorder)
    target = open_target(
        TargetOptions(
            spec=config.target,
            region=config.region,
            aws_profile=config.aws_profile,
            timeout=config.timeout,
            insecure=config.insecure,
            budget=config.budget,
            rate=config.rate,
            max_attempts=config.max_attempts,
            allow_writes=config.allow_writes,
            seed=config.seed,
            mock_clock=config.mock_clock,
            force_errors=config.force_errors,
            share=share,
        )
    )
    return Session(target, config, recorder, share)
