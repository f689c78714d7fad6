"""The page's rules written out by hand, to judge what the strategies draw without asking the validator.

Each pattern is copied from the GetInferenceProfile page (or, for modelArn, the service model's FoundationModelArn) and
matched with ``re.fullmatch`` after dropping its '^' and '$': a whole-string match that, unlike ``re.search`` with
'$', never accepts a trailing newline. The character classes of these patterns mean the same in Python as in
ECMA-262 ('-' after a range is a literal in both; there is no '.', '\\s' or '\\w' outside a class).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

# From the page, verbatim.
PAGE_IDENTIFIER = (
    "^(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    "(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+$"
)
PAGE_DESCRIPTION = "^([0-9a-zA-Z:.][ _-]?)+$"
PAGE_ARN = (
    "^arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    "(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$"
)
PAGE_ID = "^[a-zA-Z0-9-:.]+$"
PAGE_NAME = "^([0-9a-zA-Z][ _-]?)+$"
# The service model's FoundationModelArn (botocore bedrock service-2.json).
MODEL_ARN = (
    "^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model/[a-z0-9-]{1,63}[.]{1}([a-z0-9-]{1,63}[.]){0,2}"
    "[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}$"
)
# schemas/deviations.json: what real AWS sends instead. Commas in descriptions, periods in names, an empty model
# region, and more than five models (one per region, each once).
AWS_DESCRIPTION = "^([0-9a-zA-Z:.,][ _-]?)+$"
AWS_NAME = "^([0-9a-zA-Z.][ _-]?)+$"
AWS_MODEL_ARN = MODEL_ARN.replace("[a-z0-9-]{1,20}::", "[a-z0-9-]{0,20}::")


def whole(pattern: str) -> re.Pattern[str]:
    """A page pattern for ``fullmatch``: its anchors dropped, nothing else changed."""
    assert pattern.startswith("^") and pattern.endswith("$"), pattern
    return re.compile(pattern[1:-1])


IDENTIFIER = whole(PAGE_IDENTIFIER)
ARN = whole(PAGE_ARN)
BARE_ID = whole(PAGE_ID)
ID_MIN, ID_MAX = 1, 2048

PASS, FAIL, DEVIATION = "pass", "fail", "deviation"
REQ = "request.inferenceProfileIdentifier."


def matches(regex: re.Pattern[str], value: str) -> bool:
    return regex.fullmatch(value) is not None


def identifier_verdicts(value: str) -> dict[str, str]:
    """The page's three identifier clauses, judged by hand."""
    return {
        REQ + "minLength": PASS if len(value) >= ID_MIN else FAIL,
        REQ + "maxLength": PASS if len(value) <= ID_MAX else FAIL,
        REQ + "pattern": PASS if matches(IDENTIFIER, value) else FAIL,
    }


def identifier_ok(value: str) -> bool:
    return FAIL not in identifier_verdicts(value).values()


def broken(verdicts: dict[str, str], outcome: str = FAIL) -> set[str]:
    return {clause for clause, got in verdicts.items() if got == outcome}


# What the page says about each response member: (JSON type, minLength, maxLength, pattern, what AWS does instead).
_STRINGS: dict[str, tuple[int, int, str, str | None]] = {
    "description": (1, 200, PAGE_DESCRIPTION, AWS_DESCRIPTION),
    "inferenceProfileArn": (1, 2048, PAGE_ARN, None),
    "inferenceProfileId": (1, 64, PAGE_ID, None),
    "inferenceProfileName": (1, 64, PAGE_NAME, AWS_NAME),
}
_ENUMS = {"status": ("ACTIVE",), "type": ("SYSTEM_DEFINED", "APPLICATION")}
_TIMESTAMPS = ("createdAt", "updatedAt")
# Required by the service model (botocore bedrock service-2.json).
_REQUIRED = ("inferenceProfileName", "inferenceProfileArn", "models", "inferenceProfileId", "status", "type")
MODELS_MIN, MODELS_MAX, MODELS_AWS_MAX = 1, 5, 40
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def is_rfc3339(value: str) -> bool:
    m = _RFC3339.fullmatch(value)
    if m is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    offset = m.group(8)
    if offset not in ("Z", "z") and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        return False
    leap = second == 60 and minute == 59
    try:
        datetime(year, month, day, hour, minute, 59 if leap else second)
    except ValueError:
        return False
    return year > 0


def _is_string(v: Any) -> bool:
    return isinstance(v, str)


def response_verdicts(body: Any) -> dict[str, str]:
    """Every response clause a body reaches, judged by hand: pass, fail, or deviation (as real AWS deviates)."""
    out: dict[str, str] = {}
    if not isinstance(body, dict):
        return {"response.body.type": FAIL}
    out["response.body.type"] = PASS
    for name in _REQUIRED:
        out[f"response.{name}.required"] = PASS if name in body else FAIL
    for name, (lo, hi, pattern, aws) in _STRINGS.items():
        if name not in body:
            continue
        value = body[name]
        out[f"response.{name}.type"] = PASS if _is_string(value) else FAIL
        if not _is_string(value):
            continue
        out[f"response.{name}.minLength"] = PASS if len(value) >= lo else FAIL
        out[f"response.{name}.maxLength"] = PASS if len(value) <= hi else FAIL
        if matches(whole(pattern), value):
            out[f"response.{name}.pattern"] = PASS
        else:
            out[f"response.{name}.pattern"] = DEVIATION if aws and matches(whole(aws), value) else FAIL
    for name, allowed in _ENUMS.items():
        if name in body:
            value = body[name]
            out[f"response.{name}.type"] = PASS if _is_string(value) else FAIL
            if _is_string(value):
                out[f"response.{name}.enum"] = PASS if value in allowed else FAIL
    for name in _TIMESTAMPS:
        if name in body:
            value = body[name]
            out[f"response.{name}.type"] = PASS if _is_string(value) else FAIL
            if _is_string(value):
                out[f"response.{name}.format"] = PASS if is_rfc3339(value) else FAIL
    if "models" in body:
        models = body["models"]
        out["response.models.type"] = PASS if isinstance(models, list) else FAIL
        if isinstance(models, list):
            out.update(_models(models))
    return out


def _models(models: list[Any]) -> dict[str, str]:
    out = {"response.models.minItems": PASS if len(models) >= MODELS_MIN else FAIL}
    unique = len({repr(sorted(m.items())) if isinstance(m, dict) else repr(m) for m in models}) == len(models)
    if len(models) <= MODELS_MAX:
        out["response.models.maxItems"] = PASS
    else:
        out["response.models.maxItems"] = DEVIATION if unique and len(models) <= MODELS_AWS_MAX else FAIL
    items, types, arns = [], [], []
    for model in models:
        items.append(PASS if isinstance(model, dict) else FAIL)
        if not isinstance(model, dict) or "modelArn" not in model:
            continue
        arn = model["modelArn"]
        types.append(PASS if _is_string(arn) else FAIL)
        if _is_string(arn):
            if matches(whole(MODEL_ARN), arn):
                arns.append(PASS)
            else:
                arns.append(DEVIATION if matches(whole(AWS_MODEL_ARN), arn) else FAIL)
    for clause, outcomes in (
        ("response.models.items.type", items),
        ("response.models.modelArn.type", types),
        ("response.models.modelArn.pattern", arns),
    ):
        if outcomes:
            out[clause] = FAIL if FAIL in outcomes else DEVIATION if DEVIATION in outcomes else PASS
    return out


# The page's Errors section: name -> HTTP status.
PAGE_ERRORS = {
    "AccessDeniedException": 403,
    "InternalServerException": 500,
    "ResourceNotFoundException": 404,
    "ThrottlingException": 429,
    "ValidationException": 400,
}
