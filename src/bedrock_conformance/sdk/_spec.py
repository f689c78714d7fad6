"""What sdk.json says: the sdk.* clauses, the SDKs the suites can drive, and which errors SDKs retry."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._model import SdkFacts
from .._schemas import contract

# "boto3", "boto3==1.35.0", "js", "js@3.600.0": an SDK of sdk.json, optionally pinned to one version.
_SPEC = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+?)(?:(?:==|@)(?P<version>[A-Za-z0-9_.+!-]+))?$")


class SdkSpecError(ValueError):
    """An --sdk value that names no SDK of sdk.json."""


@dataclass(frozen=True)
class SdkSpec:
    """One SDK to drive: its sdk.json entry, and the version asked for (None: whatever is installed or locked)."""

    name: str
    version: str | None
    info: Mapping[str, Any]

    @property
    def runtime(self) -> str:
        return str(self.info["runtime"])

    @property
    def distribution(self) -> str:
        return str(self.info["distribution"])

    def __str__(self) -> str:
        return self.name if self.version is None else f"{self.name}=={self.version}"


def sdk_facts() -> SdkFacts:
    """What sdk.json says: the SDKs, their clauses, edge timestamps and known defects."""
    facts = contract().sdk
    assert facts is not None
    return facts


def sdk_names() -> list[str]:
    return list(sdk_facts().sdks)


def parse_sdk(text: str) -> SdkSpec:
    """``NAME`` or ``NAME==VERSION`` (``js@VERSION`` too) for an SDK that sdk.json describes."""
    match = _SPEC.match(text.strip())
    names = sdk_names()
    if match is None or match["name"] not in names:
        raise SdkSpecError(f"unknown SDK {text!r}: use one of {', '.join(names)}, optionally NAME==VERSION")
    return SdkSpec(match["name"], match["version"], sdk_facts().sdks[match["name"]])


def clause_id(key: str) -> str:
    """The id of the sdk.json clause annotated under ``key`` (encoding, parsing, retried, ...)."""
    return sdk_facts().clauses[key]


def sdk_clause_ids() -> list[str]:
    """Every sdk.* clause, in sdk.json's order."""
    return list(sdk_facts().clauses.values())


def operation() -> str:
    return sdk_facts().operation


def retried_errors() -> tuple[list[str], list[str]]:
    """(errors SDKs retry on their own, errors they must never retry): errors.json's transient ones, and the rest."""
    the_contract = contract()
    transient = list(the_contract.wire.transient)
    return transient, [name for name in the_contract.errors if name not in transient]


def retry_modes(spec: SdkSpec) -> Mapping[str, Mapping[str, Any]]:
    """Each retry mode sdk.json describes for the SDK, with its default maximum number of attempts."""
    modes: Mapping[str, Mapping[str, Any]] = spec.info["retry"]["modes"]
    return modes


def timestamp_resolution(spec: SdkSpec) -> float:
    return float(spec.info["timestampResolution"]["seconds"])
