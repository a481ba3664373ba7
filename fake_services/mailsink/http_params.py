"""Reading requests strictly (anything malformed is a clear 4xx, never a 500), and the app's shared state."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from fake_services.mailsink.faults import MAX_ADDRESS_LENGTH, FaultPlan
from fake_services.mailsink.filters import MessageFilter, SubjectMatcher
from fake_services.mailsink.store import MessageStore

MAX_QUERY_VALUE_LENGTH = 1000
MAX_JSON_BODY_BYTES = 16 * 1024
MAX_WAIT_SECONDS = 300.0
DEFAULT_WAIT_SECONDS = 10.0
FILTER_PARAMETERS = ("to", "subject", "subject_re", "since")


class BadRequest(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(status_code=400, detail=detail)


def store_of(request: Request) -> MessageStore:
    store: MessageStore = request.app.state.store
    return store


def faults_of(request: Request) -> FaultPlan:
    faults: FaultPlan = request.app.state.faults
    return faults


def query_values(request: Request, allowed: Collection[str]) -> dict[str, str]:
    """The query parameters, each given at most once and within length."""
    params = request.query_params
    unknown = sorted(set(params.keys()) - set(allowed))
    if unknown:
        raise BadRequest(
            f"unknown query parameter(s): {', '.join(unknown)}; this route takes: {', '.join(allowed) or 'none'}"
        )
    values: dict[str, str] = {}
    for name in params:
        given = params.getlist(name)
        if len(given) > 1:
            raise BadRequest(f"query parameter {name!r} is given {len(given)} times; give it once")
        if len(given[0]) > MAX_QUERY_VALUE_LENGTH:
            raise BadRequest(f"query parameter {name!r} is longer than {MAX_QUERY_VALUE_LENGTH} characters")
        values[name] = given[0]
    return values


def message_filter(values: dict[str, str]) -> MessageFilter:
    to = values.get("to")
    if to is not None and len(to) > MAX_ADDRESS_LENGTH:
        raise BadRequest(f"'to' is longer than {MAX_ADDRESS_LENGTH} characters")
    subject, since = _subject_matcher(values), _since(values)
    try:
        return MessageFilter(to=to, subject=subject, since=since)
    except ValueError as error:
        raise BadRequest(str(error)) from None


def wait_timeout(values: dict[str, str]) -> float:
    text = values.get("timeout")
    if text is None:
        return DEFAULT_WAIT_SECONDS
    try:
        timeout = float(text)
    except ValueError:
        raise BadRequest(f"'timeout' must be a number of seconds, not {text!r}") from None
    if not math.isfinite(timeout) or not 0 <= timeout <= MAX_WAIT_SECONDS:
        raise BadRequest(f"'timeout' must be from 0 to {MAX_WAIT_SECONDS:g} seconds, not {text!r}")
    return timeout


def flag(values: dict[str, str], name: str) -> bool:
    text = values.get(name, "false").lower()
    if text not in ("true", "false", "1", "0"):
        raise BadRequest(f"{name!r} must be true or false, not {text!r}")
    return text in ("true", "1")


async def json_object(request: Request, allowed: Collection[str]) -> dict[str, Any]:
    """The request body as a JSON object with no keys but `allowed`."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON_BODY_BYTES:
            raise HTTPException(413, f"the body is larger than {MAX_JSON_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise BadRequest("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    return data


def _subject_matcher(values: dict[str, str]) -> SubjectMatcher | None:
    subject, pattern = values.get("subject"), values.get("subject_re")
    if subject is not None and pattern is not None:
        raise BadRequest("give 'subject' or 'subject_re', not both")
    if pattern is None:
        return subject
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        raise BadRequest(f"'subject_re' is not a valid regular expression: {error}") from None


def _since(values: dict[str, str]) -> int | None:
    text = values.get("since")
    if text is None:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise BadRequest(f"'since' must be a sequence number (a non-negative integer), not {text!r}")
    return int(text)
