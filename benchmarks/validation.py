"""Row 3: the clause-by-clause validator against compiled JSON Schema validators; row 4: offline replay checks."""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._harness import ROOT, Row, middle, progress, repeat

BODIES = 10_000
INTERACTIONS = 10_000
SEED = 7


# ------------------------------------------------------------------------------------------------ the bodies
def corpus(count: int = BODIES, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` GetInferenceProfile bodies: the mock's catalogue (AWS's deviations included), generated valid
    bodies, and bodies that break each response clause, each a separate object, in a seeded order."""
    from bedrock_conformance._draw import draw
    from bedrock_conformance._engine import RunConfig
    from bedrock_conformance._schemas import contract
    from bedrock_conformance._strategies import (
        breakable_response_clauses,
        deviating_bodies,
        invalid_bodies,
        valid_bodies,
    )
    from bedrock_conformance.frontend import open_session

    session = open_session(RunConfig(seed=seed))
    try:
        pool: list[Any] = list(session.profiles())
    finally:
        session.close()
    the_contract = contract()
    pool += draw(valid_bodies(), 60, seed, "bench/valid")
    for clause in breakable_response_clauses():
        pool += draw(invalid_bodies(clause.id), 2, seed, f"bench/{clause.id}")
        if clause.id in the_contract.deviations:
            pool += draw(deviating_bodies(clause.id), 3, seed, f"bench/deviation/{clause.id}")
    # Only objects: a plain schema validator and ours both answer a non-object at once, which says nothing.
    pool = [b for b in pool if isinstance(b, dict)]
    rng = random.Random(seed)
    return [copy.deepcopy(rng.choice(pool)) for _ in range(count)]


def plain_schema(document: str = "response.json", *, python_patterns: bool) -> dict[str, Any]:
    """The response schema as a plain JSON Schema: $refs inlined, x- annotations dropped.

    ``python_patterns`` translates each ECMA-262 pattern to Python ``re`` (fastjsonschema compiles with ``re``).
    """
    from bedrock_conformance._ecma import translate
    from bedrock_conformance._schemas import contract

    the_contract = contract()

    def plain(node: Any, doc: str) -> Any:
        if isinstance(node, list):
            return [plain(item, doc) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target, doc, _ = the_contract.resolve(node["$ref"], doc)
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key.startswith("x-") or key in ("$id", "$defs"):
                continue
            if key == "pattern" and python_patterns:
                out[key] = translate(value)
            elif key in ("properties", "$defs"):
                out[key] = {name: plain(sub, doc) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not") or key.endswith("Of"):
                out[key] = plain(value, doc)
            else:
                out[key] = value
        return out

    return dict(plain(the_contract.documents[document], document))


def _baselines() -> dict[str, Callable[[Any], bool]]:
    """Pass/fail validators of the same schema; a missing package is skipped (see benchmarks/requirements.txt)."""
    found: dict[str, Callable[[Any], bool]] = {}
    try:
        import fastjsonschema

        compiled = fastjsonschema.compile(plain_schema(python_patterns=True))

        def fast(body: Any) -> bool:
            try:
                compiled(body)
            except fastjsonschema.JsonSchemaException:
                return False
            return True

        found["fastjsonschema"] = fast
    except ImportError:
        progress("  fastjsonschema is not installed: pip install '.[bench]'")
    try:
        import jsonschema_rs

        rs = jsonschema_rs.validator_for(plain_schema(python_patterns=False), validate_formats=True)
        found["jsonschema-rs"] = rs.is_valid
    except ImportError:
        progress("  jsonschema-rs is not installed: pip install '.[bench]'")
    return found


def _timed(check: Callable[[Any], Any], items: list[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        check(item)
    return time.perf_counter() - start


def validator_speed(times: int, bodies: list[dict[str, Any]]) -> Row:
    """Row 3: validate_response on every body, against the fastest pass/fail validator of the same schema."""
    from bedrock_conformance._validator import failing, validate_response

    row = Row(
        "3",
        f"validator: validate_response on {len(bodies):,} bodies, clause by clause",
        "fastest of fastjsonschema / jsonschema-rs, same bodies and schema, pass/fail",
        3.0,
        at_least=False,
    )
    baselines = _baselines()
    if not baselines:
        row.notes.append("no baseline validator installed: pip install '.[bench]'")
        return row
    # Strict mode fails AWS's recorded deviations, as a plain schema validator does: the verdicts are comparable.
    ours_strict = [not failing(validate_response(b, strict=True)) for b in bodies]
    for name, check in baselines.items():
        agree = sum(check(b) == ours for b, ours in zip(bodies, ours_strict, strict=True))
        row.notes.append(
            f"{name} agrees with our strict pass/fail on {agree:,} of {len(bodies):,} bodies "
            f"({sum(ours_strict):,} pass)"
        )
    ours_times: list[float] = []
    theirs: dict[str, list[float]] = {name: [] for name in baselines}

    def measure(index: int) -> None:
        ours_times.append(_timed(validate_response, bodies))

    def baseline(index: int) -> None:
        for name, check in baselines.items():
            theirs[name].append(_timed(check, bodies))
        fastest = min(values[-1] for values in theirs.values())
        row.samples.append(ours_times[-1] / fastest)
        progress(f"  row 3 rep {index + 1}: ours {ours_times[-1]:.3f} s, fastest baseline {fastest:.3f} s")

    repeat(times, measure, baseline)
    ours = middle(ours_times)
    figures = [f"ours: {ours / len(bodies) * 1e6:.1f} µs per body (median)"]
    for name, values in theirs.items():
        per_body = middle(values) / len(bodies) * 1e6
        figures.append(f"{name}: {per_body:.1f} µs per body; ours takes {ours / middle(values):.1f}× as long")
    row.notes[:0] = figures
    return row


# ------------------------------------------------------------------------------------------------ replay
def recorded(count: int = INTERACTIONS, directory: Path | None = None) -> list[Any]:
    """``count`` recorded interactions: the shipped mock cassettes' exchanges, cycled."""
    from bedrock_conformance.cassettes import read_directory

    interactions = read_directory(directory or ROOT / "cassettes" / "mock")
    return [interactions[i % len(interactions)].exchange for i in range(count)]


def _validator_alone(exchange: Any) -> Any:
    """What the validator does with a recorded answer, with no check, result or cassette machinery around it: an
    error, a Get body, a List page, or a sibling operation's answer (Create, ListTagsForResource) by its own shape."""
    from bedrock_conformance._schemas import contract
    from bedrock_conformance._validator import validate_answer, validate_error, validate_list_page, validate_response
    from bedrock_conformance.cassettes import recorded_operation

    response = exchange.response
    if response.status >= 400:
        return validate_error(response.status, response.headers, response.body)
    operation = recorded_operation(exchange.request)
    if operation is None or response.status >= 300:
        return None
    if operation.name == contract().page_operation.name:
        return validate_response(response.body)
    if operation.name == contract().list_operation.name:
        return validate_list_page(response.body)
    if operation.output is not None and operation.output.members:
        return validate_answer(operation.name, response.body)
    return None


def replay_speed(times: int, exchanges: list[Any]) -> Row:
    """Row 4: check_recorded on every recorded interaction, against the validator alone on the same answers."""
    from bedrock_conformance.cassettes import check_recorded

    row = Row(
        "4",
        f"replay: check_recorded on {len(exchanges):,} recorded interactions (cassettes/mock, cycled)",
        "the validator alone on the same recorded answers",
        2.0,
        at_least=False,
    )
    replays: list[float] = []
    alone: list[float] = []

    def measure(index: int) -> None:
        replays.append(_timed(check_recorded, exchanges))

    def baseline(index: int) -> None:
        alone.append(_timed(_validator_alone, exchanges))
        row.samples.append(replays[-1] / alone[-1])
        progress(f"  row 4 rep {index + 1}: replay {replays[-1]:.3f} s, validator alone {alone[-1]:.3f} s")

    repeat(times, measure, baseline)
    mix: dict[int, int] = {}
    for exchange in exchanges[: len(set(map(id, exchanges)))]:
        mix[exchange.response.status] = mix.get(exchange.response.status, 0) + 1
    row.notes += [
        f"replay {middle(replays) / len(exchanges) * 1e6:.1f} µs per interaction, validator alone "
        f"{middle(alone) / len(exchanges) * 1e6:.1f} µs (medians)",
        "recorded statuses: " + ", ".join(f"{n}× {status}" for status, n in sorted(mix.items())),
    ]
    return row
