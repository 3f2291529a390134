"""vcrpy set-up for the ENOM cassettes: replay by default, scrubbing before anything is written.

Replay (default): `record_mode="none"`, any request not in the cassette fails the test.
Re-record: `ENOM_LIVE=1 ENOM_UID=... ENOM_PW=...` records against TEST_URL with
`record_mode="once"`, i.e. only cassettes whose file was deleted are recorded again.

The filters replace `uid`/`pw` with `<UID>`/`<PW>`, every e-mail address outside the reserved
example domains with one on example.com, every IP outside the documentation ranges with one
inside them, and drop cookies, in requests and in response bodies.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import vcr

from pmenomssl.enom import TEST_URL

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
LIVE = os.environ.get("ENOM_LIVE") == "1"
UID_PLACEHOLDER = "<UID>"
PW_PLACEHOLDER = "<PW>"
# What replayed tests send; the request filter maps them to the placeholders like real ones.
REPLAY_UID = "replay-login"
REPLAY_PW = "replay-password-0123"
SECRET_PARAMS = {"uid": UID_PLACEHOLDER, "pw": PW_PLACEHOLDER}

ROLE_MAILBOXES = frozenset(
    {"admin", "administrator", "webmaster", "hostmaster", "postmaster", "registrant"}
)
EXAMPLE_MAIL_DOMAINS = ("example.com", "example.net", "example.org")
EXAMPLE_MAIL_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
DOC_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "127.0.0.0/8", "2001:db8::/32")
)
IPV4_PLACEHOLDER = "192.0.2.1"
IPV6_PLACEHOLDER = "2001:db8::1"

EMAIL = re.compile(r"(?i)\b([a-z0-9._%+\-]+)@([a-z0-9\-]+(?:\.[a-z0-9\-]+)+)\b")
# An IP at the end of a sentence ("... - 203.0.113.7. See ...") still counts.
IPV4 = re.compile(r"(?<!\d)(?<!\d\.)(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")


def credentials() -> tuple[str, str]:
    """The uid/pw the tests send: the real test account when re-recording, else dummies."""
    if LIVE:
        return os.environ["ENOM_UID"], os.environ["ENOM_PW"]
    return REPLAY_UID, REPLAY_PW


def _example_mail_domain(domain: str) -> bool:
    domain = domain.lower()
    return domain in EXAMPLE_MAIL_DOMAINS or domain.endswith(EXAMPLE_MAIL_SUFFIXES)


def _doc_ip(value: str) -> bool | None:
    """True if `value` is a documentation/loopback IP, False if another IP, None if no IP."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return any(address in network for network in DOC_NETWORKS if network.version == address.version)


def scrub_text(text: str) -> str:
    """E-mail addresses and IPs replaced by reserved example values; live credentials removed."""

    def mail(match: re.Match[str]) -> str:
        local, domain = match.group(1), match.group(2)
        if _example_mail_domain(domain):
            return match.group(0)
        return f"{local if local.lower() in ROLE_MAILBOXES else 'contact'}@example.com"

    def ip(match: re.Match[str], placeholder: str) -> str:
        return placeholder if _doc_ip(match.group(0)) is False else match.group(0)

    text = EMAIL.sub(mail, text)
    text = IPV4.sub(lambda m: ip(m, IPV4_PLACEHOLDER), text)
    text = IPV6.sub(lambda m: ip(m, IPV6_PLACEHOLDER), text)
    for secret in _live_secrets():
        text = text.replace(secret, "<SCRUBBED>")
    return text


def _live_secrets() -> list[str]:
    return [v for v in (os.environ.get("ENOM_UID"), os.environ.get("ENOM_PW")) if v]


def encode_form(pairs: list[tuple[str, str]]) -> str:
    """Form encoding exactly as httpx sends it."""
    return urlencode(pairs)


def scrub_form(body: str) -> str:
    pairs = parse_qsl(body, keep_blank_values=True)
    scrubbed = [(key, SECRET_PARAMS.get(key.lower(), scrub_text(value))) for key, value in pairs]
    return encode_form(scrubbed)


def scrub_request(request: Any) -> Any:
    """before_record_request: also applied to live requests before matching on replay."""
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


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """before_record_response: scrub the body, drop cookies."""
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        response["body"]["string"] = scrub_text(body.decode("utf-8", "replace")).encode("utf-8")
    elif isinstance(body, str):
        response["body"]["string"] = scrub_text(body)
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() == "set-cookie":
            del headers[name]
    return response


def _form(request: Any) -> list[tuple[str, str]]:
    body = request.body or b""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return sorted(parse_qsl(body, keep_blank_values=True))


def form_matcher(r1: Any, r2: Any) -> None:
    """Every form field equal (order-free): the cassette is also the expected request."""
    assert _form(r1) == _form(r2), f"{_form(r1)} != {_form(r2)}"


def _command_and_page(request: Any) -> tuple[str, str]:
    fields = {k.lower(): v for k, v in _form(request)}
    return fields.get("command", "").lower(), fields.get("startposition", "")


def command_matcher(r1: Any, r2: Any) -> None:
    """Only the command (and CertGetCerts page): for contract tests, which chain commands."""
    assert _command_and_page(r1) == _command_and_page(r2)


def make_vcr(*, exact: bool = True) -> vcr.VCR:
    """The VCR for ENOM cassettes; `exact=False` matches on the command only."""
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="once" if LIVE else "none",
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
        filter_headers=["cookie", "authorization"],
        path_transformer=vcr.VCR.ensure_suffix(".yaml"),
    )
    recorder.register_matcher("form", form_matcher)
    recorder.register_matcher("command", command_matcher)
    recorder.match_on = (
        ("method", "host", "path", "form") if exact else ("method", "host", "path", "command")
    )
    return recorder


def cassette_files() -> Iterator[Path]:
    return iter(sorted(CASSETTES.glob("*.yaml")))


def url() -> str:
    return TEST_URL


class MergingPersister:
    """Loads `A+B.yaml` as the interactions of `A.yaml` followed by those of `B.yaml`."""

    @classmethod
    def load_cassette(
        cls, cassette_path: str | Path, serializer: Any
    ) -> tuple[list[Any], list[Any]]:
        from vcr.persisters.filesystem import FilesystemPersister

        path = Path(cassette_path)
        requests: list[Any] = []
        responses: list[Any] = []
        for name in path.stem.split("+"):
            loaded = FilesystemPersister.load_cassette(path.with_name(f"{name}.yaml"), serializer)
            requests.extend(loaded[0])
            responses.extend(loaded[1])
        return requests, responses

    @staticmethod
    def save_cassette(cassette_path: str | Path, cassette_dict: Any, serializer: Any) -> None:
        raise RuntimeError("merged cassettes are replay-only")
