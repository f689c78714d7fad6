"""A user catalogue the mock refuses, in one line naming the file, the entry and what is wrong with it.

The catalogue format (docs: a JSON object with a ``profiles`` list; each entry ``{"regions": [...], "profile": {...}}``
with a string inferenceProfileId, a list of ``{"modelArn": string}`` models, a type of the page's enum
(SYSTEM_DEFINED or APPLICATION), no inferenceProfileArn, and regions botocore knows a partition of).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance.mock import CatalogueError
from bedrock_conformance.mock._catalogue import load

PROFILE = {
    "inferenceProfileId": "us.acme.widget-v1:0",
    "inferenceProfileName": "US Acme Widget",
    "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/acme.widget-v1:0"}],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}
ENTRY = {"regions": ["us-east-1"], "profile": PROFILE}


def _written(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (["not", "an", "object"], "profiles[1] is not an object"),
        (
            {**ENTRY, "profile": {k: v for k, v in PROFILE.items() if k != "inferenceProfileId"}},
            "profiles[1].profile must be an object with a string inferenceProfileId",
        ),
        ({**ENTRY, "profile": "us.acme.widget-v1:0"}, "profiles[1].profile must be an object with a string"),
        (
            {**ENTRY, "profile": {**PROFILE, "type": "CUSTOM"}},
            "profiles[1].profile.type must be one of SYSTEM_DEFINED, APPLICATION",
        ),
        ({**ENTRY, "regions": []}, "profiles[1].regions must be a non-empty list of region names"),
        ({**ENTRY, "regions": "us-east-1"}, "profiles[1].regions must be a non-empty list of region names"),
        ({**ENTRY, "regions": ["us-east-1", 2]}, "profiles[1].regions must be a non-empty list of region names"),
        (
            {**ENTRY, "regions": ["us-east-1", "moon"]},
            "profiles[1].regions names 'moon', which is in no AWS partition",
        ),
    ],
    ids=[
        "entry-no-object",
        "no-id",
        "profile-no-object",
        "type",
        "no-regions",
        "regions-text",
        "region-number",
        "moon",
    ],
)
def test_a_malformed_entry_is_refused_naming_it(tmp_path: Path, entry: Any, message: str) -> None:
    other = {"regions": ["us-west-2"], "profile": {**PROFILE, "inferenceProfileId": "us.acme.other-v1:0"}}
    with pytest.raises(CatalogueError) as caught:
        load(_written(tmp_path, {"profiles": [other, entry]}))
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_profile_listed_twice_in_one_region_is_refused(tmp_path: Path) -> None:
    twice = {"regions": ["us-west-2", "us-east-1"], "profile": PROFILE}
    path = _written(tmp_path, {"profiles": [ENTRY, twice]})
    with pytest.raises(CatalogueError) as caught:
        load(path)
    assert str(caught.value) == f"catalogue {path}: us.acme.widget-v1:0 is listed twice in us-east-1"


def test_the_same_id_in_two_regions_is_two_profiles(tmp_path: Path) -> None:
    west = {"regions": ["us-west-2"], "profile": PROFILE}
    catalogue = load(_written(tmp_path, {"profiles": [ENTRY, west]}))
    assert [(e.id, e.regions) for e in catalogue.entries] == [
        ("us.acme.widget-v1:0", ("us-east-1",)),
        ("us.acme.widget-v1:0", ("us-west-2",)),
    ]


@pytest.mark.parametrize("document", [[ENTRY], {"profile": [ENTRY]}, {"profiles": {"0": ENTRY}}])
def test_a_document_without_a_profiles_list_is_refused(tmp_path: Path, document: Any) -> None:
    path = _written(tmp_path, document)
    with pytest.raises(CatalogueError) as caught:
        load(path)
    assert str(caught.value) == f"catalogue {path} must be an object with a 'profiles' list"


def test_a_file_that_is_no_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text('{"profiles": [', encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load(path)
    assert str(caught.value).startswith(f"catalogue {path} is not JSON: ")


def test_a_missing_file_is_refused_saying_why(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(CatalogueError) as caught:
        load(path)
    assert str(caught.value) == f"cannot read catalogue {path}: No such file or directory"
