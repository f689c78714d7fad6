"""The JUnit XML of a run, made to read as the report does (``report`` hands it the report dictionary)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._model import split_clause_id


def summary_line(report: Mapping[str, Any]) -> str:
    s = report["summary"]
    return f"{s['pass']} pass, {s['fail']} fail, {s['deviation']} deviation, {s['skip']} skip"


def annotate_junit(path: str, report: Mapping[str, Any]) -> None:
    """Make pytest's JUnit XML of the suites read as the report does: a test case's classname is its clause's part
    (``bedrock_conformance.request``), never where the suites are installed; each case carries its clause and
    outcome as properties (a deviation passes, and says so in its ``<system-out>``); a skip says why without a file
    path; each suite carries the run's seed, target, region and contract digest."""
    import xml.etree.ElementTree as ET

    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return  # pytest did not write it; pytest says why
    clauses = {c["id"]: c for c in report["clauses"]}
    root = tree.getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    run_properties = [
        ("tool", f"bedrock-conformance {report['tool']['version']}"),
        ("target", str(report["target"])),
        ("region", str(report.get("config", {}).get("region", ""))),
        ("seed", str(report["seed"])),
        ("examples", str(report.get("config", {}).get("examples", ""))),
        ("strict", str(bool(report.get("config", {}).get("strict"))).lower()),
        ("contract", str(report["contract"]["digest"])),
        ("requests", str(report["requests"])),
        ("complete", str(bool(report["complete"])).lower()),
        ("summary", summary_line(report)),
    ]
    if root.tag == "testsuites":
        root.set("name", "bedrock-conformance")
    for suite in suites:
        suite.set("name", "bedrock-conformance")
        _properties(suite).extend(ET.Element("property", name=k, value=v) for k, v in run_properties)
        for case in suite.iter("testcase"):
            name = case.get("name", "")
            clause = clauses.get(name[name.find("[") + 1 : -1]) if name.endswith("]") else None
            for attribute in ("file", "line"):
                case.attrib.pop(attribute, None)
            if clause is None:
                continue
            case.set("classname", junit_classname(clause["id"]))
            properties = _properties(case)
            for stale in [p for p in properties if p.get("name") in ("clause", "outcome")]:
                properties.remove(stale)
            properties.append(ET.Element("property", name="clause", value=clause["id"]))
            properties.append(ET.Element("property", name="outcome", value=clause["outcome"]))
            skipped = case.find("skipped")
            if skipped is not None and skipped.get("type") == "pytest.skip":
                skipped.text = skipped.get("message", "")
            if clause["outcome"] == "deviation" and "deviation" in clause:
                d = clause["deviation"]
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(
                    [
                        f"deviation: {clause['id']} deviates as real AWS does: {d['summary']}",
                        f"seen {d['seen']} times, e.g.: {d['example']}",
                        *([f"reproduce: {d['reproduce']}"] if "reproduce" in d else []),
                    ]
                )
    tree.write(path, encoding="utf-8", xml_declaration=True)


def junit_classname(clause_id: str) -> str:
    """``bedrock_conformance.request`` for the page's clauses; ``bedrock_conformance.ListInferenceProfiles.request``
    for a sibling's (``ListInferenceProfiles:request.maxResults.minimum``)."""
    prefix, local = split_clause_id(clause_id)
    part = local.split(".", 1)[0]
    return f"bedrock_conformance.{prefix}.{part}" if prefix else f"bedrock_conformance.{part}"


def _properties(element: Any) -> Any:
    """An element's ``<properties>``, made its first child if it has none."""
    import xml.etree.ElementTree as ET

    found = element.find("properties")
    if found is None:
        found = ET.Element("properties")
        element.insert(0, found)
    return found
