"""Which clauses a mutant necessarily breaks besides its own: computed by stated rules (rule 6 names its
sets beside each mutant, with the reason).

A mutant breaks one clause on purpose. Some rewrites cannot help breaking others too; each rule below says which,
and computes them from the page's facts (written out here, not read from the code under test) and from what the
mutant changes:

1. Body rewrites. The rewrite is applied to a published profile that keeps the page strictly (literal below; its
   description without the comma list AWS's recorded deviation allows) and both bodies are judged member by member with Python's own regular expressions over the whole string (ECMA-262 meaning) and plain comparisons: a
   clause that holds for the original and fails for the rewritten body is broken as well. A value of the wrong type
   breaks only the type clause (the other keywords apply to values of their type); the ARN must end with '/' and
   the ID, and its resource type must match ``type``. A rewrite of List summaries that leaves them no JSON (RFC 8259
   has no NaN or Infinity) leaves their page no JSON object, so no List page: it breaks isListPage too.
2. Error rewrites, ``(error it rewrites, new status, new type)``. A throttle (429) that outlives the retries
   proves nothing about the request; a server fault (5xx) that outlives them is an answer like any other, and
   breaks what needs another. So: rewriting ValidationException away from 400
   ValidationException breaks every request clause that sends invalid identifiers (pattern and maxLength; the only
   identifier shorter than the minimum is the empty one, which no path can carry) and every ListInferenceProfiles
   request clause (each sends a query value that breaks it alone), and the two pagination clauses that send a token
   the request cannot continue (foreignRejected, garbageRejected: 400 ValidationException); rewriting
   ResourceNotFoundException to a status other than 200, 403 or 404 breaks every request clause that sends valid
   identifiers (pattern, maxLength, minLength); and any rewrite of it but 404 ResourceNotFoundException breaks the
   unknown-identifier clause.
3. Identifier rewrites, ``answer(identifier) -> status`` (None: as the mock answers). The server fails every
   clause that sent an identifier whose answer breaks what that clause requires of it (a valid identifier is never
   400, an invalid one is 400; an unknown one is 404; a listed one is 200): the suite judges each answer to each
   identifier, not the server's reasons. Which clause sends which identifiers is read from the recorded mock run
   (cassettes/mock: the request and behaviour suites' identifiers, each sent with the clause it checks): its fixed
   examples (the shortest valid identifier '-', the bounds, the listed profiles) are the same at every seed; its
   drawn ones (the unknown identifiers) are seed 1's, the seed the cassettes and the zoo both run at. Run at seeds 2
   to 5 (2026-12-03), every mutant was caught under its clause with exactly these extras but one:
   ``rejects-valid-partition``, whose unknown-identifier blame needs an unknown identifier in aws-iso-b, which seeds
   2 and 5 do not draw.
   Valid means the page's pattern and length 1..2048; botocore percent-encodes ':' and '/'. A 200 to an
   identifier no listed profile has is answered with another profile (the rewrites answer with a listed one), so
   it breaks identifiesProfile too.
4. ARN rewrites (``other_arn``): a Get answered with an ARN other than the one it was asked by breaks
   identifiesProfile.
5. Token rewrites (``ignores_token``): a List that ignores its nextToken answers 200 to a token that breaks the
   page (empty, over 2048 characters, with whitespace), so it breaks every ListInferenceProfiles nextToken clause;
   and 200 to a token issued for another type or never issued, so it breaks foreignRejected and garbageRejected.
   If the token it ignores gives the first page again (``restarts``), a paged listing shows a profile on two pages:
   it breaks pages.disjoint too.
6. Cross-suite writes (``crosses``, listed beside each mutant with its reason). The write request clauses
   (family_writes) and the lifecycle behaviour clauses send the same kinds of request. A lifecycle rewrite keyed on a
   request's kind rather than its validity (a Create, a Delete of a non-application identifier, a resource's first
   TagResource) also answers the request clauses' out-of-contract requests of that kind, or their in-contract ones
   the mock would accept, so it breaks those request clauses; a rewrite refusing every application-profile ARN on
   ListTagsForResource breaks the lifecycle's tag listings. These sets are written beside the mutants, because what
   a rewrite answers is only known by reading it.

So ``rejects-minimum-length`` (a server with minimum length 2) also fails the pattern clause, whose shortest valid
example is '-', and the unknown-identifier clause, whose first identifier is '-': the server really does reject a
valid identifier each of them sent. That blame is exact for what was asked, not a guess at the cause.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import yaml

from ._family import LIST_REJECTING, TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH, TOKEN_PATTERN
from ._pagination import DISJOINT, TOKEN_REFUSING

PATTERN = "request.inferenceProfileIdentifier.pattern"
MAX = "request.inferenceProfileIdentifier.maxLength"
MIN = "request.inferenceProfileIdentifier.minLength"
UNKNOWN = "behaviour.unknownIdentifier.notFound"
ENDS_WITH_ID = "behaviour.inferenceProfileArn.endsWithId"
RESOURCE_TYPE = "behaviour.inferenceProfileArn.resourceType"
BY_ID = "behaviour.listedProfile.resolvesById"
BY_ARN = "behaviour.listedProfile.resolvesByArn"
IDENTIFIES = "behaviour.inferenceProfileIdentifier.identifiesProfile"
LIST_PAGE = "behaviour.listInferenceProfiles.isListPage"
REJECTING = frozenset({PATTERN, MAX})
LIST_TOKEN = frozenset({TOKEN_MIN_LENGTH, TOKEN_MAX_LENGTH, TOKEN_PATTERN})
ACCEPTING = frozenset({PATTERN, MAX, MIN})

_ARN = (
    r"arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    r"(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+"
)
IDENTIFIER = r"(" + _ARN.rsplit("/", 1)[0] + r"/)?[a-zA-Z0-9-:.]+"
MODEL_ARN = (
    r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model/[a-z0-9-]{1,63}[.]{1}([a-z0-9-]{1,63}[.]){0,2}"
    r"[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}"
)
# The page's response members: (JSON type, minLength, maxLength, pattern, enum, is a date-time).
MEMBERS: dict[str, tuple[type, int | None, int | None, str | None, tuple[str, ...] | None, bool]] = {
    "createdAt": (str, None, None, None, None, True),
    "updatedAt": (str, None, None, None, None, True),
    "description": (str, 1, 200, r"([0-9a-zA-Z:.][ _-]?)+", None, False),
    "inferenceProfileArn": (str, 1, 2048, _ARN, None, False),
    "inferenceProfileId": (str, 1, 64, r"[a-zA-Z0-9-:.]+", None, False),
    "inferenceProfileName": (str, 1, 64, r"([0-9a-zA-Z][ _-]?)+", None, False),
    "status": (str, None, None, None, ("ACTIVE",), False),
    "type": (str, None, None, None, ("SYSTEM_DEFINED", "APPLICATION"), False),
}
REQUIRED = ("inferenceProfileName", "inferenceProfileArn", "models", "inferenceProfileId", "status", "type")
RESOURCE_TYPES = {"SYSTEM_DEFINED": "inference-profile", "APPLICATION": "application-inference-profile"}
HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0"
PROFILE: dict[str, Any] = {
    "inferenceProfileId": HAIKU,
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "description": "Routes requests to Anthropic Claude 3 Haiku in us-east-1 and us-west-2",
    "createdAt": "2024-09-30T00:00:00Z",
    "updatedAt": "2024-09-30T00:00:00Z",
    "models": [
        {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}
        for region in ("us-east-1", "us-west-2", "us-east-2")
    ],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
    "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU}",
}
TRANSIENT = 429


def _whole(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value, re.ASCII) is not None


def _datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return "T" in value.upper()


def broken_by_body(body: dict[str, Any]) -> set[str]:
    """Rule 1: every response and ARN clause ``body`` breaks."""
    out = {f"response.{name}.required" for name in REQUIRED if name not in body}
    for name, (kind, shortest, longest, pattern, enum, stamp) in MEMBERS.items():
        if name not in body:
            continue
        value = body[name]
        if not isinstance(value, kind):
            out.add(f"response.{name}.type")
            continue
        checks = {
            "minLength": shortest is None or len(value) >= shortest,
            "maxLength": longest is None or len(value) <= longest,
            "pattern": pattern is None or _whole(pattern, value),
            "enum": enum is None or value in enum,
            "format": not stamp or _datetime(value),
        }
        out |= {f"response.{name}.{keyword}" for keyword, ok in checks.items() if not ok}
    models = body.get("models")
    if "models" in body and not isinstance(models, list):
        out.add("response.models.type")
    elif isinstance(models, list):
        if len(models) < 1:
            out.add("response.models.minItems")
        if len(models) > 5:
            out.add("response.models.maxItems")
        for item in models:
            if not isinstance(item, dict):
                out.add("response.models.items.type")
            elif not isinstance(item.get("modelArn"), str):
                out.add("response.models.modelArn.type")
            elif not _whole(MODEL_ARN, item["modelArn"]):
                out.add("response.models.modelArn.pattern")
    arn, ident, kind_ = body.get("inferenceProfileArn"), body.get("inferenceProfileId"), body.get("type")
    if isinstance(arn, str) and isinstance(ident, str):
        if not arn.endswith("/" + ident):
            out.add(ENDS_WITH_ID)
        resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
        if isinstance(kind_, str) and kind_ in RESOURCE_TYPES and "/" in resource:
            if resource.split("/", 1)[0] != RESOURCE_TYPES[kind_]:
                out.add(RESOURCE_TYPE)
    return out


def by_body(rewrite: Callable[[dict[str, Any]], dict[str, Any]]) -> set[str]:
    return broken_by_body(rewrite(copy.deepcopy(PROFILE))) - broken_by_body(copy.deepcopy(PROFILE))


def by_list_summary(rewrite: Callable[[dict[str, Any]], dict[str, Any]]) -> set[str]:
    """Rule 1 on List pages: a summary that is no longer JSON makes its page no List page."""
    try:
        json.dumps(rewrite(copy.deepcopy(PROFILE)), allow_nan=False)
    except ValueError:
        return {LIST_PAGE}
    return set()


def by_error(source: str, status: int, kind: str | None) -> set[str]:
    """Rule 2."""
    if status == TRANSIENT:
        return set()
    out: set[str] = set()
    if source == "ValidationException" and (status, kind) != (400, "ValidationException"):
        out |= REJECTING | LIST_REJECTING | TOKEN_REFUSING
    if source == "ResourceNotFoundException":
        if status not in (200, 403, 404):
            out |= ACCEPTING
        if (status, kind) != (404, "ResourceNotFoundException"):
            out.add(UNKNOWN)
    return out


def by_token(restarts: bool) -> set[str]:
    """Rule 5."""
    return set(LIST_TOKEN | TOKEN_REFUSING) | ({DISJOINT} if restarts else set())


def valid(identifier: str) -> bool:
    return 1 <= len(identifier) <= 2048 and _whole(IDENTIFIER, identifier)


def probes() -> tuple[tuple[str, str], ...]:
    """(clause, identifier) for every identifier the recorded mock run sent with the clause it checks."""
    return _recorded()[0]


def listed() -> frozenset[str]:
    """The ids and ARNs of the profiles the recorded mock run listed."""
    return _recorded()[1]


@cache
def _recorded() -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    root = Path(__file__).resolve().parent.parent.parent / "cassettes" / "mock"
    listed: set[str] = set()
    out: list[tuple[str, str]] = []
    for group in ("request", "behaviour"):
        for interaction in yaml.safe_load((root / f"{group}.yaml").read_text(encoding="utf-8"))["interactions"]:
            request = interaction["request"]
            path = urlsplit(request["uri"]).path
            body = interaction["response"]["body"].get("json")
            if path == "/inference-profiles" and isinstance(body, dict):
                for summary in body.get("inferenceProfileSummaries", []):
                    listed |= {summary["inferenceProfileId"], summary["inferenceProfileArn"]}
            if request["method"] != "GET" or not path.startswith("/inference-profiles/"):
                continue
            raw = path.removeprefix("/inference-profiles/")
            identifier = unquote(raw)
            clause = (request["headers"].get("x-bedrock-conformance-check") or [None])[0]
            if clause is None and identifier in listed and raw == quote(identifier, safe=""):
                clause = BY_ARN if identifier.startswith("arn:") else BY_ID
            if clause is not None:
                out.append((clause, identifier))
    return tuple(out), frozenset(listed)


def _required(clause: str, identifier: str, status: int) -> bool:
    """Whether answering ``identifier`` with ``status`` keeps what ``clause`` requires of it."""
    if status == TRANSIENT:
        return True
    if clause in ACCEPTING:
        return status in (200, 403, 404) if valid(identifier) else status == 400
    if clause == UNKNOWN:
        return status == 404
    if clause in (BY_ID, BY_ARN):
        return status == 200
    return True


def by_identifiers(answer: Callable[[str], int | None]) -> set[str]:
    """Rule 3: ``answer`` is the status the server gives an identifier, or None where it answers as the mock."""
    out = set()
    for clause, identifier in probes():
        status = answer(identifier)
        if status is not None and not _required(clause, identifier, status):
            out.add(clause)
        if status == 200 and identifier not in listed():
            out.add(IDENTIFIES)
    return out


def sent_encoded(identifier: str) -> bool:
    """Whether botocore percent-encodes a character of the identifier (':' or '/')."""
    return ":" in identifier or "/" in identifier
