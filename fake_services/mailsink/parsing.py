"""Turn the raw bytes of an email into the fields a test reads: headers, subject, text and HTML.

Everything here tolerates malformed input: a header that cannot be parsed is read as
plain text, a part with an unknown or wrong charset is decoded by a best guess, and a
multipart body whose boundaries are missing is shown as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from typing import TYPE_CHECKING, Any

from fake_services.mailsink.text import decode_text, repair_surrogates

_LINE_BREAKS = re.compile(r"[\r\n]+")


@dataclass(frozen=True)
class ParsedMail:
    headers: tuple[tuple[str, str], ...]
    subject: str
    header_from: str
    header_to: str
    text: str | None
    html: str | None


def parse_mail(raw: bytes) -> ParsedMail:
    mail = message_from_bytes(raw, _class=EmailMessage, policy=LENIENT_POLICY)
    headers = tuple((repair_surrogates(name), decode_header(name, value)) for name, value in mail.raw_items())
    text = _body(mail, "plain")
    html = _body(mail, "html")
    if text is None and html is None and _is_multipart_without_parts(mail):
        text = _decoded_payload(mail)
    return ParsedMail(
        headers=headers,
        subject=_first(headers, "subject"),
        header_from=_first(headers, "from"),
        header_to=_first(headers, "to"),
        text=text,
        html=html,
    )


def decode_header(name: str, raw_value: str) -> str:
    """The header's value with RFC 2047 encoded words decoded and folding undone."""
    return repair_surrogates(str(LENIENT_POLICY.header_fetch_parse(name, raw_value)))


if TYPE_CHECKING:
    # EmailPolicy is generic only in the stubs: this policy makes EmailMessage objects.
    _EmailPolicy = EmailPolicy[EmailMessage]
else:
    _EmailPolicy = EmailPolicy


class _LenientPolicy(_EmailPolicy):
    """`policy.default`, except that a header its parsers fail on is read another way.

    The structured-header parsers raise (IndexError, ValueError...) on some malformed
    parameters, e.g. `Content-Disposition: attachment; filename*`, and they are used
    whenever a header is read, including by `get_body()`.
    """

    def header_fetch_parse(self, name: str, value: str) -> Any:
        try:
            return super().header_fetch_parse(name, value)
        except Exception:  # any of the parser bugs described above
            pass
        try:
            # Without its parameters a MIME header still tells the content type or disposition.
            return super().header_fetch_parse(name, value.split(";", 1)[0])
        except Exception:
            factory = self.header_factory
            assert isinstance(factory, HeaderRegistry)  # the stubs say only "callable"; it is policy.default's registry
            return factory[_UNSTRUCTURED](name, _LINE_BREAKS.sub("", value))


_UNSTRUCTURED = "X-Unstructured"  # any name the header registry has no special class for
LENIENT_POLICY = _LenientPolicy()


def _first(headers: tuple[tuple[str, str], ...], name: str) -> str:
    return next((value for header, value in headers if header.lower() == name), "")


def _body(mail: EmailMessage, subtype: str) -> str | None:
    part = mail.get_body(preferencelist=(subtype,))
    return None if part is None else _decoded_payload(part)


def _is_multipart_without_parts(mail: Message) -> bool:
    # A multipart whose boundary is missing or never occurs is left unsplit by the parser.
    return mail.get_content_maintype() == "multipart" and not mail.is_multipart()


def _decoded_payload(part: Message) -> str:
    payload = part.get_payload(decode=True)  # undoes base64 / quoted-printable, leniently
    assert isinstance(payload, bytes)  # a part that is not (or was not split as) a multipart decodes to bytes
    return decode_text(payload, part.get_content_charset()).replace("\r\n", "\n")
