"""The lifecycle suite's exercises: an application profile created, asked for again, tagged, untagged and deleted,
each step judged by what the next answer shows. Everything created is deleted, even when a step fails or the run is
interrupted: the session's ledger knows what is left (see ``_ledger``)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from .._engine import Session
from .._http import CHECK_HEADER, Exchange, Request
from .._ledger import list_applications
from .._lifecycle_checks import (
    as_tags,
    check_created,
    check_listed,
    client_errors,
    expect_error,
    expect_success,
    lifecycle_rule,
    succeeded,
    tag_limit,
    tag_pairs,
)
from .._model import Operation
from .._schemas import contract
from .._validator import Outcome, failing, shape_validator
from ..checks import Result, describe
from ._common import exercise
from ._writes import copy_sources, create, delete, delete_all, judge, source_members

PREFIX = "bc-lc-"


def _operations() -> dict[str, Operation]:
    """create, delete, tag, untag, tags (ListTagsForResource), each told apart by the roles its members play."""
    ops = contract().operations.values()
    return {
        "create": contract().create_operation,
        "delete": contract().delete_operation,
        "tag": next(op for op in ops if {"resource", "tags"} <= set(op.roles)),
        "untag": next(op for op in ops if {"resource", "keys"} <= set(op.roles)),
        "tags": next(op for op in ops if "resource" in op.roles and "tags" in op.output_roles),
    }


def lifecycle_clause_ids() -> list[str]:
    """The behaviour clauses of CreateInferenceProfile, DeleteInferenceProfile and the tagging operations, in the
    contract's order: one test each."""
    names = [op.name for op in _operations().values()]
    return [c.id for name in names for c in contract().clauses_of("behaviour", name)]


def _clause(kind: str, key: str) -> str:
    return lifecycle_rule(_operations()[kind].name, key).clause


@dataclass(frozen=True)
class _Plan:
    """The names and tokens of one run's lifecycle: fixed by the seed against the embedded mock (a fresh one each
    run), with a random part against any other target (which may still hold an earlier run's), and read back from
    the recording when replaying."""

    nonce: str

    def name(self, suffix: str = "") -> str:
        return f"{PREFIX}{self.nonce}{suffix}"

    def token(self, suffix: str) -> str:
        return f"{PREFIX}{self.nonce}-{suffix}"


def _plan(session: Session) -> _Plan | str:
    """The run's plan, or why there is none (a recording without the lifecycle)."""
    if session.replay is None:
        seed = str(session.config.seed % 100000)
        return _Plan(seed if session.target.kind == "mock" else f"{seed}-{secrets.token_hex(3)}")
    name_member = contract().create_operation.roles["name"]
    for recorded in session.replay.tagged(_clause("create", "createdResolves")):
        request = recorded.exchange.request
        try:
            body = json.loads(request.body) if request.method == contract().create_operation.method else None
        except ValueError:
            body = None
        name = body.get(name_member) if isinstance(body, dict) else None
        if isinstance(name, str) and name.startswith(PREFIX):
            return _Plan(name[len(PREFIX) :])
    return "the cassettes hold no CreateInferenceProfile request of the lifecycle suite"


def _send(session: Session, kind: str, body: dict[str, Any], check: str) -> Exchange:
    """A tagging request (tag, untag, tags), its errors checked against the error clauses."""
    operation = _operations()[kind]
    request = session.target.transport.request(
        operation.method, operation.path, body=body, headers={CHECK_HEADER: check}
    )
    exchange = session.send(request, checked=False)
    judge(session, exchange, operation.name)
    return exchange


def _list_tags(session: Session, arn: str, check: str) -> Exchange:
    return _send(session, "tags", {_operations()["tags"].roles["resource"]: arn}, check)


def _applications(session: Session) -> tuple[list[dict[str, Any]], Exchange | None]:
    """The APPLICATION profiles ListInferenceProfiles shows (every page, the largest page size), and its last page;
    ([], None) when a replay holds no such listing."""

    def send(request: Request) -> Exchange | None:
        if session.replay is not None and not session.replay.holds(request):
            return None
        return session.send(request, listing=True)

    found, last, _ = list_applications(session.target.transport, send)
    return found, last


def _unknown_source(source: str, plan: _Plan, listed: set[str]) -> str | None:
    """A well-formed copy source that names nothing listed: the source's ARN with a resource id of the run's own."""
    source_member, copy_member = source_members()
    shape = contract().create_operation.members[source_member].members[copy_member]
    candidate = f"{source.rsplit('/', 1)[0]}/{PREFIX}{plan.nonce}.absent-v1:0"
    return None if candidate in listed or failing(shape_validator(shape).validate(candidate)) else candidate


@exercise
def run_lifecycle(session: Session) -> None:
    """Create an application profile and see every step of its life hold; whatever is created is deleted.

    Sends (only when the target allows writes): CreateInferenceProfile copying a listed system profile, with a
    clientRequestToken, a description and two tags; a Get of its ARN; the same Create again; the same token with
    another description; another token with the same name; a Create copying a well-formed source that names
    nothing; ListTagsForResource after the create, after a TagResource and after an UntagResource; a TagResource
    up to the tag limit and one past it; a List of APPLICATION profiles; DeleteInferenceProfile, a Get and a List
    after it, and the Delete again; a Delete of a SYSTEM_DEFINED profile. Then a Delete of anything still created.
    Feeds: the behaviour clauses of CreateInferenceProfile (inferenceProfileArn.resolves,
    clientRequestToken.idempotent and .differentBodyRefused, inferenceProfileName.unique,
    modelSource.copyFromFound), DeleteInferenceProfile (deleted, systemDefinedRefused, deletedTwiceNotFound),
    ListTagsForResource (tags.fromCreate, tags.fromTagResource), UntagResource (tagKeys.removesExactly) and
    TagResource (tags.perResourceLimit); every answer also feeds the response, List page and error clauses.
    Against ``replay:``, sends the recorded run's requests again (its names and tokens read from the recording),
    and judges the recorded answers.
    """
    clauses = lifecycle_clause_ids()
    reason = None if session.target.writes else "creating application profiles needs --allow-writes"
    plan = _plan(session) if reason is None else None
    if isinstance(plan, str):
        reason = plan
    type_member = contract().role("type")
    deletable = contract().delete_operation.deletable_types
    sources = [p for p in copy_sources(session) if p.get(type_member) not in deletable]
    if reason is None and not sources:
        reason = f"no listed system profile to copy from: {session.discovery()}"
    if reason is not None or not isinstance(plan, _Plan):
        for clause in clauses:
            session.recorder.skip(clause, reason or "no plan")
        return
    try:
        _live(session, plan, sources[0], session.listed_ids())
    finally:
        delete_all(session)
    for clause in clauses:
        session.recorder.skip(clause, "not reached: an earlier step of the lifecycle did not succeed (see its clause)")


def _record(session: Session, *results: Result | None) -> None:
    session.recorder.add(results)


def _live(session: Session, plan: _Plan, source: dict[str, Any], listed: set[str]) -> None:
    """The whole lifecycle of one application profile, and the Creates and Deletes that must be refused."""
    the_contract = contract()
    creator = _operations()["create"]
    roles = creator.roles
    source_member, copy_member = source_members()
    source_arn = str(source[the_contract.role("arn")])
    description = f"bedrock-conformance lifecycle {plan.nonce}"
    first_tags = {"bc-suite": "lifecycle", "bc-run": plan.nonce}
    body = {
        roles["name"]: plan.name(),
        roles["text"]: description,
        source_member: {copy_member: source_arn},
        roles["token"]: plan.token("a"),
        roles["tags"]: as_tags(first_tags),
    }
    resolves = _clause("create", "createdResolves")
    created, arn = create(session, body, resolves)
    if arn is None:
        failed = expect_success(created, resolves, "CreateInferenceProfile")
        _record(session, failed)
        for clause in lifecycle_clause_ids():
            session.recorder.skip(clause, f"creating an application profile failed: {describe(created)}")
        return
    sent = {the_contract.role("name"): plan.name(), the_contract.response.roles["text"]: description}
    models = source.get(the_contract.role("models"))
    _record(session, check_created(resolves, session.get(arn, check=resolves), sent, models))

    _creates(session, plan, body, arn, source_arn, listed)
    _tags(session, arn, first_tags)
    _deletes(session, plan, arn)


def _creates(session: Session, plan: _Plan, body: dict[str, Any], arn: str, source: str, listed: set[str]) -> None:
    """The Creates that must make nothing new: the same request again, the token reused, the name reused, a source
    that names nothing."""
    roles = _operations()["create"].roles
    same = _clause("create", "sameToken")
    again, again_arn = create(session, body, same)
    if again_arn is not None:
        ok = again_arn == arn
        message = f"the same token and body: {describe(again)} with " + (
            "the same ARN" if ok else f"another ARN {again_arn!r}, not {arn!r}"
        )
        _record(session, Result(same, Outcome.PASS if ok else Outcome.FAIL, message, again))
    else:
        _record(session, expect_success(again, same, "the same token and body"))

    reused = _clause("create", "tokenReused")
    other = {**body, roles["text"]: f"{body[roles['text']]} changed"}
    refused, _ = create(session, other, reused)
    allowed = lifecycle_rule(_operations()["create"].name, "tokenReused").accept_errors
    _record(session, expect_error(refused, reused, allowed, "the same token with a different body"))

    unique = _clause("create", "duplicateName")
    twin = {k: v for k, v in body.items() if k != roles["tags"]} | {roles["token"]: plan.token("b")}
    duplicate, _ = create(session, twin, unique)
    conflict = lifecycle_rule(_operations()["create"].name, "duplicateName").expect_error
    _record(session, expect_error(duplicate, unique, [str(conflict)], f"a second profile named {plan.name()!r}"))

    named = [p for p in _applications(session)[0] if p.get(contract().role("name")) == plan.name()]
    if len(named) > 1:
        message = f"ListInferenceProfiles shows {len(named)} APPLICATION profiles named {plan.name()!r}"
        _record(session, Result(same, Outcome.FAIL, message))

    found = _clause("create", "unknownSource")
    absent = _unknown_source(source, plan, listed)
    if absent is None:
        session.recorder.skip(found, f"no well-formed copy source that names nothing could be made from {source!r}")
        return
    source_member, copy_member = source_members()
    stray = {
        roles["name"]: plan.name("-absent"),
        source_member: {copy_member: absent},
        roles["token"]: plan.token("c"),
    }
    missing, _ = create(session, stray, found)
    not_found = lifecycle_rule(_operations()["create"].name, "unknownSource").expect_error
    _record(session, expect_error(missing, found, [str(not_found)], f"copying {absent!r}"))


def _tags(session: Session, arn: str, first: dict[str, str]) -> None:
    """Tags given at create time, added, removed, and one past the limit."""
    ops = _operations()
    resource = ops["tag"].roles["resource"]
    from_create, added_clause = _clause("tags", "createTags"), _clause("tags", "addedTags")
    _record(session, check_listed(from_create, _list_tags(session, arn, from_create), first, what="after the Create"))

    added = {"bc-added": "later"}
    tagged = _send(session, "tag", {resource: arn, ops["tag"].roles["tags"]: as_tags(added)}, added_clause)
    failed = expect_success(tagged, added_clause, "TagResource")
    _record(session, failed)
    before: dict[str, str] | None = None
    if failed is None and tagged.response is not None:
        listed = _list_tags(session, arn, added_clause)
        _record(session, check_listed(added_clause, listed, added, what="after a TagResource"))
        before = tag_pairs(listed)

    # Untag one of the tags given at create time: every other tag listed before it must stay.
    untag_clause = _clause("untag", "untagged")
    gone = sorted(first)[:1]
    if before is None:
        before = tag_pairs(_list_tags(session, arn, untag_clause))
    untagged = _send(session, "untag", {resource: arn, ops["untag"].roles["keys"]: gone}, untag_clause)
    failed = expect_success(untagged, untag_clause, "UntagResource")
    _record(session, failed)
    if failed is not None or untagged.response is None:
        return
    after = _list_tags(session, arn, untag_clause)
    if before is None:
        session.recorder.skip(untag_clause, "ListTagsForResource listed no tags before the UntagResource")
    else:
        kept = {k: v for k, v in before.items() if k not in gone}
        _record(session, check_listed(untag_clause, after, kept, gone, what=f"after untagging {gone}"))
    _limit(session, arn, tag_pairs(after))


def _limit(session: Session, arn: str, current: dict[str, str] | None) -> None:
    """TagResource up to the limit is answered 200; one tag more gets TooManyTagsException."""
    ops = _operations()
    clause = _clause("tag", "tooMany")
    if current is None:
        session.recorder.skip(clause, "ListTagsForResource listed no tags to count")
        return
    resource, tags = ops["tag"].roles["resource"], ops["tag"].roles["tags"]
    most = tag_limit()
    fill = {f"bc-fill-{i:03d}": str(i) for i in range(most - len(current))}
    if fill:
        filled = _send(session, "tag", {resource: arn, tags: as_tags(fill)}, clause)
        failed = expect_success(filled, clause, f"TagResource bringing the profile to {most} tags")
        _record(session, failed)
        if failed is not None or filled.response is None:
            return
    over = _send(session, "tag", {resource: arn, tags: as_tags({"bc-over": "1"})}, clause)
    expected = lifecycle_rule(ops["tag"].name, "tooMany").expect_error
    _record(session, expect_error(over, clause, [str(expected)], f"tag {most + 1} of a profile with {most}"))


def _deletes(session: Session, plan: _Plan, arn: str) -> None:
    """Delete the profile and see it gone; delete it again; delete a system profile."""
    ops = _operations()
    gone_clause = _clause("delete", "deletedGone")
    deleted = delete(session, arn, gone_clause)
    failed = expect_success(deleted, gone_clause, "DeleteInferenceProfile")
    _record(session, failed)
    if failed is None and deleted.response is not None:
        not_found = [str(lifecycle_rule(ops["delete"].name, "deletedGone").expect_error)]
        _record(session, expect_error(session.get(arn, check=gone_clause), gone_clause, not_found, "a Get after it"))
        profiles, page = _applications(session)
        # The clause's second half: a List of APPLICATION profiles answered with an error fails it like the Get would
        # (a lasting throttle decides nothing; a replay without the listing, or no answer, says nothing).
        listed = None if page is None else expect_success(page, gone_clause, "ListInferenceProfiles after it")
        if listed is not None:
            _record(session, listed)
        elif page is not None and succeeded(page):
            still = any(p.get(contract().role("arn")) == arn for p in profiles)
            message = "ListInferenceProfiles of APPLICATION profiles " + ("still lists it" if still else "omits it")
            _record(session, Result(gone_clause, Outcome.FAIL if still else Outcome.PASS, message, page))
        twice = _clause("delete", "deletedTwice")
        expected = [str(lifecycle_rule(ops["delete"].name, "deletedTwice").expect_error)]
        _record(session, expect_error(delete(session, arn, twice), twice, expected, "a second Delete"))
    _delete_system(session)


def _delete_system(session: Session) -> None:
    clause = _clause("delete", "systemRefused")
    type_member, id_member = contract().role("type"), contract().role("id")
    deletable = contract().delete_operation.deletable_types
    profiles = session.profiles()
    system = next(
        (p for p in profiles if p.get(type_member) not in deletable and isinstance(p.get(id_member), str)), None
    )
    if system is None:
        # The lifecycle copied a listed profile of such a type, so one is listed: none names an id to delete it by.
        reason = f"no listed profile of a type that cannot be deleted has an {id_member} to delete it by"
        session.recorder.skip(clause, reason)
        return
    ident = str(system[id_member])
    what = f"a Delete of the {system.get(type_member)} profile {ident!r}"
    refusals = client_errors(contract().delete_operation.name)
    _record(session, expect_error(delete(session, ident, clause), clause, refusals, what))
