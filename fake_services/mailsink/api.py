"""The JSON API: list, read, wait for and delete messages; control faults."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from typing import Any

from starlette.endpoints import HTTPEndpoint
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from fake_services.mailsink.faults import Fault, FaultPlan, FaultStage
from fake_services.mailsink.http_params import (
    FILTER_PARAMETERS,
    BadRequest,
    faults_of,
    flag,
    json_object,
    message_filter,
    query_values,
    store_of,
    wait_timeout,
)
from fake_services.mailsink.message import Message
from fake_services.mailsink.store import MailTimeout

# The HTML part is untrusted: sandboxed (no script, no same origin), no network but inline images.
HTML_PART_CSP = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
)
HTML_PART_HEADERS = {
    "Content-Security-Policy": HTML_PART_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_HEAD_TAG = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<html(?:\s[^>]*)?>", re.IGNORECASE)
FAULT_FIELDS = ("stage", "action", "code", "text", "recipient", "count", "seconds")


def api_routes() -> list[Route]:
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/messages", Messages),
        Route("/api/messages/{message_id}", get_message, methods=["GET"]),
        Route("/api/messages/{message_id}/raw", get_raw, methods=["GET"]),
        Route("/api/messages/{message_id}/html", get_html_part, methods=["GET"]),
        Route("/api/wait", wait_for_message, methods=["GET"]),
        Route("/api/mark", mark, methods=["GET"]),
        Route("/api/faults", Faults),
        Route("/api/faults/max-message-size", set_max_message_size, methods=["PUT"]),
    ]


async def healthz(request: Request) -> JSONResponse:
    query_values(request, allowed=())
    store = store_of(request)
    return JSONResponse({"status": "ok", "last_seq": store.mark(), "waiters": store.waiter_count})


class Messages(HTTPEndpoint):
    async def get(self, request: Request) -> JSONResponse:
        values = query_values(request, allowed=(*FILTER_PARAMETERS, "full"))
        criteria = message_filter(values)
        full = flag(values, "full")
        messages = store_of(request).messages(criteria.to, criteria.subject, criteria.since)
        return JSONResponse({"messages": [m.to_json() if full else m.summary_json() for m in messages]})

    async def delete(self, request: Request) -> JSONResponse:
        """Empty one recipient's mailbox (`?to=`), or the whole store."""
        values = query_values(request, allowed=("to",))
        return JSONResponse({"cleared": store_of(request).clear(to=values.get("to"))})


async def get_message(request: Request) -> JSONResponse:
    query_values(request, allowed=())
    return JSONResponse(_message(request).to_json())


async def get_raw(request: Request) -> Response:
    query_values(request, allowed=())
    message = _message(request)
    return Response(
        message.raw,
        media_type="message/rfc822",
        headers={"Content-Disposition": f'inline; filename="{message.id}.eml"'},
    )


async def get_html_part(request: Request) -> HTMLResponse:
    query_values(request, allowed=())
    message = _message(request)
    if message.html is None:
        raise HTTPException(404, f"message {message.id} has no HTML part")
    return HTMLResponse(_open_links_in_new_tabs(message.html), headers=HTML_PART_HEADERS)


async def wait_for_message(request: Request) -> Response:
    """Long-poll: answers as soon as a matching message is stored, or 408 after `timeout` seconds."""
    values = query_values(request, allowed=(*FILTER_PARAMETERS, "timeout"))
    criteria = message_filter(values)
    timeout = wait_timeout(values)
    waiting = store_of(request).wait_for_async(criteria.to, criteria.subject, criteria.since, timeout)
    try:
        message = await _unless_disconnected(request, waiting)
    except MailTimeout as error:
        return JSONResponse(
            {"error": "Request Timeout", "detail": str(error), "received": error.received_subjects},
            status_code=408,
        )
    if message is None:
        return Response(status_code=499)  # the client has gone: uvicorn sends nothing
    return JSONResponse(message.to_json())


async def mark(request: Request) -> JSONResponse:
    query_values(request, allowed=())
    return JSONResponse({"seq": store_of(request).mark()})


class Faults(HTTPEndpoint):
    async def get(self, request: Request) -> JSONResponse:
        query_values(request, allowed=())
        return JSONResponse(_faults_json(faults_of(request)))

    async def post(self, request: Request) -> JSONResponse:
        query_values(request, allowed=())
        data = await json_object(request, allowed=FAULT_FIELDS)
        try:
            fault = _add_fault(faults_of(request), data)
        except ValueError as error:
            raise BadRequest(str(error)) from None
        return JSONResponse(fault.to_json(), status_code=201)

    async def delete(self, request: Request) -> JSONResponse:
        """Forget pending faults and restore the size limit the sink started with."""
        query_values(request, allowed=())
        faults = faults_of(request)
        faults.clear()
        return JSONResponse(_faults_json(faults))


async def set_max_message_size(request: Request) -> JSONResponse:
    query_values(request, allowed=())
    data = await json_object(request, allowed=("max_message_size",))
    if "max_message_size" not in data:
        raise BadRequest("give 'max_message_size': a number of bytes, or null for no limit")
    faults = faults_of(request)
    try:
        faults.max_message_size = data["max_message_size"]
    except ValueError as error:
        raise BadRequest(str(error)) from None
    return JSONResponse(_faults_json(faults))


def _message(request: Request) -> Message:
    message_id = request.path_params["message_id"]
    message = store_of(request).get(message_id)
    if message is None:
        raise HTTPException(404, f"no message with id {message_id!r}")
    return message


def _stage_value(value: object) -> FaultStage | str:
    """A JSON stage for FaultPlan, which checks it; anything else (missing too) refused with FaultPlan's message."""
    if isinstance(value, (FaultStage, str)):
        return value
    raise ValueError(f"stage must be 'rcpt' or 'data', not {value!r}")


def _add_fault(faults: FaultPlan, data: dict[str, Any]) -> Fault:
    action = data.get("action", "reject")
    stage, recipient, count = data.get("stage"), data.get("recipient"), data.get("count", 1)
    if action == "reject":
        if "code" not in data or "text" not in data:
            raise ValueError("a 'reject' fault needs 'code' and 'text'")
        return faults.fail_next(_stage_value(stage), data["code"], data["text"], recipient, count)
    if action == "drop":
        if "code" in data or "text" in data:
            raise ValueError("a 'drop' fault closes the connection without a reply: no 'code' or 'text'")
        return faults.drop_next(_stage_value(stage), recipient, count)
    if action == "delay":
        if "code" in data or "text" in data or "seconds" not in data:
            raise ValueError("a 'delay' fault accepts after 'seconds': no 'code' or 'text'")
        return faults.delay_next(_stage_value(stage), data["seconds"], recipient, count)
    raise ValueError(f"'action' must be 'reject', 'drop' or 'delay', not {action!r}")


def _faults_json(faults: FaultPlan) -> dict[str, Any]:
    return {
        "faults": [fault.to_json() for fault in faults.pending()],
        "max_message_size": faults.max_message_size,
    }


def _open_links_in_new_tabs(html: str) -> str:
    # Shown in a sandboxed iframe, a link would otherwise open inside the frame.
    base = '<base target="_blank">'
    tag = _HEAD_TAG.search(html) or _HTML_TAG.search(html)
    if tag is None:
        return base + html
    return html[: tag.end()] + base + html[tag.end() :]


async def _unless_disconnected(request: Request, waiting: Coroutine[Any, Any, Message]) -> Message | None:
    """Run `waiting`, abandoning it (so its waiter is removed) if the client disconnects first."""
    wait_task = asyncio.ensure_future(waiting)
    disconnect_task = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({wait_task, disconnect_task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        disconnect_task.cancel()
        if not wait_task.done():
            wait_task.cancel()
    return wait_task.result() if wait_task.done() else None


async def _disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
