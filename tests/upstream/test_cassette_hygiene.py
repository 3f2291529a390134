"""No upstream cassette holds authinfo or a password; every cassette is described in README."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

from tests.upstream import vcr_setup

CASSETTES = sorted(vcr_setup.CASSETTES.glob("*.yaml"))


def problems(text: str) -> list[str]:
    found: list[str] = []
    data: dict[str, Any] = yaml.safe_load(text)
    for number, interaction in enumerate(data.get("interactions", []), start=1):
        request = interaction["request"]
        fields = parse_qsl(request.get("body") or "", keep_blank_values=True)
        fields += parse_qsl(urlsplit(request["uri"]).query, keep_blank_values=True)
        for key, value in fields:
            if key.lower() in vcr_setup.SECRET_FIELDS and value != vcr_setup.AUTHINFO_PLACEHOLDER:
                found.append(f"interaction {number}: {key} {value!r}")
        if urlsplit(request["uri"]).query:
            found.append(f"interaction {number}: a query string (authinfo belongs in the body)")
        headers = {**request.get("headers", {}), **interaction["response"].get("headers", {})}
        for name in headers:
            if name.lower() in ("cookie", "set-cookie", "authorization"):
                found.append(f"interaction {number}: header {name}")
    for secret in (vcr_setup.REPLAY_USER, vcr_setup.REPLAY_PASSWORD):
        if secret in text:
            found.append(f"the replay credential {secret!r}")
    return found


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: p.name)
def test_cassette_is_scrubbed(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8")) == []


def test_the_scan_finds_what_it_must() -> None:
    dirty = """
interactions:
- request:
    body: authinfo=reseller%3Ahunter2&out=xml&func=whoami
    headers: {Cookie: [billmgrses5=1]}
    method: POST
    uri: https://upstream.example.com/billmgr?password=inquery
  response:
    body: {string: "<doc/>"}
    headers: {Set-Cookie: [a=b]}
    status: {code: 200, message: OK}
version: 1
"""
    found = problems(dirty)
    assert "interaction 1: authinfo 'reseller:hunter2'" in found
    assert "interaction 1: password 'inquery'" in found
    assert "interaction 1: header Cookie" in found and "interaction 1: header Set-Cookie" in found


def test_the_request_filter_replaces_authinfo() -> None:
    from vcr.request import Request

    request = Request(
        "POST",
        vcr_setup.URL,
        b"authinfo=reseller%3Ahunter2&out=xml&func=whoami",
        {"Cookie": "a=b"},
    )
    scrubbed = vcr_setup.scrub_request(request)
    assert scrubbed.body == b"authinfo=%3CAUTHINFO%3E&out=xml&func=whoami"
    assert "Cookie" not in scrubbed.headers


def test_every_cassette_is_in_the_readme_and_every_shape_has_one() -> None:
    names = {p.stem for p in CASSETTES}
    assert {
        "error_bad_credentials",
        "error_ip_restricted",
        "error_two_factor",
        "error_access",
        "error_insufficient_funds",
        "error_other",
        "error_html_login",
        "error_truncated",
        "error_http_500",
    } <= names
    readme = (vcr_setup.CASSETTES / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"`{name}.yaml`" in readme, f"{name} is not described in the README"
