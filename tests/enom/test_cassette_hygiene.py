"""No cassette may hold a credential, a real e-mail address, a real IP or a cookie."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

from tests.enom import vcr_setup
from tests.enom.vcr_setup import (
    EMAIL,
    IPV4,
    IPV6,
    PW_PLACEHOLDER,
    UID_PLACEHOLDER,
    _doc_ip,
    _example_mail_domain,
    scrub_request,
    scrub_response,
)

CASSETTES = sorted(vcr_setup.CASSETTES.glob("*.yaml"))


def problems(text: str) -> list[str]:
    """Everything in a cassette file that a scrubber should have removed."""
    found: list[str] = []
    data: dict[str, Any] = yaml.safe_load(text)
    for number, interaction in enumerate(data.get("interactions", []), start=1):
        request = interaction["request"]
        fields = parse_qsl(request.get("body") or "", keep_blank_values=True)
        fields += parse_qsl(urlsplit(request["uri"]).query, keep_blank_values=True)
        for key, value in fields:
            if key.lower() == "uid" and value != UID_PLACEHOLDER:
                found.append(f"interaction {number}: uid {value!r}")
            if key.lower() == "pw" and value != PW_PLACEHOLDER:
                found.append(f"interaction {number}: pw {value!r}")
        headers = {**request.get("headers", {}), **interaction["response"].get("headers", {})}
        for name in headers:
            if name.lower() in ("cookie", "set-cookie", "authorization"):
                found.append(f"interaction {number}: header {name}")
    for match in EMAIL.finditer(text):
        if not _example_mail_domain(match.group(2)):
            found.append(f"e-mail {match.group(0)}")
    for pattern in (IPV4, IPV6):
        for match in pattern.finditer(text):
            if _doc_ip(match.group(0)) is False:
                found.append(f"IP {match.group(0)}")
    for secret in (os.environ.get("ENOM_UID"), os.environ.get("ENOM_PW")):
        if secret and secret in text:
            found.append("the live ENOM_UID/ENOM_PW")
    for secret in (vcr_setup.REPLAY_UID, vcr_setup.REPLAY_PW):
        if secret in text:
            found.append(f"the replay credential {secret!r}")
    return found


def test_there_is_a_cassette_per_command_and_error_shape() -> None:
    names = {p.stem for p in CASSETTES}
    from pmenomssl.enom.commands import COMMANDS

    assert set(COMMANDS) <= names
    assert {
        "error_bad_credentials",
        "error_ip_not_allowed",
        "error_insufficient_funds",
        "error_invalid_csr",
        "error_html_500",
        "error_truncated",
        "error_done_missing",
    } <= names
    readme = (vcr_setup.CASSETTES / "README.md").read_text()
    for name in names:
        assert f"`{name}.yaml`" in readme, f"{name} is not described in tests/cassettes/README.md"


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: p.name)
def test_cassette_is_scrubbed(path: Path) -> None:
    assert problems(path.read_text()) == []


def test_the_scan_finds_what_it_must() -> None:
    dirty = """
interactions:
- request:
    body: uid=realuser&pw=hunter2&command=GetBalance
    headers: {Cookie: [a=b]}
    method: POST
    uri: https://resellertest.enom.com/interface.asp?pw=inquery
  response:
    body: {string: "<x>john.smith@acme-corp.com from 8.8.8.8 and 2a00:1450:4001::8a</x>"}
    headers: {Set-Cookie: [ASP.NET_SessionId=1]}
    status: {code: 200, message: OK}
version: 1
"""
    found = problems(dirty)
    assert "interaction 1: uid 'realuser'" in found
    assert "interaction 1: pw 'hunter2'" in found
    assert "interaction 1: pw 'inquery'" in found
    assert "e-mail john.smith@acme-corp.com" in found
    assert "IP 8.8.8.8" in found and "IP 2a00:1450:4001::8a" in found
    assert "interaction 1: header Cookie" in found and "interaction 1: header Set-Cookie" in found


def test_filters_scrub_requests_and_response_bodies() -> None:
    from vcr.request import Request

    request = Request(
        "POST",
        "https://resellertest.enom.com/interface.asp",
        b"uid=realuser&pw=hunter2&command=CertConfigureCert&AdminEmailAddress=john%40acme-corp.com",
        {"Cookie": "a=b"},
    )
    scrubbed = scrub_request(request)
    assert scrubbed.body == (
        b"uid=%3CUID%3E&pw=%3CPW%3E&command=CertConfigureCert"
        b"&AdminEmailAddress=contact%40example.com"
    )
    assert "Cookie" not in scrubbed.headers
    response = {
        "body": {
            "string": b"User not permitted from this IP address - 8.8.4.4. "
            b"<ApproverEmail>admin@acme-corp.com</ApproverEmail> at 10:39:20 on 2001:db8::5"
        },
        "headers": {"Set-Cookie": ["s=1"], "Content-Type": ["text/xml"]},
    }
    cleaned = scrub_response(response)
    assert cleaned["body"]["string"] == (
        b"User not permitted from this IP address - 192.0.2.1. "
        b"<ApproverEmail>admin@example.com</ApproverEmail> at 10:39:20 on 2001:db8::5"
    )
    assert cleaned["headers"] == {"Content-Type": ["text/xml"]}


def test_filters_remove_live_credentials_from_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENOM_UID", "my-live-login")
    response = {"body": {"string": "<Account>my-live-login</Account>"}, "headers": {}}
    assert scrub_response(response)["body"]["string"] == "<Account><SCRUBBED></Account>"
