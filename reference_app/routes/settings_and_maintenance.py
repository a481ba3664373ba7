"""Settings and maintenance: its own login (user ID, password, **OK**), the onsite Terms of
Service amendment, and the **Users** screen where administrators add and look after users.

Only roles that grant Settings-and-maintenance login get in, checked on every request.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import accounts, addresses, auth, new_passwords, onboarding, sessions, terms, throttle, tokens
from ..context import AppContext, context_of
from ..forms import Form, InvalidInput, read_form
from ..web import redirect, render
from .login import USER_ID_MAX_LENGTH, verified_user

FAILED_SIGN_IN = (
    "We could not log you in to Settings and maintenance. Check your user ID and password, "
    "and that your role gives you access."
)
NAME_MAX_LENGTH = 100


# Signing in and out


async def login_page(request: Request) -> Response:
    if auth.signed_in(request, "settings"):
        return redirect("/settings")
    notice = None
    if request.query_params.get("signed_out"):
        notice = "You have logged out of Settings and maintenance."
    elif request.query_params.get("declined"):
        notice = "You must accept the amendment to the Terms of Service to use Settings and maintenance."
    return render(request, "settings/login.html", notice=notice, user_id="")


async def sign_in(request: Request) -> Response:
    context = context_of(request)
    form = await read_form(request)
    user_id = form.text("user_id", "User ID", max_length=USER_ID_MAX_LENGTH)
    password = form.password("password")
    user = await verified_user(context, user_id, password)
    if user is None or not user.may_sign_in or not user.role.grants_settings_login:
        return render(request, "settings/login.html", status_code=400, error=FAILED_SIGN_IN, user_id=user_id)
    must_accept_terms = context.settings.profile == "onsite" and not _has_accepted_terms(context, user.id)
    response = redirect("/settings/terms" if must_accept_terms else "/settings")
    auth.start_session(
        context, request, response, user.id, "settings", "terms_pending" if must_accept_terms else "active"
    )
    return response


def _has_accepted_terms(context: AppContext, user_id: int) -> bool:
    with context.database.transaction() as db:
        return terms.has_accepted(db, user_id)


async def log_out(request: Request) -> Response:
    context = context_of(request)
    await read_form(request)
    response = redirect("/settings/login", signed_out="1")
    auth.end_session(context, request, response, "settings")
    return response


# The Terms of Service amendment (onsite)


async def terms_page(request: Request) -> Response:
    signed_in = auth.require(request, "settings", terms_accepted=False)
    if signed_in.session.state == "active" or auth.accepted_meanwhile(request, signed_in):
        return redirect("/settings")
    return render(request, "settings/terms.html", user=signed_in.user)


async def answer_terms(request: Request) -> Response:
    context = context_of(request)
    form = await read_form(request)
    signed_in = auth.require(request, "settings", terms_accepted=False)
    if form.flag("cancel"):
        response = redirect("/settings/login", declined="1")
        auth.end_session(context, request, response, "settings")
        return response
    if not form.flag("accept"):
        return render(
            request,
            "settings/terms.html",
            status_code=400,
            user=signed_in.user,
            error="Select Accept to agree to the amendment, then OK.",
        )
    with context.database.transaction() as db:
        terms.record_acceptance(db, signed_in.user.id, context.clock.now())
    # More rights now: a new session id, so a cookie seen before acceptance is worth nothing after it.
    response = redirect("/settings")
    auth.start_session(context, request, response, signed_in.user.id, "settings")
    return response


# The Users screen


def _settings_page(
    request: Request, admin: accounts.User, template: str, status_code: int = 200, **values: object
) -> Response:
    return render(request, template, status_code=status_code, admin=admin, **values)


async def home(request: Request) -> Response:
    signed_in = auth.require(request, "settings")
    return _settings_page(request, signed_in.user, "settings/home.html")


def _users_page(request: Request, admin: accounts.User, status_code: int = 200, **values: object) -> Response:
    context = context_of(request)
    with context.database.transaction() as db:
        users = accounts.list_users(db, admin.company_id)
    return _settings_page(request, admin, "settings/users.html", status_code, users=users, **values)


async def users(request: Request) -> Response:
    signed_in = auth.require(request, "settings")
    notice = {"added": "The user was added.", "updated": "The user was updated."}.get(
        request.query_params.get("done", "")
    )
    return _users_page(request, signed_in.user, notice=notice)


def _roles(context: AppContext) -> list[accounts.Role]:
    with context.database.transaction() as db:
        return accounts.list_roles(db)


async def new_user_page(request: Request) -> Response:
    admin = auth.require(request, "settings").user
    return _settings_page(request, admin, "settings/user_new.html", roles=_roles(context_of(request)), values={})


def _chosen_role(context: AppContext, form: Form) -> accounts.Role:
    role_id = form.text("role", "Role", max_length=10)
    role = next((role for role in _roles(context) if str(role.id) == role_id), None)
    if role is None:
        raise InvalidInput("Choose one of the listed roles.")
    return role


def _email(form: Form, required: bool) -> str | None:
    email = form.text("email", "Email address", max_length=254, required=required)
    if not email:
        return None
    try:
        return addresses.checked_email(email)
    except addresses.InvalidAddress as problem:
        raise InvalidInput(f"Enter a valid email address, such as name@example.com. {problem}") from None


async def create_user(request: Request) -> Response:
    context = context_of(request)
    form = await read_form(request)
    admin = auth.require(request, "settings").user
    online = context.settings.profile == "online"
    name = form.text("name", "Name", max_length=NAME_MAX_LENGTH)
    email = _email(form, required=online)
    username = None if online else form.text("username", "User name", max_length=64)
    role = _chosen_role(context, form)
    password = "" if online else form.password("password")
    values = {"name": name, "email": email or "", "username": username or "", "role": role.id}

    def refuse(message: str) -> Response:
        return _settings_page(
            request, admin, "settings/user_new.html", 400, roles=_roles(context), values=values, error=message
        )

    if not online and not password and not email:
        return refuse("Set a password for the user, or give an email address to send an activation email to.")
    password_hash = None
    if password:
        chosen = await new_passwords.choose(context, password, None, email=email, name=name, username=username)
        if not chosen.accepted:
            return refuse(" ".join(chosen.problems))
        password_hash = chosen.password_hash
    try:
        with context.database.transaction() as db:
            user = accounts.create_user(
                db,
                company_id=admin.company_id,
                name=name,
                email=email,
                username=username,
                role_id=role.id,
                status="active" if password_hash else "invited",
                password_hash=password_hash,
                now=context.clock.now(),
            )
    except accounts.AlreadyTaken as taken:
        return refuse(f"Another user already has this {taken.field}.")
    if user.status == "invited":
        try:
            await onboarding.send_activation_email(context, user)
        except onboarding.MailNotSent as problem:
            return _users_page(
                request,
                admin,
                status_code=502,
                error=f"{user.name} was added, but {_lowercase_first(str(problem))} "
                "Use Send welcome email again to retry.",
            )
    return redirect("/settings/users", done="added")


def _lowercase_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _managed_user(context: AppContext, admin: accounts.User, user_id: int) -> accounts.User:
    with context.database.transaction() as db:
        user = accounts.get_user(db, user_id)
    if user is None or user.company_id != admin.company_id:
        raise HTTPException(404)
    return user


async def send_welcome_again(request: Request) -> Response:
    context = context_of(request)
    await read_form(request)
    admin = auth.require(request, "settings").user
    user = _managed_user(context, admin, request.path_params["user_id"])
    if user.has_signed_in or user.status != "invited":
        return _users_page(request, admin, status_code=409, error=f"{user.name} has already activated the account.")
    try:
        await onboarding.send_activation_email(context, user)
    except onboarding.MailNotSent as problem:
        return _users_page(request, admin, status_code=502, error=str(problem))
    return _users_page(request, admin, notice=f"A new welcome email was sent to {user.email}.")


async def user_page(request: Request) -> Response:
    context = context_of(request)
    admin = auth.require(request, "settings").user
    user = _managed_user(context, admin, request.path_params["user_id"])
    return _settings_page(request, admin, "settings/user_edit.html", user=user, roles=_roles(context))


async def update_user(request: Request) -> Response:
    context = context_of(request)
    form = await read_form(request)
    admin = auth.require(request, "settings").user
    user = _managed_user(context, admin, request.path_params["user_id"])
    role = _chosen_role(context, form)
    if user.id == admin.id and not role.grants_settings_login:
        return _users_page(
            request, admin, status_code=409, error="You cannot take away your own access to Settings and maintenance."
        )
    with context.database.transaction() as db:
        accounts.set_role(db, user.id, role.id)
    return redirect("/settings/users", done="updated")


async def enable_user(request: Request) -> Response:
    return await _set_enabled(request, enable=True)


async def disable_user(request: Request) -> Response:
    """Disabling ends the user's sessions at once; any later request of theirs is refused too."""
    return await _set_enabled(request, enable=False)


async def _set_enabled(request: Request, enable: bool) -> Response:
    context = context_of(request)
    await read_form(request)
    admin = auth.require(request, "settings").user
    user = _managed_user(context, admin, request.path_params["user_id"])
    if user.id == admin.id and not enable:
        return _users_page(request, admin, status_code=409, error="You cannot disable your own user.")
    if user.status == "invited":
        return _users_page(request, admin, status_code=409, error=f"{user.name} has not activated the account yet.")
    with context.database.transaction() as db:
        accounts.set_status(db, user.id, "active" if enable else "disabled")
        if not enable:
            sessions.delete_all_for_user(db, user.id)
            tokens.revoke(db, user.id, "reset", context.clock.now())
    return redirect("/settings/users", done="updated")


async def password_page(request: Request) -> Response:
    context = context_of(request)
    admin = auth.require(request, "settings").user
    _require_onsite(context)
    user = _managed_user(context, admin, request.path_params["user_id"])
    return _settings_page(request, admin, "settings/user_password.html", user=user)


async def set_user_password(request: Request) -> Response:
    """Onsite, the administrator sets a new password; the user's existing sessions end."""
    context = context_of(request)
    form = await read_form(request)
    admin = auth.require(request, "settings").user
    _require_onsite(context)
    user = _managed_user(context, admin, request.path_params["user_id"])
    password = form.password("password")
    confirmation = form.password("confirm_password", "Confirm password")
    chosen = await new_passwords.choose_for(context, user, password, confirmation)
    if chosen.password_hash is None:  # refused by the policy
        return _settings_page(request, admin, "settings/user_password.html", 400, user=user, errors=chosen.problems)
    now = context.clock.now()
    with context.database.transaction() as db:
        accounts.set_password(db, user.id, chosen.password_hash, now)
        accounts.activate(db, user.id, now)
        tokens.revoke(db, user.id, "reset", now)
        sessions.delete_all_for_user(db, user.id)
        throttle.clear_failures(db, throttle.login_key(user.login_id(context.settings.profile)))
    return redirect("/settings/users", done="updated")


def _require_onsite(context: AppContext) -> None:
    if context.settings.profile != "onsite":
        raise HTTPException(404)


routes = [
    Route("/settings/login", login_page, methods=["GET"]),
    Route("/settings/login", sign_in, methods=["POST"]),
    Route("/settings/logout", log_out, methods=["POST"]),
    Route("/settings/terms", terms_page, methods=["GET"]),
    Route("/settings/terms", answer_terms, methods=["POST"]),
    Route("/settings", home, methods=["GET"]),
    Route("/settings/users", users, methods=["GET"]),
    Route("/settings/users", create_user, methods=["POST"]),
    Route("/settings/users/new", new_user_page, methods=["GET"]),
    Route("/settings/users/{user_id:int}", user_page, methods=["GET"]),
    Route("/settings/users/{user_id:int}", update_user, methods=["POST"]),
    Route("/settings/users/{user_id:int}/welcome-email", send_welcome_again, methods=["POST"]),
    Route("/settings/users/{user_id:int}/enable", enable_user, methods=["POST"]),
    Route("/settings/users/{user_id:int}/disable", disable_user, methods=["POST"]),
    Route("/settings/users/{user_id:int}/password", password_page, methods=["GET"]),
    Route("/settings/users/{user_id:int}/password", set_user_password, methods=["POST"]),
]
