"""The web inbox people use: pages render, hostile content stays inert."""

from __future__ import annotations

import httpx

from fake_services.mailsink import MailSink
from tests.mailsink.helpers import build_email, send_email, unique_address

HOSTILE_SUBJECT = '<script>alert("subject")</script> & <b>bold</b>'


def test_inbox_lists_messages_newest_first_linking_to_each(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Older"))
    send_email(sink, build_email(address, "Newer"))
    older, newer = sink.store.messages(to=address)

    response = http.get("/", params={"to": address})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert page.index(f'<a href="/messages/{newer.id}">Newer</a>') < page.index(
        f'<a href="/messages/{older.id}">Older</a>'
    )
    assert f'value="{address}"' in page


def test_inbox_filter_shows_only_that_recipient(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Mine"))
    send_email(sink, build_email(unique_address(), "Someone else's"))

    page = http.get("/", params={"to": address}).text

    assert ">Mine</a>" in page
    assert "Someone else" not in page


def test_the_filter_form_left_empty_shows_everyone(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Visible to all"))

    response = http.get("/", params={"to": " "})

    assert response.status_code == 200
    assert ">Visible to all</a>" in response.text


def test_empty_inbox(fresh_sink: MailSink) -> None:
    with httpx.Client(base_url=fresh_sink.http_url) as http:
        page = http.get("/").text

    assert "No email yet." in page
    assert "<table" not in page


def test_hostile_subject_is_escaped_in_the_list_and_the_message_page(
    sink: MailSink, address: str, http: httpx.Client
) -> None:
    send_email(
        sink,
        build_email(address, HOSTILE_SUBJECT, sender='"<img src=x onerror=alert(1)>" <evil@example.test>'),
    )
    stored = sink.store.wait_for(to=address, timeout=0)

    for page in (http.get("/", params={"to": address}).text, http.get(f"/messages/{stored.id}").text):
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;subject&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_message_page_shows_headers_text_links_and_the_html_part_in_a_sandbox(
    sink: MailSink, address: str, http: httpx.Client
) -> None:
    send_email(
        sink,
        build_email(
            address,
            "Activate your account",
            text="Activate now: https://crm.test/a?t=1&u=2\n<script>alert('text')</script>",
            html='<a href="https://crm.test/a?t=1&amp;u=2">Activate now</a><a href="javascript:alert(1)">Bad</a>',
        ),
    )
    stored = sink.store.wait_for(to=address, timeout=0)

    response = http.get(f"/messages/{stored.id}")

    assert response.status_code == 200
    page = response.text
    assert (
        '<iframe class="html-part" title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox" '
        f'src="/api/messages/{stored.id}/html"></iframe>'
    ) in page
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in page  # the text part, escaped in its <pre>
    assert f'<a href="/api/messages/{stored.id}/raw">Raw message</a>' in page
    assert (
        '<a href="https://crm.test/a?t=1&amp;u=2" target="_blank" rel="noopener noreferrer">'
        "https://crm.test/a?t=1&amp;u=2</a>"
    ) in page
    assert "<code>javascript:alert(1)</code>" in page
    assert 'href="javascript:' not in page
    assert '<th scope="row">Subject</th><td>Activate your account</td>' in page
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_unknown_message_page_is_a_404_page(http: httpx.Client) -> None:
    response = http.get("/messages/does-not-exist")

    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "No message with id &#39;does-not-exist&#39;" in response.text


def test_bad_inbox_query_is_a_400_page(http: httpx.Client) -> None:
    response = http.get("/", params={"colour": "red"})

    assert response.status_code == 400
    assert "unknown query parameter(s): colour" in response.text


def test_stylesheet_is_served(http: httpx.Client) -> None:
    response = http.get("/static/mailsink.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
