"""Email addresses an administrator or the control API gives the CRM to write to.

They end up in a `To:` header and an SMTP envelope, so they are checked by
email-validator before anything is stored: one plain address, no display name,
ASCII (the CRM's mail client does not speak SMTPUTF8), domain in ASCII form.
"""

from __future__ import annotations

import email_validator


class InvalidAddress(ValueError):
    pass


def checked_email(value: str) -> str:
    """The address as stored and written to: validated, lower-cased."""
    try:
        result = email_validator.validate_email(
            value,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_display_name=False,
            # Every service of a local or CI deployment lives under `.test`.
            test_environment=True,
        )
    except email_validator.EmailNotValidError as error:
        raise InvalidAddress(str(error)) from None
    # allow_smtputf8=False refuses any address that has no ASCII form, so it is always set here.
    assert result.ascii_email is not None
    return result.ascii_email.lower()


def checked_domain(value: str) -> str:
    """An email domain (the part after the @), validated as an address at it would be."""
    return checked_email(f"postmaster@{value}").partition("@")[2]
