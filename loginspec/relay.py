"""The mail relay settings a target file declares (how the target sends its email), tried on the sink
before any browser starts, so that a CRM and a sink configured apart fail at once with the reason
rather than as a scenario waiting for an email that never comes."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .net import HostMap, resolving
from .tls import client_context

RELAY_TIMEOUT_SECONDS = 10.0
CHECK_SENDER = "relay-check@loginspec.test"


class RelaySettingsError(Exception):
    pass


@dataclass(frozen=True)
class RelaySettings:
    host: str
    port: int
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def relay_settings(table: dict[str, Any]) -> RelaySettings | None:
    """From [mail]: `smtp = "host:port"`, `starttls`, `username` and `password_env` (the variable holding it)."""
    address = table.get("smtp")
    relay_keys = {"starttls", "username", "password_env"} & set(table)
    if address is None:
        if relay_keys:
            raise RelaySettingsError(f"{', '.join(sorted(relay_keys))} need 'smtp', the sink's SMTP address")
        return None
    host, _, port = address.rpartition(":") if isinstance(address, str) else ("", "", "")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise RelaySettingsError("'smtp' must be host:port, such as \"mail.test:2525\"")
    starttls = table.get("starttls", False)
    if not isinstance(starttls, bool):
        raise RelaySettingsError("'starttls' must be true or false")
    username, variable = table.get("username"), table.get("password_env")
    if (username is None) != (variable is None):
        raise RelaySettingsError("'username' and 'password_env' go together")
    if username is not None and (not isinstance(username, str) or not username):
        raise RelaySettingsError("'username' must be a non-empty string")
    password = None
    if variable is not None:
        password = os.environ.get(variable) if isinstance(variable, str) else None
        if not password:
            raise RelaySettingsError(f"set {variable} to the relay password ('password_env')")
    return RelaySettings(host, int(port), starttls, username, password)


def check_relay(settings: RelaySettings, host_map: HostMap, ca_file: Path | None) -> None:
    """Connects as the target would (through the host map), STARTTLS, AUTH, MAIL FROM; sends nothing."""
    where = f"{settings.host}:{settings.port}"
    step = "connecting"
    try:
        with resolving(host_map), smtplib.SMTP(settings.host, settings.port, timeout=RELAY_TIMEOUT_SECONDS) as smtp:
            smtp.ehlo()
            if settings.starttls:
                step = "STARTTLS"
                smtp.starttls(context=client_context(ca_file))
                smtp.ehlo()
            if settings.username is not None:
                step = "AUTH"
                smtp.login(settings.username, settings.password or "")
            step = "MAIL FROM"  # where a relay wanting STARTTLS or AUTH says so; RSET, so nothing is sent
            code, reply = smtp.mail(CHECK_SENDER)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, CHECK_SENDER)
            smtp.rset()
    except smtplib.SMTPNotSupportedError:
        raise RelaySettingsError(f"the relay at {where} does not offer {step}") from None
    except smtplib.SMTPAuthenticationError as error:
        said = _text(error.smtp_error)
        raise RelaySettingsError(
            f"the relay at {where} refused the user name or password ({error.smtp_code} {said})"
        ) from None
    except smtplib.SMTPResponseException as error:
        said = _text(error.smtp_error)
        raise RelaySettingsError(f"the relay at {where} refused {step} ({error.smtp_code} {said})") from None
    except ssl.SSLCertVerificationError as error:
        raise RelaySettingsError(
            f"the relay at {where} has a certificate not trusted ({error.verify_message})"
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise RelaySettingsError(f"the relay at {where} failed at {step}: {error}") from None


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply
