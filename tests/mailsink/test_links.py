"""Finding a link by the text a reader clicks, in the HTML part, the text part, and both."""

from __future__ import annotations

import pytest

from fake_services.mailsink import Link, Message, MessageStore
from tests.mailsink.helpers import build_email

RECIPIENT = "ann@example.test"


def message_with(text: str | None = None, html: str | None = None) -> Message:
    return MessageStore().deliver("crm@example.test", [RECIPIENT], bytes(build_email(RECIPIENT, text=text, html=html)))


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://crm.test/a">Activate now</a>',
        '<a href="https://crm.test/a">\n   Activate\n\t now  </a>',
        '<a href="https://crm.test/a"><span>Activate</span> <b>now</b></a>',
        '<A HREF="https://crm.test/a">Activate&nbsp;now</A>',
        '<a href="https://crm.test/a"><img src="button.png" alt="Activate now"></a>',
        '<a class="button" href=" https://crm.test/a ">Activate now',  # never closed
    ],
    ids=["plain", "whitespace", "nested tags", "entity", "image alt", "unclosed"],
)
def test_html_anchor_text_is_normalised(html: str) -> None:
    message = message_with(html=f"<p>{html}</p>")

    assert message.link("Activate now") == "https://crm.test/a"
    assert message.link("  activate   NOW ") == "https://crm.test/a"


def test_html_entities_in_href_and_text_are_unescaped() -> None:
    message = message_with(html='<a href="https://crm.test/r?a=1&amp;b=2">Reset &amp; sign in</a>')

    assert message.links == (Link("html", "Reset & sign in", "https://crm.test/r?a=1&b=2"),)


@pytest.mark.parametrize(
    "junk",
    ["<![if !mso]>", "<![ junk <b>", "<![endif]-->", "<!DOCTYPE html [ <!x> ]>"],
)
def test_broken_declarations_do_not_hide_the_links_after_them(junk: str) -> None:
    message = message_with(html=f'{junk}<p><a href="https://crm.test/a">Activate now</a></p>')

    assert message.link("Activate now") == "https://crm.test/a"


def test_an_unterminated_declaration_yields_no_links_rather_than_an_error() -> None:
    assert message_with(html='<a href="https://crm.test/a">Activate now</a><![ never closed').links == (
        Link("html", "Activate now", "https://crm.test/a"),
    )


def test_html_anchors_without_href_are_not_links() -> None:
    message = message_with(html='<a name="top">Top</a><a href="https://crm.test/help">Help</a>')

    assert [link.text for link in message.links] == ["Help"]


@pytest.mark.parametrize(
    "text",
    [
        "Activate now: https://crm.test/a",
        "Activate now <https://crm.test/a>",
        "Activate now\nhttps://crm.test/a",
        "Activate now:\n  <https://crm.test/a>",
        "Activate now: https://crm.test/a.",
    ],
    ids=["colon", "angle brackets", "next line", "next line bracketed", "sentence end"],
)
def test_text_part_conventions(text: str) -> None:
    message = message_with(text=f"Hello Ann,\n\n{text}\n\nThe CRM team")

    assert message.link("Activate now") == "https://crm.test/a"


def test_text_part_labels_each_url_on_a_line_separately() -> None:
    message = message_with(text="Help: https://crm.test/help (see https://crm.test/faq) Terms <https://crm.test/t>")

    assert message.links == (
        Link("text", "Help", "https://crm.test/help"),
        Link("text", "(see", "https://crm.test/faq"),
        Link("text", "Terms", "https://crm.test/t"),
    )


def test_a_blank_line_separates_a_label_from_the_url() -> None:
    message = message_with(text="Activate now\n\nhttps://crm.test/a")

    assert message.links == (Link("text", "", "https://crm.test/a"),)


def test_link_returns_the_url_both_parts_agree_on() -> None:
    message = message_with(
        text="Activate now: https://crm.test/activate?t=abc&u=1",
        html='<a href="https://crm.test/activate?t=abc&amp;u=1">Activate now</a>',
    )

    assert message.link("Activate now") == "https://crm.test/activate?t=abc&u=1"
    assert {link.part for link in message.links} == {"html", "text"}


def test_link_fails_when_the_parts_disagree_naming_both_urls() -> None:
    message = message_with(
        text="Activate now: https://crm.test/activate?t=TEXT",
        html='<a href="https://crm.test/activate?t=HTML">Activate now</a>',
    )

    with pytest.raises(AssertionError) as failure:
        message.link("Activate now")

    assert "https://crm.test/activate?t=HTML" in str(failure.value)
    assert "https://crm.test/activate?t=TEXT" in str(failure.value)


def test_link_fails_when_one_part_lacks_the_anchor_listing_what_exists() -> None:
    message = message_with(
        text="Reset password: https://crm.test/reset",
        html='<a href="https://crm.test/activate">Activate now</a>',
    )

    with pytest.raises(AssertionError) as failure:
        message.link("Activate now")

    text = str(failure.value)
    assert "text part has no link 'Activate now'" in text
    assert "'Reset password' -> https://crm.test/reset" in text
    assert "'Activate now' -> https://crm.test/activate" in text


def test_link_fails_when_no_part_has_the_anchor() -> None:
    message = message_with(html='<a href="https://crm.test/help">Help</a>')

    with pytest.raises(
        AssertionError, match=r"(?s)HTML part has no link 'Activate now'.*'Help' -> https://crm.test/help"
    ):
        message.link("Activate now")


def test_link_fails_when_one_part_has_the_anchor_twice_with_different_urls() -> None:
    message = message_with(
        html='<a href="https://crm.test/1">Activate now</a> <a href="https://crm.test/2">Activate now</a>'
    )

    with pytest.raises(
        AssertionError, match="2 different links 'Activate now': https://crm.test/1, https://crm.test/2"
    ):
        message.link("Activate now")


def test_the_same_url_twice_is_not_ambiguous() -> None:
    html = '<a href="https://crm.test/1">Activate now</a><p>or</p><a href="https://crm.test/1">Activate now</a>'

    assert message_with(html=html).link("Activate now") == "https://crm.test/1"


def test_a_message_with_only_a_text_part_uses_it() -> None:
    assert message_with(text="Activate now: https://crm.test/t").link("Activate now") == "https://crm.test/t"


def test_a_message_without_text_or_html_has_no_links() -> None:
    raw = b"To: ann@example.test\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n"
    message = MessageStore().deliver("crm@example.test", [RECIPIENT], raw)

    with pytest.raises(AssertionError, match="has neither a text nor an HTML part"):
        message.link("Activate now")
