"""Module-level commands: features, approver, usercreate, check_connection, getbalance."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from decimal import Decimal

import pytest
from lxml import etree

from pmenomssl.handlers.enomssl import products
from tests.handler.conftest import World, desc
from tests.helpers import module_env

FEATURES = [
    "approver", "check_connection", "close", "getbalance", "import", "open", "prolong",
    "reopen", "resume", "send_dv_dns", "send_dv_email", "setparam", "suspend", "sync_item",
    "tune_connection", "usercreate",
]  # fmt: skip


def _form(url: str, username: str, password: str) -> bytes:
    doc = etree.Element("doc")
    node = etree.SubElement(doc, "processingmodule")
    for name, value in (("url", url), ("username", username), ("password", password)):
        etree.SubElement(node, name).text = value
    return etree.tostring(doc)


def test_features_declares_commands_params_and_templates(world: World) -> None:
    doc = etree.fromstring(world.ok("features"))
    assert [e.get("name") for e in doc.iterfind("features/feature")] == FEATURES
    assert {e.get("name"): e.get("crypted") for e in doc.iterfind("params/param")} == {
        "url": None,
        "username": None,
        "password": "yes",
        "sourceip": None,
        "threshold": None,
    }
    assert [e.get("name") for e in doc.iterfind("itemtypes/itemtype")] == ["certificate"]
    templates = {t.get("name"): t for t in doc.iterfind("templates/template")}
    assert len(templates) == len(products.STATIC_PRODUCTS)
    assert all(t.get("id") == name for name, t in templates.items())
    assert templates["rapidsslwildcard"].get("wildcard") == "yes"
    assert templates["rapidssl"].get("authdnstxt") == "yes"
    assert templates["rapidssl"].get("orginfo") is None
    assert templates["truebizid"].get("orginfo") == "yes"
    assert templates["sectigouccdv"].get("multidomain") == "yes"
    # as ISP's own modules: www only on single-name non-EV templates, no authfile anywhere
    assert templates["rapidssl"].get("www") == "yes"
    assert templates["rapidsslwildcard"].get("www") is None
    assert templates["securesiteev"].get("www") is None
    assert templates["sectigoev"].get("www") is None
    assert not [name for name, t in templates.items() if t.get("authfile") is not None]


def test_features_merges_the_product_list_enom_sells(world: World) -> None:
    cache = world.standin.root / "var" / "pmenomssl.products.json"
    cache.write_text(
        json.dumps(
            {
                "updated": "2025-01-01T00:00:00+00:00",
                "products": [
                    {"code": "certificate-rapidssl-rapidssl", "prod_type": 23},
                    {"code": "certificate-sectigo-ucc-ov-wildcard", "prod_type": 999},
                ],
            }
        )
    )
    doc = etree.fromstring(world.ok("features"))
    templates = {t.get("name"): dict(t.attrib) for t in doc.iterfind("templates/template")}
    assert set(templates) == {"rapidssl", "sectigouccovwildcard"}
    new = templates["sectigouccovwildcard"]
    assert new["multidomain"] == "yes" and new["wildcard"] == "yes" and new["orginfo"] == "yes"
    assert "authdnstxt" not in new  # conservative: e-mail validation only


def test_features_and_approver_import_no_heavy_libraries(world: World) -> None:
    probe = (
        "import io, sys\n"
        "from pmenomssl.protocol.runner import run\n"
        "out = io.BytesIO()\n"
        "run(sys.argv[1:], io.BytesIO(b''), out)\n"
        "heavy = [m for m in ('httpx', 'pymysql', 'cryptography') if m in sys.modules]\n"
        "print(repr(heavy), out.getvalue().decode())\n"
    )
    for argv in (
        ["--command", "features"],
        ["--command", "approver", "--module", "1", "--domain", "example.com"],
    ):
        result = subprocess.run(
            [sys.executable, "-c", probe, *argv],
            env=module_env(world.standin),
            capture_output=True,
            check=True,
        )
        heavy, _, output = result.stdout.decode().partition(" ")
        assert heavy == "[]", (argv, heavy)
        assert output.startswith("<?xml") or output.startswith("<doc")


def test_approver_answers_per_domain_up_to_the_registrable_domain(world: World) -> None:
    """One <domain name="D"> per comma-separated name, as ISP's GlobalSign module answers."""
    out = world.ok("approver", None, "--module", "1", "--domain", "www.shop.example.co.uk,*.b.org")
    doc = etree.fromstring(out)
    domains = doc.findall("domain")
    assert [d.get("name") for d in domains] == ["www.shop.example.co.uk", "*.b.org"]
    assert [child.tag for child in doc] == ["domain", "domain"]  # nothing flat any more
    first = [e.text for e in domains[0].iterfind("approver")]
    assert first[:5] == [
        "admin@www.shop.example.co.uk",
        "administrator@www.shop.example.co.uk",
        "hostmaster@www.shop.example.co.uk",
        "postmaster@www.shop.example.co.uk",
        "webmaster@www.shop.example.co.uk",
    ]
    assert "admin@shop.example.co.uk" in first and "webmaster@example.co.uk" in first
    assert len(first) == 15  # three levels down to example.co.uk, never co.uk
    assert not any(a.endswith("@co.uk") for a in first)
    second = [e.text for e in domains[1].iterfind("approver")]
    assert second == [
        "admin@b.org",
        "administrator@b.org",
        "hostmaster@b.org",
        "postmaster@b.org",
        "webmaster@b.org",
    ]
    assert world.standin.journal() == []  # no database, no mgrctl
    assert sum(world.sandbox.calls.values()) == 0


@pytest.mark.parametrize(
    "stdin",
    [
        b"",
        b"-----BEGIN CERTIFICATE REQUEST-----\nMIIBVDCB/gIBADBa\n"
        b"-----END CERTIFICATE REQUEST-----\n",
        b"<doc><unclosed>",
        bytes(range(256)),
    ],
    ids=["empty", "raw PEM CSR", "broken XML", "binary"],
)
def test_approver_never_fails_on_what_arrives_on_stdin(world: World, stdin: bytes) -> None:
    """ISP's TheSSLStore sample passes a raw PEM CSR on stdin: approver does not parse it."""
    out = world.ok("approver", None, "--module", "1", "--domain", "example.com", stdin=stdin)
    doc = etree.fromstring(out)
    assert doc.find("domain").get("name") == "example.com"  # type: ignore[union-attr]
    assert "admin@example.com" in [e.text for e in doc.iterfind("domain/approver")]


@pytest.mark.parametrize(
    ("domain", "reason"),
    [
        ("1.2.3.4", "1.2.3.4 is an IP address"),
        ("localhost", "localhost is an internal name"),
        ("", "No domain was given"),
        (",", "No domain was given"),
        ("example.com.", "example.com. ends with a dot"),
        ("example.com,co.uk", "co.uk is a public suffix"),
    ],
)
def test_approver_says_why_it_has_no_address(world: World, domain: str, reason: str) -> None:
    result = world.run("approver", None, "--module", "1", "--domain", domain)
    assert result.returncode == 1, result.stdout
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None and error.get("type") == "invalid_domain"
    assert reason in desc(error), desc(error)
    assert b"Traceback" not in result.stdout + result.stderr


def test_usercreate_returns_the_form_with_the_signup_link(world: World) -> None:
    out = world.ok(
        "usercreate", stdin=b"<doc><func>processing.edit.pmenomssl.createuser</func></doc>"
    )
    doc = etree.fromstring(out)
    assert doc.findtext("func") == "processing.edit.pmenomssl.createuser"
    assert (doc.findtext("outerlink") or "").startswith("https://www.enom.com/")


def test_check_connection_succeeds_and_caches_the_product_list(world: World) -> None:
    sb = world.sandbox
    out = world.ok("check_connection", stdin=_form(sb.url, sb.uid, sb.pw))
    assert etree.fromstring(out).tag == "doc" and len(etree.fromstring(out)) == 0
    cache = products.load_cache(world.standin.root / "var" / "pmenomssl.products.json")
    assert cache is not None
    offered = cache.offered("certificate-rapidssl-rapidssl")
    assert offered is not None and offered.reseller_price == Decimal("9.95")
    assert sb.calls["GetBalance"] == 1 and sb.calls["GetCerts"] == 1


def _check(world: World, url: str, user: str, pw: str, **env: str) -> etree._Element:
    result = world.run("check_connection", stdin=_form(url, user, pw), env=env)
    assert result.returncode == 1, result.stdout
    assert b"Traceback" not in result.stdout + result.stderr
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None
    assert pw not in result.stdout.decode() or not pw
    return error


def test_check_connection_wrong_credentials(world: World) -> None:
    error = _check(world, world.sandbox.url, world.sandbox.uid, "wrong-password-123")
    assert error.get("type") == "invalid_login_or_passwd"
    assert "separate" in desc(error)  # test and live accounts have separate credentials


def test_check_connection_empty_credentials(world: World) -> None:
    error = _check(world, world.sandbox.url, "", "")
    assert error.get("type") == "invalid_connection"
    assert "login ID" in desc(error)


def test_check_connection_ip_not_allowed_quotes_the_ip(world: World) -> None:
    world.sandbox.configure({"ip_allowlist": ["192.0.2.1"]})
    error = _check(world, world.sandbox.url, world.sandbox.uid, world.sandbox.pw)
    assert error.get("type") == "enom_ip_not_allowed"
    assert "127.0.0.1" in desc(error) and "allow-list" in desc(error)


def test_check_connection_refused(world: World) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    error = _check(world, f"http://127.0.0.1:{port}/interface.asp", "u", "p-secret")
    assert error.get("type") == "enom_unreachable"
    assert "refused" in desc(error)


def test_check_connection_dns_failure(world: World) -> None:
    error = _check(world, "https://no-such-host.invalid/interface.asp", "u", "p-secret")
    assert error.get("type") == "enom_unreachable"
    assert "DNS" in desc(error) or "resolve" in desc(error)


def test_check_connection_outage_page(world: World) -> None:
    world.sandbox.faults.add("html_page", command="GetBalance", times=None)
    error = _check(world, world.sandbox.url, world.sandbox.uid, world.sandbox.pw)
    assert error.get("type") == "enom_bad_response"
    assert "interface.asp" in desc(error)


def test_check_connection_http_500(world: World) -> None:
    world.sandbox.faults.add("http_500", command="GetBalance", times=None)
    error = _check(world, world.sandbox.url, world.sandbox.uid, world.sandbox.pw)
    assert error.get("type") == "enom_bad_response"
    assert "500" in desc(error)


def test_check_connection_timeout(world: World) -> None:
    world.sandbox.faults.add("delay", command="GetBalance", seconds=8, times=None)
    error = _check(
        world, world.sandbox.url, world.sandbox.uid, world.sandbox.pw, PMENOMSSL_DEADLINE="1"
    )
    assert error.get("type") in ("deadline_exceeded", "enom_unreachable")
    assert "did not" in desc(error) or "time" in desc(error)


def test_check_connection_bad_url(world: World) -> None:
    error = _check(world, "ftp://reseller.enom.com/", "u", "p-secret")
    assert error.get("type") == "invalid_connection"


def test_getbalance_with_module_saves_and_prints(world: World) -> None:
    world.sandbox.configure({"available_balance": "1234.56"})
    out = world.ok("getbalance", None, "--module", str(world.module))
    doc = etree.fromstring(out)
    assert doc.findtext("balance") == "1234.56" and doc.findtext("currency") == "USD"
    (saved,) = world.standin.journal("processing.savebalance")
    assert saved["params"]["processingmodule"] == str(world.module)
    assert saved["params"]["balance"] == "1234.56" and saved["params"]["currency"] == "USD"
    assert dict(world.sandbox.calls) == {"GetBalance": 1}


def test_getbalance_without_module_does_every_active_module(world: World) -> None:
    sb = world.sandbox
    second = world.standin.add_module(
        "pmenomssl", params={"url": sb.url, "username": sb.uid}, crypted_params={"password": sb.pw}
    )
    world.standin.add_module(
        "pmenomssl",
        params={"url": sb.url, "username": "x"},
        crypted_params={"password": "y"},
        active=False,
    )
    world.standin.add_module("pmother", params={})
    out = world.ok("getbalance")
    saved = {
        r["params"]["processingmodule"] for r in world.standin.journal("processing.savebalance")
    }
    assert saved == {str(world.module), str(second)}
    assert etree.fromstring(out).findtext("currency") == "USD"
    assert sb.calls["GetBalance"] == 2


def test_service_commands_without_enom_just_post(world: World) -> None:
    item = world.order("rapidssl", "post.example.com")
    for command, func in (
        ("suspend", "service.postsuspend"),
        ("resume", "service.postresume"),
        ("setparam", "service.postsetparam"),
    ):
        world.ok(command, item)
        assert [r["params"]["elid"] for r in world.standin.journal(func)] == [str(item)]
    assert sum(world.sandbox.calls.values()) == 0
