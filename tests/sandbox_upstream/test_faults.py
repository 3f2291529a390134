"""Each fault kind over real HTTP, and whether the faulted (paid) call took effect."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import httpx
import pytest
from lxml import etree

from pmenomssl.sandbox.upstream import FAULT_KINDS, UpstreamSandbox

from .conftest import Api

ORDER_FUNC = "v2.vhost.order.param"
ORDER = {
    "pricelist": "11",
    "order_period": "1",
    "datacenter": "1",
    "clicked_button": "finish",
    "skipbasket": "on",
    "remoteid": "42",
    "sok": "ok",
}
PRICE = Decimal("150.00")

# kind -> (transport error expected?, HTTP status, is the order carried out and paid?)
CASES = {
    "reset_before": (True, None, False),
    "reset_after": (True, None, True),
    "http_500": (False, 500, False),
    "truncated": (False, 200, True),
    "html": (False, 200, False),
}


def _post(up: UpstreamSandbox, http: httpx.Client, func: str, **params: str) -> httpx.Response:
    data = {"authinfo": f"{up.username}:{up.password}", "out": "xml", "func": func, **params}
    return http.post(up.url, data=data)


def test_every_kind_is_covered() -> None:
    assert set(CASES) | {"timeout"} == set(FAULT_KINDS)
    assert all(FAULT_KINDS[kind] == CASES[kind][2] for kind in CASES)
    assert FAULT_KINDS["timeout"] is False


@pytest.mark.parametrize("kind", sorted(CASES))
def test_fault_kind(up: UpstreamSandbox, kind: str) -> None:
    transport_error, status, applied = CASES[kind]
    up.fault(ORDER_FUNC, kind)
    # A fresh client per case: a reset must not poison a shared connection pool.
    with httpx.Client(timeout=10) as http:
        assert b"<user " in _post(up, http, "whoami").content, "other functions are untouched"
        if transport_error:
            with pytest.raises(httpx.TransportError):
                _post(up, http, ORDER_FUNC, **ORDER)
        else:
            response = _post(up, http, ORDER_FUNC, **ORDER)
            assert response.status_code == status
            _check_body(kind, response)
        # times=1: the next call is answered normally.
        assert b"<p_elems>" in _post(up, http, "vhost").content
    assert up.calls[ORDER_FUNC] == 1
    assert len(up.orders) == len(up.services()) == (1 if applied else 0)
    assert up.balance == Decimal("10000.00") - (PRICE if applied else 0)
    assert up.faults.fired == [(ORDER_FUNC, kind)] and up.faults.armed() == []


def _check_body(kind: str, response: httpx.Response) -> None:
    body = response.content
    if kind in ("http_500", "html"):
        assert response.headers["content-type"].startswith("text/html")
        assert b"<html>" in body and b"<doc>" not in body
    elif kind == "truncated":
        assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<doc>")
        assert len(body) == int(response.headers["content-length"])
        with pytest.raises(etree.XMLSyntaxError):
            etree.fromstring(body)


def test_reset_after_really_orders_once(up: UpstreamSandbox, http: httpx.Client) -> None:
    up.fault(ORDER_FUNC, "reset_after")
    with httpx.Client(timeout=10) as fresh, pytest.raises(httpx.TransportError):
        _post(up, fresh, ORDER_FUNC, **ORDER)
    # What a reconciling client finds: exactly one service carrying our id, paid once.
    rows = etree.fromstring(_post(up, http, "vhost").content).findall("elem")
    assert [(r.findtext("remoteid"), r.findtext("status")) for r in rows] == [("42", "2")]
    assert [o.remoteid for o in up.orders] == ["42"]
    assert up.balance == Decimal("10000.00") - PRICE


def test_timeout_hangs_until_the_client_gives_up(up: UpstreamSandbox) -> None:
    up.fault(ORDER_FUNC, "timeout")
    started = time.monotonic()
    with httpx.Client(timeout=0.5) as http, pytest.raises(httpx.ReadTimeout):
        _post(up, http, ORDER_FUNC, **ORDER)
    assert 0.4 < time.monotonic() - started < 20  # the client's 0.5 s, not a hang
    assert up.orders == [] and up.balance == Decimal("10000.00"), "nothing was carried out"
    with httpx.Client(timeout=5) as http:
        assert b"<id>" in _post(up, http, ORDER_FUNC, **ORDER).content, "the fault fired once"


def test_a_hanging_call_does_not_hold_up_stop_or_other_calls() -> None:
    up = UpstreamSandbox().start()
    up.fault("vhost", "timeout")
    failures: list[BaseException] = []

    def patient_client() -> None:
        try:
            with httpx.Client(timeout=60) as http:
                _post(up, http, "vhost")
        except BaseException as error:  # collected; the transport error is expected
            failures.append(error)

    thread = threading.Thread(target=patient_client)
    thread.start()
    deadline = time.monotonic() + 5
    while not up.faults.fired and time.monotonic() < deadline:
        time.sleep(0.01)
    assert up.faults.fired == [("vhost", "timeout")]
    with httpx.Client(timeout=5) as http:
        assert b"<user " in _post(up, http, "whoami").content, "others are served meanwhile"
    started = time.monotonic()
    up.stop()
    thread.join(timeout=30)
    # the hanging call would hold on for its client's 60 s: well below that means stop() did
    # not wait for it (the margin is for a loaded machine; speed is not measured here)
    assert time.monotonic() - started < 20, "stop() does not wait for the hanging call"
    assert not thread.is_alive()
    assert len(failures) == 1 and isinstance(failures[0], httpx.TransportError)


def test_faults_for_any_function_and_several_times(up: UpstreamSandbox) -> None:
    up.fault(None, "http_500", times=2)
    with httpx.Client(timeout=5) as http:
        assert _post(up, http, "whoami").status_code == 500
        assert _post(up, http, "vds").status_code == 500
        assert _post(up, http, "whoami").status_code == 200
    assert up.faults.fired == [("whoami", "http_500"), ("vds", "http_500")]


def test_fault_arguments_are_checked(up: UpstreamSandbox) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        up.fault("whoami", "slow")
    with pytest.raises(ValueError, match="times"):
        up.fault("whoami", "html", times=0)
    until_cleared = up.fault("whoami", "html", times=None)
    with httpx.Client(timeout=5) as http:
        for _ in range(3):
            assert b"<form" in _post(up, http, "whoami").content
    assert until_cleared.fired == 3
    up.faults.clear()
    with httpx.Client(timeout=5) as http:
        assert b"<user " in _post(up, http, "whoami").content


def test_the_api_helper_sees_an_html_page_as_not_xml(api: Api) -> None:
    api.up.fault("whoami", "html")
    response = api.raw("whoami")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(response.content)
