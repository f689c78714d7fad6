"""The catalogue of system-defined profiles, and how a profile is rendered for one region and account."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import botocore.exceptions
import botocore.session

from .._schemas import contract
from .._validator import Outcome, validate_response
from ._members import profile as members

# '{region}' in a catalogue modelArn stands for the region the request was signed for (global profiles).
REGION_PLACEHOLDER = "{region}"


class CatalogueError(ValueError):
    """The catalogue file cannot be read, or a profile it renders breaks the contract."""


@dataclass(frozen=True)
class Entry:
    """One system-defined profile: its body without ARN, and the source regions that offer it."""

    profile: Mapping[str, Any]
    regions: tuple[str, ...]
    source: str

    @property
    def id(self) -> str:
        return str(self.profile[members().id])


@dataclass(frozen=True)
class Catalogue:
    entries: tuple[Entry, ...]
    origin: str

    def regions(self) -> list[str]:
        return sorted({region for entry in self.entries for region in entry.regions})

    def offered_in(self, region: str) -> list[Entry]:
        return [entry for entry in self.entries if region in entry.regions]

    def model_arns(self) -> frozenset[str]:
        """Every foundation-model ARN a system profile routes to: what CreateInferenceProfile may copy from."""
        m = members()
        return frozenset(
            model[m.model].replace(REGION_PLACEHOLDER, region)
            for entry in self.entries
            for region in entry.regions
            for model in entry.profile[m.models]
        )


@functools.lru_cache(maxsize=1)
def _botocore() -> botocore.session.Session:
    # A session loads botocore's endpoint data; one is enough for every lookup.
    return botocore.session.get_session()


@functools.lru_cache(maxsize=64)
def partition_of(region: str) -> str | None:
    """The AWS partition of a region name, from botocore's endpoint data; None for a region no partition knows."""
    try:
        return str(_botocore().get_partition_for_region(region))
    except (botocore.exceptions.UnknownRegionError, ValueError):
        return None


def arn(kind: str, *, region: str, account: str, profile_id: str) -> str:
    """An inference profile ARN for a profile type, from response.json's x-arn-templates."""
    partition = partition_of(region) or ""
    template = contract().arn_templates[kind]
    return str(template.format(partition=partition, region=region, account=account, id=profile_id))


def render(entry: Entry, *, region: str, account: str) -> dict[str, Any]:
    """The GetInferenceProfile body of a catalogue entry as served to a request signed for ``region``."""
    m = members()
    body = copy.deepcopy(dict(entry.profile))
    for model in body[m.models]:
        model[m.model] = model[m.model].replace(REGION_PLACEHOLDER, region)
    body[m.arn] = arn(body[m.type], region=region, account=account, profile_id=entry.id)
    return body


def _entry(raw: Any, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where} is not an object")
    m = members()
    profile, regions = raw.get("profile"), raw.get("regions")
    if not isinstance(profile, dict) or not isinstance(profile.get(m.id), str):
        raise CatalogueError(f"{where}.profile must be an object with a string {m.id}")
    models = profile.get(m.models)
    if not isinstance(models, list) or not all(isinstance(x, dict) and isinstance(x.get(m.model), str) for x in models):
        raise CatalogueError(f"{where}.profile.{m.models} must be a list of {{'{m.model}': string}}")
    kinds = contract().response.members[m.type].enum
    if profile.get(m.type) not in kinds:
        # The type picks the ARN form, so it is checked before any ARN is built.
        raise CatalogueError(f"{where}.profile.{m.type} must be one of {', '.join(kinds)}")
    if m.arn in profile:
        raise CatalogueError(f"{where}.profile has an {m.arn}; the mock builds it from the request")
    if not isinstance(regions, list) or not regions or not all(isinstance(r, str) for r in regions):
        raise CatalogueError(f"{where}.regions must be a non-empty list of region names")
    for region in regions:
        if partition_of(region) is None:
            raise CatalogueError(f"{where}.regions names {region!r}, which is in no AWS partition")
    return Entry(profile=profile, regions=tuple(regions), source=str(raw.get("source", "")))


def check(catalogue: Catalogue, account: str) -> None:
    """Render every entry in every region it lists; any clause failure (not a deviation) is an error."""
    for entry in catalogue.entries:
        for region in entry.regions:
            failures = [
                f for f in validate_response(render(entry, region=region, account=account)) if f.outcome is Outcome.FAIL
            ]
            if failures:
                first = failures[0]
                raise CatalogueError(
                    f"{catalogue.origin}: profile {entry.id} in {region} (account {account}) breaks "
                    f"{first.clause} at {first.pointer or '/'}: {first.message}"
                )


def bundled_path() -> Path:
    return Path(str(resources.files(__package__) / "catalogue.json"))


def load_checked(path: str | Path | None, account: str) -> Catalogue:
    """Load and check a catalogue (default: the bundled one) for an account; unchanged files are checked once."""
    where = Path(path) if path is not None else bundled_path()
    try:
        stamp = where.stat().st_mtime_ns
    except OSError as exc:
        raise CatalogueError(f"cannot read catalogue {where}: {exc.strerror or exc}") from exc
    return _load_checked(str(where.resolve()), stamp, account)


@functools.lru_cache(maxsize=16)
def _load_checked(where: str, stamp: int, account: str) -> Catalogue:
    catalogue = load(where)
    check(catalogue, account)
    return catalogue


def load(path: str | Path) -> Catalogue:
    """Read a catalogue file and check its shape; ids are unique per region."""
    where = Path(path)
    try:
        document = json.loads(where.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"cannot read catalogue {where}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise CatalogueError(f"catalogue {where} is not JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("profiles"), list):
        raise CatalogueError(f"catalogue {where} must be an object with a 'profiles' list")
    entries = tuple(_entry(raw, f"profiles[{i}]") for i, raw in enumerate(document["profiles"]))
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        for region in entry.regions:
            if (region, entry.id) in seen:
                raise CatalogueError(f"catalogue {where}: {entry.id} is listed twice in {region}")
            seen.add((region, entry.id))
    return Catalogue(entries=entries, origin=str(where))
