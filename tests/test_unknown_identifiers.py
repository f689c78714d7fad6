"""Unknown identifiers come in every shape a target could mistake for a known profile, and a 200 must name what was
asked for."""

from __future__ import annotations

import json
import random

from bedrock_conformance import Outcome
from bedrock_conformance._draw import draw
from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._unknown import CATEGORIES, Arn, Profile, bare_ids, donors, unknown_identifiers
from bedrock_conformance._validator import failing, validate_identifier
from bedrock_conformance.checks import expect_not_found, identifies

ACCOUNT = "123456789012"
KNOWN = [
    (
        "us.anthropic.claude-3-haiku-20240307-v1:0",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
    ),
    ("06vsfs68yb4g", f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/06vsfs68yb4g"),
]
IDENTIFIES = "behaviour.inferenceProfileIdentifier.identifiesProfile"


def _exchange(status: int, body: object, error_type: str | None = None, label: str = "x") -> Exchange:
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["x-amzn-ErrorType"] = error_type
    request = Request("GET", "http://t/inference-profiles/x", label=label)
    return Exchange(request, Response(status, headers, json.dumps(body).encode()))


def _drawn(seed: int, examples: int = 25) -> list[tuple[str, str]]:
    names = {n for pair in KNOWN for n in pair}
    total = max(9, examples // 5)
    bares = draw(bare_ids(names), total, seed, "unknown")
    arns = draw(donors(), total, seed, "unknown/arn")
    return unknown_identifiers(KNOWN, bares, arns, seed, ["us-west-2", "us-east-1"])


def test_every_kind_of_unknown_identifier_is_drawn_valid_and_unknown_at_every_seed() -> None:
    for seed in range(1, 6):
        drawn = _drawn(seed)
        kinds = {kind for _, kind in drawn}
        assert len(kinds) == 9, (seed, drawn)
        for value, _ in drawn:
            assert not failing(validate_identifier(value)), value
            assert value not in {n for pair in KNOWN for n in pair}
        by_kind = {kind: value for value, kind in drawn}
        assert by_kind["a known identifier with its case changed"].lower() in {n.lower() for p in KNOWN for n in p}
        assert by_kind["an ARN of another account"].split(":")[4] != ACCOUNT
        assert by_kind["a known profile in another region"].split(":")[3] == "us-west-2"
        assert by_kind["a known profile in another partition"].split(":")[1] != "aws"


def test_the_same_seed_draws_the_same_identifiers_and_another_seed_others() -> None:
    assert _drawn(3) == _drawn(3)
    assert _drawn(3) != _drawn(4)


def test_a_200_must_carry_the_identifier_as_its_id_or_arn_exactly() -> None:
    ident, arn = KNOWN[0]
    body = {"inferenceProfileId": ident, "inferenceProfileArn": arn}
    assert identifies(_exchange(200, body), ident, 200).outcome is Outcome.PASS  # type: ignore[union-attr]
    assert identifies(_exchange(200, body), arn, 200).outcome is Outcome.PASS  # type: ignore[union-attr]
    flipped = identifies(_exchange(200, body), ident.upper(), 200)
    assert flipped is not None and flipped.outcome is Outcome.FAIL and flipped.clause == IDENTIFIES
    moved = identifies(_exchange(200, body), arn.replace(ACCOUNT, "210987654321"), 200)
    assert moved is not None and moved.outcome is Outcome.FAIL
    assert identifies(_exchange(404, {"message": "no"}), ident, 200) is None


def test_another_accounts_arn_may_be_denied_but_never_found() -> None:
    arn = "arn:aws:bedrock:us-east-1:210987654321:inference-profile/x"
    denied = _exchange(403, {"message": "no"}, "AccessDeniedException")
    found = _exchange(200, {"inferenceProfileArn": arn})
    assert expect_not_found(denied, arn, other_account=True).outcome is Outcome.PASS  # type: ignore[union-attr]
    assert expect_not_found(denied, arn, other_account=False).outcome is Outcome.FAIL  # type: ignore[union-attr]
    assert expect_not_found(found, arn, other_account=True).outcome is Outcome.FAIL  # type: ignore[union-attr]


def test_a_known_profile_is_moved_only_where_the_donor_differs_and_only_if_it_has_an_arn() -> None:
    own = Arn.parse(KNOWN[0][1])
    assert own is not None
    here = Arn("aws", "bedrock", "us-east-1", ACCOUNT, "inference-profile", "donor.model-v1:0")
    there = Arn("aws", "bedrock", "us-east-1", "210987654321", "inference-profile", "donor.model-v1:0")
    moved = CATEGORIES["a known profile under another account"]
    rng = random.Random(0)
    assert moved(own, Profile(KNOWN[0][0], own), there, "b", rng) == (
        "arn:aws:bedrock:us-east-1:210987654321:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
    )
    assert moved(own, Profile(KNOWN[0][0], own), here, "b", rng) is None  # the same account: not moved
    assert moved(own, Profile("listed-without-an-arn", None), there, "b", rng) is None


def test_a_kind_no_donor_can_make_is_left_out() -> None:
    """Every donor ARN is in the target's own account, region and partition: nothing is of another account,
    region or partition, so those six kinds are left out and the three others are drawn."""
    donor = Arn("aws", "bedrock", "us-east-1", ACCOUNT, "inference-profile", "donor.model-v1:0")
    bares = [f"bare-{n}" for n in range(9)]
    drawn = unknown_identifiers(KNOWN[:1], bares, [donor, donor], 1)
    assert {kind for _, kind in drawn} == {
        "a bare id",
        "an ARN in the caller's account and region",
        "a known identifier with its case changed",
    }
    by_kind = {kind: value for value, kind in drawn}
    assert by_kind["a bare id"] == "bare-0"
    assert by_kind["an ARN in the caller's account and region"] == str(donor)
