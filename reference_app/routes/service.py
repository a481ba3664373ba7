"""Service: reached from the navigator, with its own **Log in**, dashboard and log out.

A Service session is its own session (own cookie, own row), started from a CRM
session; several browsers can hold one each for the same user, and logging out
of one leaves the others alone.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import auth
from ..context import context_of
from ..forms import read_form
from ..web import redirect, render
from .crm import render_crm_page


async def landing(request: Request) -> Response:
    crm = auth.signed_in(request, "crm")
    if crm is None:
        return redirect("/login", next="/service")
    if auth.signed_in(request, "service"):
        return redirect("/service/dashboard")
    signed_out = bool(request.query_params.get("signed_out"))
    return render_crm_page(request, crm, "service/landing.html", area="Service", signed_out=signed_out)


async def log_in(request: Request) -> Response:
    context = context_of(request)
    await read_form(request)
    crm = auth.require(request, "crm")
    response = redirect("/service/dashboard")
    auth.start_session(context, request, response, crm.user.id, "service", parent=crm.session)
    return response


async def dashboard(request: Request) -> Response:
    service = auth.require(request, "service")
    return render(request, "service/dashboard.html", user=service.user)


async def log_out(request: Request) -> Response:
    context = context_of(request)
    await read_form(request)
    response = redirect("/service", signed_out="1")
    auth.end_session(context, request, response, "service")
    return response


routes = [
    Route("/service", landing, methods=["GET"]),
    Route("/service/login", log_in, methods=["POST"]),
    Route("/service/dashboard", dashboard, methods=["GET"]),
    Route("/service/logout", log_out, methods=["POST"]),
]
