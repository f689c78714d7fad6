"""Parity: re-send a recording to another implementation and compare what it answers with what was recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .._http import SECRET_HEADERS, Request, Transport
from .._schemas import contract
from .._validator import is_datetime
from ..checks import answer_type
from .format import Interaction, account_pattern


def normalise(value: Any) -> Any:
    """Blank out what legitimately differs between implementations: accounts, generated ids, timestamps."""
    if isinstance(value, dict):
        out = {k: normalise(v) for k, v in value.items()}
        arn_member, id_member = contract().role("arn"), contract().role("id")
        if _generated_id(value.get(arn_member), out.get(arn_member), value.get(id_member)):
            out[id_member] = "<id>"
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        if is_datetime(value):
            return "<timestamp>"
        types = contract().resource_types
        created = contract().create_operation.creates
        assert created is not None, "CreateInferenceProfile names no generated id (x-creates)"
        generated = f"[{re.escape(created.id_alphabet)}]{{{created.id_length}}}"
        text = account_pattern().sub("<account>", value)
        for resource_type in types.values():
            text = re.sub(rf"({re.escape(resource_type)}/){generated}$", r"\1<id>", text)
        return text
    return value


def _generated_id(arn: Any, normalised_arn: Any, ident: Any) -> bool:
    """The profile's id is the generated suffix of its ARN (an application profile)."""
    return (
        isinstance(arn, str)
        and isinstance(ident, str)
        and isinstance(normalised_arn, str)
        and normalised_arn.endswith("/<id>")
        and arn.endswith("/" + ident)
    )


def _renamed(recorded: Any, live: Any) -> dict[str, str]:
    """Values at the same place that differ only by what ``normalise`` blanks out (generated ids)."""
    if isinstance(recorded, dict) and isinstance(live, dict):
        out = {k: v for key in recorded.keys() & live.keys() for k, v in _renamed(recorded[key], live[key]).items()}
        id_member = contract().role("id")
        old, new = recorded.get(id_member), live.get(id_member)
        if isinstance(old, str) and isinstance(new, str) and old != new and normalise(recorded) == normalise(live):
            out[old] = new
        return out
    same_shape = isinstance(recorded, str) and isinstance(live, str) and normalise(recorded) == normalise(live)
    if same_shape and recorded != live and not is_datetime(str(recorded)):
        return {str(recorded): str(live)}
    return {}


@dataclass
class Difference:
    where: str
    what: str


def compare(interactions: list[Interaction], transport: Transport) -> tuple[list[Difference], int]:
    """Re-send every recorded request to ``transport`` and diff status, error type and normalised body."""
    differences: list[Difference] = []
    # Ids the other implementation generated for what the recording created: recorded value -> its value.
    renamed: dict[str, str] = {}
    for interaction in interactions:
        recorded = interaction.exchange
        headers = {k: v for k, v in recorded.request.headers.items() if k.lower() not in SECRET_HEADERS}
        path, body = recorded.request.path, recorded.request.body
        for old, new in renamed.items():
            path = path.replace(old, new).replace(quote(old, safe="-_.~"), quote(new, safe="-_.~"))
            # A tagging request names the created profile in its body (its ARN, as JSON writes it).
            body = body.replace(old.encode(), new.encode())
        request = Request(
            recorded.request.method,
            transport.endpoint + path,
            headers,
            body,
            recorded.request.label,
            transport.region,
        )
        live = transport.send(request)
        if live.response is None:
            differences.append(Difference(interaction.where, f"no answer: {live.error}"))
            continue
        assert recorded.response is not None
        if live.response.status != recorded.response.status:
            differences.append(
                Difference(interaction.where, f"status {live.response.status}, recorded {recorded.response.status}")
            )
        if recorded.response.status >= 400 or live.response.status >= 400:
            a, b = answer_type(live), answer_type(recorded)
            if a != b:
                differences.append(Difference(interaction.where, f"error type {a}, recorded {b}"))
            continue
        try:
            live_body, recorded_body = live.response.json(), recorded.response.json()
            got, want = normalise(live_body), normalise(recorded_body)
            renamed.update(_renamed(recorded_body, live_body))
        except ValueError:
            if live.response.body != recorded.response.body:
                differences.append(Difference(interaction.where, "body differs (not JSON)"))
            continue
        if got != want:
            both = isinstance(got, dict) and isinstance(want, dict)
            members = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k)) if both else []
            differences.append(Difference(interaction.where, f"body differs in {members or 'shape'}"))
    return differences, len(interactions)
