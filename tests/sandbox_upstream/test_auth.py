"""How the account refuses calls: credentials, IP restriction, 2FA, level; and the transport."""

from __future__ import annotations

import httpx
import pytest

from pmenomssl.sandbox.upstream import UpstreamSandbox
from pmenomssl.upstream.errors import (
    AUTH_OBJECT_BAD_PASSWORD,
    AUTH_OBJECT_IP_RESTRICTED,
    AUTH_OBJECT_TWO_FACTOR,
    ERROR_TYPE_ACCESS,
    ERROR_TYPE_AUTH,
    UpstreamAccessDenied,
    UpstreamAuthFailed,
    UpstreamIpRestricted,
    UpstreamTwoFactor,
    error_class,
)

from .conftest import Api


def test_each_sandbox_has_its_own_random_password() -> None:
    with UpstreamSandbox() as one, UpstreamSandbox() as two:
        assert one.password != two.password and len(one.password) >= 16
        assert one.port != two.port and one.url.endswith("/billmgr")


@pytest.mark.parametrize(
    "authinfo",
    ["{user}:wrong", "nobody:{password}", "{user}", "", "{user}:{password}x", ":{password}"],
)
def test_bad_credentials(api: Api, authinfo: str) -> None:
    api.authinfo = authinfo.format(user=api.up.username, password=api.up.password)
    error_type, obj, msg = api.error("whoami")
    assert (error_type, obj) == (ERROR_TYPE_AUTH, AUTH_OBJECT_BAD_PASSWORD)
    assert api.up.password not in msg


def test_password_may_contain_a_colon(http: httpx.Client) -> None:
    with UpstreamSandbox(password="pa:ss:word") as up:
        api = Api(up, http)
        assert api.ok("whoami").find("user") is not None
        api.authinfo = f"{up.username}:pa:ss"
        assert api.error("whoami")[1] == AUTH_OBJECT_BAD_PASSWORD


def test_authinfo_is_accepted_in_the_query_string_too(up: UpstreamSandbox) -> None:
    query = httpx.QueryParams(authinfo=f"{up.username}:{up.password}", out="xml", func="whoami")
    response = httpx.get(f"{up.url}?{query}", timeout=10)
    assert 'name="reseller"' in response.text and "<error" not in response.text
    # The body wins over the query string.
    bad = httpx.post(
        f"{up.url}?{query}", data={"authinfo": "x:y", "out": "xml", "func": "whoami"}, timeout=10
    )
    assert 'type="auth"' in bad.text


@pytest.mark.parametrize(
    ("setting", "error_object", "client_class"),
    [
        ("ip_restricted", AUTH_OBJECT_IP_RESTRICTED, UpstreamIpRestricted),
        ("two_factor", AUTH_OBJECT_TWO_FACTOR, UpstreamTwoFactor),
    ],
)
def test_account_restrictions_refuse_every_call(
    api: Api, setting: str, error_object: str, client_class: type[Exception]
) -> None:
    api.up.configure(ip_restricted=setting == "ip_restricted", two_factor=setting == "two_factor")
    for func in ("whoami", "vds", "v2.vds.order.pricelist"):
        error_type, obj, _ = api.error(func)
        assert (error_type, obj) == (ERROR_TYPE_AUTH, error_object)
        assert error_class(error_type, obj) is client_class  # the client's own table agrees
    api.up.configure(ip_restricted=False, two_factor=False)
    api.ok("whoami")


def test_bad_credentials_come_before_the_account_settings(api: Api) -> None:
    # A stranger must not learn that the account has 2FA or an IP restriction.
    api.up.configure(ip_restricted=True, two_factor=True)
    api.authinfo = "reseller:guess"
    assert api.error("whoami")[1] == AUTH_OBJECT_BAD_PASSWORD
    assert error_class(ERROR_TYPE_AUTH, AUTH_OBJECT_BAD_PASSWORD) is UpstreamAuthFailed


def test_ip_restriction_is_reported_before_two_factor(api: Api) -> None:
    api.up.configure(ip_restricted=True, two_factor=True)
    assert api.error("whoami")[1] == AUTH_OBJECT_IP_RESTRICTED


def test_a_non_customer_account_reads_but_may_not_order_or_delete(api: Api) -> None:
    service_id = api.order("vds", "21", 1)
    balance = api.up.balance
    api.up.configure(level="admin")
    user = api.ok("whoami").find("user")
    assert user is not None and user.get("level") == "admin"
    assert api.rows("vds")[0]["id"] == service_id, "reads still work"
    refused: dict[str, dict[str, object]] = {
        "v2.vds.order.param": {"pricelist": 21, "order_period": 1, "skipbasket": "on"},
        "service.prolong": {"elid": service_id, "period": 1},
        "vds.delete": {"elid": service_id},
        "vds.suspend": {"elid": service_id},
        "vds.edit": {"elid": service_id, "addon_211": 2},
        "item.setremoteid": {"elid": service_id, "value": 1},
    }
    for func, params in refused.items():
        error_type, _, msg = api.error(func, sok="ok", **params)
        assert error_type == ERROR_TYPE_ACCESS, func
        assert "admin" in msg
    assert error_class(ERROR_TYPE_ACCESS, "order") is UpstreamAccessDenied
    assert len(api.up.orders) == 1 and api.up.balance == balance
    assert api.up.service(service_id).status == 2


def test_without_out_xml_the_panel_answers_with_its_html_login_page(api: Api) -> None:
    response = api.http.post(api.up.url, data={"authinfo": api.authinfo, "func": "whoami"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert b"<form" in response.content and b"<doc>" not in response.content


def test_other_paths_are_not_the_api(up: UpstreamSandbox, http: httpx.Client) -> None:
    response = http.post(up.base_url + "/manager/billmgr", data={"out": "xml"})
    assert response.status_code == 404
    assert up.calls == {}


def test_calls_count_refused_requests_too(api: Api) -> None:
    api.ok("whoami")
    api.authinfo = "x:y"
    api.error("whoami")
    api.error("vds")
    assert api.up.calls == {"whoami": 2, "vds": 1}
