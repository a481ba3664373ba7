"""Steps of features/security/sign_in.feature."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, Response
from pytest_bdd import parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .pages.login import LoginPage
from .pages.settings import SettingsLoginPage

scenarios("security/sign_in.feature")


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    cookie_names: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Timing:
    known: bool
    """Whether the user ID belongs to an account."""
    ms: float


@pytest.fixture
def failed_answers() -> dict[str, Answer]:
    """What the target answered to each kind of failed sign-in."""
    return {}


@pytest.fixture
def timings() -> list[Timing]:
    return []


def _answer(response: Response, refusal: Locator) -> Answer:
    """What a failed sign-in told the browser: status, redirect, the cookies it set, and the refusal's text."""
    headers = response.all_headers()
    cookies = sorted(line.split("=", 1)[0] for line in headers.get("set-cookie", "").splitlines() if line)
    return Answer(response.status, headers.get("location", ""), tuple(cookies), refusal.inner_text())


def _answer_to_sign_in(page: Page, target: Target, user_id: str, password: str) -> Response:
    """Sign in on a fresh login screen; the target's answer to the password (after any Next)."""
    login = LoginPage(page, target).open()
    login.enter_user_id(user_id)
    login.password.fill(password)
    with page.expect_response(
        lambda response: response.url.startswith(target.base_url) and response.request.resource_type == "document"
    ) as answer:
        login.log_in_button.click()
    return answer.value


@when("sign-ins fail for a wrong password, an unknown user ID, a user who has not activated, and a disabled user")
def four_failures(cast: Cast, target: Target, failed_answers: dict[str, Answer]) -> None:
    stranger = cast.people.person()
    attempts = {
        "wrong password": (cast.user_id("Ann"), cast.people.passphrase()),
        "unknown user": (stranger.user_id(target.profile), stranger.password),
        "not activated": (cast.user_id("Ben"), cast.person("Ben").person.password),
        "disabled": (cast.user_id("Cid"), cast.person("Cid").person.password),
    }
    for case, (user_id, password) in attempts.items():
        page = cast.browser("Ann", case)
        response = _answer_to_sign_in(page, target, user_id, password)
        login = LoginPage(page, target)
        login.expect_shown()
        failed_answers[case] = _answer(response, login.refusal)


@when("Settings and maintenance sign-ins fail for a wrong password, an unknown user ID, and a role without access")
def three_settings_failures(cast: Cast, target: Target, failed_answers: dict[str, Answer]) -> None:
    stranger = cast.people.person()
    attempts = {
        "wrong password": (cast.user_id("Ada"), cast.people.passphrase()),
        "unknown user": (stranger.user_id(target.profile), stranger.password),
        "role without access": (cast.user_id("Ann"), cast.person("Ann").person.password),
    }
    for case, (user_id, password) in attempts.items():
        page = cast.browser("Ada", case)
        login = SettingsLoginPage(page, target).open()
        with page.expect_response(
            lambda response: response.url.startswith(target.base_url) and response.request.resource_type == "document"
        ) as answer:
            login.sign_in(user_id, password)
        login.expect_shown()
        failed_answers[case] = _answer(answer.value, login.refusal)


@then(parsers.re(r"the (?:three|four) answers have the same text, status, cookies and redirect"))
def answers_alike(failed_answers: dict[str, Answer]) -> None:
    distinct = set(failed_answers.values())
    assert len(distinct) == 1, failed_answers


def _server_time(response: Response) -> float:
    """Milliseconds from the request's sending to the answer's first byte, as the browser measured them."""
    timing = response.request.timing
    return timing["responseStart"] - timing["requestStart"]


# When the first answers cannot tell, up to this many times as many are timed before the verdict.
MOST_ANSWERS_FACTOR = 3


def _unlocked_attempts(target: Target) -> int:
    """Wrong passwords an account takes before the lockout: a locked account's refusal may come before any
    hashing (SEC-9 allows it), so only these tell what a refusal for a real account costs."""
    return max(1, int(target.contract.number("lockout_attempts")) - 1)


def _time_failures(cast: Cast, target: Target, timings: list[Timing], name: str) -> None:
    """One wrong password for `name`'s account and one for a user ID nobody has, in `name`'s browser."""
    page = cast.browser(name, "timing")
    response = _answer_to_sign_in(page, target, cast.user_id(name), cast.people.passphrase())
    timings.append(Timing(known=True, ms=_server_time(response)))
    stranger = cast.people.person().user_id(target.profile)
    response = _answer_to_sign_in(page, target, stranger, cast.people.passphrase())
    timings.append(Timing(known=False, ms=_server_time(response)))


def _by_kind(timings: list[Timing]) -> tuple[list[float], list[float]]:
    """Milliseconds for real accounts, then for unknown user IDs."""
    return [timing.ms for timing in timings if timing.known], [timing.ms for timing in timings if not timing.known]


def _alike(timings: list[Timing]) -> bool:
    """The quickest answers of each kind: a busy machine only ever adds time, so they show the work done.
    A missing dummy hash shows as unknown IDs answering several times faster."""
    known, unknown = _by_kind(timings)
    return min(unknown) > 0.5 * min(known)


@when(
    parsers.parse(
        "wrong passwords are tried for {name:w}, one fewer time than would lock {pronoun:w} out,"
        " and as many times for user IDs nobody has"
    )
)
def timed_failures(cast: Cast, target: Target, timings: list[Timing], name: str, pronoun: str) -> None:
    for _ in range(_unlocked_attempts(target)):
        _time_failures(cast, target, timings, name)


@then("the answers for unknown user IDs take about as long as those for real accounts")
def timings_alike(cast: Cast, target: Target, timings: list[Timing]) -> None:
    """On a loaded machine every one of the first few answers of one kind can be slowed, so that its quickest
    is not the work done; then more answers are timed, up to MOST_ANSWERS_FACTOR times as many, each new
    active user taking as many wrong passwords as the first one did, until the quickest ones agree. More
    answers only bring each kind's quickest closer to its work, so a target whose unknown IDs skip the hash
    stays unlike however many are timed."""
    most = MOST_ANSWERS_FACTOR * len(timings)
    while not _alike(timings) and len(timings) < most:
        extra = f"Timed account {len(timings)}"
        cast.provision(extra)
        for _ in range(_unlocked_attempts(target)):
            _time_failures(cast, target, timings, extra)
    assert _alike(timings), _by_kind(timings)
