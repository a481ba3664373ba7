"""Help for people who cannot get in: the login FAQ and how to reach support."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..web import render


async def login_help(request: Request) -> Response:
    return render(request, "help/login.html")


async def support(request: Request) -> Response:
    return render(request, "help/support.html")


routes = [
    Route("/help/login", login_help, methods=["GET"]),
    Route("/help/support", support, methods=["GET"]),
]
