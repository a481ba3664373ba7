"""Reading what browsers post: strictly, with limits, and with the CSRF check built in.

Every POST handler reads its input through `read_form` (or `read_json`), so none
can forget the CSRF check. Anything malformed raises `InvalidInput`, which the app
turns into a clear 4xx page before any state changes.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from . import csrf
from .context import context_of
from .passwords import MAX_LENGTH as MAX_PASSWORD_LENGTH
from .passwords import has_control_characters

MAX_FIELDS = 50


class InvalidInput(Exception):
    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class CsrfRejected(Exception):
    pass


class Form:
    def __init__(self, fields: dict[str, str]) -> None:
        self._fields = fields

    def text(self, name: str, label: str, *, max_length: int = 200, required: bool = True) -> str:
        """A one-line text value, trimmed; refused if too long or carrying control characters."""
        value = self._fields.get(name, "").strip()
        if required and not value:
            raise InvalidInput(f"{label} is required.")
        if len(value) > max_length:
            raise InvalidInput(f"{label} is too long: use at most {max_length} characters.")
        if has_control_characters(value):
            raise InvalidInput(f"{label} contains control characters, which are not allowed.")
        return value

    def password(self, name: str, label: str = "Password") -> str:
        """A password exactly as typed: never trimmed, never case-folded."""
        value = self._fields.get(name, "")
        if len(value) > MAX_PASSWORD_LENGTH:
            raise InvalidInput(f"{label} is too long: use at most {MAX_PASSWORD_LENGTH} characters.")
        if has_control_characters(value):
            raise InvalidInput(f"{label} contains control characters, which are not allowed.")
        return value

    def flag(self, name: str) -> bool:
        return name in self._fields

    def raw(self, name: str) -> str:
        return self._fields.get(name, "")


def _require_csrf(request: Request, submitted: str) -> None:
    if not csrf.is_valid(request, context_of(request).settings, submitted):
        raise CsrfRejected()


async def read_form(request: Request) -> Form:
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise InvalidInput("This address accepts only form submissions from its own pages.", 415)
    body = await request.body()
    try:
        pairs = parse_qsl(
            body.decode("ascii"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("The form could not be read: it was not well-formed UTF-8 form data.") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise InvalidInput("The form could not be read: a field was sent twice.")
        fields[name] = value
    _require_csrf(request, fields.pop(csrf.FIELD_NAME, ""))
    return Form(fields)


async def read_json(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type != "application/json":
        raise InvalidInput("Send JSON.", 415)
    _require_csrf(request, request.headers.get(csrf.HEADER_NAME, ""))
    try:
        document = json.loads(await request.body())
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise InvalidInput("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise InvalidInput("The request body must be a JSON object.")
    return document
