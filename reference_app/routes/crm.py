"""The CRM main screen: who is signed in, the navigator, the main and Personal settings menus."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import accounts, auth
from ..context import context_of
from ..web import redirect, render

NAVIGATOR = (
    ("dashboard", "Dashboard"),
    ("companies", "Company"),
    ("contacts", "Contact"),
    ("sales", "Sale"),
    ("projects", "Project"),
    ("diary", "Diary"),
)
PERSONAL_PAGES = (("preferences", "Preferences"), ("about", "About"))


def render_crm_page(
    request: Request, signed_in: auth.SignedIn, template: str, status_code: int = 200, **values: object
) -> Response:
    context = context_of(request)
    with context.database.transaction() as db:
        company = accounts.get_company(db, signed_in.user.company_id)
    return render(
        request,
        template,
        status_code=status_code,
        user=signed_in.user,
        user_id=signed_in.user.login_id(context.settings.profile),
        company=company,
        navigator=NAVIGATOR,
        **values,
    )


async def home(request: Request) -> Response:
    return redirect("/crm" if auth.signed_in(request, "crm") else "/login")


async def main_screen(request: Request) -> Response:
    signed_in = auth.require(request, "crm")
    return render_crm_page(request, signed_in, "crm/main.html", area="Dashboard")


async def area(request: Request) -> Response:
    signed_in = auth.require(request, "crm")
    titles = dict(NAVIGATOR + PERSONAL_PAGES)
    name = request.path_params["area"]
    if name not in titles:
        raise HTTPException(404)
    return render_crm_page(request, signed_in, "crm/main.html", area=titles[name])


routes = [
    Route("/", home, methods=["GET"]),
    Route("/crm", main_screen, methods=["GET"]),
    Route("/crm/{area:str}", area, methods=["GET"]),
]
