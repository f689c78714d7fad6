"""The behaviour suite's exercises: listed profiles resolve, labels decode, unknown identifiers are not found."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from .._draw import draw
from .._engine import Session
from .._http import Exchange, encode_label
from .._schemas import contract
from .._unknown import Arn, Owner, bare_ids, donors, unknown_identifiers
from .._validator import Outcome, loads
from ..checks import (
    Result,
    behaviour_clause,
    check_answer,
    check_profile_shape,
    denied,
    describe,
    diff_members,
    expect_not_found,
    identifies,
    same_body,
    still_throttled,
)
from ._common import exercise, unknown_total
from ._writes import copy_sources, create, delete, source_members


def behaviour_clause_ids() -> list[str]:
    """The behaviour clauses, in the contract's order: one test each."""
    return [c.id for c in contract().clauses_of("behaviour")]


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


@exercise
def run_listed_profiles(session: Session) -> None:
    """Each listed profile resolves by id and by ARN to the same body, which equals its List summary.

    Sends: the List pages (if not sent yet), then a Get by id and a Get by ARN of up to ``--max-profiles`` listed
    profiles, taken from each type in turn, and of each ``--profile-id``.
    Feeds: behaviour.listedProfile.resolvesById and .resolvesByArn, behaviour.listSummary.equalsGet,
    behaviour.inferenceProfileArn.endsWithId and .resourceType (for Get bodies and List summaries alike), and,
    through every answer, the response, error and list-page clauses and identifiesProfile.
    """
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


@exercise
def run_percent_decoding(session: Session) -> None:
    """The label is decoded before it is checked: encoded and unencoded ':' mean the same, as do encoded letters.

    Sends: Gets of the first listed profile's id and ARN, each spelled several ways (as botocore encodes it, every
    character percent-encoded, ':' left unencoded; '/' encoded in the ARN).
    Feeds: behaviour.inferenceProfileIdentifier.percentDecoded, and the clauses every answer feeds.
    """
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
    models, model = the_contract.role("models"), the_contract.response.roles["model"]
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
    """Why no answer decided the clause: the requests that got no answer, counted. (A throttle, or a 403 before any
    profile resolved, is an inconclusive result of its own, whose verdict says why.)"""
    if session.recorder.of(clause):
        return
    answers = Counter(how for how in undecided if how is not None)
    if not answers:
        session.recorder.skip(clause, "no unknown identifier was sent")
        return
    shown = ", ".join(f"{n} got {how}" for how, n in answers.most_common())
    session.recorder.skip(clause, f"no answer decided it: {shown}")


@exercise
def run_unknown_identifiers(session: Session) -> None:
    """Valid identifiers that name no profile get 404 ResourceNotFoundException (403 for another account's ARN).

    Sends: Gets of generated identifiers that keep every request clause but name no profile: bare ids, ARNs in the
    caller's own account, other accounts, regions and partitions, known ids with their case changed, and known
    profiles' resource ids under another account, region or partition.
    Feeds: behaviour.unknownIdentifier.notFound, and the clauses every answer feeds. Against ``replay:``, sends
    nothing: it judges the recorded requests tagged with that clause.
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
    total, run_seed = unknown_total(session), session.config.seed
    bares = draw(bare_ids(names), total, run_seed, "unknown")
    arns = draw(donors(), total, run_seed, "unknown/arn")
    undecided = []
    for value, kind in unknown_identifiers(known, bares, arns, run_seed, _model_regions(session)):
        exchange = session.get(value, check=clause)
        undecided.append(_judge_unknown(session, exchange, value, owner, kind))
    _skip_unknown(session, clause, undecided)


@exercise
def run_application_lifecycle(session: Session) -> None:
    """Create an application profile, resolve it, delete it, and see it gone; whatever is created is removed.

    Sends (only when the target allows writes): CreateInferenceProfile copying a listed system profile or model,
    a Get of the new profile's ARN, DeleteInferenceProfile, and a Get that must now find nothing.
    Feeds: behaviour.inferenceProfileArn.resourceType and .endsWithId for an APPLICATION profile,
    behaviour.unknownIdentifier.notFound, and the clauses every answer feeds.
    """
    clauses = ("arnResourceType", "arnEndsWithId")
    if not session.target.writes:
        for key in clauses:
            session.recorder.skip(behaviour_clause(key), "APPLICATION profiles need --allow-writes")
        return
    arn_member, name_member = contract().role("arn"), contract().role("name")
    # Only what CreateInferenceProfile may copy from: a system profile or a foundation model, not an application one.
    sources = [p[arn_member] for p in copy_sources(session)]
    if not sources:
        reason = f"no listed profile to copy from: {session.discovery()}"
        for key in clauses:
            session.recorder.skip(behaviour_clause(key), reason)
        return
    source_member, copy_member = source_members()
    name = f"bc-{session.config.seed % 100000}-{random.Random(session.config.seed).randrange(10**6)}"
    created, new_arn = create(session, {name_member: name, source_member: {copy_member: sources[0]}})
    if created.response is None or created.response.status >= 300:
        session.recorder.skip(
            behaviour_clause("arnResourceType"), f"creating an application profile failed: {describe(created)}"
        )
        return
    if new_arn is None:  # the Create answer's own clauses judge the missing ARN
        session.recorder.skip(behaviour_clause("arnResourceType"), f"the Create answered {describe(created)}, no ARN")
        return
    try:
        fetched = session.get(new_arn)
        body_got = _body(session, fetched)
        if body_got is not None:
            session.recorder.add(check_profile_shape(body_got, fetched))
        else:
            reason = f"the Get of the created profile's ARN answered {describe(fetched)}, no profile body"
            session.recorder.skip(behaviour_clause("arnResourceType"), reason)
    finally:
        delete(session, new_arn)
    session.recorder.add([expect_not_found(session.get(new_arn), new_arn)])
