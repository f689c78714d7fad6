"""The SDK suites' checks of GetInferenceProfile's siblings (sdk.json x-family): the ListInferenceProfiles paginator,
and a CreateInferenceProfile / GetInferenceProfile / DeleteInferenceProfile round trip.

Each runs against the suite's own reference mock, which allows writes; whatever a check creates it deletes before it
ends, through the SDK or, if that failed, straight to the mock.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

from .._engine import Recorder
from .._http import Transport, encode_label
from .._schemas import contract
from .._validator import failing, shape_validator
from ._adapter import Adapter, Answer
from ._spec import clause_id

PAGINATOR = ("ListInferenceProfiles:paginatorComplete", "ListInferenceProfiles:paginatorUnique")
CREATED = "CreateInferenceProfile:roundTripGettable"
GONE = "DeleteInferenceProfile:roundTripGone"
ONE_ATTEMPT = {"maxAttempts": 1}


class Suite(Protocol):
    """What these checks use of the SDK suite (``_suite._Suite``)."""

    adapter: Adapter
    transport: Transport
    recorder: Recorder
    profiles: list[dict[str, Any]]

    @property
    def mock_url(self) -> str: ...

    def target(self, endpoint: str, operation_name: str | None = None) -> dict[str, Any]: ...

    def record(self, key: str, ok: bool, message: str, **context: Any) -> None: ...


def _short(values: list[Any]) -> str:
    shown = ", ".join(map(str, values[:3]))
    return shown + (f" and {len(values) - 3} more" if len(values) > 3 else "")


def check_paginator(suite: Suite) -> None:
    """The paginator's pages hold exactly the profiles the raw List walk found, each once."""
    the_contract = contract()
    lister = the_contract.list_operation
    id_member, items = the_contract.role("id"), lister.output_roles["items"]
    page_size = int(the_contract.clause(clause_id(PAGINATOR[0])).value)
    expected = [p.get(id_member) for p in suite.profiles]
    answer = suite.adapter.paginate(suite.target(suite.mock_url, lister.name), {}, page_size=page_size)
    pages = answer.output if answer.kind == "output" and isinstance(answer.output, list) else None
    if pages is None:
        for key in PAGINATOR:
            suite.record(key, False, f"the paginator at page size {page_size} {answer.describe()}")
        return
    got = [s.get(id_member) for page in pages if isinstance(page, dict) for s in page.get(items) or []]
    missing = [i for i in expected if i not in got]
    extra = [i for i in dict.fromkeys(got) if i not in expected]
    walk = f"{len(pages)} pages of at most {page_size}: {len(got)} profiles, a List walk without the SDK found "
    walk += f"{len(expected)}"
    problems = ([f"missing {_short(missing)}"] if missing else []) + ([f"not listed {_short(extra)}"] if extra else [])
    suite.record(PAGINATOR[0], not problems, walk + (f"; {'; '.join(problems)}" if problems else ""), pages=len(pages))
    twice = [i for i, n in Counter(got).items() if n > 1]
    suite.record(PAGINATOR[1], not twice, walk + (f"; came more than once: {_short(twice)}" if twice else ""))


def _source(suite: Suite) -> str | None:
    """A listed profile CreateInferenceProfile may copy from."""
    creator = contract().create_operation
    arn_member, name_member = contract().role("arn"), contract().role("name")
    source_member = next(k for k in creator.input.required if k != name_member)
    copyable = shape_validator(
        creator.members[source_member].members[next(iter(creator.members[source_member].members))]
    )
    return next(
        (
            p[arn_member]
            for p in suite.profiles
            if isinstance(p.get(arn_member), str) and not failing(copyable.validate(p[arn_member]))
        ),
        None,
    )


def check_round_trip(suite: Suite, name: str) -> None:
    """Create a profile through the SDK, Get it, Delete it, Get it again; delete it in any case."""
    the_contract = contract()
    creator, deleter = the_contract.create_operation, the_contract.delete_operation
    arn_member, name_member, type_member = (the_contract.role(r) for r in ("arn", "name", "type"))
    source = _source(suite)
    if source is None:
        for key in (CREATED, GONE):
            suite.recorder.skip(clause_id(key), "the mock lists no profile CreateInferenceProfile may copy from")
        return
    source_member = next(k for k in creator.input.required if k != name_member)
    copy_member = next(iter(creator.members[source_member].members))
    params = {name_member: name, source_member: {copy_member: source}}
    created = suite.adapter.call(suite.target(suite.mock_url, creator.name), params, retry=ONE_ATTEMPT)
    arn = created.output.get(arn_member) if created.kind == "output" and isinstance(created.output, dict) else None
    if not isinstance(arn, str):
        suite.record(CREATED, False, f"CreateInferenceProfile {name!r} {created.describe()}, with no {arn_member}")
        suite.recorder.skip(clause_id(GONE), "the SDK created no profile to delete")
        # The mock may have created it all the same (the SDK lost or could not read the answer): delete it by name.
        _clean_up(suite, name, None)
        return
    gone = False
    try:
        got = _get(suite, arn)
        assert creator.creates is not None
        wanted = {arn_member: arn, name_member: name, type_member: creator.creates.type}
        output = got.output if got.kind == "output" and isinstance(got.output, dict) else {}
        wrong = [f"{k} {output.get(k)!r}, not {v!r}" for k, v in wanted.items() if output.get(k) != v]
        text = f"created {arn}; GetInferenceProfile " + ("; ".join(wrong) if output else got.describe())
        kept = bool(output) and not wrong
        suite.record(CREATED, kept, text if not kept else f"created {arn}, got it back")
        if not kept:
            suite.recorder.skip(clause_id(GONE), "the profile the SDK created did not come back by the ARN it returned")
            return
        label = deleter.label or the_contract.path_label
        deleted = suite.adapter.call(suite.target(suite.mock_url, deleter.name), {label: arn}, retry=ONE_ATTEMPT)
        if deleted.kind != "output":
            suite.record(GONE, False, f"DeleteInferenceProfile of {arn} {deleted.describe()}")
            return
        expect = str(the_contract.clause(clause_id(GONE)).value)
        after = _get(suite, arn, expect)
        error = after.error
        gone = after.kind == "error" and error is not None and error.modelled
        status = the_contract.errors[expect].status
        ok = gone and error is not None and error.status == status
        suite.record(
            GONE,
            ok,
            f"deleted {arn}; then GetInferenceProfile {after.describe()}"
            + ("" if ok else f", not {expect} (HTTP {status})"),
        )
    finally:
        if not gone:
            _clean_up(suite, name, arn)


def _clean_up(suite: Suite, name: str, arn: str | None) -> None:
    """Delete, straight to the mock, the profile at ``arn`` (if known) and every application profile named ``name``."""
    the_contract = contract()
    lister, deleter = the_contract.list_operation, the_contract.delete_operation
    arn_member, name_member = the_contract.role("arn"), the_contract.role("name")
    assert the_contract.create_operation.creates is not None
    query = {lister.roles["filter"]: the_contract.create_operation.creates.type}
    listed = suite.transport.send(suite.transport.request(lister.method, lister.path, query=query))
    try:
        page = listed.response.json() if listed.response is not None else {}
    except ValueError:
        page = {}
    items = page.get(lister.output_roles["items"]) if isinstance(page, dict) else None
    named = [p.get(arn_member) for p in items or [] if isinstance(p, dict) and p.get(name_member) == name]
    for doomed in dict.fromkeys([*([arn] if arn else []), *[a for a in named if isinstance(a, str)]]):
        suite.transport.send(suite.transport.request(deleter.method, deleter.path_for(encode_label(doomed))))


def _get(suite: Suite, arn: str, expect: str | None = None) -> Answer:
    label = contract().path_label
    return suite.adapter.call(
        suite.target(suite.mock_url, contract().page_operation.name), {label: arn}, retry=ONE_ATTEMPT, expect=expect
    )
