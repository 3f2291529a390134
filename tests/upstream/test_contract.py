"""The client against the live upstream sandbox (pmenomssl.sandbox.upstream), over loopback HTTP.

The error-shape tests run the SAME assertions on the hand-built cassettes and on the sandbox, so
the two stand-ins for an upstream BILLmanager cannot drift apart unnoticed; the other tests
drive the sandbox's state (orders, paging, prolong, faults) that a cassette cannot hold.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pmenomssl.sandbox.upstream import UpstreamSandbox  # imported plainly: never a skip (issue 15)
from pmenomssl.upstream import (
    STATUS_ACTIVE,
    STATUS_DELETED,
    STATUS_STOPPED,
    Balance,
    UpstreamAccessDenied,
    UpstreamAuthFailed,
    UpstreamBadResponse,
    UpstreamClient,
    UpstreamError,
    UpstreamInsufficientFunds,
    UpstreamIpRestricted,
    UpstreamMissing,
    UpstreamNotBillmanager,
    UpstreamOutcomeUnknown,
    UpstreamTwoFactor,
)
from tests.upstream import vcr_setup
from tests.upstream.conftest import FAST_RETRY


@pytest.fixture
def up() -> Iterator[UpstreamSandbox]:
    with UpstreamSandbox(balance=Decimal("100000"), currency="RUB") as sandbox:
        yield sandbox


def connect(sandbox: UpstreamSandbox, **kwargs: Any) -> UpstreamClient:
    kwargs.setdefault("retry", FAST_RETRY)
    kwargs.setdefault("timeout", 5.0)
    return UpstreamClient(sandbox.url, sandbox.username, sandbox.password, **kwargs)


@pytest.fixture
def client(up: UpstreamSandbox) -> Iterator[UpstreamClient]:
    with connect(up) as upstream_client:
        yield upstream_client


def order_vds(client: UpstreamClient, remoteid: str, **extra: str) -> str:
    fields = {
        "pricelist": "21",
        "order_period": "1",
        "datacenter": "1",
        "remoteid": remoteid,
        **extra,
    }
    return client.order("vds", fields)


# --- the same error assertions on both backends --------------------------------------------

ERROR_CASES: dict[str, tuple[str, Callable[[UpstreamSandbox], None], type[UpstreamError]]] = {
    # name: (cassette, sandbox set-up, expected class)
    "two_factor": (
        "error_two_factor",
        lambda up: up.configure(two_factor=True),
        UpstreamTwoFactor,
    ),
    "ip_restricted": (
        "error_ip_restricted",
        lambda up: up.configure(ip_restricted=True),
        UpstreamIpRestricted,
    ),
    "html": ("error_html_login", lambda up: up.fault(None, "html"), UpstreamNotBillmanager),
    "http_500": (
        "error_http_500",
        lambda up: up.fault(None, "http_500", times=3),
        UpstreamBadResponse,
    ),
}


@pytest.mark.parametrize("backend", ["cassette", "sandbox"])
@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_balance_error_shapes_agree(
    replay: Callable[..., Any], up: UpstreamSandbox, backend: str, case: str
) -> None:
    cassette, set_up, expected = ERROR_CASES[case]
    if backend == "cassette":
        with replay(cassette) as (client, _), pytest.raises(UpstreamError) as caught:
            client.balance()
        password = vcr_setup.REPLAY_PASSWORD
    else:
        set_up(up)
        with connect(up) as client, pytest.raises(UpstreamError) as caught:
            client.balance()
        password = up.password
    assert type(caught.value) is expected
    assert caught.value.func == "whoami"
    assert password not in caught.value.desc


def test_a_wrong_password_is_upstream_auth(up: UpstreamSandbox) -> None:
    wrong = UpstreamClient(up.url, up.username, "not-the-password", retry=FAST_RETRY)
    with wrong as client, pytest.raises(UpstreamAuthFailed) as caught:
        client.balance()
    assert caught.value.upstream_type == "auth"


def test_a_non_customer_account_is_access_denied_on_orders(
    up: UpstreamSandbox, client: UpstreamClient
) -> None:
    up.configure(level="admin")
    with pytest.raises(UpstreamAccessDenied):
        order_vds(client, "60")
    assert up.orders == []


def test_insufficient_funds_orders_nothing(up: UpstreamSandbox, client: UpstreamClient) -> None:
    up.configure(balance=Decimal("10"))
    with pytest.raises(UpstreamInsufficientFunds):
        order_vds(client, "61")
    assert up.orders == [] and up.balance == Decimal("10")


# --- functions --------------------------------------------------------------------------------


def test_balance_with_nbsp_and_decimal_comma(client: UpstreamClient) -> None:
    assert client.balance() == Balance(Decimal("100000"), "RUB")


def test_balance_falls_back_to_dashboard_info(up: UpstreamSandbox, client: UpstreamClient) -> None:
    up.configure(whoami_balance=False, balance=Decimal("12345.67"))
    assert client.balance() == Balance(Decimal("12345.67"), "RUB")
    assert up.calls["whoami"] == 1 and up.calls["dashboard.info"] == 1


def test_seeded_tariffs(client: UpstreamClient) -> None:
    (vds,) = client.tariffs("vds")
    assert vds.id == "21" and vds.title == "VDS-1" and vds.currency == "RUB"
    assert vds.periods == {1: Decimal("300"), 3: Decimal("870"), 12: Decimal("3240")}
    form = client.order_form("vds", "21")
    assert [(a.id, a.value) for a in form.addons] == [("211", "1"), ("212", "1")]
    assert [c.key for c in form.choices["datacenter"]] == ["1", "2"]
    assert form.fields["datacenter"] == "1"
    periods = {t: sorted(client.tariffs(t)[0].periods) for t in ("vhost", "dedic", "soft")}
    assert periods == {"vhost": [1, 12], "dedic": [1, 12], "soft": [1, 12]}
    (certificate,) = client.tariffs("certificate")
    assert certificate.id == "51" and sorted(certificate.periods) == [12, 24]


def test_order_is_charged_once_and_listed_with_our_remoteid(
    up: UpstreamSandbox, client: UpstreamClient
) -> None:
    service_id = order_vds(client, "42", addon_211="2", autoprolong="on")
    (record,) = up.orders
    assert record.service_id == service_id and record.remoteid == "42"
    assert up.balance == Decimal("100000") - record.cost
    assert up.service(service_id).fields.get("autoprolong") == "off"  # forced by the client
    found = client.find_service("vds", service_id)
    assert found is not None
    assert (found.remoteid, found.pricelist, found.period) == ("42", "VDS-1", 1)
    assert found.status == STATUS_ACTIVE and found.expiredate is not None


def test_services_pages_through_everything(up: UpstreamSandbox) -> None:
    ids = [up.add_service("vhost", "11", 12, remoteid=str(100 + n)) for n in range(7)]
    with connect(up, page_size=3) as client:
        services = client.services("vhost")
    assert [s.id for s in services] == ids
    assert [s.remoteid for s in services] == [str(100 + n) for n in range(7)]
    assert up.calls["vhost"] == 3


def test_find_service_stops_at_the_page_that_has_it(up: UpstreamSandbox) -> None:
    ids = [up.add_service("vhost", "11", 12) for _ in range(7)]
    with connect(up, page_size=3) as client:
        found = client.find_service("vhost", ids[4])
        assert found is not None and found.id == ids[4]
        assert up.calls["vhost"] == 2  # pages 1 and 2; page 3 is never read
        assert client.find_service("vhost", "999999") is None
    assert up.calls["vhost"] == 2 + 3


def test_ordered_services_become_active_after_list_reads(up: UpstreamSandbox) -> None:
    up.configure(activate_after=2)
    with connect(up) as client:
        service_id = order_vds(client, "43")
        statuses = []
        for _ in range(3):
            found = client.find_service("vds", service_id)
            assert found is not None
            statuses.append(found.status)
    assert statuses[0] in (1, 5) and statuses[-1] == STATUS_ACTIVE


def test_prolong_returns_the_new_expiry(up: UpstreamSandbox, client: UpstreamClient) -> None:
    service_id = order_vds(client, "44")
    before = up.service(service_id).expiredate
    assert before is not None
    after = client.prolong(service_id, 1)
    assert after is not None and after > before
    assert after == up.service(service_id).expiredate
    assert len(up.prolongs) == 1


def test_edit_and_service_fields(up: UpstreamSandbox, client: UpstreamClient) -> None:
    service_id = order_vds(client, "45", addon_211="2")
    assert client.service_fields("vds", service_id)["addon_211"] == "2"
    client.edit("vds", service_id, {"addon_211": "4"})
    assert client.service_fields("vds", service_id)["addon_211"] == "4"
    assert up.service(service_id).fields["addon_211"] == "4"
    assert up.state.basket == [], "paid at once (skipbasket=on), not left in the cart"


def test_change_pricelist(up: UpstreamSandbox, client: UpstreamClient) -> None:
    service_id = up.add_service("vhost", "11", 12)
    up.state.tariffs["12"] = replace(up.state.tariffs["11"], id="12", title="Hosting-2")
    client.change_pricelist(service_id, "12", 12)
    assert up.service(service_id).pricelist == "12"
    found = client.find_service("vhost", service_id)
    assert found is not None and found.pricelist == "Hosting-2"


def test_a_bare_ok_to_a_data_call_is_two_factor_never_an_empty_list(
    up: UpstreamSandbox, client: UpstreamClient
) -> None:
    service_id = up.add_service("vds", "21", 1)
    up.configure(two_factor_ok=True)
    with pytest.raises(UpstreamTwoFactor):
        client.find_service("vds", service_id)
    with pytest.raises(UpstreamTwoFactor):
        client.balance()


def test_suspend_resume_delete(up: UpstreamSandbox, client: UpstreamClient) -> None:
    service_id = order_vds(client, "46")

    def status() -> int:
        found = client.find_service("vds", service_id)
        assert found is not None
        return found.status

    client.suspend("vds", service_id)
    assert status() == STATUS_STOPPED
    client.resume("vds", service_id)
    assert status() == STATUS_ACTIVE
    client.delete("vds", service_id)
    assert status() == STATUS_DELETED


def test_set_remoteid_links_an_existing_service(
    up: UpstreamSandbox, client: UpstreamClient
) -> None:
    service_id = up.add_service("soft", "41", 12)
    client.set_remoteid(service_id, "47")
    found = client.find_service("soft", service_id)
    assert found is not None and found.remoteid == "47"


def _csr(domain: str) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)]))
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode()


def test_certificate_order_activate_and_files(up: UpstreamSandbox, client: UpstreamClient) -> None:
    csr = _csr("shop.example.com")
    fields = {
        "pricelist": "51",
        "period": "12",
        "crt_type": "generate",
        "csr": csr,
        "CN": "shop.example.com",
        "field_country": "182",
        "approver_email_1": "admin@shop.example.com",
        "altname": "www.shop.example.com",
        "altname_input": "www.shop.example.com",
        "remoteid": "48",
    }
    service_id = client.order("certificate", fields)
    (row,) = client.services("certificate")
    # The certificate list: no remoteid, the tariff by name, the status in item_status.
    assert (row.id, row.name, row.remoteid, row.pricelist) == (
        service_id,
        "shop.example.com",
        "",
        "AlphaSSL",
    )
    assert up.service(service_id).fields["autoprolong"] == "off"  # sent as `null`
    if up.service(service_id).crt == "":
        with pytest.raises(UpstreamMissing):
            client.certificate_files(service_id)
    up.activate(service_id)
    files = client.certificate_files(service_id)
    leaf = x509.load_pem_x509_certificates(files.crt.encode())[0]
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "shop.example.com"
    assert leaf.not_valid_after_utc.date() > datetime.date.today()
    assert files.csr.strip() == csr.strip()


def test_suspending_a_type_a_client_may_not_is_access_denied(
    up: UpstreamSandbox, client: UpstreamClient
) -> None:
    service_id = up.add_service("certificate", "51", 12)
    with pytest.raises(UpstreamAccessDenied):
        client.suspend("certificate", service_id)


# --- faults: the never-retry rule against the sandbox ----------------------------------------


def test_a_lost_order_reply_is_outcome_unknown_with_exactly_one_order(
    up: UpstreamSandbox, client: UpstreamClient
) -> None:
    up.fault("v2.vds.order.param", "reset_after")
    with pytest.raises(UpstreamOutcomeUnknown):
        order_vds(client, "49")
    assert up.calls["v2.vds.order.param"] == 1
    (record,) = up.orders
    # Reconciling the way the handler does: our item id as remoteid finds the one service.
    linked = [s for s in client.services("vds") if s.remoteid == "49"]
    assert [s.id for s in linked] == [record.service_id]


def test_a_truncated_order_reply_is_outcome_unknown(
    up: UpstreamSandbox, client: UpstreamClient
) -> None:
    up.fault("v2.vds.order.param", "truncated")
    with pytest.raises(UpstreamOutcomeUnknown):
        order_vds(client, "50")
    assert up.calls["v2.vds.order.param"] == 1 and len(up.orders) == 1


def test_a_prolong_reset_before_is_outcome_unknown_and_not_repeated(
    up: UpstreamSandbox, client: UpstreamClient
) -> None:
    service_id = order_vds(client, "51")
    up.fault("service.prolong", "reset_before")
    with pytest.raises(UpstreamOutcomeUnknown):
        client.prolong(service_id, 1)
    assert up.calls["service.prolong"] == 1 and up.prolongs == []


@pytest.mark.parametrize("kind", ["reset_before", "reset_after", "http_500", "truncated"])
def test_reads_heal_faults_by_retrying(
    up: UpstreamSandbox, client: UpstreamClient, kind: str
) -> None:
    up.fault("vds", kind)
    assert client.services("vds") == []
    assert up.calls["vds"] == 2


def test_a_read_that_hangs_is_retried_within_the_timeout(up: UpstreamSandbox) -> None:
    up.fault("whoami", "timeout")
    with connect(up, timeout=0.3) as client:
        assert client.balance().currency == "RUB"
    assert up.calls["whoami"] == 2
