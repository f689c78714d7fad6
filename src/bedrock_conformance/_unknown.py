"""Identifiers that name no profile, in every shape a target could mistake for a known one.

Bare ids; ARNs in the caller's own account and region, of other accounts, regions and partitions; known ids with
their case changed; known profiles' resource ids under another account, region or partition. The parts that are
not the target's own are taken from ARNs drawn from the response schema, so nothing here spells a pattern.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import strategies as st

from ._schemas import contract
from ._strategies import from_shape, valid_identifiers
from ._validator import failing, validate_identifier


@dataclass(frozen=True)
class Arn:
    """The fields of an inference profile ARN: arn:partition:service:region:account:kind/resource."""

    partition: str
    service: str
    region: str
    account: str
    kind: str
    resource: str

    @classmethod
    def parse(cls, text: Any) -> Arn | None:
        if not isinstance(text, str):
            return None
        fields = text.split(":", 5)
        if len(fields) != 6 or fields[0] != "arn" or "/" not in fields[5]:
            return None
        kind, _, resource = fields[5].partition("/")
        return cls(fields[1], fields[2], fields[3], fields[4], kind, resource)

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.kind}/{self.resource}"


@functools.cache
def donors() -> st.SearchStrategy[Arn]:
    """ARNs the response schema allows, with an id the response schema allows, a region and an account."""
    response = contract().response.members
    arns = from_shape(response[contract().role("arn")])
    ids = from_shape(response[contract().role("id")])

    def build(pair: tuple[str, str]) -> Arn | None:
        arn = Arn.parse(pair[0])
        return replace(arn, resource=pair[1]) if arn is not None and arn.region and arn.account else None

    return st.tuples(arns, ids).map(build).filter(lambda arn: arn is not None)  # type: ignore[return-value]


def bare_ids(known: Iterable[str]) -> st.SearchStrategy[str]:
    """Valid bare ids that name no known profile."""
    return _bare_ids(frozenset(known))


@functools.lru_cache(maxsize=64)
def _bare_ids(known: frozenset[str]) -> st.SearchStrategy[str]:
    # A separator becomes a '-' rather than a reason to draw again: filtering ARNs out had rejected most draws.
    return (
        valid_identifiers()
        .map(lambda v: v.replace(":", "-").replace("/", "-"))
        .filter(lambda v: v not in known and not failing(validate_identifier(v)))
    )


@dataclass(frozen=True)
class Owner:
    """Where the target's own profiles live, read from the ARNs it lists."""

    home: Arn
    accounts: frozenset[str]

    @classmethod
    def of(cls, arns: Iterable[Any]) -> Owner | None:
        parsed = [a for a in (Arn.parse(text) for text in arns) if a is not None and a.account]
        if not parsed:
            return None
        return cls(parsed[0], frozenset(a.account for a in parsed))

    def other_account(self, identifier: str) -> bool:
        """Whether ``identifier`` is an ARN of an account that none of the target's listed profiles is in."""
        arn = Arn.parse(identifier)
        return arn is not None and bool(arn.account) and arn.account not in self.accounts


@dataclass(frozen=True)
class Profile:
    ident: str
    arn: Arn | None


# A category builds one identifier from: the target's own ARN fields, a known profile, a donor ARN, a bare id.
Build = Callable[[Arn, Profile, Arn, str, random.Random], "str | None"]


def _flip(text: str, rng: random.Random) -> str:
    """Every letter's case swapped, or one letter's."""
    letters = [i for i, ch in enumerate(text) if ch.swapcase() != ch]
    if not letters or rng.random() < 0.5:
        return text.swapcase()
    at = rng.choice(letters)
    return text[:at] + text[at].swapcase() + text[at + 1 :]


def _case_flipped(own: Arn, known: Profile, donor: Arn, bare: str, rng: random.Random) -> str | None:
    if known.arn is not None and rng.random() < 0.5:
        return str(replace(known.arn, resource=_flip(known.arn.resource, rng)))
    return _flip(known.ident, rng)


def _own(field: str | None) -> Build:
    """An unknown resource in the caller's account and region, or with ``field`` taken from the donor."""

    def build(own: Arn, known: Profile, donor: Arn, bare: str, rng: random.Random) -> str | None:
        arn = replace(own, kind=donor.kind, resource=donor.resource)
        if field is not None:
            if getattr(donor, field) == getattr(own, field):
                return None
            arn = replace(arn, **{field: getattr(donor, field)})
        return str(arn)

    return build


def _moved(field: str) -> Build:
    """A known profile's ARN with ``field`` (account, region or partition) taken from the donor."""

    def build(own: Arn, known: Profile, donor: Arn, bare: str, rng: random.Random) -> str | None:
        if known.arn is None or getattr(donor, field) == getattr(known.arn, field):
            return None
        return str(replace(known.arn, **{field: getattr(donor, field)}))

    return build


# Needing only a bare id, or also the target's own ARN fields and a known profile.
BARE = "a bare id"
CATEGORIES: dict[str, Build] = {
    BARE: lambda own, known, donor, bare, rng: bare,
    "an ARN in the caller's account and region": _own(None),
    "an ARN of another account": _own("account"),
    "an ARN in another region": _own("region"),
    "an ARN in another partition": _own("partition"),
    "a known identifier with its case changed": _case_flipped,
    "a known profile under another account": _moved("account"),
    "a known profile in another region": _moved("region"),
    "a known profile in another partition": _moved("partition"),
}
WITHOUT_PROFILES = (BARE, "an ARN drawn whole")


def count(examples: int) -> int:
    """How many unknown identifiers a run sends: one of each kind at least, more for a longer run."""
    return max(len(CATEGORIES), examples // 5)


def unknown_identifiers(
    known: Sequence[tuple[str, str | None]],
    bares: Sequence[str],
    drawn: Sequence[Arn],
    run_seed: int,
    regions: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """(identifier, what kind it is) for ``len(bares)`` unknown identifiers; the same for the same inputs.

    ``known`` holds the listed profiles' (id, ARN); without any, bare ids and whole drawn ARNs are all there is.
    ``regions`` are real region names (from the listed profiles' models): another region is one of them if it can.
    """
    names = {name for pair in known for name in pair if name}
    owner = Owner.of(arn for _, arn in known)
    rng = random.Random(f"unknown#{run_seed}")
    elsewhere = sorted({r for r in regions if r} - ({owner.home.region} if owner else set()))
    if elsewhere:
        drawn = [replace(arn, region=rng.choice(elsewhere)) for arn in drawn]
    profiles = [Profile(ident, Arn.parse(arn)) for ident, arn in known]
    kinds = list(CATEGORIES) if owner is not None else list(WITHOUT_PROFILES)
    out: dict[str, str] = {}
    for index, bare in enumerate(bares):
        kind = kinds[index % len(kinds)]
        value: str | None
        if owner is None:
            value = bare if kind == BARE else str(drawn[index % len(drawn)])
        else:
            value = None
            # The first donor (from this index on) that differs where the kind needs it to.
            for step in range(len(drawn)):
                donor = drawn[(index + step) % len(drawn)]
                value = CATEGORIES[kind](owner.home, rng.choice(profiles), donor, bare, rng)
                if value is not None:
                    break
        if value is not None and value not in names and not failing(validate_identifier(value)):
            out.setdefault(value, kind)
    return list(out.items())
