"""Steps of features/settings_and_maintenance.feature."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import given, parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast, Reply
from .common.passwords import REASONS
from .inspection import INTERNALS
from .interception import in_another_browser, require_form_post, send_again, trapped_submission
from .journeys import enter_settings, users_screen_after_logging_in
from .pages.crm import MainScreen
from .pages.settings import SettingsLoginPage, SettingsScreen, TermsDialog, UsersPage

scenarios("settings_and_maintenance.feature")


@when(parsers.parse("{name:w} opens Settings and maintenance from the main menu"))
def opens_from_main_menu(cast: Cast, target: Target, name: str) -> None:
    MainScreen(cast.browser(name), target).open_settings_and_maintenance()


@then(parsers.parse("a login screen asks {name:w} for a user ID and password, with OK"))
def settings_login_shown(cast: Cast, target: Target, name: str) -> None:
    SettingsLoginPage(cast.browser(name), target).expect_shown()


@when(parsers.parse("{name:w} logs in there with the user ID and password"))
def logs_in_there(cast: Cast, target: Target, name: str) -> None:
    SettingsLoginPage(cast.browser(name), target).sign_in(cast.user_id(name), cast.person(name).person.password)


@then(parsers.parse("{name:w} gets into Settings and maintenance"))
def gets_in(cast: Cast, target: Target, name: str) -> None:
    enter_settings(cast, target, name)


@then(parsers.parse("{name:w} is refused at the Settings and maintenance login"))
def refused_at_settings_login(cast: Cast, target: Target, name: str) -> None:
    login = SettingsLoginPage(cast.browser(name), target)
    login.expect_shown()
    expect(login.refusal).to_be_visible()
    expect(SettingsScreen(cast.browser(name), target).navigation).to_have_count(0)


@when(
    parsers.re(
        r"(?P<name>\w+) opens the address of (?P<owner>\w+)'s (?P<screen>Users screen|Add user form|Edit user form)"
    )
)
def opens_settings_address(cast: Cast, name: str, owner: str, screen: str) -> None:
    cast.browser(name).goto(cast.person(owner).addresses[screen])


@given(parsers.parse("{name:w} has opened the Add user form"))
def has_opened_add_user(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    SettingsScreen(page, target).open_users().open_add_user()
    cast.person(name).addresses["Add user form"] = page.url


@then(parsers.parse("the Users screen lists {name:w} with {name2:w}'s user ID and the role {role}"))
def users_screen_lists(cast: Cast, target: Target, contract: Contract, name: str, name2: str, role: str) -> None:
    admin = next(member for member in cast.members.values() if member.browsers)
    row = UsersPage(cast.browser(admin.handle), target).row(cast.person(name).person.name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(cast.user_id(name2))
    expect(row).to_contain_text(contract.role(role))


@when(parsers.parse("{name:w} adds {new:w} with a user name and a password and the role {role}"))
def adds_user_with_password(cast: Cast, target: Target, contract: Contract, name: str, new: str, role: str) -> None:
    users = SettingsScreen(cast.browser(name), target).open_users()
    person = cast.person(new).person
    users.add_user(
        person.name, email=None, username=person.username, role=contract.role(role), password=person.password
    )
    expect(users.notice).to_contain_text(contract.wording("user_added").regex())


@when(parsers.parse("{name:w} sends {new:w} the welcome email again until the limit is passed"))
def sends_welcome_beyond_limit(cast: Cast, target: Target, contract: Contract, name: str, new: str) -> None:
    users = SettingsScreen(cast.browser(name), target).open_users()
    for _ in range(int(contract.number("emails_per_address"))):
        users.task(cast.person(new).person.name, "send_welcome_email_again")
        expect(users.notice.or_(users.problem).first).to_be_visible()


@then(parsers.parse("{admin:w}'s Users screen no longer offers to send {name:w} the welcome email again"))
def no_resend_offered(cast: Cast, target: Target, admin: str, name: str) -> None:
    page = cast.browser(admin)
    page.reload()
    users = UsersPage(page, target)
    users.expect_shown()
    assert not users.offers_task(cast.person(name).person.name, "send_welcome_email_again")


@then(parsers.parse("{admin:w} is told that too many emails were sent to {name:w}'s address"))
def told_too_many(cast: Cast, target: Target, contract: Contract, admin: str, name: str) -> None:
    expect(UsersPage(cast.browser(admin), target).problem).to_contain_text(contract.wording("too_many_emails").regex())


@given(parsers.parse("the mail server will refuse the next email to {name:w}"))
def mail_server_refuses(cast: Cast, name: str) -> None:
    cast.mailer().fail_next("rcpt", 550, "5.1.1 Mailbox unavailable", recipient=cast.person(name).person.email)


@then(parsers.parse("{admin:w} is told that the activation email could not be sent"))
def told_not_sent(cast: Cast, target: Target, contract: Contract, admin: str) -> None:
    expect(UsersPage(cast.browser(admin), target).problem).to_contain_text(contract.wording("email_not_sent").regex())


@then(parsers.parse("{admin:w}'s Users screen lists {name:w} as waiting for activation"))
def listed_waiting(cast: Cast, target: Target, contract: Contract, admin: str, name: str) -> None:
    row = UsersPage(cast.browser(admin), target).row(cast.person(name).person.name)
    expect(row).to_contain_text(contract.wording("waiting_for_activation").regex())


@then(parsers.parse("{name:w} is shown the amendment to the Terms of Service"))
@then(parsers.parse("{name:w} is still shown the amendment to the Terms of Service"))
def shown_terms(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    expect(TermsDialog(page, target).dialog).to_be_visible()
    expect(SettingsScreen(page, target).navigation).to_have_count(0)


@when(parsers.parse("{name:w} selects OK without Accept"))
def ok_without_accept(cast: Cast, target: Target, name: str) -> None:
    TermsDialog(cast.browser(name), target).ok()


@then(parsers.parse("{name:w} is asked to select Accept first"))
def asked_to_accept(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    expect(TermsDialog(cast.browser(name), target).problem).to_contain_text(contract.wording("accept_first").regex())


@when(parsers.parse("{name:w} cancels the amendment"))
def cancels_terms(cast: Cast, target: Target, name: str) -> None:
    TermsDialog(cast.browser(name), target).cancel()


@when(parsers.parse("{name:w} logs out of Settings and maintenance"))
def logs_out_of_settings(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    SettingsScreen(page, target).log_out()
    SettingsLoginPage(page, target).expect_shown()


@then(parsers.parse("Settings and maintenance opens for {name:w} without the amendment"))
def opens_without_terms(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    SettingsScreen(page, target).expect_shown()
    expect(TermsDialog(page, target).dialog).to_have_count(0)


def _administrators_choice(cast: Cast, contract: Contract, name: str, choice: str) -> tuple[str, str | None]:
    """A password (and a confirmation, when it is to differ) as a scenario describes it."""
    person = cast.person(name).person
    minimum = int(contract.number("password_minimum"))
    if choice == "one character too short":
        return cast.people.scramble(minimum - 1), None
    if choice == "built on Ann's name":
        return f"{person.first_name}{person.last_name}{cast.people.scramble(4)}".lower(), None
    if choice == "with a confirmation that differs":
        return cast.new_password(name), cast.new_password(name)
    assert choice.startswith('"') and choice.endswith('"'), f"say the password in quotes, not {choice}"
    return choice.strip('"'), None


@when(parsers.parse("{admin:w} tries to add {name:w} with a user name and the password {choice}"))
def tries_to_add_with_password(
    cast: Cast, target: Target, contract: Contract, admin: str, name: str, choice: str
) -> None:
    users = SettingsScreen(cast.browser(admin), target).open_users()
    person = cast.person(name).person
    password, _ = _administrators_choice(cast, contract, name, choice)
    users.add_user(
        person.name, email=None, username=person.username, role=contract.role("Standard user"), password=password
    )


@when(parsers.parse("{admin:w} tries to set the password {choice} for {name:w}"))
def tries_to_set_password(cast: Cast, target: Target, contract: Contract, admin: str, choice: str, name: str) -> None:
    users = SettingsScreen(cast.browser(admin), target).open_users()
    password, confirmation = _administrators_choice(cast, contract, name, choice)
    users.set_password(cast.person(name).person.name, password, confirmation)


@then(parsers.parse("{admin:w} is told the password is refused because {reason}"))
def admin_told_refused(cast: Cast, target: Target, contract: Contract, admin: str, reason: str) -> None:
    minimum = int(contract.number("password_minimum"))
    problem = UsersPage(cast.browser(admin), target).problem
    expect(problem).to_contain_text(contract.wording(REASONS[reason]).regex(minimum=minimum))


@then(parsers.parse("{admin:w}'s Users screen does not list {name:w}"))
def not_listed(cast: Cast, target: Target, admin: str, name: str) -> None:
    """From the first screen the administrator saw inside Settings and maintenance."""
    page = cast.browser(admin)
    page.goto(cast.person(admin).addresses["Settings and maintenance"])
    users = SettingsScreen(page, target).open_users()
    expect(users.row(cast.person(name).person.name)).to_have_count(0)


@given(parsers.parse("{admin:w} is an administrator of another company, where {name:w} is a user"))
def administrator_elsewhere(cast: Cast, target: Target, contract: Contract, admin: str, name: str) -> None:
    elsewhere = target.provisioner.create_company(cast.people.company_name(), email_domain=cast.people.email_domain())
    cast.provision(admin, state="active", role=contract.role("User level 0"), company=elsewhere)
    cast.provision(name, state="active", company=elsewhere)


@given(parsers.parse("{admin:w} has opened {name:w}'s Edit user form"))
def has_opened_edit_user(cast: Cast, target: Target, admin: str, name: str) -> None:
    users_screen_after_logging_in(cast, target, admin).open_edit_user(cast.person(name).person.name)
    cast.person(admin).addresses["Edit user form"] = cast.browser(admin).url


@then(parsers.parse("{admin:w} is not shown {name:w}'s details"))
def not_shown_details(cast: Cast, target: Target, admin: str, name: str) -> None:
    page = cast.browser(admin)
    page.wait_for_load_state()
    expect(page.get_by_text(cast.person(name).person.name)).to_have_count(0)
    expect(page.get_by_text(cast.user_id(name))).to_have_count(0)


@when(parsers.parse("{admin:w} tries to add {name:w} with {other:w}'s user ID"))
def tries_to_add_with_taken_user_id(
    cast: Cast, target: Target, contract: Contract, admin: str, name: str, other: str
) -> None:
    users = SettingsScreen(cast.browser(admin), target).open_users()
    person, taken = cast.person(name).person, cast.person(other).person
    online = target.profile == "online"
    users.add_user(
        person.name,
        email=taken.email if online else person.email,
        username=None if online else taken.username,
        role=contract.role("Standard user"),
        password=None if online else person.password,
    )


@then(parsers.parse("{admin:w} is told that the user ID is already taken"))
def told_already_taken(cast: Cast, target: Target, contract: Contract, admin: str) -> None:
    expect(UsersPage(cast.browser(admin), target).problem).to_contain_text(contract.wording("already_taken").regex())


@then("the page shows no stack trace, SQL or internal detail")
def no_internals_shown(cast: Cast) -> None:
    page = cast.browser(next(member.handle for member in cast.members.values() if member.browsers))
    text = page.evaluate("() => document.body.innerText")
    assert not INTERNALS.search(text), INTERNALS.search(text)


@when(parsers.parse("{admin:w} opens {name:w}'s Edit user form"))
def opens_edit_user(cast: Cast, target: Target, admin: str, name: str) -> None:
    SettingsScreen(cast.browser(admin), target).open_users().open_edit_user(cast.person(name).person.name)


@then(parsers.parse("the screen names {admin:w} as the signed-in user, not {name:w}"))
def names_signed_in_admin(cast: Cast, target: Target, admin: str, name: str) -> None:
    signed_in = SettingsScreen(cast.browser(admin), target).signed_in_user
    expect(signed_in).to_contain_text(cast.person(admin).person.name)
    expect(signed_in).not_to_contain_text(cast.person(name).person.name)


@given(parsers.parse("{admin:w} has filled in the Add user form for {name:w}"))
def filled_in_add_user(cast: Cast, target: Target, contract: Contract, admin: str, name: str) -> None:
    """The request the administrator's browser would send, kept from the CRM."""
    users = SettingsScreen(cast.browser(admin), target).open_users()
    person = cast.person(name).person
    with trapped_submission(cast.browser(admin), target, carrying=person.username) as caught:
        users.add_user(
            person.name,
            email=None,
            username=person.username,
            role=contract.role("Standard user"),
            password=person.password,
        )
    require_form_post(caught[0], contract)
    cast.person(admin).held_request = caught[0]


@when(
    parsers.parse(
        "{name:w}'s browser sends {other:w}'s Add user form, with {name2:w}'s own form token,"
        " before accepting the amendment"
    )
)
def sends_add_user_before_terms(cast: Cast, target: Target, reply: Reply, name: str, other: str, name2: str) -> None:
    """Ada's own form (the amendment's OK) is trapped to learn her browser's hidden values."""
    page = cast.browser(name)
    terms = TermsDialog(page, target)
    expect(terms.dialog).to_be_visible()
    with trapped_submission(page, target) as caught:
        terms.ok()
    theirs = cast.person(other).held_request
    assert theirs is not None
    reply.status = send_again(page, in_another_browser(theirs, caught[0]))
