"""`pmbillreseller` speaks the upstream API as documented (issue 14), through the real
executable against the upstream sandbox: the certificate order's fields, its country id, a
two-factor account's bare <ok/>, and an upstream without the certificate download function."""

from __future__ import annotations

import pytest

from pmenomssl.sandbox.upstream import functions as sandbox_functions
from pmenomssl.sandbox.upstream.errors import ApiError
from pmenomssl.ssl import generate_key_and_csr
from pmenomssl.upstream.errors import ERROR_TYPE_MISSING, MISSING_OBJECT_FUNC
from tests.billreseller.conftest import Reseller, error_desc


def test_certificate_order_sends_the_documented_fields(reseller: Reseller) -> None:
    # ispmanager's "Reselling SSL certificates": crt_type=generate with the CSR, its subject as
    # CN/O/L/emailAddress, field_country as the upstream's country id, additional domains in
    # both altname and altname_input, period in months; autoprolong `null` (older functions).
    item = reseller.item(
        "certificate",
        domain="fields.example.com",
        params={"altname": "www.fields.example.com, shop.fields.example.com"},
    )
    key, csr = generate_key_and_csr(
        "fields.example.com",
        organization="Example LLC",
        locality="Moscow",
        country="RU",
        email="admin@fields.example.com",
    )
    reseller.standin.set_certificate(item, csr=csr, pkey=key)
    reseller.ok("open", item)
    (order,) = reseller.upstream.orders
    assert (order.func, order.period) == ("certificate.order.param", 12)
    fields = reseller.upstream.service(order.service_id).fields
    assert fields["crt_type"] == "generate" and fields["CN"] == "fields.example.com"
    assert (fields["O"], fields["L"]) == ("Example LLC", "Moscow")
    assert fields["emailAddress"] == "admin@fields.example.com"
    assert fields["field_country"] == "182"  # "Russian Federation (RU)" in the order form
    names = "www.fields.example.com shop.fields.example.com"
    assert fields["altname"] == fields["altname_input"] == names
    assert fields["autoprolong"] == "off"
    assert key not in str(fields), "the private key is never sent upstream"


def test_a_country_the_order_form_lacks_is_refused_before_ordering(reseller: Reseller) -> None:
    item = reseller.item("certificate", domain="country.example.com")
    key, csr = generate_key_and_csr("country.example.com", country="FR")
    reseller.standin.set_certificate(item, csr=csr, pkey=key)
    error = reseller.fails("open", item)
    assert error.get("type") == "invalid_order_data" and error.get("object") == "field_country"
    assert "FR" in error_desc(error)
    assert reseller.upstream.orders == [] and reseller.upstream.submitted == {}
    # staff set the upstream's country id: the re-run orders with it
    reseller.standin.set_item_param(item, "field_country", "80")
    reseller.ok("open", item)
    (order,) = reseller.upstream.orders
    assert reseller.upstream.service(order.service_id).fields["field_country"] == "80"


def test_close_on_a_two_factor_account_fails_instead_of_closing_locally(
    reseller: Reseller,
) -> None:
    # A data call answering a bare <ok/> (two-factor authentication) is no empty list: close
    # must not read "already gone" and close here while the service still runs (and is paid)
    # upstream.
    item = reseller.item("vds", domain="twofactor.example.com")
    reseller.ok("open", item)
    upstream_id = reseller.upstream_id(item)
    reseller.upstream.configure(two_factor_ok=True)
    error = reseller.fails("close", item)
    assert error.get("type") == "upstream_two_factor"
    assert reseller.upstream.service(upstream_id).status == 2
    assert reseller.mgrctl_calls("service.postclose") == []
    reseller.upstream.configure(two_factor_ok=False)
    reseller.ok("close", item)
    assert reseller.upstream.service(upstream_id).status == 4


def test_an_upstream_without_the_certificate_download_is_an_error_not_waiting(
    reseller: Reseller, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unknown(state: object, params: object) -> object:
        raise ApiError(ERROR_TYPE_MISSING, MISSING_OBJECT_FUNC, "Unknown function")

    monkeypatch.setattr(sandbox_functions, "_certificate_file", unknown)
    item = reseller.item("certificate", domain="nodownload.example.com")
    error = reseller.fails("open", item)
    assert error.get("type") == "upstream_error"
    assert "does not know this function" in error_desc(error)
    assert len(reseller.upstream.orders) == 1  # ordered once; the re-run never orders again
    reseller.fails("sync_item", item)
    assert len(reseller.upstream.orders) == 1
