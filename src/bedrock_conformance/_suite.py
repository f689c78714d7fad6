"""What the suites in ``suites/`` run, and the pytest plugin that wires them to a target and a report."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import math
import pickle
import random
import shutil
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from ._engine import Recorder, RunConfig, Session
from ._http import Exchange, TargetError, encode_label
from ._pool import Pool, PoolError, Share, pool_from, published
from ._profiles import SUITES
from ._progress import Progress
from ._schemas import Clause, contract
from ._strategies import (
    entangled,
    identifier_examples,
    invalid_identifier_examples,
    invalid_identifiers,
    valid_identifiers,
)
from ._unknown import Arn, Owner, bare_ids, donors, unknown_identifiers
from ._unknown import count as unknown_count
from ._validator import Outcome, failing, loads, validate_identifier, validator
from .cassettes import (
    RECORD_MODES,
    CassetteError,
    Recording,
    recording_metadata,
)
from .checks import (
    INVALID_SIDE,
    VALID_SIDE,
    Result,
    behaviour_clause,
    check_answer,
    check_profile_shape,
    clause_verdict,
    denied,
    describe,
    diff_members,
    expect_accepted,
    expect_not_found,
    expect_rejected,
    identifies,
    same_body,
    still_throttled,
)
from .report import (
    BaselineError,
    annotate_junit,
    build_report,
    exit_code,
    load_baseline,
    render_terminal,
    write_reports,
)
from .targets import FORCE_ERROR_HEADER, TargetOptions, check_spec, open_target

PLUGIN_NAME = "bedrock-conformance-run"
# pytest-xdist: the run's configuration goes to each worker, and each worker's results come back, under this key.
XDIST_KEY = "bedrock_conformance"
POOL_KEY = "bedrock_conformance_pool"
MODULE_ORDER = ("test_request", "test_behaviour", "test_errors", "test_response", "test_sdk")


def draw(strategy: st.SearchStrategy[Any], count: int, run_seed: int, salt: str) -> list[Any]:
    """``count`` values from ``strategy``, the same ones for the same seed (no shrinking, no database)."""
    drawn: list[Any] = []
    draw_each(strategy, count, run_seed, salt, drawn.append)
    return drawn


def draw_each(
    strategy: st.SearchStrategy[Any], count: int, run_seed: int, salt: str, each: Callable[[Any], None]
) -> None:
    """Call ``each`` on the values ``draw`` returns, in its order, as each is drawn: a long run sends its first
    generated case at once instead of after the last is drawn. What ``each`` does never changes what is drawn.

    An exception from ``each`` stops the calls and is raised once the draw is over: Hypothesis never sees it, so
    it neither replays that value nor reports it as a falsifying example.
    """
    if count <= 0:
        return
    raised: list[BaseException] = []

    @seed(run_seed * 1_000_003 + zlib.crc32(salt.encode()))
    @settings(SUITES, max_examples=count)
    @given(strategy)
    def collect(value: Any) -> None:
        if raised:
            return
        try:
            each(value)
        except Exception as exc:
            raised.append(exc)

    with _no_source_constants():
        collect()
    if raised:
        raise raised[0]


@contextlib.contextmanager
def _no_source_constants() -> Iterator[None]:
    """Hypothesis mixes in string constants from whatever source modules are loaded, so an editable install and a
    wheel would draw different values for one seed. A run's --seed must mean the same requests everywhere."""
    try:
        from hypothesis.internal.conjecture.providers import HypothesisProvider
    except ImportError:  # another hypothesis layout: nothing to switch off
        yield
        return
    original = getattr(HypothesisProvider, "_maybe_draw_constant", None)
    if original is None:
        yield
        return
    HypothesisProvider._maybe_draw_constant = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        HypothesisProvider._maybe_draw_constant = original  # type: ignore[method-assign]


def _drawn(session: Session, strategy: st.SearchStrategy[Any], salt: str, each: Callable[[Any], None]) -> None:
    """The run's generated cases for one purpose, each handed to ``each`` as it is drawn; under pytest-xdist, this
    worker's own part of them."""
    count, run_seed, share = session.config.examples, session.config.seed, session.share
    if share is None:
        draw_each(strategy, count, run_seed, salt, each)
        return
    # The worker dealt the behaviour suite draws its unknown identifiers too: half against each of the two draws
    # (invalid and valid) that every request clause with a pattern makes.
    quota = share.quota(count, handicap=_unknown_count(session) // 2)
    draw_each(strategy, quota, run_seed, share.salt(salt), each)


def _once(each: Callable[[Any], None]) -> Callable[[Any], None]:
    """``each``, called once per distinct value (the first time it comes)."""
    seen: set[Any] = set()

    def first(value: Any) -> None:
        if value not in seen:
            seen.add(value)
            each(value)

    return first


def _dealt(session: Session, values: list[str]) -> list[str]:
    """Explicit cases; under pytest-xdist, this worker's part of them."""
    return values if session.share is None else session.share.part(values)


def _exercise(run: Callable[..., None]) -> Callable[..., None]:
    """An exercise sends once: under pytest-xdist every worker sent its share before the first verdict."""

    @functools.wraps(run)
    def once(session: Session, *args: Any) -> None:
        if session.sending:
            run(session, *args)

    return once


def _no_answer(exchange: Exchange, clause_id: str, value: str, side: str | None = None) -> Result | None:
    if exchange.response is None:
        return Result(clause_id, Outcome.FAIL, f"{value[:60]!r}: {describe(exchange)}", exchange, side=side)
    return None


# ------------------------------------------------------------------------------------------------ request clauses
def request_clause_ids() -> list[str]:
    return [c.id for c in contract().clauses_of("request")]


def _valid_examples_for(clause: Clause) -> list[str]:
    examples = identifier_examples()
    if clause.keyword == "pattern":
        return [v for k, v in examples.items() if k.startswith(("branch", "overlap"))]
    if clause.keyword == "maxLength":
        return [v for v in examples.values() if len(v) >= int(clause.value) - 1]
    return [v for v in examples.values() if len(v) == int(clause.value)]


@_exercise
def run_request_clause(session: Session, clause_id: str) -> None:
    """Identifiers that break the clause must get 400 ValidationException; ones that keep it must not get a 400."""
    clause = contract().clause(clause_id)
    if clause.member != contract().path_label:
        session.recorder.skip(
            clause_id, f"{clause.member} is model drift, not on the page: not enforced by the contract"
        )
        return
    examples = invalid_identifier_examples(clause_id)
    sendable = [v for v in examples if v]
    if clause.keyword != "pattern" and not sendable:
        # Then the clause can only be a skip (see checks.clause_verdict): say why its invalid side was never sent.
        session.recorder.skip(clause_id, _unsendable(session, clause, examples))
    if session.replay is not None:
        _rejudge_recorded_identifiers(session, clause_id)
        return

    def rejected(value: str) -> None:
        exchange = session.get(value, check=clause_id)
        result = expect_rejected(exchange, clause_id, value)
        session.recorder.add([result or _no_answer(exchange, clause_id, value, INVALID_SIDE)])

    def accepted(value: str) -> None:
        exchange = session.get(value, check=clause_id)
        result = expect_accepted(exchange, clause_id, value, session.success)
        session.recorder.add([result or _no_answer(exchange, clause_id, value, VALID_SIDE)])

    # Generated cases are sent as they are drawn, after the explicit ones; a value is sent once.
    send_invalid = _once(rejected)
    # The empty identifier cannot be sent: an empty label is the List operation's path. Its valid side still can.
    for value in _dealt(session, sendable):
        send_invalid(value)
    if clause.keyword == "pattern":
        _drawn(session, invalid_identifiers(clause_id), clause_id, send_invalid)
    send_valid = _once(accepted)
    for value in _dealt(session, _valid_examples_for(clause)):
        send_valid(value)
    if clause.keyword == "pattern":
        _drawn(session, valid_identifiers(), clause_id + "/valid", send_valid)


def _unsendable(session: Session, clause: Clause, examples: tuple[str, ...]) -> str:
    """Why no identifier that breaks ``clause`` can be sent: each is empty, and an empty label names no profile."""
    empty_path, list_path = session.label_path(session.get_path, ""), session.list_path
    which = (
        "the only identifier that breaks it is the empty one"
        if clause.keyword == "minLength" and int(clause.value) == 1
        else f"every identifier the suite has that breaks it ({len(examples)}) is empty"
    )
    return (
        f"{which}, which cannot be sent: the request would be GET {empty_path}, the List operation's path "
        f"{list_path} with a trailing '/', not a Get of any profile"
    )


def _rejudge_recorded_identifiers(session: Session, clause_id: str) -> None:
    """Offline: judge every recorded identifier against today's schemas, with the answer it got then."""
    assert session.replay is not None
    recorded = [i for i in session.replay.interactions if i.check in set(request_clause_ids())]
    allowed = {clause_id} | entangled(clause_id)
    judged = 0
    for interaction in recorded:
        exchange, value = interaction.exchange, interaction.exchange.request.label
        if value is None:
            continue
        broken = failing(validate_identifier(value))
        if clause_id in broken and broken <= allowed:
            result = expect_rejected(exchange, clause_id, value)
        elif not broken and interaction.check == clause_id:
            result = expect_accepted(exchange, clause_id, value, session.success)
        else:
            continue
        judged += 1
        if interaction.check == clause_id:
            session.recorder.add(check_answer(exchange, strict=session.config.strict))
        side = INVALID_SIDE if clause_id in broken else VALID_SIDE
        session.recorder.add([result or _no_answer(exchange, clause_id, value, side)])
    if not judged:
        session.recorder.skip(clause_id, "the cassettes hold no request that exercises this clause")


# ------------------------------------------------------------------------------------------------ behaviour clauses
def _body(session: Session, exchange: Exchange) -> dict[str, Any] | None:
    """The JSON object of a success, or None (the response clauses judge every other answer)."""
    if exchange.response is None or exchange.response.status != session.success:
        return None
    try:
        value = loads(exchange.response.body)  # not .json(): NaN is not JSON
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _denied(session: Session, exchange: Exchange, clause: str) -> bool:
    """A 403 says the caller may not see the profile, nothing about how the target resolves it."""
    if exchange.response is None or not denied(exchange.response.status):
        return False
    session.recorder.skip(clause, f"access denied to {exchange.request.label!r}: {describe(exchange)}")
    return True


@_exercise
def run_listed_profiles(session: Session) -> None:
    """Each listed profile resolves by id and by ARN to the same body, which equals its List summary."""
    the_contract = contract()
    arn_member, id_member = the_contract.role("arn"), the_contract.role("id")
    profiles = _sample(session.profiles(), session.config.max_profiles)
    extra = [{id_member: ident} for ident in session.config.profile_ids]
    by_id_clause, by_arn_clause = behaviour_clause("resolveById"), behaviour_clause("resolveByArn")
    equals_clause = behaviour_clause("listEqualsGet")
    if not profiles and not extra:
        reason = f"no profile to resolve: {session.discovery()} (use --profile-id to name some)"
        for key in ("resolveById", "resolveByArn", "listEqualsGet", "arnEndsWithId", "arnResourceType"):
            session.recorder.skip(behaviour_clause(key), reason)
    for summary in profiles:
        # A List summary is a profile body too: its ARN must fit its id and type.
        arn = summary.get(arn_member)
        session.recorder.add(check_profile_shape(summary, session.listed_by.get(arn) if isinstance(arn, str) else None))
    for listed, summary in [*((True, p) for p in profiles), *((False, p) for p in extra)]:
        ident = summary.get(id_member)
        if not isinstance(ident, str):
            continue
        by_id = session.get(ident)
        if _denied(session, by_id, by_id_clause):
            continue
        throttled = still_throttled(by_id, by_id_clause)
        if throttled is not None:
            session.recorder.add([throttled])  # it decides nothing: see checks.clause_verdict
            continue
        # Resolving means a success answer; whether its body is well formed is the response clauses' business.
        resolved = by_id.response is not None and by_id.response.status == session.success
        outcome = Outcome.PASS if resolved else Outcome.FAIL
        session.recorder.add([Result(by_id_clause, outcome, f"{ident!r}: {describe(by_id)}", by_id)])
        body = _body(session, by_id)
        if body is None:
            continue
        session.recorder.add(check_profile_shape(body, by_id))
        if listed:
            same = same_body(body, summary)
            message = "Get body equals the List summary" if same else f"differs in {diff_members(body, summary)}"
            session.recorder.add([Result(equals_clause, Outcome.PASS if same else Outcome.FAIL, message, by_id)])
        arn = body.get(arn_member)
        if isinstance(arn, str):
            by_arn = session.get(arn)
            if _denied(session, by_arn, by_arn_clause):
                continue
            throttled = still_throttled(by_arn, by_arn_clause)
            if throttled is not None:
                session.recorder.add([throttled])
                continue
            arn_body = _body(session, by_arn)
            same = arn_body is not None and same_body(arn_body, body)
            message = f"{arn!r}: {describe(by_arn)}" + ("" if same or arn_body is None else " with a different body")
            session.recorder.add([Result(by_arn_clause, Outcome.PASS if same else Outcome.FAIL, message, by_arn)])
    # Shown only if no Get of the whole run (every worker's, under pytest-xdist) was answered 200.
    session.recorder.skip(behaviour_clause("identifiesProfile"), "no GetInferenceProfile request was answered 200")


def _sample(profiles: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """At most ``limit`` profiles, taken from each type in turn: a long list of one type cannot crowd out another."""
    type_member = contract().role("type")
    by_type: dict[str, list[dict[str, Any]]] = {}
    for profile in profiles:
        by_type.setdefault(repr(profile.get(type_member)), []).append(profile)
    chosen: list[dict[str, Any]] = []
    for rank in range(max((len(group) for group in by_type.values()), default=0)):
        chosen += [group[rank] for group in by_type.values() if rank < len(group)]
    return chosen[:limit]


@_exercise
def run_percent_decoding(session: Session) -> None:
    """The label is decoded before it is checked: encoded and unencoded ':' mean the same, as do encoded letters."""
    clause = behaviour_clause("percentDecoded")
    arn_member, id_member = contract().role("arn"), contract().role("id")
    profiles = session.profiles()
    if not profiles:
        session.recorder.skip(clause, f"no profile to resolve: {session.discovery()}")
        return
    profile = profiles[0]
    ident, arn = profile.get(id_member), profile.get(arn_member)
    if not isinstance(ident, str) or not isinstance(arn, str):
        return
    # Spellings of one identifier must all answer alike. The id's and the ARN's are compared separately, so that
    # a target whose ARN lookups are broken is blamed for that (resolvesByArn), not for decoding.
    groups = {
        ident: {
            "encoded as botocore does": encode_label(ident),
            "every character percent-encoded": "".join(f"%{b:02X}" for b in ident.encode()),
            "':' left unencoded": ident,
        },
        arn: {
            "encoded as botocore does": encode_label(arn),
            "'/' encoded and ':' unencoded": arn.replace("/", "%2F"),
        },
    }
    for identifier, spellings in groups.items():
        answers = {}
        for how, encoded in spellings.items():
            exchange = session.get(identifier, encoded=encoded)
            if exchange.response is None:
                continue  # No answer says nothing about decoding; the resolve-by-id/ARN checks report it.
            throttled = still_throttled(exchange, clause)
            if throttled is not None:
                session.recorder.add([throttled])
                continue
            if not _denied(session, exchange, clause):
                answers[how] = (encoded, exchange, _body(session, exchange))
        reference = next((body for _, _, body in answers.values() if body is not None), None)
        if reference is None:
            session.recorder.skip(clause, f"{identifier!r} resolves to a JSON object under no spelling")
            continue
        for how, (encoded, exchange, body) in answers.items():
            ok = body is not None and same_body(body, reference)
            message = f"{how} ({encoded[:60]}): {describe(exchange)}" + ("" if ok or body is None else ", another body")
            session.recorder.add([Result(clause, Outcome.PASS if ok else Outcome.FAIL, message, exchange)])


def _unknown_count(session: Session) -> int:
    return unknown_count(session.config.examples)


def _listed_pairs(session: Session) -> list[tuple[str, str | None]]:
    """(id, ARN) of every listed profile with a string id."""
    arn_member, id_member = contract().role("arn"), contract().role("id")
    pairs = []
    for profile in session.profiles():
        ident, arn = profile.get(id_member), profile.get(arn_member)
        if isinstance(ident, str):
            pairs.append((ident, arn if isinstance(arn, str) else None))
    return pairs


def _model_regions(session: Session) -> list[str]:
    """The regions the listed profiles route to, read from their models' ARNs."""
    the_contract = contract()
    models, model = the_contract.role("models"), the_contract.documents["response.json"]["x-members"]["model"]
    listed = [m for p in session.profiles() if isinstance(p.get(models), list) for m in p[models]]
    arns = [m.get(model) for m in listed if isinstance(m, dict)]
    return sorted({arn.region for arn in map(Arn.parse, arns) if arn is not None and arn.region})


def _owner(session: Session) -> Owner | None:
    return Owner.of(arn for _, arn in _listed_pairs(session))


def _judge_unknown(session: Session, exchange: Exchange, value: str, owner: Owner | None, kind: str = "") -> str | None:
    """Judge one unknown identifier's answer; what it was, when it decides nothing."""
    other = owner is not None and owner.other_account(value)
    result = expect_not_found(exchange, value, access_proven=session.access_proven, other_account=other)
    if result is None:
        return describe(exchange)
    if kind:
        result.message = f"{kind}: {result.message}"
    session.recorder.add([result])
    return None


def _skip_unknown(session: Session, clause: str, undecided: list[str | None]) -> None:
    """Why no answer decided the clause: what the target answered, counted."""
    if session.recorder.of(clause):
        return
    answers = Counter(how for how in undecided if how is not None)
    if not answers:
        session.recorder.skip(clause, "no unknown identifier was sent")
        return
    shown = ", ".join(f"{n} answered {how}" for how, n in answers.most_common())
    notes = []
    if any(how.startswith("HTTP 403") for how in answers):
        notes.append("a 403 while access to every profile may be denied says nothing about absence")
    if any(not how.startswith("HTTP 403") for how in answers):
        notes.append("a throttle, a server fault or no answer says nothing about the identifier")
    session.recorder.skip(clause, f"no answer decided it: {shown} ({'; '.join(notes)})")


@_exercise
def run_unknown_identifiers(session: Session) -> None:
    """Valid identifiers that name no profile get 404 ResourceNotFoundException (403 for another account's ARN).

    They are bare ids, ARNs in the caller's own account, other accounts, regions and partitions, known ids with
    their case changed, and known profiles' resource ids under another account, region or partition.
    """
    clause = behaviour_clause("unknownIdentifier")
    owner = _owner(session)
    if session.replay is not None:
        recorded = session.replay.tagged(clause)
        undecided = []
        for interaction in recorded:
            exchange = interaction.exchange
            value = exchange.request.label or ""
            session.recorder.add(check_answer(exchange, strict=session.config.strict))
            session.recorder.add([identifies(exchange, value, session.success)])
            undecided.append(_judge_unknown(session, exchange, value, owner))
        if not recorded:
            session.recorder.skip(clause, "the cassettes hold no request for an unknown identifier")
        _skip_unknown(session, clause, undecided)
        return
    known = _listed_pairs(session)
    names = {name for pair in known for name in pair if name}
    total, run_seed = _unknown_count(session), session.config.seed
    bares = draw(bare_ids(names), total, run_seed, "unknown")
    arns = draw(donors(), total, run_seed, "unknown/arn")
    undecided = []
    for value, kind in unknown_identifiers(known, bares, arns, run_seed, _model_regions(session)):
        exchange = session.get(value, check=clause)
        undecided.append(_judge_unknown(session, exchange, value, owner, kind))
    _skip_unknown(session, clause, undecided)


@_exercise
def run_application_lifecycle(session: Session) -> None:
    """Create an application profile, resolve it, delete it, and see it gone; whatever is created is removed."""
    clauses = ("arnResourceType", "arnEndsWithId")
    if not session.target.writes:
        for key in clauses:
            session.recorder.skip(behaviour_clause(key), "APPLICATION profiles need --allow-writes")
        return
    the_contract = contract()
    arn_member = the_contract.role("arn")
    ops = the_contract.documents["operations.json"]["$defs"]["CreateInferenceProfile"]
    name_member = the_contract.role("name")
    source_member = next(k for k in ops["required"] if k != name_member)
    copy_member = next(iter(ops["properties"][source_member]["properties"]))
    # Only what CreateInferenceProfile may copy from: a system profile or a foundation model, not an application one.
    pointer = f"/$defs/CreateInferenceProfile/properties/{source_member}/properties/{copy_member}"
    copyable = validator("operations.json", pointer)
    sources = [
        p.get(arn_member)
        for p in session.profiles()
        if isinstance(p.get(arn_member), str) and not failing(copyable.validate(p.get(arn_member)))
    ]
    if not sources:
        reason = f"no listed profile to copy from: {session.discovery()}"
        for key in clauses:
            session.recorder.skip(behaviour_clause(key), reason)
        return
    name = f"bc-{session.config.seed % 100000}-{random.Random(session.config.seed).randrange(10**6)}"
    body = {name_member: name, source_member: {copy_member: sources[0]}}
    create = session.target.transport.request(ops["x-operation"]["method"], ops["x-operation"]["path"], body=body)
    created = session.target.transport.send(create)
    if created.response is None or created.response.status >= 300:
        session.recorder.skip(
            behaviour_clause("arnResourceType"), f"creating an application profile failed: {describe(created)}"
        )
        return
    created_body = _body(session, created) if created.response.status == session.success else None
    if created_body is None:
        try:
            parsed = created.response.json()
        except ValueError:
            parsed = None
        created_body = parsed if isinstance(parsed, dict) else {}
    new_arn = created_body.get(arn_member)
    if not isinstance(new_arn, str):
        return
    try:
        fetched = session.get(new_arn)
        body_got = _body(session, fetched)
        if body_got is not None:
            session.recorder.add(check_profile_shape(body_got, fetched))
    finally:
        delete_op = the_contract.documents["operations.json"]["$defs"]["DeleteInferenceProfile"]["x-operation"]
        session.target.transport.send(
            session.target.transport.request(delete_op["method"], session.label_path(delete_op["path"], new_arn))
        )
    session.recorder.add([expect_not_found(session.get(new_arn), new_arn)])


# ------------------------------------------------------------------------------------------------ error clauses
@_exercise
def run_forced_errors(session: Session) -> None:
    """Each modelled error, forced where the target allows it, carries its status, type and message."""
    if not session.target.can_force_errors and session.target.kind == "http":
        session.profiles()  # if nothing was sent yet: an answer tells whether the target is the reference mock
    if not session.target.can_force_errors:
        for error in contract().errors.values():
            session.recorder.skip(
                error.clause,
                "not seen in this run, and the target cannot be made to answer it "
                f"(use --force-errors if it honours the {FORCE_ERROR_HEADER} header)",
            )
        return
    profiles = session.profiles()
    ident = profiles[0].get(contract().role("id")) if profiles else next(iter(identifier_examples().values()))
    for name, error in contract().errors.items():
        exchange = session.force_error(str(ident), name)
        if not session.recorder.of(error.clause):
            session.recorder.skip(
                error.clause,
                f"not seen in this run; forced with the {FORCE_ERROR_HEADER} header, the target answered "
                f"{describe(exchange)}",
            )


# ------------------------------------------------------------------------------------------------ sdk clauses
@_exercise
def run_sdk_suites(session: Session) -> None:
    """The sdk.* suites for every SDK named with --sdk; without one, the SDK clauses are skipped."""
    from .sdk import run_sdk_suite, sdk_clause_ids

    if not session.config.sdks:
        for clause in sdk_clause_ids():
            session.recorder.skip(clause, "SDK suites run with --sdk (boto3, aiobotocore or js)")
        return
    for sdk in session.config.sdks:
        session.recorder.sdk_runs.append(run_sdk_suite(sdk, session.recorder, session.config))


# ------------------------------------------------------------------------------------------------ pytest-xdist
# The suites' whole exercises (their module fixtures), dealt out to workers in turn; request clauses are split.
# The first draws the unknown identifiers, so its worker takes fewer generated request cases (see ``_drawn``).
EXERCISES: tuple[tuple[Callable[[Session], None], ...], ...] = (
    (run_listed_profiles, run_percent_decoding, run_unknown_identifiers, run_application_lifecycle),
    (run_forced_errors,),
    (run_sdk_suites,),
)


def send_share(session: Session) -> None:
    """Under pytest-xdist: everything this worker sends in the run, before any verdict (see _pool.py)."""
    share = session.share
    assert share is not None
    if session.check_listing:
        session.profiles()
    for clause_id in request_clause_ids():
        run_request_clause(session, clause_id)
    for unit, runs in enumerate(EXERCISES):
        if share.deals(unit):
            for run in runs:
                run(session)


# ------------------------------------------------------------------------------------------------ verdicts
def verdict(session: Session, clause_id: str, baseline: dict[str, str]) -> None:
    """Turn the clause's recorded results (every worker's, under pytest-xdist) into a pytest outcome."""
    evidence = session.evidence or session.recorder
    results = evidence.of(clause_id)
    # The same rule as the reports' (checks.clause_verdict), so that pytest and the report never disagree.
    decided = clause_verdict(results, evidence.skips.get(clause_id))
    if decided.outcome is Outcome.SKIP:
        pytest.skip(decided.reason or "")
    if decided.outcome is Outcome.FAIL:
        failures = [r for r in results if r.outcome is Outcome.FAIL]
        lines = [f"{clause_id}: {contract().clause(clause_id).spec}"]
        for result in failures[:3]:
            lines.append(f"  {result.message}")
            if result.exchange is not None:
                lines.append(f"    reproduce: {result.exchange.curl()}")
        if clause_id in baseline:
            pytest.xfail(f"known failure: {baseline[clause_id]}")
        pytest.fail("\n".join(lines), pytrace=False)


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


def _group(item: pytest.Item) -> str:
    module = getattr(item, "module", None)
    name = module.__name__.rsplit(".", 1)[-1] if module is not None else "other"
    return name.removeprefix("test_")


class ConformancePlugin:
    """Orders the suites, records or replays cassettes per suite, stops cleanly on a fatal error, writes the report.

    Under pytest-xdist (``-n N``) each worker runs with the controller's configuration and hands its results back;
    the controller alone writes the one merged report.
    """

    def __init__(self, config: RunConfig, session: Session | None = None, *, worker: bool = False):
        self.config = config
        self.worker = worker
        self.session = session
        self.recorder = session.recorder if session else Recorder()
        self.baseline = load_baseline(config.baseline) if config.baseline else {}
        self.started = datetime.now(timezone.utc)
        self.report: dict[str, Any] | None = None
        self.interrupted = False
        self.fatal: str | None = None
        self.recording: Recording | None = None
        # pytest-xdist: the controller's shared directory and its next share index; a worker's pool.
        self.pool_directory: str | None = None
        self.shares: dict[str, int] = {}
        self.merged_shares: set[int] = set()
        self.pool: Pool | None = None
        # On a terminal, the progress line (the controller's alone).
        self.progress: Progress | None = None

    def _open(self) -> Session:
        if self.session is None:
            self.session = open_session(self.config, self.recorder, self.pool.share if self.pool else None)
        if self.config.record and self.recording is None:
            target = self.session.target
            mock = target.kind == "mock"
            attempts = self.config.max_attempts
            self.recording = Recording(
                Path(self.config.record),
                self.config.record_mode,
                recording_metadata(
                    "mock" if mock else target.name,
                    target.kind,
                    self.config.region,
                    self.config.seed,
                    self.config.examples,
                    can_force_errors=target.can_force_errors,
                    writes=target.writes,
                    **({"max_attempts": attempts} if attempts != RunConfig.max_attempts else {}),
                ),
                self.config.scrub_account,
                target.transport.endpoint,
                # A stable host for the mock, whose port changes every run, keeps regenerated cassettes identical.
                "http://mock.bedrock-conformance.invalid" if mock else target.transport.endpoint,
            )
        return self.session

    def pytest_configure(self, config: pytest.Config) -> None:
        if self.config.record and getattr(config.option, "numprocesses", None):
            raise pytest.UsageError("--record writes one cassette per suite from one process: drop -n")
        if not (self.worker or config.option.help or config.option.collectonly):
            self._check_target(bool(getattr(config.option, "numprocesses", None)))
        if self.worker:
            self.pool = pool_from(getattr(config, "workerinput", {}), POOL_KEY)
        elif (
            getattr(config.option, "numprocesses", None)
            and config.getoption("dist", "no") not in ("no", "each")
            and not self.config.target.startswith("replay:")
        ):
            # A replay looks answers up per suite's cassette, so its workers each judge what they replay.
            self.pool_directory = tempfile.mkdtemp(prefix="bedrock-conformance-pool-")

    def _check_target(self, workers: bool) -> None:
        """Before any test: a target that cannot be opened ends the run in one line, exit 2 (not a skip per test).

        Under pytest-xdist the workers open their own; the controller only checks that it can be opened."""
        if self.session is not None:
            return
        try:
            if workers:
                open_session(self.config).close()
            else:
                self._open()
        except (TargetError, CassetteError) as exc:
            pytest.exit(str(exc), returncode=2)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if not self.config.progress or self.worker:
            return
        # Under pytest-xdist the requests are the workers' until they hand their results back: clauses only.
        parallel = bool(getattr(session.config.option, "numprocesses", None))
        self.progress = Progress(sys.stderr, None if parallel else lambda: self.recorder.exchanges)
        self.progress.start()

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        if self.progress is not None:
            self.progress.total = len(ids)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.progress is not None and report.when == "teardown":
            self.progress.done += 1

    def _stop_progress(self) -> None:
        if self.progress is not None:
            self.progress.stop()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self._stop_progress()
        # pytest's junitxml wrote its file at session finish; the report it is made to agree with exists by now.
        junit = getattr(config.option, "xmlpath", None)
        if junit and self.report is not None and not self.worker:
            annotate_junit(junit, self.report)
        if self.pool_directory is not None:
            shutil.rmtree(self.pool_directory, ignore_errors=True)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist controller: a worker runs with this run's configuration, the seed included, and its share."""
        node.workerinput[XDIST_KEY] = dataclasses.asdict(self.config)
        if self.pool_directory is not None:
            count = int(node.workerinput["workercount"])
            # A worker that replaces one that died takes over its share.
            free = [i for i in range(count) if i not in self.shares.values()]
            index = free[0] if free else len(self.shares) % count
            self.shares[node.gateway.id] = index
            node.workerinput[POOL_KEY] = {"directory": self.pool_directory, "index": index, "count": count}

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """xdist controller: fold a finished worker's results into this run's."""
        output = getattr(node, "workeroutput", {}).get(XDIST_KEY)
        index = self.shares.pop(node.gateway.id, None) if error else self.shares.get(node.gateway.id)
        if output is None:
            self.fatal = self.fatal or f"pytest-xdist worker {node.gateway.id} went down: {error or 'no results'}"
            return
        # Pickled by our own worker process, a child of this one.
        state, fatal, interrupted = pickle.loads(output)
        self.recorder.merge(state)
        self.fatal = self.fatal or fatal
        self.interrupted = self.interrupted or interrupted
        if index is not None:
            self.merged_shares.add(index)

    def _recover_shares(self) -> None:
        """xdist controller: what a worker sent and shared, but never handed back (interrupted or gone), counts."""
        if self.pool_directory is None:
            return
        for index, state, _ in published(Path(self.pool_directory)):
            if index not in self.merged_shares:
                self.recorder.merge(state)
                self.merged_shares.add(index)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        """xdist worker with a pool: send this worker's share, then pool every worker's results for the verdicts."""
        pool = self.pool
        if pool is None:
            return
        pool.announce()
        try:
            send_share(self._open())
        except (TargetError, CassetteError) as exc:
            self.fatal = self.fatal or str(exc)
        finally:
            pool.publish(self.recorder, self.fatal)  # even on the way out: the others wait for it
        if self.session is None:
            return
        try:
            self.session.evidence, theirs = pool.gather(self.recorder)
        except PoolError as exc:
            theirs = str(exc)
        self.fatal = self.fatal or theirs

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        def rank(item: pytest.Item) -> int:
            name = "test_" + _group(item)
            return MODULE_ORDER.index(name) if name in MODULE_ORDER else len(MODULE_ORDER)

        items.sort(key=rank)
        if self.progress is not None:
            self.progress.total = len(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self.fatal is not None:
            pytest.skip(f"stopped: {self.fatal}")
        try:
            session = self._open()
        except (TargetError, CassetteError) as exc:
            self._stop(item, str(exc))
            pytest.skip(f"stopped: {exc}")
        group = _group(item)
        if self.recording is not None:
            self.recording.metadata["can_force_errors"] = session.target.can_force_errors
            try:
                self.recording.switch(group, session.target.transport)
            except CassetteError as exc:
                self._stop(item, str(exc))
                pytest.skip(f"stopped: {exc}")
        if session.replay is not None:
            session.replay.group = f"{self.config.target.partition(':')[2]}/{group}.yaml"

    def _stop(self, item: pytest.Item, message: str) -> None:
        self.fatal = self.fatal or message
        item.session.shouldstop = message

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        if call.excinfo is None:
            self._mark_deviation(item, outcome.get_result())
            return
        error = call.excinfo.value
        if isinstance(error, (TargetError, CassetteError)):
            self._stop(item, str(error))
            outcome.get_result().longrepr = f"stopped: {error}"
        elif not isinstance(error, (pytest.fail.Exception, pytest.skip.Exception, pytest.xfail.Exception)):
            # A bug in the suite itself must never pass for a clean run.
            self._stop(item, f"internal error in {item.nodeid}: {type(error).__name__}: {error}")

    def _mark_deviation(self, item: pytest.Item, report: pytest.TestReport) -> None:
        """A clause test that passed because its clause deviates as real AWS does says so (see
        ``pytest_report_teststatus``), by the same rule the verdict and the reports take (checks.clause_verdict)."""
        callspec = getattr(item, "callspec", None)
        clause = callspec.params.get("clause") if callspec is not None else None
        if report.when != "call" or not report.passed or not isinstance(clause, str) or self.session is None:
            return
        evidence = self.session.evidence or self.session.recorder
        if clause_verdict(evidence.of(clause), evidence.skips.get(clause)).outcome is Outcome.DEVIATION:
            report.user_properties.append(("outcome", Outcome.DEVIATION.value))

    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        """pytest's own summary counts deviations apart from passes: ``52 passed, 3 deviation, 13 skipped``."""
        if report.when == "call" and report.passed and ("outcome", Outcome.DEVIATION.value) in report.user_properties:
            return Outcome.DEVIATION.value, "D", "DEVIATION"
        return None

    def pytest_keyboard_interrupt(self) -> None:
        self.interrupted = True

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.worker:
            if self.session is not None:
                self.session.close()
            output = (self.recorder.state(), self.fatal, self.interrupted)
            session.config.workeroutput[XDIST_KEY] = pickle.dumps(output)  # type: ignore[attr-defined]
            return
        self._stop_progress()
        if self.recording is not None and self.session is not None:
            complete = not self.interrupted and self.fatal is None
            self.recording.finish(self.session.target.transport, complete=complete)
        self._recover_shares()
        target_name = self.session.target.name if self.session else self.config.target
        self.report = build_report(
            self.recorder,
            self.config,
            target_name,
            complete=not self.interrupted and self.fatal is None,
            baseline=self.baseline,
            started=self.started,
        )
        if self.fatal is not None:
            self.report["stopped"] = self.fatal
        write_reports(self.report, self.config.report_json, self.config.report_md, self.config.report_html)
        if self.session is not None:
            self.session.close()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is not None and not self.config.quiet:
            terminalreporter.write_line("")
            # On a terminal, reproduce lines are cut to its width (the JSON report keeps them whole).
            width = shutil.get_terminal_size().columns if getattr(terminalreporter, "isatty", False) else None
            for line in render_terminal(self.report, width, self.config.report_json).splitlines():
                terminalreporter.write_line(line)

    @property
    def exit_code(self) -> int:
        if self.fatal is not None or self.report is None:
            return 2
        return exit_code(self.report)


def _target(text: str) -> str:
    try:
        return check_spec(text)
    except TargetError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than ``minimum``."""

    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is less than {minimum}")
        return value

    whole.__name__ = "number"
    return whole


def positive(text: str) -> float:
    """An argparse type: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number above 0")
    return value


# The run's options, for the CLI (``--name``) and for pytest (``--bc-name``). Every one has help; a default that
# means something is shown in it.
OPTIONS: dict[str, dict[str, Any]] = {
    "target": {
        "type": _target,
        "default": "mock",
        "metavar": "TARGET",
        "help": "where to send requests: mock (the embedded reference mock), http(s)://HOST:PORT, aws[:REGION], "
        "moto, or replay:DIR (judge recorded cassettes offline)",
    },
    "region": {"default": "us-east-1", "metavar": "REGION", "help": "AWS region to sign requests for"},
    "seed": {
        "type": at_least(0),
        "default": None,
        "metavar": "N",
        "help": "reproduce a run's requests (default: a random seed, printed in the report)",
    },
    "examples": {"type": at_least(0), "default": 25, "metavar": "N", "help": "generated cases per clause"},
    "strict": {"action": "store_true", "help": "count AWS's recorded deviations as failures"},
    "allow-writes": {
        "action": "store_true",
        "default": None,
        "help": "create and delete application profiles (default: only against mock and moto)",
    },
    "profile-id": {
        "action": "append",
        "default": [],
        "metavar": "ID",
        "help": "also check this profile (repeatable)",
    },
    "max-profiles": {"type": at_least(0), "default": 25, "metavar": "N", "help": "how many listed profiles to resolve"},
    "report-json": {"default": None, "metavar": "FILE", "help": "write the per-clause report as JSON"},
    "report-md": {"default": None, "metavar": "FILE", "help": "write the per-clause report as a Markdown matrix"},
    "report-html": {"default": None, "metavar": "FILE", "help": "write a self-contained HTML report to hand on"},
    "baseline": {"default": None, "metavar": "FILE", "help": "known failures that do not fail the run"},
    "timeout": {"type": positive, "default": 10.0, "metavar": "SECONDS", "help": "read timeout"},
    "insecure": {"action": "store_true", "help": "accept an untrusted TLS certificate"},
    "force-errors": {
        "action": "store_true",
        "help": f"the target answers the {FORCE_ERROR_HEADER} header with the error it names: force each modelled "
        "error with it (the reference mock is detected without this)",
    },
    "budget": {
        "type": at_least(1),
        "default": None,
        "metavar": "N",
        "help": "at most this many requests (default: unlimited; 200 against aws)",
    },
    "rate-limit": {
        "type": positive,
        "default": None,
        "dest": "rate",
        "metavar": "PER_SECOND",
        "help": "requests per second (default: unlimited; 5 against aws)",
    },
    "max-attempts": {
        "type": at_least(1),
        "default": 3,
        "metavar": "N",
        "help": "send a request at most this many times when a 429, a 5xx or a reset may pass (1: no retries)",
    },
    "aws-profile": {"default": None, "metavar": "PROFILE", "help": "credentials from this AWS profile"},
    "record": {"default": None, "metavar": "DIR", "help": "record every interaction into vcrpy cassettes in DIR"},
    "record-mode": {"default": "all", "choices": RECORD_MODES, "help": "vcrpy record mode"},
    "scrub-account": {"action": "store_true", "help": "replace every 12-digit account id with 111111111111"},
    "sdk": {
        "action": "append",
        "nargs": "?",
        "const": "boto3",
        "default": [],
        "metavar": "SDK",
        "help": "also run the sdk.* suites with boto3 (the default), aiobotocore or js, or NAME==VERSION; repeatable",
    },
    "show-sensitive": {"action": "store_true", "help": "quote description values in reports instead of redacting them"},
    "mock-clock": {
        "default": None,
        "metavar": "TIME",
        "help": "freeze the embedded mock's clock (reproducible recordings)",
    },
}


def add_options(add: Any, prefix: str = "") -> None:
    """Declare the run options on argparse (``prefix=''``) or on pytest (``prefix='bc-'``)."""
    for name, spec in OPTIONS.items():
        kwargs = dict(spec)
        kwargs["dest"] = "bc_" + kwargs.pop("dest", name.replace("-", "_"))
        default = kwargs.get("default")
        if default not in (None, False, []) and "(default" not in kwargs["help"]:
            kwargs["help"] += " (default: %(default)s)"
        add(f"--{prefix}{name}", **kwargs)


def config_from(values: Any) -> RunConfig:
    get = lambda name: getattr(values, "bc_" + name)  # noqa: E731
    run_seed = get("seed")
    return RunConfig(
        target=get("target"),
        region=get("region"),
        seed=run_seed if run_seed is not None else random.randrange(2**32),
        examples=get("examples"),
        strict=get("strict"),
        allow_writes=get("allow_writes"),
        profile_ids=list(get("profile_id") or []),
        max_profiles=get("max_profiles"),
        report_json=get("report_json"),
        report_md=get("report_md"),
        report_html=get("report_html"),
        baseline=get("baseline"),
        timeout=get("timeout"),
        insecure=get("insecure"),
        budget=get("budget"),
        rate=get("rate"),
        max_attempts=get("max_attempts"),
        aws_profile=get("aws_profile"),
        seed_given=run_seed is not None,
        record=get("record"),
        record_mode=get("record_mode"),
        scrub_account=get("scrub_account"),
        mock_clock=get("mock_clock"),
        sdks=list(get("sdk") or []),
        show_sensitive=get("show_sensitive"),
        force_errors=get("force_errors"),
    )


def _plugin(config: pytest.Config) -> ConformancePlugin:
    plugin = next((p for p in config.pluginmanager.get_plugins() if isinstance(p, ConformancePlugin)), None)
    assert plugin is not None, "the bedrock-conformance plugin is not registered"
    return plugin


# Fixtures and hooks for suites/conftest.py, so that ``pytest suites`` works without the CLI too.
@pytest.fixture(scope="session")
def conformance(request: pytest.FixtureRequest) -> Session:
    """The run's session against its target, opened once."""
    try:
        return _plugin(request.config)._open()
    except TargetError as exc:
        pytest.exit(str(exc), returncode=2)


@pytest.fixture(scope="session")
def conformance_baseline(request: pytest.FixtureRequest) -> dict[str, str]:
    """Known failures (clause -> reason) from --baseline."""
    return _plugin(request.config).baseline


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bedrock-conformance")
    add_options(group.addoption, prefix="bc-")


def pytest_configure(config: pytest.Config) -> None:
    if any(isinstance(p, ConformancePlugin) for p in config.pluginmanager.get_plugins()):
        return
    controller = getattr(config, "workerinput", {}).get(XDIST_KEY)
    if controller is None:
        try:
            plugin = ConformancePlugin(config_from(config.option))
        except BaselineError as exc:
            pytest.exit(str(exc), returncode=2)
        config.pluginmanager.register(plugin, PLUGIN_NAME)
        return
    # An xdist worker: the controller's run, reported by the controller alone.
    run_config = RunConfig(
        **{**controller, "report_json": None, "report_md": None, "report_html": None, "quiet": True, "progress": False}
    )
    config.pluginmanager.register(ConformancePlugin(run_config, worker=True), PLUGIN_NAME)


def behaviour_clause_ids() -> list[str]:
    return [c.id for c in contract().clauses_of("behaviour")]


def error_clause_ids() -> list[str]:
    return [c.id for c in contract().clauses_of("error")]


def response_clause_ids() -> list[str]:
    return [c.id for c in contract().clauses.values() if c.document == "response.json"]
