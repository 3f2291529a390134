"""vcrpy set-up for the upstream-BILLmanager cassettes (tests/cassettes/upstream/): replay only.

The cassettes are hand-built from the shapes in .notes/UPSTREAM.md: no live upstream exists to
record from, so `record_mode="none"` always and any request not in a cassette fails the test.
`scrub_request` runs on every request before matching (and would run before recording): the
`authinfo` field (user:password) becomes `<AUTHINFO>`, cookies and Authorization are dropped.
Matching compares every form field (order-free), so a cassette is also the expected request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import vcr

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes" / "upstream"
URL = "https://upstream.example.com/billmgr"
AUTHINFO_PLACEHOLDER = "<AUTHINFO>"
# What replayed tests send; scrub_request turns the authinfo made of them into the placeholder.
REPLAY_USER = "replay-reseller"
REPLAY_PASSWORD = "replay-password-0123"
SECRET_FIELDS = frozenset({"authinfo", "password", "passwd"})


def scrub_form(body: str) -> str:
    pairs = parse_qsl(body, keep_blank_values=True)
    return urlencode(
        [(k, AUTHINFO_PLACEHOLDER if k.lower() in SECRET_FIELDS else v) for k, v in pairs]
    )


def scrub_request(request: Any) -> Any:
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if body:
        request.body = scrub_form(body).encode("utf-8")
    split = urlsplit(request.uri)
    if split.query:
        request.uri = split._replace(query=scrub_form(split.query)).geturl()
    for header in ("Cookie", "cookie", "Authorization", "authorization"):
        if header in request.headers:
            del request.headers[header]
    return request


def form_fields(request: Any) -> list[tuple[str, str]]:
    body = request.body or b""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return sorted(parse_qsl(body, keep_blank_values=True))


def form_matcher(r1: Any, r2: Any) -> None:
    """Every form field equal (order-free)."""
    assert form_fields(r1) == form_fields(r2), f"{form_fields(r1)} != {form_fields(r2)}"


def make_vcr() -> vcr.VCR:
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="none",
        before_record_request=scrub_request,
        filter_headers=["cookie", "authorization"],
        path_transformer=vcr.VCR.ensure_suffix(".yaml"),
    )
    recorder.register_matcher("form", form_matcher)
    recorder.match_on = ("method", "scheme", "host", "path", "form")
    return recorder
