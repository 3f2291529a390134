"""Each fault kind over real HTTP, and whether the faulted command took effect (was charged)."""

from __future__ import annotations

import time
from decimal import Decimal

import httpx
import pytest
from lxml import etree

from pmenomssl.sandbox.enom import FAULT_KINDS, EnomSandbox

from .conftest import Api

PURCHASE = {"command": "PurchaseServices", "Service": "certificate-rapidssl-rapidssl"}


def _post(sb: EnomSandbox, http: httpx.Client, **params: str) -> httpx.Response:
    return http.post(sb.url, data={"uid": sb.uid, "pw": sb.pw, **params})


# kind -> (transport error expected?, HTTP status, does the purchase take effect?)
CASES = {
    "http_500": (False, 500, False),
    "html_page": (False, 200, False),
    "reset_before": (True, None, False),
    "reset_after": (True, None, True),
    "partial": (True, None, True),
    "truncated": (False, 200, True),
    "empty": (False, 200, True),
    "wrong_root": (False, 200, True),
    "done_missing": (False, 200, True),
    "huge": (False, 200, True),
    "bad_credentials": (False, 200, False),
    "ip_not_allowed": (False, 200, False),
}


def test_every_kind_is_covered() -> None:
    assert set(CASES) | {"delay"} == set(FAULT_KINDS)
    assert all(FAULT_KINDS[k] == CASES[k][2] for k in CASES)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_fault_kind(sb: EnomSandbox, kind: str) -> None:
    transport_error, status, charged = CASES[kind]
    sb.faults.add(kind, command="PurchaseServices", times=1, size=3_000_000)
    # A fresh client per case: a reset must not poison a shared connection pool.
    with httpx.Client(timeout=10) as http:
        # Faults are per command: other commands are untouched.
        assert b"<Done>true</Done>" in _post(sb, http, command="GetBalance").content
        if transport_error:
            with pytest.raises(httpx.TransportError):
                _post(sb, http, **PURCHASE)
        else:
            response = _post(sb, http, **PURCHASE)
            assert response.status_code == status
            _check_body(kind, response.content)
        # times=1: the next call is answered normally.
        after = _post(sb, http, command="GetBalance")
        assert after.status_code == 200 and b"<Done>true</Done>" in after.content
    assert sb.calls["PurchaseServices"] == 1
    assert len(sb.purchases) == (1 if charged else 0)
    assert sb.state.available_balance == Decimal("5000.00") - (Decimal("9.95") if charged else 0)
    assert sb.faults.fired == [("PurchaseServices", kind)]
    assert sb.faults.armed() == []


def _check_body(kind: str, body: bytes) -> None:
    if kind in ("http_500", "html_page"):
        assert b"<html>" in body and b"interface-response" not in body
    elif kind == "truncated":
        assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<interface-response>')
        with pytest.raises(etree.XMLSyntaxError):
            etree.fromstring(body)
    elif kind == "empty":
        assert body == b""
    elif kind == "wrong_root":
        root = etree.fromstring(body)
        assert root.tag == "response" and root.findtext("CertID")
    elif kind == "done_missing":
        root = etree.fromstring(body)
        assert root.tag == "interface-response"
        assert root.findtext("ErrCount") == "0" and root.find("Done") is None
        assert root.findtext("CertID")
    elif kind == "huge":
        assert len(body) > 3_000_000
        root = etree.fromstring(body, etree.XMLParser(huge_tree=True))
        assert root.findtext("CertID") and root.findtext("Done") == "true"
    elif kind == "bad_credentials":
        assert b"<Err1>Bad User name or Password</Err1>" in body
        assert b"<Command>PURCHASESERVICES</Command>" in body
    elif kind == "ip_not_allowed":
        assert b"User not permitted from this IP address - 127.0.0.1." in body
        assert b"<ResponseNumber>713254</ResponseNumber>" in body
    else:  # pragma: no cover - every kind above
        raise AssertionError(kind)


def test_delay_answers_late_after_the_command_took_effect(sb: EnomSandbox) -> None:
    # the answer comes 3 s late; the client gives up after 0.1 s: whatever the load, it is
    # back well before the answer would have come
    sb.faults.add("delay", command="PurchaseServices", seconds=3)
    with httpx.Client(timeout=httpx.Timeout(5.0, read=0.1)) as http:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            _post(sb, http, **PURCHASE)
        assert time.monotonic() - started < 2.5
    assert len(sb.purchases) == 1, "a read timeout loses the answer, not the purchase"

    sb.faults.add("delay", seconds=0.3)  # any command
    with httpx.Client(timeout=5) as http:
        started = time.monotonic()
        response = _post(sb, http, command="GetBalance")
        assert time.monotonic() - started >= 0.3
        assert b"<Done>true</Done>" in response.content


def test_delay_combines_with_another_fault(sb: EnomSandbox, http: httpx.Client) -> None:
    sb.faults.add("delay", command="GetBalance", seconds=0.2)
    sb.faults.add("http_500", command="GetBalance")
    started = time.monotonic()
    assert _post(sb, http, command="GetBalance").status_code == 500
    assert time.monotonic() - started >= 0.2
    assert _post(sb, http, command="GetBalance").status_code == 200


def test_times_and_until_cleared(sb: EnomSandbox, http: httpx.Client) -> None:
    sb.faults.add("http_500", command="getbalance", times=2)
    codes = [_post(sb, http, command="GetBalance").status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    sb.faults.add("empty", times=None)  # every command, until cleared
    for command in ("GetBalance", "GetCerts", "CertGetCerts"):
        assert _post(sb, http, command=command).content == b""
    sb.faults.clear()
    assert _post(sb, http, command="GetCerts").content.startswith(b"<?xml")
    assert sb.calls["GetBalance"] == 4


def test_bad_fault_arguments(sb: EnomSandbox) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        sb.faults.add("explode")
    with pytest.raises(ValueError):
        sb.faults.add("empty", times=0)


def test_admin_endpoint_drives_faults_and_state(
    sb: EnomSandbox, http: httpx.Client, api: Api
) -> None:
    base = sb.url.replace("/interface.asp", "/_sandbox")
    created = http.post(
        f"{base}/faults", json={"kind": "reset_after", "command": "PurchaseServices"}
    )
    assert created.status_code == 201 and created.json()["kind"] == "reset_after"
    assert [f["kind"] for f in http.get(f"{base}/faults").json()] == ["reset_after"]
    with httpx.Client(timeout=5) as fresh, pytest.raises(httpx.TransportError):
        _post(sb, fresh, **PURCHASE)
    state = http.get(f"{base}/state")
    assert state.status_code == 200
    data = state.json()
    assert sb.pw not in state.text
    assert data["calls"] == {"PurchaseServices": 1}
    assert data["balance"] == "4990.05"
    assert data["purchases_by_domain"] == {"": 1}, "charged but never configured: an orphan"
    assert len(data["purchases"]) == 1

    http.post(f"{base}/faults", json={"kind": "http_500", "times": None})
    assert http.delete(f"{base}/faults").json() == []
    config = http.post(
        f"{base}/config", json={"available_balance": "1.00", "polls_before_issue": 0}
    )
    assert config.json()["available_balance"] == "1.00"
    errors, _ = api.error("PurchaseServices", Service="certificate-rapidssl-rapidssl")
    assert "Insufficient funds" in errors[0]
    assert http.post(f"{base}/faults", json={"kind": "nope"}).status_code == 400
    assert http.post(f"{base}/certs/999/issue").status_code == 404
    assert http.get(f"{base}/nothing").status_code == 404


def test_other_paths_are_404(sb: EnomSandbox, http: httpx.Client) -> None:
    assert http.get(sb.url.replace("interface.asp", "index.html")).status_code == 404
