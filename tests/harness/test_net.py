"""HTTP from the harness: Chromium-style resolver rules, applied to httpx."""

from __future__ import annotations

import httpx
import pytest

from fake_services.serving import BackgroundServer
from loginspec.net import http_client, parse_resolver_rules

TEST_NAMES = (("*.test", "127.0.0.1"),)


def test_parse_several_rules() -> None:
    rules = "MAP *.test 127.0.0.1, MAP crm.example.com 10.1.2.3,map other.example 10.0.0.9"
    assert parse_resolver_rules(rules) == (
        ("*.test", "127.0.0.1"),
        ("crm.example.com", "10.1.2.3"),
        ("other.example", "10.0.0.9"),
    )


def test_parse_ignores_junk_and_empty_parts() -> None:
    rules = " , MAP *.test 127.0.0.1,,EXCLUDE localhost, MAP lonely, junk, MAP a b c, MAP  spaced.test   10.0.0.1 "
    assert parse_resolver_rules(rules) == (("*.test", "127.0.0.1"), ("localhost", ""), ("spaced.test", "10.0.0.1"))
    assert parse_resolver_rules("") == ()


def test_a_mapped_name_reaches_the_mapped_address_and_keeps_its_host_header(echo_server: BackgroundServer) -> None:
    url = f"http://some-name.test:{echo_server.port}/first"
    with http_client(TEST_NAMES) as client:
        response = client.get(url)
        assert response.status_code == 200
        assert response.json()["host"] == f"some-name.test:{echo_server.port}"
        assert str(response.request.url) == url  # the client still sees the name it asked for


def test_cookies_are_kept_under_the_original_name(echo_server: BackgroundServer) -> None:
    with http_client(TEST_NAMES) as client:
        first = client.get(f"http://some-name.test:{echo_server.port}/first")
        assert first.json()["cookie"] is None
        assert client.cookies.jar and {cookie.domain for cookie in client.cookies.jar} == {"some-name.test"}
        second = client.get(f"http://some-name.test:{echo_server.port}/second")
        assert second.json()["cookie"] == "visit=seen-first"
        # Another name mapped to the same address does not get the first name's cookie.
        other = client.get(f"http://other-name.test:{echo_server.port}/third")
        assert other.json()["cookie"] is None
        assert other.json()["host"] == f"other-name.test:{echo_server.port}"


def test_patterns_match_case_insensitively(echo_server: BackgroundServer) -> None:
    with http_client((("*.TEST", "127.0.0.1"),)) as client:
        response = client.get(f"http://Mixed-Case.test:{echo_server.port}/")
        assert response.json()["host"] == f"mixed-case.test:{echo_server.port}"


def test_a_request_body_goes_through_the_mapping(echo_server: BackgroundServer) -> None:
    with http_client(TEST_NAMES) as client:
        response = client.post(f"http://form.test:{echo_server.port}/posted", data={"field": "value"})
        assert response.status_code == 200
        assert response.json()["path"] == "/posted"
        assert response.json()["body"] == "field=value"
        assert response.json()["host"] == f"form.test:{echo_server.port}"


def test_an_unmapped_host_goes_straight_through(echo_server: BackgroundServer) -> None:
    with http_client(TEST_NAMES) as client:
        response = client.get(f"http://127.0.0.1:{echo_server.port}/direct")
        assert response.json()["host"] == f"127.0.0.1:{echo_server.port}"


def test_without_a_map_the_client_is_plain_and_does_not_follow_redirects(echo_server: BackgroundServer) -> None:
    with http_client() as client:
        response = client.get(f"{echo_server.url}/redirect")
        assert response.status_code == 303
        assert response.headers["location"] == "/elsewhere"


def test_a_rule_may_map_to_another_port(echo_server: BackgroundServer) -> None:
    with http_client(parse_resolver_rules(f"MAP name.test 127.0.0.1:{echo_server.port}")) as client:
        assert client.get("http://name.test/").status_code == 200


def test_an_excluded_name_is_not_mapped_even_when_a_wider_rule_matches(echo_server: BackgroundServer) -> None:
    rules = parse_resolver_rules(f"MAP *.test 127.0.0.1:{echo_server.port}, EXCLUDE skip.test")
    with http_client(rules) as client:
        assert client.get("http://name.test/").status_code == 200
        with pytest.raises(httpx.ConnectError):
            client.get("http://skip.test/")
