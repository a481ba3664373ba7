"""The JSON API over real HTTP: reading, long-polling, clearing, faults, and refusing bad input."""

from __future__ import annotations

import base64
import smtplib
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from fake_services.mailsink import MailSink
from tests.mailsink.helpers import InThread, build_email, send_email, unique_address


def test_healthz(http: httpx.Client, sink: MailSink) -> None:
    response = http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "last_seq": sink.store.mark(), "waiters": 0}


def test_list_messages_filters_and_summarises(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Welcome"))
    mark = sink.store.mark()
    send_email(sink, build_email(address, "Reset your password"))
    send_email(sink, build_email(unique_address(), "Reset for someone else"))

    response = http.get("/api/messages", params={"to": address.upper(), "subject": "reset", "since": mark})

    assert response.status_code == 200
    [summary] = response.json()["messages"]
    assert set(summary) == {"id", "seq", "received_at", "envelope", "from", "to", "subject", "size"}
    assert summary["subject"] == "Reset your password"
    assert summary["envelope"] == {"mail_from": "crm@example.test", "rcpt_to": [address]}
    assert summary["seq"] == mark + 1


def test_list_messages_in_full_and_by_regex(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Invoice 2024-001"))
    send_email(sink, build_email(address, "Invoice draft"))

    response = http.get("/api/messages", params={"to": address, "subject_re": r"\d{4}-\d{3}$", "full": "true"})

    [message] = response.json()["messages"]
    assert message["subject"] == "Invoice 2024-001"
    assert message["text"] == "Hello there.\n"


def test_get_message_in_full(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(
        sink,
        build_email(
            address,
            "Activate your account",
            text="Activate now: https://crm.test/a?t=1",
            html='<a href="https://crm.test/a?t=1">Activate now</a>',
        ),
    )
    stored = sink.store.wait_for(to=address, timeout=0)

    data = http.get(f"/api/messages/{stored.id}").json()

    assert data["id"] == stored.id
    assert data["seq"] == stored.seq
    assert data["received_at"] == stored.received_at.isoformat(timespec="microseconds")
    assert data["envelope"] == {"mail_from": "crm@example.test", "rcpt_to": [address]}
    assert ["Subject", "Activate your account"] in data["headers"]
    assert (data["subject"], data["from"], data["to"]) == (
        "Activate your account",
        "crm@example.test",
        address,
    )
    assert data["text"] == "Activate now: https://crm.test/a?t=1\n"
    assert data["html"] == '<a href="https://crm.test/a?t=1">Activate now</a>\n'
    assert data["links"] == [
        {"part": "html", "text": "Activate now", "href": "https://crm.test/a?t=1"},
        {"part": "text", "text": "Activate now", "href": "https://crm.test/a?t=1"},
    ]
    assert data["size"] == stored.size
    assert base64.b64decode(data["raw_base64"]) == stored.raw


def test_raw_route_serves_the_message_as_received(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Raw"))
    stored = sink.store.wait_for(to=address, timeout=0)

    response = http.get(f"/api/messages/{stored.id}/raw")

    assert response.status_code == 200
    assert response.headers["content-type"] == "message/rfc822"
    assert response.content == stored.raw


def test_html_route_serves_the_html_part_sandboxed(sink: MailSink, address: str, http: httpx.Client) -> None:
    hostile = '<html><head><title>x</title></head><body><script>alert(1)</script><a href="https://crm.test">Go</a>'
    send_email(sink, build_email(address, "Hostile", html=hostile))
    stored = sink.store.wait_for(to=address, timeout=0)

    response = http.get(f"/api/messages/{stored.id}/html")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox allow-popups allow-popups-to-escape-sandbox;")
    assert "default-src 'none'" in policy
    assert "allow-scripts" not in policy and "allow-same-origin" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.text.startswith('<html><head><base target="_blank"><title>')


def test_html_route_without_html_part_is_404(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Text only"))
    stored = sink.store.wait_for(to=address, timeout=0)

    response = http.get(f"/api/messages/{stored.id}/html")

    assert response.status_code == 404
    assert response.json()["detail"] == f"message {stored.id} has no HTML part"


def test_long_poll_answers_when_the_message_arrives(sink: MailSink, address: str, http: httpx.Client) -> None:
    mark = sink.store.mark()
    polling = InThread(lambda: http.get("/api/wait", params={"to": address, "since": mark, "timeout": 10}))
    sink.store.wait_for_waiters(1)

    send_email(sink, build_email(address, "Arrived"))

    response = polling.result()
    assert response.status_code == 200
    assert response.json()["subject"] == "Arrived"


def test_long_poll_answers_at_once_when_already_stored(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Already"))

    response = http.get("/api/wait", params={"to": address, "timeout": 0})

    assert response.status_code == 200
    assert response.json()["subject"] == "Already"


def test_long_poll_timeout_is_a_clear_408(sink: MailSink, address: str, http: httpx.Client) -> None:
    send_email(sink, build_email(address, "Welcome"))

    response = http.get("/api/wait", params={"to": address, "subject": "Reset", "timeout": 0})

    assert response.status_code == 408
    data = response.json()
    assert data["error"] == "Request Timeout"
    assert data["received"] == ["Welcome"]
    assert f"No email to {address} with a subject containing 'Reset'" in data["detail"]


def test_long_poll_stops_waiting_when_the_client_disconnects(sink: MailSink, address: str) -> None:
    url = urlsplit(sink.http_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(f"GET /api/wait?to={address}&timeout=60 HTTP/1.1\r\nHost: sink\r\n\r\n".encode())
        sink.store.wait_for_waiters(1)

    sink.store.wait_for_waiters(0)  # raises TimeoutError if the waiter were left behind


def test_mark_and_clear_by_recipient(sink: MailSink, address: str, http: httpx.Client) -> None:
    other = unique_address("other")
    send_email(sink, build_email(address, "Mine"))
    send_email(sink, build_email(other, "Theirs"))

    assert http.get("/api/mark").json() == {"seq": sink.store.mark()}
    assert http.delete("/api/messages", params={"to": address}).json() == {"cleared": 1}
    assert sink.store.messages(to=address) == []
    assert len(sink.store.messages(to=other)) == 1


def test_clear_everything(fresh_sink: MailSink) -> None:
    send_email(fresh_sink, build_email(unique_address(), "One"))

    with httpx.Client(base_url=fresh_sink.http_url) as http:
        assert http.delete("/api/messages").json() == {"cleared": 1}
        assert http.get("/api/messages").json() == {"messages": []}


def test_faults_over_http(sink: MailSink, address: str, http: httpx.Client) -> None:
    created = http.post("/api/faults", json={"stage": "rcpt", "code": 550, "text": "5.1.1 No such user"})
    assert created.status_code == 201
    assert created.json() == {
        "id": created.json()["id"],
        "stage": "rcpt",
        "action": "reject",
        "remaining": 1,
        "recipient": None,
        "code": 550,
        "text": "5.1.1 No such user",
        "seconds": None,
    }
    delayed = http.post("/api/faults", json={"stage": "rcpt", "action": "delay", "seconds": 2, "recipient": address})
    assert (delayed.status_code, delayed.json()["seconds"]) == (201, 2.0)
    assert http.post("/api/faults", json={"stage": "rcpt", "action": "delay"}).status_code == 400
    http.delete("/api/faults")
    http.post("/api/faults", json={"stage": "rcpt", "code": 550, "text": "5.1.1 No such user"})
    dropped = http.post("/api/faults", json={"stage": "data", "action": "drop", "recipient": address, "count": 3})
    assert dropped.status_code == 201
    listing = http.get("/api/faults").json()
    assert [(f["stage"], f["action"], f["remaining"]) for f in listing["faults"]] == [
        ("rcpt", "reject", 1),
        ("data", "drop", 3),
    ]

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_email(sink, build_email(address))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_email(sink, build_email(address))

    cleared = http.delete("/api/faults").json()
    assert cleared == {"faults": [], "max_message_size": 32 * 1024 * 1024}
    send_email(sink, build_email(address, "Delivered"))
    assert [m.subject for m in sink.store.messages(to=address)] == ["Delivered"]


def test_size_limit_over_http(sink: MailSink, http: httpx.Client) -> None:
    response = http.put("/api/faults/max-message-size", json={"max_message_size": 4096})

    assert response.json()["max_message_size"] == 4096
    with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.esmtp_features["size"] == "4096"
    assert http.put("/api/faults/max-message-size", json={"max_message_size": None}).json()["max_message_size"] is None


def assert_clear_json_error(response: httpx.Response, status: int, detail: str) -> None:
    assert response.status_code == status
    data: dict[str, Any] = response.json()
    assert set(data) == {"error", "detail"}
    assert detail in data["detail"]


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/api/messages?since=-1", 400, "'since' must be a sequence number"),
        ("/api/messages?since=1.5", 400, "'since' must be a sequence number"),
        ("/api/messages?since=99999999999999999999999", 400, "'since' must be a sequence number"),
        ("/api/messages?recipient=a@b.test", 400, "unknown query parameter(s): recipient"),
        ("/api/messages?to=a@b.test&to=c@d.test", 400, "'to' is given 2 times"),
        ("/api/messages?to=" + "a" * 321, 400, "'to' is longer than 320 characters"),
        ("/api/wait?to=&timeout=0", 400, "'to' must be an address, not ''"),
        ("/api/messages?since=", 400, "'since' must be a sequence number"),
        ("/api/messages?subject=" + "s" * 1001, 400, "'subject' is longer than 1000"),
        ("/api/messages?subject=a&subject_re=b", 400, "give 'subject' or 'subject_re', not both"),
        ("/api/messages?subject_re=(unclosed", 400, "'subject_re' is not a valid regular expression"),
        ("/api/messages?subject_re=" + "(" * 495 + ")" * 495, 400, "not a valid regular expression"),
        ("/api/messages?subject_re=a{99999999999}", 400, "not a valid regular expression"),
        ("/api/messages?full=maybe", 400, "'full' must be true or false"),
        ("/api/wait?timeout=-1", 400, "'timeout' must be from 0 to 300 seconds"),
        ("/api/wait?timeout=1e9", 400, "'timeout' must be from 0 to 300 seconds"),
        ("/api/wait?timeout=nan", 400, "'timeout' must be from 0 to 300 seconds"),
        ("/api/wait?timeout=soon", 400, "'timeout' must be a number of seconds"),
        ("/api/mark?x=1", 400, "unknown query parameter(s): x"),
        ("/api/messages/no-such-id", 404, "no message with id 'no-such-id'"),
        ("/api/messages/no-such-id/raw", 404, "no message with id 'no-such-id'"),
        ("/api/messages/no-such-id/html", 404, "no message with id 'no-such-id'"),
        ("/api/nothing-here", 404, "Not Found"),
    ],
)
def test_bad_query_gets_a_clear_json_error(http: httpx.Client, path: str, status: int, detail: str) -> None:
    assert_clear_json_error(http.get(path), status, detail)


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ("not json", 400, "the body must be a JSON object"),
        ("[1, 2]", 400, "the body must be a JSON object"),
        ("[" * 5000 + "]" * 5000, 400, "the body must be a JSON object"),
        ('{"stage": "rcpt", "code": 1' + "0" * 5000 + "}", 400, "the body must be a JSON object"),
        ('{"text": "' + "x" * 20000 + '"}', 413, "the body is larger than 16384 bytes"),
        ('{"stage": "rcpt", "code": 550, "text": "x", "when": 1}', 400, "unknown field(s): when"),
        ('{"stage": "helo", "code": 550, "text": "x"}', 400, "stage must be 'rcpt' or 'data'"),
        ('{"code": 550, "text": "x"}', 400, "stage must be 'rcpt' or 'data', not None"),
        ('{"stage": "rcpt", "code": "550", "text": "x"}', 400, "code must be an SMTP error code"),
        ('{"stage": "rcpt", "code": true, "text": "x"}', 400, "code must be an SMTP error code"),
        ('{"stage": "rcpt", "code": 250, "text": "x"}', 400, "code must be an SMTP error code"),
        ('{"stage": "rcpt", "code": 550, "text": 5}', 400, "text must be a non-empty string"),
        ('{"stage": "rcpt", "code": 550, "text": "a\\nb"}', 400, "printable ASCII on one line"),
        ('{"stage": "rcpt", "code": 550, "text": "x", "count": 0}', 400, "count must be an integer"),
        ('{"stage": "rcpt", "code": 550, "text": "x", "count": 1.5}', 400, "count must be an integer"),
        ('{"stage": "rcpt", "code": 550, "text": "x", "recipient": 5}', 400, "recipient must be an address"),
        ('{"stage": "rcpt", "code": 550}', 400, "a 'reject' fault needs 'code' and 'text'"),
        ('{"stage": "rcpt", "action": "drop", "code": 550}', 400, "no 'code' or 'text'"),
        ('{"stage": "rcpt", "action": "explode"}', 400, "'action' must be 'reject', 'drop' or 'delay'"),
    ],
)
def test_bad_fault_gets_a_clear_json_error(
    http: httpx.Client, sink: MailSink, body: str, status: int, detail: str
) -> None:
    response = http.post("/api/faults", content=body, headers={"content-type": "application/json"})

    assert_clear_json_error(response, status, detail)
    assert sink.faults.pending() == []


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("{}", "give 'max_message_size'"),
        ('{"max_message_size": -1}', "max_message_size must be"),
        ('{"max_message_size": "big"}', "max_message_size must be"),
        ('{"max_message_size": true}', "max_message_size must be"),
    ],
)
def test_bad_size_limit_gets_a_clear_json_error(http: httpx.Client, sink: MailSink, body: str, detail: str) -> None:
    response = http.put("/api/faults/max-message-size", content=body)

    assert_clear_json_error(response, 400, detail)
    assert sink.faults.max_message_size == 32 * 1024 * 1024


def test_wrong_method_gets_a_clear_json_error(http: httpx.Client) -> None:
    response = http.patch("/api/messages")

    assert_clear_json_error(response, 405, "Method Not Allowed")
    assert response.headers["allow"] == "GET, HEAD, DELETE"


@pytest.mark.parametrize(
    ("html", "served"),
    [
        (
            '<HTML lang="en"><body>x</body></HTML>',
            '<HTML lang="en"><base target="_blank"><body>x</body></HTML>\n',
        ),
        ("<p>fragment</p>", '<base target="_blank"><p>fragment</p>\n'),
    ],
)
def test_links_in_the_html_part_open_in_a_new_tab(
    sink: MailSink, address: str, http: httpx.Client, html: str, served: str
) -> None:
    send_email(sink, build_email(address, "Tabs", text=None, html=html))
    stored = sink.store.wait_for(to=address, timeout=0)

    assert http.get(f"/api/messages/{stored.id}/html").text == served
