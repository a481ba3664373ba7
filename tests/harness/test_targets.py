"""Target files: a deployment described in TOML, and the clear errors for a wrong one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from fake_services.idp import MicrosoftProvider
from fake_services.mailsink import MailSink
from fake_services.serving import BackgroundServer
from loginspec.provisioning import HttpProvisioner, SsoIdentity
from loginspec.targets import ExternalTargets, TargetFileError, load_target_file
from loginspec.tls import LocalAuthority
from reference_app.app import create_app
from reference_app.settings import Settings

from .conftest import CONTROL_SECRET, ReferenceApp

SECRET_VARIABLE = "LOGINSPEC_HARNESS_TEST_SECRET"

VALID = """
[browser]
host_resolver_rules = "MAP *.test 127.0.0.1"

[mail]
sink_url = "http://mail.test:8025"

[identity_providers.microsoft]
base_url = "http://login.microsoftonline.test:8101"
control_url = "http://127.0.0.1:8101"

[targets.online]
base_url = "https://crm.example.test/"
control_url = "https://crm.example.test/_control"
control_secret_env = "LOGINSPEC_HARNESS_TEST_SECRET"

[targets.onsite]
base_url = "http://crm-onsite.example.test:8080"
control_url = "http://crm-onsite.example.test:8080/_control"
control_secret_env = "LOGINSPEC_HARNESS_TEST_SECRET"
"""

ONLINE_ONLY = """
[targets.online]
base_url = "https://crm.example.test"
control_url = "https://crm.example.test/_control"
control_secret_env = "LOGINSPEC_HARNESS_TEST_SECRET"
"""


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(SECRET_VARIABLE, CONTROL_SECRET)
    return CONTROL_SECRET


def write(tmp_path: Path, text: str, name: str = "deployment.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExternalTargets]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(SECRET_VARIABLE, CONTROL_SECRET)
        targets = load_target_file(write(tmp_path_factory.mktemp("targets"), VALID, "acme.toml"))
    yield targets
    targets.close()


def test_a_valid_file_gives_one_target_per_profile(loaded: ExternalTargets) -> None:
    assert set(loaded.targets) == {"online", "onsite"}
    assert loaded.host_resolver_rules == "MAP *.test 127.0.0.1"
    for profile, target in loaded.targets.items():
        assert target.profile == profile
        assert target.name == f"acme-{profile}"
        assert isinstance(target.provisioner, HttpProvisioner)
        assert target.opens_sessions
        assert target.mail is not None
        assert set(target.identity_providers) == {"microsoft"}
        assert target.identity_providers["microsoft"].base_url == "http://login.microsoftonline.test:8101"


def test_a_target_declared_without_sessions_signs_in_at_the_screens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_VARIABLE, CONTROL_SECRET)
    absent = '\n[contract]\ncapabilities.provisioned_sessions = "sessions come from the login screen only"\n'
    targets = load_target_file(write(tmp_path, VALID + absent))
    try:
        assert not any(target.opens_sessions for target in targets.targets.values())
    finally:
        targets.close()


def test_target_urls(loaded: ExternalTargets) -> None:
    online, onsite = loaded.targets["online"], loaded.targets["onsite"]
    assert online.url("/login") == "https://crm.example.test/login"  # the trailing slash is not doubled
    assert onsite.url("/login") == "http://crm-onsite.example.test:8080/login"
    assert onsite.url("/settings/login?next=/x") == "http://crm-onsite.example.test:8080/settings/login?next=/x"


def test_only_the_profiles_the_file_declares(tmp_path: Path) -> None:
    targets = load_target_file(write(tmp_path, ONLINE_ONLY))
    try:
        assert list(targets.targets) == ["online"]
        assert targets.host_resolver_rules is None
        assert targets.targets["online"].mail is None
        assert targets.targets["online"].identity_providers == {}
    finally:
        targets.close()


def test_the_target_provisions_through_its_control_api_under_the_mapped_name(
    tmp_path: Path, reference_apps: dict[str, ReferenceApp]
) -> None:
    """The secret from the variable and the resolver rules both reach the target's provisioner."""
    port = reference_apps["online"].url.rsplit(":", 1)[1]
    text = f"""
[browser]
host_resolver_rules = "MAP *.test 127.0.0.1"
[targets.online]
base_url = "http://crm.test:{port}"
control_url = "http://crm.test:{port}/_control"
control_secret_env = "{SECRET_VARIABLE}"
"""
    targets = load_target_file(write(tmp_path, text))
    try:
        company = targets.targets["online"].provisioner.create_company("Target File Ltd")
        assert company.name == "Target File Ltd"
        assert company.id > 0
    finally:
        targets.close()


@pytest.mark.parametrize("missing", ["base_url", "control_url", "control_secret_env"])
def test_a_missing_target_field_is_named(tmp_path: Path, missing: str) -> None:
    text = "\n".join(line for line in ONLINE_ONLY.splitlines() if not line.startswith(missing))
    with pytest.raises(TargetFileError, match=rf"targets\.online: '{missing}' is required"):
        load_target_file(write(tmp_path, text))


def test_an_empty_field_counts_as_missing(tmp_path: Path) -> None:
    with pytest.raises(TargetFileError, match=r"targets\.online: 'base_url' is required"):
        load_target_file(write(tmp_path, ONLINE_ONLY.replace('"https://crm.example.test"', '""', 1)))


def test_a_field_of_the_wrong_type_is_named(tmp_path: Path) -> None:
    with pytest.raises(TargetFileError, match=r"'control_url' is required and must be a string"):
        load_target_file(write(tmp_path, ONLINE_ONLY.replace('"https://crm.example.test/_control"', "8080")))


def test_a_missing_identity_provider_field_is_named(tmp_path: Path) -> None:
    text = ONLINE_ONLY + '\n[identity_providers.google]\nbase_url = "http://accounts.google.test"\n'
    with pytest.raises(TargetFileError, match=r"identity_providers\.google: 'control_url' is required"):
        load_target_file(write(tmp_path, text))


def test_a_providers_client_id_picks_the_targets_subject_among_several(tmp_path: Path) -> None:
    account = {"iss": "https://login.microsoftonline.test/t/v2.0", "subs": {"crm": "s-crm", "other": "s-other"}}
    text = ONLINE_ONLY + (
        '\n[identity_providers.microsoft]\nbase_url = "http://login.microsoftonline.test"\n'
        'control_url = "http://127.0.0.1:8101"\n'
    )
    named = load_target_file(write(tmp_path, text + 'client_id = "crm"\n'))
    assert named.targets["online"].identity_providers["microsoft"].identity_for_target(account) == SsoIdentity(
        account["iss"], "s-crm"
    )
    named.close()
    unnamed = load_target_file(write(tmp_path, text))
    provider = unnamed.targets["online"].identity_providers["microsoft"]
    assert provider.identity_for_target(account) is None
    only_one = {**account, "subs": {"crm": "s-crm"}}
    assert provider.identity_for_target(only_one) == SsoIdentity(account["iss"], "s-crm")
    unnamed.close()
    with pytest.raises(TargetFileError, match=r"identity_providers\.microsoft: 'client_id' must be a non-empty string"):
        load_target_file(write(tmp_path, text + "client_id = 7\n"))


def test_an_unknown_profile_is_refused(tmp_path: Path) -> None:
    text = ONLINE_ONLY.replace("[targets.online]", "[targets.cloud]")
    with pytest.raises(TargetFileError, match=r"targets\.cloud: the profile must be one of online, onsite"):
        load_target_file(write(tmp_path, text))


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_secret_variable_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(SECRET_VARIABLE)
    else:
        monkeypatch.setenv(SECRET_VARIABLE, value)
    with pytest.raises(TargetFileError, match=rf"targets\.online: set {SECRET_VARIABLE} to the control API secret"):
        load_target_file(write(tmp_path, ONLINE_ONLY))


@pytest.mark.parametrize(
    "text",
    ["", '[mail]\nsink_url = "http://mail.test:8025"\n', "[targets]\n"],
    ids=["empty", "mail only", "empty targets"],
)
def test_a_file_without_targets_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(TargetFileError, match=r"describes no \[targets\.online\] or \[targets\.onsite\]"):
        load_target_file(write(tmp_path, text))


def test_invalid_toml_is_refused_with_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "[targets.online\nbase_url = ")
    with pytest.raises(TargetFileError, match=r"cannot read target file .*deployment\.toml"):
        load_target_file(path)


def test_a_file_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TargetFileError, match=r"cannot read target file .*absent\.toml"):
        load_target_file(tmp_path / "absent.toml")


def test_a_target_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TargetFileError, match=r"targets\.online"):
        load_target_file(write(tmp_path, '[targets]\nonline = "https://crm.example.test"\n'))


class TableProvisioner:
    """A provisioner a deployment without the control API might bring: here it only keeps what it was given."""

    def __init__(self, table: dict, http: object) -> None:
        self.table = table
        self.http = http


def test_a_target_can_name_its_own_provisioner_class(tmp_path: Path) -> None:
    text = """
[targets.onsite]
base_url = "http://crm.example.test"
provisioner = "tests.harness.test_targets:TableProvisioner"
directory = "ldap://directory.example.test"
"""
    targets = load_target_file(write(tmp_path, text))
    try:
        target = targets.targets["onsite"]
        assert isinstance(target.provisioner, TableProvisioner)
        assert target.provisioner.table["directory"] == "ldap://directory.example.test"
        assert target.provisioner.http is target.http
        assert not target.opens_sessions  # no open_session: "is logged in" goes through the login screens
    finally:
        targets.close()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"TableProvisioner"', "'provisioner' must be 'package.module:ClassName'"),
        ("7", "'provisioner' must be 'package.module:ClassName'"),
        ('"tests.harness.no_such_module:Thing"', "cannot load the provisioner"),
        ('"tests.harness.test_targets:NoSuchClass"', "cannot load the provisioner"),
    ],
)
def test_a_provisioner_that_cannot_be_loaded_is_named(tmp_path: Path, value: str, problem: str) -> None:
    text = f'[targets.online]\nbase_url = "http://crm.example.test"\nprovisioner = {value}\n'
    with pytest.raises(TargetFileError, match=rf"targets\.online: {re.escape(problem)}"):
        load_target_file(write(tmp_path, text))


def test_the_mail_sink_and_providers_are_reached_under_mapped_names(tmp_path: Path) -> None:
    """Names that only the resolver rules know work for the harness's own mail and provider clients."""
    with MailSink() as sink, MicrosoftProvider() as microsoft:
        mail_port, control_port = urlsplit(sink.http_url).port, urlsplit(microsoft.control_url).port
        text = f"""
[browser]
host_resolver_rules = "MAP *.test 127.0.0.1"
[mail]
sink_url = "http://mail.test:{mail_port}"
[identity_providers.microsoft]
base_url = "http://login.microsoftonline.test:{control_port}"
control_url = "http://idp-control.test:{control_port}"
{ONLINE_ONLY}
"""
        targets = load_target_file(write(tmp_path, text))
        try:
            target = targets.targets["online"]
            assert target.mail is not None and target.mail.messages() == []
            assert target.identity_providers["microsoft"].control.pending_misbehaviours() == []
        finally:
            targets.close()


@pytest.fixture(scope="module")
def https_crm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalAuthority, int]]:
    """The reference CRM over HTTPS as crm.test, with a certificate from its own authority."""
    directory = tmp_path_factory.mktemp("https-crm")
    authority = LocalAuthority(directory / "tls")
    server = BackgroundServer(name="harness-https-crm", tls=authority.issue("crm", "crm.test").files)
    settings = Settings(
        base_url=f"https://crm.test:{server.port}",
        database_path=directory / "crm.sqlite3",
        test_mode=True,
        control_secret=CONTROL_SECRET,
        argon2_memory_kib=1024,
        argon2_time_cost=1,
    )
    with server.start(create_app(settings)):
        yield authority, server.port


def _https_target_file(port: int, ca_file: str) -> str:
    return f"""
[browser]
host_resolver_rules = "MAP *.test 127.0.0.1"
[tls]
ca_file = "{ca_file}"
[targets.online]
base_url = "https://crm.test:{port}"
control_url = "https://crm.test:{port}/_control"
control_secret_env = "{SECRET_VARIABLE}"
"""


def test_a_private_authority_is_trusted_and_the_browser_told_the_keys_it_verified(
    tmp_path: Path, https_crm: tuple[LocalAuthority, int]
) -> None:
    authority, port = https_crm
    targets = load_target_file(write(tmp_path, _https_target_file(port, str(authority.ca_file))))
    try:
        assert targets.pinned_keys == authority.pinned_keys()
        assert targets.targets["online"].provisioner.create_company("Private Authority Ltd").id > 0
    finally:
        targets.close()


def test_the_authority_file_is_found_beside_the_target_file(
    tmp_path: Path, https_crm: tuple[LocalAuthority, int]
) -> None:
    authority, port = https_crm
    (tmp_path / "our-ca.pem").write_bytes(authority.ca_file.read_bytes())
    targets = load_target_file(write(tmp_path, _https_target_file(port, "our-ca.pem")))
    targets.close()
    assert targets.pinned_keys == authority.pinned_keys()


def test_a_certificate_from_another_authority_stops_the_run_before_any_browser(
    tmp_path: Path, https_crm: tuple[LocalAuthority, int]
) -> None:
    _, port = https_crm
    other = LocalAuthority(tmp_path / "other")
    with pytest.raises(TargetFileError, match=r"tls: crm\.test at 127\.0\.0\.1.*certificate"):
        load_target_file(write(tmp_path, _https_target_file(port, str(other.ca_file))))


def test_an_authority_file_that_is_no_certificate_is_named(tmp_path: Path) -> None:
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(TargetFileError, match="tls: cannot load the authority .*junk.pem"):
        load_target_file(write(tmp_path, _https_target_file(1, "junk.pem")))


def test_without_a_private_authority_nothing_is_pinned(tmp_path: Path) -> None:
    targets = load_target_file(write(tmp_path, ONLINE_ONLY))
    targets.close()
    assert targets.pinned_keys == ()


def test_a_slow_deployment_gets_longer_waits_from_its_file(tmp_path: Path) -> None:
    waits = "\n[waits]\nexpect_seconds = 30\nemail_seconds = 45.5\nprovider_seconds = 20\n"
    targets = load_target_file(write(tmp_path, VALID + waits))
    try:
        online = targets.targets["online"]
        assert (online.waits.expect_seconds, online.waits.email_seconds, online.waits.provider_seconds) == (
            30,
            45.5,
            20,
        )
        assert online.mail is not None and online.mail.wait_timeout == 45.5
        assert online.identity_providers["microsoft"].control._http.timeout.read == 20
    finally:
        targets.close()


def test_without_waits_the_defaults_hold(loaded: ExternalTargets) -> None:
    online = loaded.targets["online"]
    assert (online.waits.expect_seconds, online.waits.email_seconds, online.waits.provider_seconds) == (10, 10, 10)
    assert online.mail is not None and online.mail.wait_timeout == 10


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("expect_seconds = 0", "'expect_seconds' must be a number of seconds above 0, at most 600"),
        ("email_seconds = -3", "'email_seconds' must be a number"),
        ("email_seconds = 100000", "at most 600"),
        ('provider_seconds = "long"', "'provider_seconds' must be a number"),
        ("provider_seconds = true", "'provider_seconds' must be a number"),
        ("page_seconds = 5", "waits: unknown page_seconds; known are email_seconds, expect_seconds, provider_seconds"),
    ],
)
def test_a_wrong_wait_is_named(tmp_path: Path, line: str, problem: str) -> None:
    with pytest.raises(TargetFileError, match=re.escape(problem)):
        load_target_file(write(tmp_path, VALID + f"\n[waits]\n{line}\n"))


RELAY_PASSWORD_VARIABLE = "LOGINSPEC_TEST_RELAY_PASSWORD"


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalAuthority, MailSink]]:
    """A sink playing a relay: STARTTLS required, AUTH as crm with a known password."""
    authority = LocalAuthority(tmp_path_factory.mktemp("relay-tls"))
    certificate = authority.issue("mail", "mail.test")
    with MailSink(tls=certificate.files, require_starttls=True, credentials=("crm", "relay-secret")) as sink:
        yield authority, sink


def _relay_file(authority: LocalAuthority, sink: MailSink, mail_lines: str) -> str:
    return f"""
[browser]
host_resolver_rules = "MAP *.test 127.0.0.1"

[tls]
ca_file = "{authority.ca_file}"

[mail]
sink_url = "{sink.http_url}"
smtp = "mail.test:{sink.smtp_port}"
{mail_lines}

[targets.onsite]
base_url = "http://crm-onsite.example.test:8080"
control_url = "http://crm-onsite.example.test:8080/_control"
control_secret_env = "{SECRET_VARIABLE}"
"""


def test_relay_settings_the_sink_accepts_load(
    tmp_path: Path, relay: tuple[LocalAuthority, MailSink], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RELAY_PASSWORD_VARIABLE, "relay-secret")
    lines = f'starttls = true\nusername = "crm"\npassword_env = "{RELAY_PASSWORD_VARIABLE}"'
    load_target_file(write(tmp_path, _relay_file(*relay, lines))).close()


@pytest.mark.parametrize(
    ("lines", "password", "problem"),
    [
        ('starttls = true\nusername = "crm"', "relay-secret", "'username' and 'password_env' go together"),
        ('starttls = true\nusername = "crm"\npassword_env = "V"', "wrong", "refused the user name or password (535"),
        ('username = "crm"\npassword_env = "V"', "relay-secret", "does not offer AUTH"),
        ("starttls = true", None, "refused MAIL FROM (530"),
        ('starttls = "yes"', None, "'starttls' must be true or false"),
    ],
    ids=["password variable missing", "wrong password", "no STARTTLS", "no AUTH", "not a boolean"],
)
def test_relay_settings_the_sink_refuses_are_named_before_any_browser(
    tmp_path: Path,
    relay: tuple[LocalAuthority, MailSink],
    monkeypatch: pytest.MonkeyPatch,
    lines: str,
    password: str | None,
    problem: str,
) -> None:
    if password:
        monkeypatch.setenv("V", password)
    with pytest.raises(TargetFileError, match=r"^mail: .*" + re.escape(problem)):
        load_target_file(write(tmp_path, _relay_file(*relay, lines)))


def test_relay_with_a_certificate_of_another_authority_is_named(
    tmp_path: Path, relay: tuple[LocalAuthority, MailSink], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = LocalAuthority(tmp_path / "other")
    text = _relay_file(*relay, "starttls = true").replace(str(relay[0].ca_file), str(other.ca_file))
    with pytest.raises(TargetFileError, match="certificate"):
        load_target_file(write(tmp_path, text))
