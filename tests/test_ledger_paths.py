"""The ledger's listing of APPLICATION profiles and its clean-up, against answers a conformant server would not give:
a page that is no JSON, a listing that never ends, a replay that holds no such page, a Delete that cannot be sent.

Restated from the model and behaviour.json: application profiles are listed with type=APPLICATION; maxResults is at
most 1000; a listing is followed for at most 100 pages (behaviour.listInferenceProfiles.ends).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bedrock_conformance._http import Exchange, Request, Response, Transport
from bedrock_conformance._ledger import Ledger, list_applications
from bedrock_conformance.targets import DUMMY

APP = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/"


def _transport() -> Transport:
    return Transport("http://127.0.0.1:9", "us-east-1", DUMMY)  # builds requests; these tests never send through it


def _page(request: Request, body: bytes, status: int = 200) -> Exchange:
    return Exchange(request, Response(status, {"Content-Type": "application/json"}, body))


def _summary(n: int) -> dict[str, Any]:
    return {"inferenceProfileArn": f"{APP}{n:012d}", "inferenceProfileName": f"p{n}", "type": "APPLICATION"}


def _query(request: Request) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(request.url).query))


def test_a_replay_without_the_listing_lists_nothing_and_is_not_complete() -> None:
    asked: list[Request] = []

    def send(request: Request) -> Exchange | None:
        asked.append(request)
        return None

    assert list_applications(_transport(), send) == ([], None, False)
    assert [_query(r) for r in asked] == [{"type": "APPLICATION", "maxResults": "1000"}]


def test_a_page_that_is_no_json_ends_the_listing_incomplete() -> None:
    pages: list[Exchange] = []

    def send(request: Request) -> Exchange:
        if not pages:
            body = {"inferenceProfileSummaries": [_summary(1), "not a summary"], "nextToken": "t1"}
            pages.append(_page(request, json.dumps(body).encode()))
        else:
            assert _query(request) == {"type": "APPLICATION", "maxResults": "1000", "nextToken": "t1"}
            pages.append(_page(request, b"<html>502 Bad Gateway</html>"))
        return pages[-1]

    found, last, complete = list_applications(_transport(), send)
    assert found == [_summary(1)]  # the string among the summaries is no profile
    assert last is pages[1] and complete is False


def test_an_error_page_ends_the_listing_incomplete() -> None:
    def send(request: Request) -> Exchange:
        return _page(request, b'{"message": "m"}', status=500)

    found, last, complete = list_applications(_transport(), send)
    assert found == [] and last is not None and last.response is not None and complete is False


def test_a_listing_that_never_ends_is_followed_for_100_pages() -> None:
    sent: list[Request] = []

    def send(request: Request) -> Exchange:
        sent.append(request)
        n = len(sent)
        return _page(request, json.dumps({"inferenceProfileSummaries": [_summary(n)], "nextToken": f"t{n}"}).encode())

    found, last, complete = list_applications(_transport(), send)
    assert len(sent) == 100
    assert found == [_summary(n) for n in range(1, 101)]
    assert complete is False
    assert last is not None and last.request is sent[-1]


def test_a_page_with_an_empty_token_is_the_last() -> None:
    def send(request: Request) -> Exchange:
        return _page(request, json.dumps({"inferenceProfileSummaries": [_summary(7)], "nextToken": ""}).encode())

    assert list_applications(_transport(), send)[::2] == ([_summary(7)], True)


class _Unreachable(Transport):
    """A transport whose every send fails as a dropped network would: it raises."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9", "us-east-1", DUMMY)
        self.sent: list[Request] = []

    def send(self, request: Request) -> Exchange:
        self.sent.append(request)
        raise OSError("network is unreachable")


def test_clean_returns_what_it_could_not_delete_and_restores_the_budget() -> None:
    transport = _Unreachable()
    transport.options.budget = 3
    ledger = Ledger(transport)
    ledger.created(f"{APP}aaaaaaaaaaaa")
    ledger.created(f"{APP}bbbbbbbbbbbb")
    ledger.creating("never-answered")  # its sweep (a listing) fails too: still best effort, nothing raised
    assert ledger.clean() == [f"{APP}aaaaaaaaaaaa", f"{APP}bbbbbbbbbbbb"]
    methods = [r.method for r in transport.sent]
    assert methods == ["GET", "DELETE", "DELETE"]  # the sweep's listing, then each Delete, the newest first
    assert transport.sent[1].path.endswith("bbbbbbbbbbbb") and transport.sent[2].path.endswith("aaaaaaaaaaaa")
    assert transport.options.budget == 3
    assert ledger.pending == {"never-answered"}
