"""The JSON admin API under /_sandbox/: state, configure, fault, activate, status, services."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from pmenomssl.sandbox.upstream import ACTIVE, ORDERED, STOPPED, UpstreamSandbox
from pmenomssl.upstream.errors import AUTH_OBJECT_TWO_FACTOR

from .conftest import Api


def _admin(
    up: UpstreamSandbox,
    http: httpx.Client,
    method: str,
    route: str,
    *,
    json: object = None,
    content: bytes | None = None,
) -> httpx.Response:
    return http.request(method, f"{up.base_url}/_sandbox/{route}", json=json, content=content)


def test_state_shows_the_account_but_never_the_password(api: Api, http: httpx.Client) -> None:
    service_id = api.order("vds", "21", 1, addon_211=2, remoteid=42)
    api.ok("service.prolong", elid=service_id, period=1, sok="ok")
    response = _admin(api.up, http, "GET", "state")
    assert response.status_code == 200
    state = response.json()
    assert api.up.password not in response.text
    assert state["username"] == "reseller" and state["currency"] == "RUB"
    assert Decimal(state["balance"]) == api.up.balance == Decimal("10000") - 2 * Decimal("400")
    assert state["calls"] == {"v2.vds.order.param": 1, "service.prolong": 1}
    assert state["orders"] == [
        {
            "func": "v2.vds.order.param",
            "itemtype": "vds",
            "pricelist": "21",
            "period": 1,
            "remoteid": "42",
            "service_id": service_id,
            "cost": "400.00",
        }
    ]
    assert [p["service_id"] for p in state["prolongs"]] == [service_id]
    [service] = state["services"]
    assert service["id"] == service_id and service["status"] == ACTIVE
    assert service["fields"]["addon_211"] == "2"


def test_configure_switches_failure_modes(api: Api, http: httpx.Client) -> None:
    response = _admin(
        api.up,
        http,
        "POST",
        "configure",
        json={"two_factor": True, "balance": "12.50", "activate_after": 2, "level": "admin"},
    )
    assert response.status_code == 200 and response.json()["two_factor"] is True
    assert api.up.balance == Decimal("12.50")
    assert api.error("whoami")[1] == AUTH_OBJECT_TWO_FACTOR
    _admin(api.up, http, "POST", "configure", json={"two_factor": False, "level": "customer"})
    api.up.configure(balance=Decimal("1000"))
    assert api.up.service(api.order("vhost", "11", 1)).status == ORDERED, "activate_after: 2"


@pytest.mark.parametrize(
    "body",
    [{"two_factor": "yes"}, {"colour": "red"}, {"balance": "lots"}, {"activate_after": -1}],
)
def test_configure_refuses_bad_settings(
    up: UpstreamSandbox, http: httpx.Client, body: dict[str, object]
) -> None:
    response = _admin(up, http, "POST", "configure", json=body)
    assert response.status_code == 400 and response.json()["error"]
    assert up.state.settings.two_factor is False and up.balance == Decimal("10000.00")


def test_fault_routes(api: Api, http: httpx.Client) -> None:
    created = _admin(
        api.up, http, "POST", "fault", json={"func": "whoami", "kind": "http_500", "times": 2}
    )
    assert created.status_code == 201 and created.json()["kind"] == "http_500"
    assert [f["func"] for f in _admin(api.up, http, "GET", "fault").json()] == ["whoami"]
    assert api.raw("whoami").status_code == 500
    assert _admin(api.up, http, "DELETE", "fault").json() == []
    assert api.raw("whoami").status_code == 200
    bad = _admin(api.up, http, "POST", "fault", json={"kind": "meteor"})
    assert bad.status_code == 400 and "unknown fault kind" in bad.json()["error"]


def test_activate_status_and_services_routes(api: Api, http: httpx.Client) -> None:
    api.up.configure(activate_after=5)
    service_id = api.order("vds", "21", 1)
    activated = _admin(api.up, http, "POST", f"activate/{service_id}")
    assert activated.status_code == 200 and activated.json()["status"] == ACTIVE
    assert api.rows("vds")[0]["status"] == str(ACTIVE)
    stopped = _admin(api.up, http, "POST", f"status/{service_id}", json={"status": STOPPED})
    assert stopped.json()["status"] == STOPPED == api.up.service(service_id).status
    assert _admin(api.up, http, "POST", "activate/999999").status_code == 404

    created = _admin(
        api.up,
        http,
        "POST",
        "services",
        json={"itemtype": "vhost", "pricelist": "11", "period": 12, "expiredate": "2030-05-01"},
    )
    assert created.status_code == 201
    new_id = created.json()["id"]
    row = next(r for r in api.rows("vhost") if r["id"] == new_id)
    assert (row["remoteid"], row["expiredate"], row["status"]) == ("", "2030-05-01", "2")
    wrong = _admin(api.up, http, "POST", "services", json={"itemtype": "vhost", "pricelist": "21"})
    assert wrong.status_code == 400


def test_unknown_routes_and_bodies(up: UpstreamSandbox, http: httpx.Client) -> None:
    assert _admin(up, http, "GET", "nothing").status_code == 404
    not_json = _admin(up, http, "POST", "configure", content=b"[1, 2]")
    assert not_json.status_code == 400
