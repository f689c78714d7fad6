"""Drives boto3 or aiobotocore for the SDK suites: JSON requests on stdin, JSON answers on stdout, one per line.

Run by the suites under the SDK's own interpreter (``python _pyadapter.py boto3|aiobotocore``), which may not
have bedrock_conformance installed: this file imports nothing from it. The protocol is described in
``_adapter.py``; ``js/adapter.mjs`` speaks the same one.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import importlib.metadata
import inspect
import json
import platform
import sys
import traceback
from typing import Any

import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

# The protocol owns stdout: anything a library prints goes to stderr instead.
_OUT = sys.stdout
sys.stdout = sys.stderr


def plain(value: Any) -> Any:
    """SDK values as JSON: timestamps keep their ISO form and say whether they carry a zone."""
    if isinstance(value, datetime.datetime):
        aware = value.tzinfo is not None and value.utcoffset() is not None
        return {"$timestamp": value.isoformat(), "aware": aware}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if hasattr(value, "read"):
        return {"$stream": True}
    return value


def retries_config(retry: dict[str, Any] | None) -> dict[str, Any] | None:
    if not retry:
        return None
    out: dict[str, Any] = {}
    if retry.get("mode"):
        out["mode"] = retry["mode"]
    if retry.get("maxAttempts"):
        out["total_max_attempts"] = retry["maxAttempts"]
    return out


class State:
    """What the call in progress adds to each request, and the backoff delays the SDK asked for."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.delays: list[float] = []

    def add_headers(self, request: Any, **_: Any) -> None:
        for name, value in self.headers.items():
            request.headers[name] = value

    def record(self, delay: Any) -> Any:
        # None or False: no retry. A number: retry after that many seconds, which we note and skip.
        if delay is None or delay is False:
            return delay
        self.delays.append(float(delay))
        return 0


def instant_retries(client: Any, state: State, is_async: bool) -> bool:
    """Wrap the SDK's own retry handler so that it retries at once; its decisions and attempt counts are untouched."""
    service = client.meta.service_model.service_id.hyphenize()
    event, unique_id = f"needs-retry.{service}", f"retry-config-{service}"
    emitter = getattr(client.meta.events, "_emitter", client.meta.events)
    entry = getattr(emitter, "_unique_id_handlers", {}).get(unique_id)
    if not entry:
        return False
    handler = entry["handler"]
    client.meta.events.unregister(event, unique_id=unique_id)
    if is_async:

        async def wrapper(**kwargs: Any) -> Any:
            delay = handler(**kwargs)
            if inspect.isawaitable(delay):
                delay = await delay
            return state.record(delay)

        client.meta.events.register(event, wrapper, unique_id=unique_id)
    else:
        client.meta.events.register(event, lambda **kwargs: state.record(handler(**kwargs)), unique_id=unique_id)
    return True


def describe_error(exc: BaseException, client: Any, expect: str | None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "class": type(exc).__name__,
        "code": None,
        "message": str(exc),
        "status": None,
        "service": False,
        "modelled": False,
    }
    if isinstance(exc, ClientError):
        details = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        expected = getattr(client.exceptions, expect, None) if expect else None
        error.update(
            code=details.get("Code"),
            message=details.get("Message"),
            status=meta.get("HTTPStatusCode"),
            service=True,
            modelled=isinstance(expected, type) and isinstance(exc, expected),
        )
    return error


def attempts_of(response: dict[str, Any]) -> int | None:
    retries = response.get("ResponseMetadata", {}).get("RetryAttempts")
    return None if retries is None else int(retries) + 1


def answer_output(output: dict[str, Any], state: State, base: dict[str, Any]) -> dict[str, Any]:
    attempts = attempts_of(output)
    members = {k: v for k, v in output.items() if k != "ResponseMetadata"}
    return {**base, "kind": "output", "output": plain(members), "attempts": attempts, "delays": state.delays}


def pagination_config(request: dict[str, Any]) -> dict[str, Any]:
    return {"PageSize": request["pageSize"]} if request.get("pageSize") else {}


def answer_pages(pages: list[dict[str, Any]], state: State, base: dict[str, Any]) -> dict[str, Any]:
    output = [plain({k: v for k, v in page.items() if k != "ResponseMetadata"}) for page in pages]
    return {**base, "kind": "output", "output": output, "attempts": None, "delays": state.delays}


def answer_error(exc: BaseException, client: Any, request: dict[str, Any], state: State, base: dict[str, Any]) -> Any:
    attempts = attempts_of(exc.response) if isinstance(exc, ClientError) else None
    error = describe_error(exc, client, request.get("expect"))
    return {**base, "kind": "error", "error": error, "attempts": attempts, "delays": state.delays}


def client_kwargs(request: dict[str, Any]) -> dict[str, Any]:
    retries = retries_config(request.get("retry"))
    return {
        "region_name": request["region"],
        "endpoint_url": request["endpoint"],
        "aws_access_key_id": request["credentials"][0],
        "aws_secret_access_key": request["credentials"][1],
        "config": Config(retries=retries) if retries else None,
    }


def client_key(request: dict[str, Any]) -> str:
    return json.dumps([request["service"], request["endpoint"], request["region"], request.get("retry")])


def hello(sdk: str, request: dict[str, Any]) -> dict[str, Any]:
    distribution = request.get("distribution") or sdk
    return {
        "sdk": sdk,
        "version": importlib.metadata.version(distribution),
        "core": f"botocore {botocore.__version__}",
        "runtime": f"{platform.python_implementation()} {platform.python_version()}",
    }


def prepare(client: Any, state: State, *, is_async: bool) -> dict[str, Any]:
    """Hook the test headers into signing and note the retry setup; the same for botocore and aiobotocore clients."""
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(f"before-sign.{service}", state.add_headers)
    return {
        "retryMode": (client.meta.config.retries or {}).get("mode"),
        "instantRetries": instant_retries(client, state, is_async=is_async),
    }


class Boto3:
    def __init__(self) -> None:
        import boto3

        self.session = boto3.session.Session()
        self.clients: dict[str, tuple[Any, dict[str, Any]]] = {}
        self.state = State()

    def client(self, request: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        key = client_key(request)
        if key not in self.clients:
            client = self.session.client(request["service"], **client_kwargs(request))
            self.clients[key] = (client, prepare(client, self.state, is_async=False))
        return self.clients[key]

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        client, base = self.client(request)
        self.state.headers, self.state.delays = dict(request.get("headers") or {}), []
        method = getattr(client, botocore.xform_name(request["operation"]))
        try:
            return answer_output(method(**request["params"]), self.state, base)
        except Exception as exc:
            return answer_error(exc, client, request, self.state, base)

    def paginate(self, request: dict[str, Any]) -> dict[str, Any]:
        client, base = self.client(request)
        self.state.headers, self.state.delays = dict(request.get("headers") or {}), []
        paginator = client.get_paginator(botocore.xform_name(request["operation"]))
        try:
            pages = paginator.paginate(**request["params"], PaginationConfig=pagination_config(request))
            return answer_pages(list(pages), self.state, base)
        except Exception as exc:
            return answer_error(exc, client, request, self.state, base)


class AioBotocore:
    def __init__(self, stack: contextlib.AsyncExitStack) -> None:
        from aiobotocore.session import get_session

        self.session = get_session()
        self.stack = stack
        self.clients: dict[str, tuple[Any, dict[str, Any]]] = {}
        self.state = State()

    async def client(self, request: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        key = client_key(request)
        if key not in self.clients:
            context = self.session.create_client(request["service"], **client_kwargs(request))
            client = await self.stack.enter_async_context(context)
            self.clients[key] = (client, prepare(client, self.state, is_async=True))
        return self.clients[key]

    async def call(self, request: dict[str, Any]) -> dict[str, Any]:
        client, base = await self.client(request)
        self.state.headers, self.state.delays = dict(request.get("headers") or {}), []
        method = getattr(client, botocore.xform_name(request["operation"]))
        try:
            return answer_output(await method(**request["params"]), self.state, base)
        except Exception as exc:
            return answer_error(exc, client, request, self.state, base)

    async def paginate(self, request: dict[str, Any]) -> dict[str, Any]:
        client, base = await self.client(request)
        self.state.headers, self.state.delays = dict(request.get("headers") or {}), []
        paginator = client.get_paginator(botocore.xform_name(request["operation"]))
        try:
            pages = [
                page
                async for page in paginator.paginate(**request["params"], PaginationConfig=pagination_config(request))
            ]
            return answer_pages(pages, self.state, base)
        except Exception as exc:
            return answer_error(exc, client, request, self.state, base)


def reply(answer: dict[str, Any]) -> None:
    _OUT.write(json.dumps(answer, default=str) + "\n")
    _OUT.flush()


def crash(request_id: Any) -> dict[str, Any]:
    return {"id": request_id, "kind": "crash", "crash": traceback.format_exc()}


def serve_boto3() -> None:
    driver = Boto3()
    for line in sys.stdin:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            if request["op"] == "hello":
                answer = hello("boto3", request)
            else:
                answer = driver.paginate(request) if request["op"] == "paginate" else driver.call(request)
            reply({"id": request_id, **answer})
        except Exception:
            reply(crash(request_id))


async def serve_aiobotocore() -> None:
    loop = asyncio.get_running_loop()
    async with contextlib.AsyncExitStack() as stack:
        driver = AioBotocore(stack)
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            if not line.strip():
                continue
            request_id = None
            try:
                request = json.loads(line)
                request_id = request.get("id")
                if request["op"] == "hello":
                    answer = hello("aiobotocore", request)
                elif request["op"] == "paginate":
                    answer = await driver.paginate(request)
                else:
                    answer = await driver.call(request)
                reply({"id": request_id, **answer})
            except Exception:
                reply(crash(request_id))


def main() -> None:
    sdk = sys.argv[1] if len(sys.argv) > 1 else "boto3"
    if sdk == "aiobotocore":
        asyncio.run(serve_aiobotocore())
    else:
        serve_boto3()


if __name__ == "__main__":
    main()
