"""Steps of features/security/sign_in.feature."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from pytest_bdd import parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .pages.login import LoginPage

scenarios("security/sign_in.feature")

# Posts the password's form again and again from the page itself, timing each answer in the browser.
TIMED_ATTEMPTS = """
async (password, {attempts, userIdField}) => {
  const form = password.form;
  const timings = [];
  for (const attempt of attempts) {
    const fields = new FormData(form);
    fields.set(userIdField, attempt.userId);
    fields.set(password.name, attempt.password);
    const started = performance.now();
    const answer = await fetch(form.action, {
      method: "POST", body: new URLSearchParams(fields), headers: attempt.headers || {}, credentials: "same-origin",
    });
    await answer.text();
    timings.push({userId: attempt.userId, status: answer.status, ms: performance.now() - started});
  }
  return timings;
}
"""


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    cookie_names: tuple[str, ...]
    text: str


@when("sign-ins fail for a wrong password, an unknown user ID, a user who has not activated, and a disabled user")
def four_failures(cast: Cast, target: Target) -> None:
    stranger = cast.people.person()
    attempts = {
        "wrong password": (cast.user_id("Ann"), cast.people.passphrase()),
        "unknown user": (stranger.user_id(target.profile), stranger.password),
        "not activated": (cast.user_id("Ben"), cast.person("Ben").person.password),
        "disabled": (cast.user_id("Cid"), cast.person("Cid").person.password),
    }
    cast.answers = {}
    for case, (user_id, password) in attempts.items():
        page = cast.browser("Ann", case)
        login = LoginPage(page, target.login_url).open()
        login.enter_user_id(user_id)
        login.password.fill(password)
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            login.log_in_button.click()
        response = answer.value
        headers = response.all_headers()
        cookies = sorted(line.split("=", 1)[0] for line in headers.get("set-cookie", "").splitlines() if line)
        login.expect_shown()
        cast.answers[case] = Answer(
            response.status, headers.get("location", ""), tuple(cookies), login.refusal.inner_text()
        )


@then("the four answers have the same text, status, cookies and redirect")
def answers_alike(cast: Cast) -> None:
    distinct = set(cast.answers.values())
    assert len(distinct) == 1, cast.answers


def _timed(cast: Cast, target: Target, attempts: list[dict]) -> list[dict]:
    page = cast.browser("Ann", "timing")
    login = LoginPage(page, target.login_url).open()
    login.enter_user_id(cast.user_id("Ann"))
    # The fields are found as a person finds them (by label); only their form's own names go to the script.
    user_id_field = login.user_id.get_attribute("name")
    return login.password.evaluate(TIMED_ATTEMPTS, {"attempts": attempts, "userIdField": user_id_field})


@when(
    parsers.parse("wrong passwords are tried {count:d} times for {name:w} and {count2:d} times for user IDs nobody has")
)
def timed_failures(cast: Cast, target: Target, count: int, name: str, count2: int) -> None:
    attempts = []
    for _ in range(max(count, count2)):
        attempts.append({"userId": cast.user_id(name), "password": cast.people.passphrase()})
        attempts.append({"userId": cast.people.person().user_id(target.profile), "password": cast.people.passphrase()})
    cast.timings = _timed(cast, target, attempts)


@then("the answers for unknown user IDs take about as long as those for Ann")
def timings_alike(cast: Cast) -> None:
    known_id = cast.user_id("Ann")
    known = [timing["ms"] for timing in cast.timings if timing["userId"] == known_id]
    unknown = [timing["ms"] for timing in cast.timings if timing["userId"] != known_id]
    # A missing dummy hash shows as unknown IDs answering many times faster; noise stays well inside this.
    assert statistics.median(unknown) > 0.5 * statistics.median(known), (known, unknown)


@when(
    parsers.parse("{count:d} wrong passwords are tried for {name:w}, each claiming a different X-Forwarded-For address")
)
def guesses_with_spoofed_addresses(cast: Cast, target: Target, count: int, name: str) -> None:
    attempts = [
        {
            "userId": cast.user_id(name),
            "password": cast.people.passphrase(),
            "headers": {"X-Forwarded-For": f"203.0.113.{number + 1}"},
        }
        for number in range(count)
    ]
    timings = _timed(cast, target, attempts)
    assert all(400 <= timing["status"] < 500 for timing in timings), timings
