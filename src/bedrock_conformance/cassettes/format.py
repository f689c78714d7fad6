"""The cassette file format: vcrpy's YAML, kept readable, with this tool's metadata; reading it back."""

from __future__ import annotations

import base64
import functools
import json
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from .._http import CHECK_HEADER, Exchange, Request, Response
from .._schemas import SchemaError, contract, data_dir

FORMAT = 1
META_KEY = "bedrock_conformance"
# libyaml's safe loader, where PyYAML was built with it (its wheels are), reads a set of cassettes about 5x faster than
# the pure-Python one and builds the same values; writing stays pure Python, whose line folding the shipped
# cassettes were written with (libyaml folds long quoted strings elsewhere), so a re-recording stays byte-identical.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CassetteError(RuntimeError):
    """A cassette cannot be used: one line naming the file (and interaction), exit 2."""


# ------------------------------------------------------------------------------------------------ serialisation
def _body_out(body: Any) -> dict[str, Any]:
    """Readable body: JSON kept as JSON when it re-serialises byte for byte, else text, else base64."""
    raw = body.get("string") if isinstance(body, dict) else body
    if raw is None or raw == b"" or raw == "":
        return {"string": ""}
    data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"string": text}
    for style, kwargs in _JSON_STYLES.items():
        if json.dumps(parsed, **kwargs) == text:
            return {"json": parsed, "json_style": style}
    return {"string": text}


_JSON_STYLES: dict[str, dict[str, Any]] = {
    "default": {},
    "compact": {"separators": (",", ":")},
    "default-unicode": {"ensure_ascii": False},
    "compact-unicode": {"separators": (",", ":"), "ensure_ascii": False},
}


def _body_in(body: Any, where: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {"string": body if body is not None else ""}
    if "json" in body:
        style = _JSON_STYLES.get(body.get("json_style", "default"))
        if style is None:
            raise CassetteError(f"{where}: unknown json_style {body.get('json_style')!r}")
        return {"string": json.dumps(body["json"], **style)}
    if "base64" in body:
        return {"string": base64.b64decode(body["base64"])}
    return {"string": body.get("string") or ""}


@dataclass
class CassetteSerializer:
    """vcrpy serializer that keeps cassettes readable and carries this tool's metadata."""

    metadata: dict[str, Any] = field(default_factory=dict)
    path: str = "<cassette>"

    def serialize(self, data: dict[str, Any]) -> str:
        out = {"version": data.get("version", 1), "metadata": {META_KEY: self.metadata}, "interactions": []}
        for interaction in data["interactions"]:
            # vcrpy's own interaction is left as it is: each side is a new mapping with a new body and headers.
            item = {**interaction, "request": dict(interaction["request"]), "response": dict(interaction["response"])}
            for side in ("request", "response"):
                body = item[side].get("body")
                if isinstance(body, dict) and isinstance(body.get("string"), str):
                    body = {**body, "string": body["string"].encode("utf-8")}
                item[side]["body"] = _body_out(body)
                # vcrpy keeps headers in no stable order; sorted, a re-recording diffs only where answers differ.
                headers = item[side].get("headers") or {}
                item[side]["headers"] = {k: headers[k] for k in sorted(headers, key=str.lower)}
            out["interactions"].append(item)
        return yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=120)

    def deserialize(self, text: str) -> dict[str, Any]:
        data = load_document(text, self.path)
        for index, interaction in enumerate(data["interactions"]):
            where = f"{self.path}: interaction {index}"
            interaction["request"]["body"] = _body_in(interaction["request"].get("body"), where)["string"]
            interaction["response"]["body"] = _body_in(interaction["response"].get("body"), where)
        return data


def load_document(text: str, path: str) -> dict[str, Any]:
    """Parse and shape-check a cassette file's text."""
    data = _parse(text, path)
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(f"{path}: not a cassette (no list of interactions)")
    meta = (data.get("metadata") or {}).get(META_KEY)
    if not isinstance(meta, dict):
        raise CassetteError(f"{path}: no {META_KEY} metadata (not recorded by bedrock-conformance)")
    if meta.get("format") != FORMAT:
        raise CassetteError(
            f"{path}: cassette format {meta.get('format')!r} is not supported (this tool reads {FORMAT})"
        )
    for index, interaction in enumerate(data["interactions"]):
        request = interaction.get("request") if isinstance(interaction, dict) else None
        response = interaction.get("response") if isinstance(interaction, dict) else None
        if not isinstance(request, dict) or not isinstance(response, dict) or "uri" not in request:
            raise CassetteError(f"{path}: interaction {index} is incomplete (needs request.uri and response)")
        status = response.get("status")
        if not isinstance(status, dict) or not isinstance(status.get("code"), int):
            raise CassetteError(f"{path}: interaction {index} has no response status code")
    return data


def _parse(text: str, path: str) -> Any:
    try:
        return pickle.loads(_parsed(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CassetteError(f"{path}: not valid YAML{where} ({getattr(exc, 'problem', None) or exc})") from None


# One process reads the same cassettes again and again (replay, lint and parity of one set; the pytest plugin's
# sessions; a recording that reopens its files): each distinct text is parsed once, and every read unpickles its
# own copy. A text that is no YAML raises every time (lru_cache keeps no exceptions).
@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> bytes:
    try:
        document = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        # The pure-Python loader words the error the same with or without libyaml.
        document = yaml.safe_load(text)
    return pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)


# ------------------------------------------------------------------------------------------------ accounts
@functools.lru_cache(maxsize=1)
def _account_digits() -> int:
    """How many digits an account id has: read from the account field of the ARN pattern in response.json."""
    arn = contract().response.members[contract().role("arn")].pattern
    field_ = re.search(r"\[0-9\]\{(\d+)\}", arn or "")
    if field_ is None:
        raise CassetteError("response.json's ARN pattern has no account field to scrub")
    return int(field_.group(1))


def account_pattern() -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9])[0-9]{{{_account_digits()}}}(?![0-9])")


def account_placeholder() -> str:
    """What --scrub-account writes instead of an account id: all ones, so ARNs keep their pattern."""
    return "1" * _account_digits()


def scrub_account(text: str) -> str:
    return account_pattern().sub(account_placeholder(), text)


# ------------------------------------------------------------------------------------------------ reading back
@dataclass
class Interaction:
    path: Path
    index: int
    exchange: Exchange
    meta: dict[str, Any]
    extra: dict[str, Any]

    @property
    def check(self) -> str | None:
        return self.exchange.request.headers.get(CHECK_HEADER)

    @property
    def where(self) -> str:
        r = self.exchange.request
        return f"{self.path}: interaction {self.index} ({r.method} {r.path})"


def _first(values: Any) -> str:
    return str(values[0]) if isinstance(values, list) and values else str(values)


def _label_of(uri: str) -> str | None:
    template = contract().page_operation.path
    prefix = template.split("{", 1)[0]
    path = urlsplit(uri).path
    if path.startswith(prefix) and len(path) > len(prefix) and "/" not in path[len(prefix) :]:
        return unquote(path[len(prefix) :])
    return None


def read_cassette(path: Path) -> list[Interaction]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CassetteError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise CassetteError(f"{path}: not UTF-8 text") from None
    data = CassetteSerializer(path=str(path)).deserialize(text)
    meta = data["metadata"][META_KEY]
    out = []
    for index, raw in enumerate(data["interactions"]):
        try:
            out.append(_interaction(path, index, raw, meta))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # A cassette's file parses, but this interaction's request or response cannot be read as one.
            raise CassetteError(f"{path}: interaction {index} is corrupt ({type(exc).__name__}: {exc})") from None
    if not out:
        raise CassetteError(f"{path}: holds no interactions")
    return out


def _interaction(path: Path, index: int, raw: dict[str, Any], meta: dict[str, Any]) -> Interaction:
    req, resp = raw["request"], raw["response"]
    headers = {k: _first(v) for k, v in (req.get("headers") or {}).items()}
    body = req.get("body") or b""
    request = Request(
        str(req.get("method", "GET")),
        str(req["uri"]),
        headers,
        body if isinstance(body, bytes) else str(body).encode("utf-8"),
        _label_of(str(req["uri"])),
        str(meta.get("region", "")),
    )
    rbody = resp["body"]["string"]
    response = Response(
        int(resp["status"]["code"]),
        {k: _first(v) for k, v in (resp.get("headers") or {}).items()},
        rbody if isinstance(rbody, bytes) else str(rbody).encode("utf-8"),
        str(resp["status"].get("message", "")),
    )
    urlsplit(request.url)  # a URL that cannot be split (an unclosed IPv6 bracket) is no request
    return Interaction(path, index, Exchange(request, response), meta, raw.get(META_KEY) or {})


def shipped_sets() -> dict[str, Path]:
    """The cassette sets this install ships (``mock``, ``published``), by name."""
    try:
        shipped = data_dir("cassettes")
    except SchemaError:
        return {}
    return {p.name: p for p in sorted(shipped.iterdir()) if p.is_dir() and any(p.glob("*.yaml"))}


def resolve_directory(spec: str) -> Path:
    """A cassette directory given by path, or a shipped set given by name (``mock``, ``published``)."""
    path = Path(spec)
    if path.is_dir():
        return path
    shipped = shipped_sets()
    if spec in shipped:
        return shipped[spec]
    raise CassetteError(
        f"{spec}: no such cassette directory, and no shipped set of that name (shipped: {', '.join(shipped) or 'none'})"
    )


def cassette_files(directory: Path, *, nested: bool = False) -> list[Path]:
    """The cassettes of one set, or with ``nested`` of every set under the directory."""
    if not directory.is_dir():
        raise CassetteError(f"{directory}: no such cassette directory")
    files = sorted(directory.rglob("*.yaml") if nested else directory.glob("*.yaml"))
    if not files:
        raise CassetteError(f"{directory}: no cassettes (*.yaml) in it or under it")
    return files


def read_directory(directory: Path, *, nested: bool = False) -> list[Interaction]:
    return [i for path in cassette_files(directory, nested=nested) for i in read_cassette(path)]
