"""Refusals before any money is spent, check_connection per cause, getbalance.

Every refusal is BILLmanager's error XML with a message that says what is wrong and what to do,
and leaves the upstream account untouched (no order, no charge, no intent to reconcile later).
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from lxml import etree

from tests.billreseller.e2e_helpers import RecordingReseller, desc, form, rs_fixture  # noqa: F401


def assert_nothing_ordered(rs: RecordingReseller, item: int, balance: Decimal) -> None:
    assert rs.upstream.orders == []
    # the order form (order.param without sok) may be read; it is never submitted
    assert sum(n for f, n in rs.upstream.submitted.items() if "order.param" in f) == 0
    assert rs.upstream.balance == balance
    params = rs.params(item)
    assert params.get("upstream_id", "") == ""
    # a refusal must not leave an intent that a later run would reconcile against
    assert params.get("upstream_order_intent", "") == ""
    assert rs.item_row(item)["status"] == 1


# --- refusals before ordering --------------------------------------------------------------


@pytest.mark.parametrize(
    ("itemtype", "period", "offered"),
    [("vhost", 3, "1, 12"), ("vds", 6, "1, 3, 12"), ("certificate", 1, "12, 24")],
)
def test_period_not_offered_upstream_is_refused_before_ordering(
    rs: RecordingReseller, itemtype: str, period: int, offered: str
) -> None:
    item = rs.item(itemtype, domain=f"period-{itemtype}.example.com", period=period)
    balance = rs.upstream.balance
    error = rs.fails("open", item)
    assert error.get("type") == "period_not_available"
    text = desc(error)
    assert f"{period} month" in text and offered in text, text
    assert "nothing was ordered" in text.lower()
    assert_nothing_ordered(rs, item, balance)


def test_balance_below_the_cost_is_refused_before_ordering(rs: RecordingReseller) -> None:
    rs.upstream.configure(balance=Decimal("250.5"))
    item = rs.item("vds", domain="poor.example.com", addons={"211": 2})
    error = rs.fails("open", item)
    assert error.get("type") == "upstream_insufficient_funds"
    text = desc(error)
    # the balance (parsed from "250,50") and the cost are both named; the order form shows
    # no addon prices, so the pre-check's cost is the tariff's 300 for the month
    assert "250.5" in text and "300" in text, text
    assert "top up" in text.lower()
    assert_nothing_ordered(rs, item, Decimal("250.5"))
    # topped up: the re-run orders, once
    rs.upstream.configure(balance=Decimal("1000"))
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1


def test_balance_below_the_cost_with_addons_is_refused_by_upstream_without_a_charge(
    rs: RecordingReseller,
) -> None:
    # 350 covers the tariff (300) but not its addons (+ 2 x 50): the pre-check cannot know the
    # addon prices, upstream refuses the order itself, and nothing is charged or saved as ours.
    rs.upstream.configure(balance=Decimal("350"))
    item = rs.item("vds", domain="poor-addons.example.com", addons={"211": 2})
    error = rs.fails("open", item)
    assert error.get("type") == "upstream_insufficient_funds"
    assert rs.upstream.orders == [] and rs.upstream.balance == Decimal("350")
    assert rs.upstream_id(item) == ""
    rs.upstream.configure(balance=Decimal("1000"))
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1


def test_an_order_below_the_modules_threshold_is_refused(rs: RecordingReseller) -> None:
    # `threshold` (GlobalSign's param, the panel's field): the vhost's year costs 1620 of the
    # 10000, so the order would leave 8380, below a threshold of 9 000 (typed as the panel shows
    # amounts), though the balance alone is above it.
    rs.standin.store.set_param(
        "processingparam", "processingmodule", rs.module, "threshold", "9\u00a0000,00"
    )
    item = rs.item("vhost", domain="minimum.example.com")
    error = rs.fails("open", item)
    assert error.get("type") == "upstream_insufficient_funds"
    text = desc(error)
    assert "threshold" in text and "9000" in text and "8380" in text, text
    assert_nothing_ordered(rs, item, Decimal("10000"))
    # a threshold the order keeps to lets it through
    rs.standin.store.set_param(
        "processingparam", "processingmodule", rs.module, "threshold", "8000"
    )
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1


def test_the_undeclared_minbalance_is_not_read(rs: RecordingReseller) -> None:
    rs.standin.store.set_param(
        "processingparam", "processingmodule", rs.module, "minbalance", "20000"
    )
    item = rs.item("vhost", domain="nominimum.example.com")
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1


def test_tariff_unknown_upstream_is_refused_before_ordering(rs: RecordingReseller) -> None:
    item = rs.item("vds", domain="notariff.example.com", upstream_tariff="77")
    error = rs.fails("open", item)
    assert error.get("type") == "unknown_tariff"
    assert "77" in desc(error) and "21" in desc(error)
    assert_nothing_ordered(rs, item, Decimal("10000"))


def test_addon_unknown_upstream_is_refused_before_ordering(rs: RecordingReseller) -> None:
    item = rs.item("vds", domain="noaddon.example.com", addons={"999": 1})
    error = rs.fails("open", item)
    assert error.get("type") == "unknown_tariff"
    assert "999" in desc(error) and "211" in desc(error)
    assert_nothing_ordered(rs, item, Decimal("10000"))


def test_account_not_at_customer_level_names_the_cause(rs: RecordingReseller) -> None:
    rs.upstream.configure(level="admin")
    item = rs.item("vhost", domain="admin.example.com")
    error = rs.fails("open", item)
    assert error.get("type") == "upstream_access_denied"
    assert "Customer" in desc(error)
    assert rs.upstream.orders == []


# --- check_connection -----------------------------------------------------------------------


def check(rs: RecordingReseller, url: str, user: str, password: str) -> etree._Element:
    error = rs.error_of(rs.run("check_connection", stdin=form(url, user, password)))
    if password:
        assert password not in etree.tostring(error).decode()
    return error


def test_check_connection_succeeds(rs: RecordingReseller) -> None:
    up = rs.upstream
    out = rs.ok("check_connection", stdin=form(up.url, up.username, up.password))
    doc = etree.fromstring(out)
    assert doc.tag == "doc" and doc.find("error") is None
    assert up.calls["whoami"] == 1
    assert up.orders == []


@pytest.mark.parametrize(
    "tail", ["", "/", "/billmgr/", "  "], ids=["no-path", "slash", "billmgr-slash", "spaces"]
)
def test_check_connection_accepts_the_url_forms_an_admin_types(
    rs: RecordingReseller, tail: str
) -> None:
    up = rs.upstream
    url = up.base_url + tail if tail.strip() != "" else f" {up.url} "
    rs.ok("check_connection", stdin=form(url, up.username, up.password))
    assert up.calls["whoami"] == 1


def test_check_connection_bad_password(rs: RecordingReseller) -> None:
    up = rs.upstream
    error = check(rs, up.url, up.username, "Wrong-Password-4711")
    assert error.get("type") == "upstream_auth"
    assert "username and password" in desc(error) and up.username in desc(error)


def test_check_connection_ip_restriction(rs: RecordingReseller) -> None:
    rs.upstream.configure(ip_restricted=True)
    up = rs.upstream
    error = check(rs, up.url, up.username, up.password)
    assert error.get("type") == "upstream_ip_restricted"
    assert "IP address" in desc(error)


def test_check_connection_two_factor(rs: RecordingReseller) -> None:
    rs.upstream.configure(two_factor=True)
    up = rs.upstream
    error = check(rs, up.url, up.username, up.password)
    assert error.get("type") == "upstream_two_factor"
    assert "two-factor" in desc(error).lower()


HTML_PAGE = b"""<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head>
<body><h1>Welcome to nginx!</h1></body></html>"""


@pytest.fixture
def html_site() -> Iterator[str]:
    """A web server that is not a BILLmanager: any request gets a plain HTML page."""

    class Page(http.server.BaseHTTPRequestHandler):
        def _page(self) -> None:
            length = int(self.headers.get("Content-Length", "0") or "0")
            self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(HTML_PAGE)))
            self.end_headers()
            self.wfile.write(HTML_PAGE)

        do_GET = do_POST = _page

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_check_connection_not_a_billmanager(rs: RecordingReseller, html_site: str) -> None:
    error = check(rs, html_site, "someone", "Some-Password-123")
    assert error.get("type") == "upstream_not_billmanager"
    assert "URL" in desc(error) and "127.0.0.1" in desc(error)


def test_check_connection_login_page_instead_of_xml(rs: RecordingReseller) -> None:
    up = rs.upstream
    up.fault(None, "html", times=None)
    error = check(rs, up.url, up.username, up.password)
    assert error.get("type") == "upstream_not_billmanager"


def test_check_connection_unreachable_port(rs: RecordingReseller) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        error = check(rs, f"http://127.0.0.1:{port}/billmgr", "someone", "Some-Password-123")
    assert error.get("type") == "upstream_unreachable"
    assert f"127.0.0.1:{port}" in desc(error)


def test_check_connection_plain_http_to_a_remote_host_is_refused(rs: RecordingReseller) -> None:
    error = check(rs, "http://billing.example.com/billmgr", "someone", "Some-Password-123")
    assert error.get("type") in ("upstream_bad_url", "invalid_connection")
    assert "https" in desc(error)


def test_check_connection_empty_form(rs: RecordingReseller) -> None:
    error = check(rs, "", "", "")
    assert error.get("type") == "invalid_connection"
    assert sum(rs.upstream.calls.values()) == 0


# --- getbalance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "whoami_balance"),
    [
        (Decimal("12345.67"), True),  # "12 345,67" with U+00A0
        (Decimal("1234567.5"), False),  # dashboard.info fallback: "1 234 567,50"
        (Decimal("-50.5"), True),  # "-50,50"
    ],
    ids=["whoami-nbsp-comma", "dashboard-fallback", "negative"],
)
def test_getbalance_saves_balance_and_currency(
    rs: RecordingReseller, balance: Decimal, whoami_balance: bool
) -> None:
    rs.upstream.configure(balance=balance, whoami_balance=whoami_balance)
    out = rs.ok("getbalance", None, "--module", str(rs.module))
    (saved,) = rs.standin.journal("processing.savebalance")
    assert saved["params"]["processingmodule"] == str(rs.module)
    assert Decimal(saved["params"]["balance"]) == balance
    assert saved["params"]["currency"] == "RUB"
    stored = rs.standin.balance(rs.module)
    assert stored is not None and Decimal(stored["balance"]) == balance
    doc = etree.fromstring(out)
    assert Decimal(doc.findtext("balance") or "") == balance
    assert doc.findtext("currency") == "RUB"
    assert rs.upstream.calls["dashboard.info"] == (0 if whoami_balance else 1)


def test_getbalance_without_module_does_every_active_module(rs: RecordingReseller) -> None:
    up = rs.upstream
    second = rs.standin.add_module(
        "pmbillreseller",
        params={"url": up.url, "username": up.username},
        crypted_params={"password": up.password},
    )
    rs.standin.add_module("pmbillreseller", params={"url": up.url, "username": "x"}, active=False)
    rs.standin.add_module("pmenomssl", params={"url": "https://reseller.enom.com/"})
    rs.ok("getbalance")
    saved = {r["params"]["processingmodule"] for r in rs.standin.journal("processing.savebalance")}
    assert saved == {str(rs.module), str(second)}
    assert up.calls["whoami"] == 2


def test_getbalance_with_a_bad_password_names_the_cause(rs: RecordingReseller) -> None:
    from pmenomssl.billing.crypto import encrypt_value

    wrong = encrypt_value("Not-The-Password-1", rs.standin.key_path)
    rs.standin.store.set_param(
        "processingcryptedparam", "processingmodule", rs.module, "password", wrong
    )
    error = rs.fails("getbalance", None, "--module", str(rs.module))
    assert error.get("type") == "upstream_auth"
    assert rs.standin.journal("processing.savebalance") == []
