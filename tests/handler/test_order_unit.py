"""What `open` orders, in-process: the ENOM parameters built for each validation method (issue 17).

The real ENOM client talks to a scripted ENOM through `httpx.MockTransport`, so every assertion
is about the form ENOM would receive. The expected parameters are written down from
/work/shared/reference/enom-api.md (the project's ENOM digest):

- 3.3 PurchaseServices: `Service=<product code>`, `NumYears` (1: 12-month certificates only);
- 3.5 CertConfigureCert: `CertID`, `WebServerType` (18 "Other" for the GeoTrust/RapidSSL family,
  1002 Apache/ModSSL for Comodo/Sectigo, productspec.py), `CSR`, the Admin/Tech/Billing contact
  blocks (`AdminFName` ... `AdminEmailAddress`, `<Type>State` + `StateProvinceChoice=S` for the
  US, `<Type>Province` + `P` otherwise, params.py), UCC: `DomainListNumber`,
  `UCCDomainList1..N`, `UCCEmailList1..N`; its answer lists the approvers the CA allows;
- 3.7 CertPurchaseCert: `CertID`, `ApproverEmail` (e-mail validation), `DVAuthMethod` `DNS` |
  `File`, the `CSR*` fields for Comodo/Sectigo (`CSROrganization`, `CSROrganizationUnit`,
  `CSRAddress1`, `CSRLocality`, `CSRStateProvince`, `CSRPostalCode`, `CSRCountry`), the UCC
  lists again; its answer carries the DNS record (`DNSAuthEntry`/`DNSAuthType`/
  `DNSAuthAddress`) or the file (`FileAuthName`/`FileAuthContents`) for the client;
- 3.8/3.9 CertGetCertDetail: `CertStatusID` 1 Awaiting Configuration, 2 Processing, 4 Issued,
  6 Rejected (configurable again), 7/8 Refunded.

test_order.py, test_guards.py and test_faults.py run the same paths through the real executable
(CI); these tests are what the mutation run scopes (tests/mutation/run.py).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pmenomssl.enom import TEST_URL, EnomClient
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import order as order_module
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.errors import (
    ApproverError,
    CertificateRefundedError,
    ContactError,
)
from pmenomssl.handlers.enomssl.order import Order, open_service, prepare, save_dcv
from pmenomssl.handlers.enomssl.products import OfferedProduct, ProductCache
from pmenomssl.handlers.enomssl.productspec import ProductSpec
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.ssl import CsrError
from pmenomssl.transport.calls import RetryPolicy
from tests.handler.conftest import CONTACTS, find_product
from tests.ssl.factory import build_csr

RAPIDSSL = find_product("rapidssl")  # DigiCert family, DNS and file validation, www partner
RAPIDSSL_WILDCARD = find_product("rapidsslwildcard")
TRUEBIZID = find_product("truebizid")  # OV: the organisation is required
SECTIGO_ESSENTIAL = find_product("sectigoessential")  # Sectigo: CSR* fields, no DNS/file
UCC = find_product("sectigouccdv")  # three names, the common name included

# The order form's contacts (billmanager-protocol.md 2.4: adm_*, tech_*, org_*): CONTACTS,
# the same the end-to-end tests order with (tests/handler/conftest.py).

# What ENOM must receive for CONTACTS (enom-api.md 3.5; US: State with choice S). The Billing
# contact is the Admin one; Tech has its own name, e-mail and phone.
ALICE = {
    "FName": "Alice",
    "LName": "Admin",
    "OrgName": "Example Inc",
    "JobTitle": "IT manager",
    "Address1": "1 Main Street",
    "Address2": "",
    "City": "Kirkland",
    "State": "WA",
    "StateProvinceChoice": "S",
    "PostalCode": "98033",
    "Country": "US",
    "Phone": "+1.4252744500",
    "PhoneExt": "",
    "Fax": "",
    "EmailAddress": "alice@example.net",
}
TOM = {
    **ALICE,
    "FName": "Tom",
    "LName": "Tech",
    "JobTitle": "",
    "Phone": "+49.3012345678",
    "EmailAddress": "tom@example.net",
}
CONTACT_PARAMS = {
    **{"Admin" + k: v for k, v in ALICE.items()},
    **{"Tech" + k: v for k, v in TOM.items()},
    **{"Billing" + k: v for k, v in ALICE.items()},
}


@functools.cache
def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())  # P-256: accepted, and fast to make


SUBJECT = (
    (NameOID.COUNTRY_NAME, "GB"),
    (NameOID.STATE_OR_PROVINCE_NAME, "Kent"),
    (NameOID.LOCALITY_NAME, "Dover"),
    (NameOID.ORGANIZATION_NAME, "CSR Org Ltd"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Web"),
)


def csr(cn: str | None, *sans: str, subject: Any = ()) -> str:
    return build_csr(_key(), cn, list(sans) if sans else [cn] if cn else None, subject=subject)


# --- a scripted ENOM, spoken to by the real client ------------------------------------------


def envelope(command: str, inner: str = "", *, root: str = "") -> bytes:
    """ENOM's envelope (enom-api.md 2): the command's element, then Command/ErrCount/Done."""
    body = f"<{command}>{inner}</{command}>" if inner else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><interface-response>'
        f"{body}{root}<Command>{command.upper()}</Command><ErrCount>0</ErrCount>"
        "<ResponseCount>0</ResponseCount><Done>true</Done>"
        "<RequestDateTime>12/16/2016 10:39:20 AM</RequestDateTime></interface-response>"
    ).encode()


def configured(cert_id: str, *approvers: str) -> bytes:
    """CertConfigureCert's answer (enom-api.md 3.5 example): the approvers the CA allows."""
    listed = "".join(
        f'<Approver Type="Generic"><ApproverEmail>{a}</ApproverEmail></Approver>' for a in approvers
    )
    return envelope(
        "CertConfigureCert",
        f"<CertID>{cert_id}</CertID><ProdType>23</ProdType><ApproverEmail></ApproverEmail>"
        f'<Success>True</Success>{listed}<Approver Type="Manual"></Approver>',
    )


def submitted(cert_id: str, approver: str = "", **dv: str) -> bytes:
    """CertPurchaseCert's answer (enom-api.md 3.7 example), with DNS or file data if given."""
    fields = "".join(f"<{name}>{value}</{name}>" for name, value in dv.items())
    return envelope(
        "CertPurchaseCert",
        f"<Success>True</Success><GeoTrustOrderID>14228176</GeoTrustOrderID>"
        f"<ApproverEmail>{approver}</ApproverEmail>{fields}<CertID>{cert_id}</CertID>",
    )


def detail(cert_id: str, status_id: int, *, order_id: str = "267562392", extra: str = "") -> bytes:
    """CertGetCertDetail's answer (enom-api.md 3.8 example, trimmed)."""
    return envelope(
        "CertGetCertDetail",
        f"<CertID>{cert_id}</CertID><DomainName>shop.example.com</DomainName>"
        f"<ValidityPeriod>12</ValidityPeriod><OrderID>{order_id}</OrderID>"
        f"<CertStatusID>{status_id}</CertStatusID><CertStatus>s{status_id}</CertStatus>"
        f"<ProdType>23</ProdType>{extra}",
    )


BALANCE = envelope(
    "GetBalance", root="<Balance>100.00</Balance><AvailableBalance>100.00</AvailableBalance>"
)
EMPTY_ACCOUNT = envelope("CertGetCerts", "<Certs><TotalRecords>0</TotalRecords></Certs>")
PURCHASED = envelope("PurchaseServices", root="<CertID>726340</CertID><OrderID>267562071</OrderID>")

DNS_DV = {"DVAuthMethod": "DNS", "DNSAuthEntry": "@", "DNSAuthType": "TXT"}
DNS_TOKEN = "20170303210335hi8lp217ob29a2f4vh4joryuhiy3iv8qymsrvb2312922kcfe"
FILE_URL = "http://shop.example.com/.well-known/pki-validation/fileauth.txt"


@dataclass
class ScriptedEnom:
    """Answers per command; every form received, in order."""

    answers: dict[str, bytes | Exception] = field(default_factory=dict)
    forms: list[dict[str, str]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        self.forms.append(form)
        answer = self.answers[form["command"]]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(200, content=answer)

    def commands(self) -> list[str]:
        return [form["command"] for form in self.forms]

    def sent(self, command: str) -> dict[str, str]:
        """The one `command` form, without the login and envelope fields."""
        (form,) = [f for f in self.forms if f["command"] == command]
        return {k: v for k, v in form.items() if k not in ("uid", "pw", "command", "ResponseType")}


@dataclass
class FakeBilling:
    """The item params of every item, the status and posts written, BILLmanager's countries."""

    params: dict[int, dict[str, str]] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    countries: dict[int, str] = field(default_factory=dict)
    refuse_status: bool = False

    def items_with_param(self, name: str, value: str) -> list[int]:
        return sorted(i for i, p in self.params.items() if p.get(name, "") == value)

    def country_iso2(self, country_id: int) -> str | None:
        return self.countries.get(country_id)

    def set_status(self, item_id: int, status: int) -> None:
        if self.refuse_status:
            from pmenomssl.billing.errors import BillingError

            raise BillingError("service.setstatus failed")
        self.statuses.append(status)

    def post(self, item_id: int, operation: str) -> None:
        self.posts.append(operation)


@dataclass
class Ctx:
    module_name: str = "pmenomssl"
    deadline: float = 0.0


@dataclass
class Item:
    processingmodule: int = 7


@dataclass
class Row:
    csr: str


class FakeService:
    """The parts of enomssl.service.Service that `open` uses; the ENOM client is the real one."""

    def __init__(
        self,
        spec: ProductSpec,
        request: str | None,
        params: dict[str, str],
        enom: ScriptedEnom,
        billing: FakeBilling | None = None,
    ) -> None:
        self.id = 10
        self.spec = spec
        self.row = Row(request) if request is not None else None
        self.billing = billing or FakeBilling()
        self.billing.params[self.id] = dict(params)
        self.enom = enom
        self.client = EnomClient(
            TEST_URL,
            "reseller",
            "pw-unit",
            transport=httpx.MockTransport(enom.handle),
            retry=RetryPolicy(attempts=1, wait_initial=0.0, wait_max=0.0),
        )
        self.cache: ProductCache | None = ProductCache(
            updated=datetime.now(timezone.utc),
            products=(
                OfferedProduct(
                    code=spec.code,
                    prod_type=spec.prod_type,
                    description=spec.title,
                    years=(1,),
                    reseller_price=Decimal("9.95"),
                    enabled=True,
                ),
            ),
        )
        self.module_params: dict[str, str] = {}
        self.ctx = Ctx()
        self.item = Item()

    @property
    def params(self) -> dict[str, str]:
        return self.billing.params[self.id]

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    def save(self, name: str, value: str) -> None:
        self.params[name] = value

    def set_status(self, status: int) -> None:
        if self.param(P.SERVICE_STATUS) == str(status):
            return
        self.billing.set_status(self.id, status)
        self.params[P.SERVICE_STATUS] = str(status)

    def post(self, operation: str) -> None:
        self.billing.post(self.id, operation)

    def product(self) -> ProductSpec:
        return self.spec

    def certificate(self) -> Row | None:
        return self.row

    def refresh_cache(self) -> ProductCache:  # the cache lists the product: never called
        raise AssertionError("the product is in the cache")


def service(
    spec: ProductSpec = RAPIDSSL,
    request: str | None = None,
    *,
    enom: ScriptedEnom | None = None,
    billing: FakeBilling | None = None,
    **params: str,
) -> FakeService:
    values = {**CONTACTS, "approver_email": "admin@shop.example.com", **params}
    if request is None:
        request = csr("shop.example.com")
    return FakeService(spec, request, values, enom or ScriptedEnom(), billing)


def as_service(fake: FakeService) -> Service:
    return cast(Service, fake)


def order_of(fake: FakeService) -> Order:
    return prepare(as_service(fake))


@pytest.fixture(autouse=True)
def lock_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "var").mkdir()
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))
    yield


def fresh_purchase(*answers: tuple[str, bytes]) -> ScriptedEnom:
    """An empty account that sells the certificate (CertID 726340), then the given answers."""
    return ScriptedEnom(
        {
            "GetBalance": BALANCE,
            "CertGetCerts": EMPTY_ACCOUNT,
            "PurchaseServices": PURCHASED,
            **dict(answers),
        }
    )


# --- open: the ENOM parameters of each validation method -----------------------------------


def test_email_validation_orders_configures_and_submits_with_the_approver() -> None:
    enom = fresh_purchase(
        ("CertConfigureCert", configured("726340", "admin@shop.example.com")),
        ("CertPurchaseCert", submitted("726340", "admin@shop.example.com")),
    )
    request = csr("shop.example.com")
    svc = service(RAPIDSSL, request, enom=enom)
    open_service(as_service(svc))

    assert enom.commands() == [
        "GetBalance",
        "CertGetCerts",  # the intent's watermark
        "PurchaseServices",
        "CertConfigureCert",
        "CertPurchaseCert",
    ]
    assert enom.sent("PurchaseServices") == {
        "Service": "certificate-rapidssl-rapidssl",
        "NumYears": "1",
    }
    assert enom.sent("CertConfigureCert") == {
        "CertID": "726340",
        "WebServerType": "18",
        "CSR": request,
        **CONTACT_PARAMS,
    }
    assert enom.sent("CertPurchaseCert") == {
        "CertID": "726340",
        "ApproverEmail": "admin@shop.example.com",
    }
    assert svc.params[P.CERT_ID] == "726340" and svc.params[P.ORDER_ID] == "267562071"
    assert svc.billing.statuses == [4] and svc.billing.posts == ["open"]
    assert not any(name.startswith("enom_dcv") for name in svc.params)


def test_dns_validation_submits_dns_and_keeps_enoms_record_for_the_client() -> None:
    enom = fresh_purchase(
        ("CertConfigureCert", configured("726340", "admin@shop.example.com")),
        (
            "CertPurchaseCert",
            submitted("726340", **DNS_DV, DNSAuthAddress=DNS_TOKEN),
        ),
    )
    request = csr("shop.example.com")
    svc = service(RAPIDSSL, request, enom=enom, approver_method="auth_dnstxt")
    open_service(as_service(svc))

    assert enom.sent("CertConfigureCert") == {
        "CertID": "726340",
        "WebServerType": "18",
        "CSR": request,
        **CONTACT_PARAMS,
    }
    # DNS: no approver address, even though the form kept one (ENOM's list is not checked)
    assert enom.sent("CertPurchaseCert") == {"CertID": "726340", "DVAuthMethod": "DNS"}
    assert svc.params[P.DCV_DNS_ENTRY] == "@"
    assert svc.params[P.DCV_DNS_TYPE] == "TXT"
    assert svc.params[P.DCV_DNS_ADDRESS] == DNS_TOKEN
    assert P.DCV_FILE_URL not in svc.params and P.DCV_FILE_CONTENTS not in svc.params
    assert svc.billing.statuses == [4] and svc.billing.posts == ["open"]


def test_file_validation_submits_file_and_keeps_the_file_for_the_client() -> None:
    enom = fresh_purchase(
        ("CertConfigureCert", configured("726340")),
        (
            "CertPurchaseCert",
            submitted(
                "726340", DVAuthMethod="File", FileAuthName=FILE_URL, FileAuthContents="2017abc"
            ),
        ),
    )
    svc = service(RAPIDSSL, enom=enom, approver_method="auth_file", approver_email="")
    open_service(as_service(svc))

    assert enom.sent("CertPurchaseCert") == {"CertID": "726340", "DVAuthMethod": "File"}
    assert svc.params[P.DCV_FILE_URL] == FILE_URL
    assert svc.params[P.DCV_FILE_CONTENTS] == "2017abc"
    assert P.DCV_DNS_ENTRY not in svc.params and P.DCV_DNS_ADDRESS not in svc.params


def test_a_sectigo_order_sends_its_server_type_and_the_csr_fields() -> None:
    request = csr("shop.example.com", subject=SUBJECT)
    enom = ScriptedEnom(
        {
            "CertConfigureCert": configured("48455", "admin@shop.example.com"),
            "CertPurchaseCert": submitted("48455", "admin@shop.example.com"),
        }
    )
    svc = service(SECTIGO_ESSENTIAL, request, enom=enom)
    order_module.configure_and_submit(as_service(svc), order_of(svc), "48455")

    sent = enom.sent("CertConfigureCert")
    assert sent["WebServerType"] == "1002" and sent["CSR"] == request
    # The contacts' organisation is the form's; city/state/country come from the form too.
    assert sent["AdminCity"] == "Kirkland" and sent["AdminCountry"] == "US"
    assert enom.sent("CertPurchaseCert") == {
        "CertID": "48455",
        "ApproverEmail": "admin@shop.example.com",
        # the CSR's subject first, the Admin contact's address and postcode (enom-api.md 3.7)
        "CSROrganization": "CSR Org Ltd",
        "CSROrganizationUnit": "Web",
        "CSRAddress1": "1 Main Street",
        "CSRLocality": "Dover",
        "CSRStateProvince": "Kent",
        "CSRPostalCode": "98033",
        "CSRCountry": "GB",
    }


def test_the_csr_fields_fall_back_to_the_admin_contact_and_leave_out_what_is_empty() -> None:
    enom = ScriptedEnom(
        {
            "CertConfigureCert": configured("48455"),
            "CertPurchaseCert": submitted("48455"),
        }
    )
    svc = service(SECTIGO_ESSENTIAL, csr("shop.example.com"), enom=enom)
    order_module.configure_and_submit(as_service(svc), order_of(svc), "48455")
    assert enom.sent("CertPurchaseCert") == {
        "CertID": "48455",
        "ApproverEmail": "admin@shop.example.com",
        "CSROrganization": "Example Inc",
        "CSRAddress1": "1 Main Street",
        "CSRLocality": "Kirkland",
        "CSRStateProvince": "WA",
        "CSRPostalCode": "98033",
        "CSRCountry": "US",
    }


def test_a_ucc_order_sends_every_name_with_its_approver_the_common_name_first() -> None:
    request = csr("one.example.com", "one.example.com", "two.example.com", "three.example.org")
    enom = ScriptedEnom(
        {
            "CertConfigureCert": configured("48455"),
            "CertPurchaseCert": submitted("48455"),
        }
    )
    svc = service(
        UCC,
        request,
        enom=enom,
        altname="two.example.com THREE.example.org",
        approver_email="admin@one.example.com, hostmaster@two.example.com",
    )
    order = order_of(svc)
    order_module.configure_and_submit(as_service(svc), order, "48455")
    ucc = {
        "DomainListNumber": "3",
        "UCCDomainList1": "one.example.com",
        "UCCEmailList1": "admin@one.example.com",
        "UCCDomainList2": "two.example.com",
        "UCCEmailList2": "hostmaster@two.example.com",
        # no address chosen for the third name: the main approver's mailbox at that name
        "UCCDomainList3": "three.example.org",
        "UCCEmailList3": "admin@three.example.org",
    }
    configure = enom.sent("CertConfigureCert")
    assert {k: v for k, v in configure.items() if k.startswith(("UCC", "Domain"))} == ucc
    assert configure["WebServerType"] == "1002"
    purchase = enom.sent("CertPurchaseCert")
    assert {k: v for k, v in purchase.items() if k.startswith(("UCC", "Domain"))} == ucc
    assert purchase["ApproverEmail"] == "admin@one.example.com"


def test_a_ucc_order_of_csr_names_only_takes_them_from_the_csr() -> None:
    request = csr("one.example.com", "one.example.com", "two.example.com")
    svc = service(UCC, request, approver_email="webmaster@one.example.com")
    order = order_of(svc)
    assert order.domains == ("one.example.com", "two.example.com")
    assert order.ucc == (
        ("one.example.com", "webmaster@one.example.com"),
        ("two.example.com", "webmaster@two.example.com"),
    )


def test_a_multidomain_order_without_an_approver_constructs_admin_addresses() -> None:
    # DNS validation of a multi-name product (a derived product may allow it): no main approver,
    # so each name's address is admin@ that name (the wildcard label dropped).
    spec = ProductSpec(
        template="md",
        code="md",
        prod_type=None,
        title="MD",
        brand="sectigo",
        multidomain=True,
        san_limit=3,
        authdnstxt=True,
        wildcard=True,
    )
    method, approver, ucc = order_module._validation(
        {"approver_method": "dns"}, spec, ["a.example.com", "*.b.example.com"]
    )
    assert (method, approver) == ("DNS", "")
    assert ucc == (
        ("a.example.com", "admin@a.example.com"),
        ("*.b.example.com", "admin@b.example.com"),
    )


def test_a_name_that_is_no_public_domain_keeps_its_own_spelling_in_a_constructed_address() -> None:
    spec = ProductSpec(
        template="md", code="md", prod_type=None, title="MD", brand="sectigo", multidomain=True
    )
    _, _, ucc = order_module._validation(
        {"approver_email": "admin@a.example.com"}, spec, ["a.example.com", "intranet.local"]
    )
    assert ucc == (
        ("a.example.com", "admin@a.example.com"),
        ("intranet.local", "admin@intranet.local"),
    )


# --- the approver: checked locally before buying, then against ENOM's list ------------------


def test_an_approver_enom_does_not_list_stops_before_submitting() -> None:
    enom = ScriptedEnom(
        {
            "CertConfigureCert": configured(
                "48455", "Registrant@Shop.Example.com", "", "webmaster@shop.example.com"
            )
        }
    )
    svc = service(RAPIDSSL, enom=enom)
    with pytest.raises(ApproverError) as refused:
        order_module.configure_and_submit(as_service(svc), order_of(svc), "48455")
    assert refused.value.desc == (
        "ENOM does not accept admin@shop.example.com as approver for shop.example.com; it "
        "accepts: registrant@shop.example.com, webmaster@shop.example.com. Change "
        "approver_email to one of them; the certificate (CertID 48455) is already paid and "
        "waits for it."
    )
    assert refused.value.obj == "approver_email" and refused.value.value == "admin@shop.example.com"
    assert enom.commands() == ["CertConfigureCert"]


def test_an_approver_enom_lists_in_another_case_is_accepted() -> None:
    enom = ScriptedEnom(
        {
            "CertConfigureCert": configured("48455", "ADMIN@shop.example.com"),
            "CertPurchaseCert": submitted("48455"),
        }
    )
    svc = service(RAPIDSSL, enom=enom, approver_email="Admin@Shop.Example.com")
    order_module.configure_and_submit(as_service(svc), order_of(svc), "48455")
    assert enom.sent("CertPurchaseCert")["ApproverEmail"] == "admin@shop.example.com"


def test_no_approver_list_from_enom_is_no_reason_to_stop() -> None:
    enom = ScriptedEnom(
        {"CertConfigureCert": configured("48455"), "CertPurchaseCert": submitted("48455")}
    )
    svc = service(RAPIDSSL, enom=enom)
    order_module.configure_and_submit(as_service(svc), order_of(svc), "48455")
    assert enom.commands() == ["CertConfigureCert", "CertPurchaseCert"]


def test_dns_validation_does_not_check_enoms_approver_list() -> None:
    enom = ScriptedEnom(
        {
            "CertConfigureCert": configured("48455", "someone@else.example.com"),
            "CertPurchaseCert": submitted("48455"),
        }
    )
    svc = service(RAPIDSSL, enom=enom, approver_method="DNS")
    order_module.configure_and_submit(as_service(svc), order_of(svc), "48455")
    assert enom.sent("CertPurchaseCert") == {"CertID": "48455", "DVAuthMethod": "DNS"}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("", None),
        ("auth_email", None),
        ("email", None),
        ("auth_dnstxt", "DNS"),
        ("auth_dns", "DNS"),
        ("dns", "DNS"),
        ("dnstxt", "DNS"),
        ("auth_file", "File"),
        ("auth_http", "File"),
        ("file", "File"),
        ("http", "File"),
        ("  Auth_DNSTXT ", "DNS"),
    ],
)
def test_the_validation_methods_billmanager_names(method: str, expected: str | None) -> None:
    order = order_of(service(RAPIDSSL, approver_method=method))
    assert order.dcv_method == expected
    assert order.approver == ("admin@shop.example.com" if expected is None else "")


def test_an_unknown_validation_method_buys_nothing() -> None:
    with pytest.raises(ApproverError) as refused:
        order_of(service(RAPIDSSL, approver_method=" Carrier-Pigeon "))
    assert refused.value.desc == (
        "The validation method 'carrier-pigeon' (approver_method) is unknown: use auth_email, "
        "auth_dnstxt or auth_file."
    )
    assert refused.value.obj == "approver_method" and refused.value.value == "carrier-pigeon"


def test_a_method_the_product_does_not_offer_buys_nothing() -> None:
    with pytest.raises(ApproverError) as refused:
        order_of(service(SECTIGO_ESSENTIAL, approver_method="auth_dnstxt"))
    assert refused.value.desc == (
        "Sectigo Essential cannot be validated by DNS through ENOM (it offers: e-mail). "
        "Choose e-mail validation and an approver address, then retry; nothing was bought."
    )
    assert refused.value.obj == "approver_method" and refused.value.value == "auth_dnstxt"
    dns_only = ProductSpec(
        template="w", code="w", prod_type=None, title="DNS Only", brand="digicert", authdnstxt=True
    )
    with pytest.raises(ApproverError) as no_file:
        order_module._validation({"approver_method": "http"}, dns_only, ["shop.example.com"])
    assert no_file.value.desc == (
        "DNS Only cannot be validated by File through ENOM (it offers: e-mail, DNS). "
        "Choose e-mail validation and an approver address, then retry; nothing was bought."
    )
    assert no_file.value.value == "http"


def test_email_validation_without_an_approver_buys_nothing() -> None:
    wildcard = service(RAPIDSSL_WILDCARD, csr("*.shop.example.com"), approver_email=" , ")
    with pytest.raises(ApproverError) as refused:
        order_of(wildcard)
    assert refused.value.desc == (
        "No approver e-mail (approver_email) was chosen for *.shop.example.com: choose one of the "
        "offered addresses, e.g. admin@shop.example.com, and retry; nothing was bought."
    )
    assert refused.value.obj == "approver_email" and refused.value.value == ""


def test_an_approver_that_is_no_address_buys_nothing() -> None:
    long = "x" * 90 + "@nowhere"
    with pytest.raises(ApproverError) as refused:
        order_of(service(RAPIDSSL, approver_email=f"admin@shop.example.com {long}"))
    assert refused.value.desc == (
        f"The approver e-mail {long!r} is not an e-mail address: choose one of the offered "
        "addresses and retry; nothing was bought."
    )
    assert refused.value.obj == "approver_email" and refused.value.value == long[:80]


@pytest.mark.parametrize("bad", ["admin@shop", "ad min@shop.example.com", "admin@@x.com", "@x.com"])
def test_each_kind_of_malformed_approver_is_refused(bad: str) -> None:
    with pytest.raises(ApproverError):
        order_of(service(RAPIDSSL, approver_email=bad))


def test_a_constructed_approver_of_another_domain_buys_nothing() -> None:
    with pytest.raises(ApproverError) as refused:
        order_of(service(RAPIDSSL, approver_email="admin@other.org"))
    assert refused.value.desc == (
        "The approver address admin@other.org is not at shop.example.com or one of its parent "
        "domains: choose one of admin@shop.example.com, administrator@shop.example.com, "
        "hostmaster@shop.example.com, postmaster@shop.example.com, webmaster@shop.example.com "
        "(or another offered address) and retry; nothing was bought."
    )
    assert refused.value.obj == "approver_email" and refused.value.value == "admin@other.org"
    far = "admin@" + "a" * 80 + ".example.org"  # the value is cut to 80 characters
    with pytest.raises(ApproverError) as long:
        order_of(service(RAPIDSSL, approver_email=far))
    assert long.value.value == far[:80]


def test_a_constructed_approver_at_a_parent_domain_or_a_whois_address_is_accepted() -> None:
    assert order_of(service(RAPIDSSL, approver_email="postmaster@example.com")).approver == (
        "postmaster@example.com"
    )
    # not a constructed mailbox: a WHOIS contact may be anywhere (ENOM's list decides)
    assert order_of(service(RAPIDSSL, approver_email="Owner@Other.org")).approver == (
        "owner@other.org"
    )


def test_a_constructed_approver_for_a_name_that_is_no_public_domain_is_left_to_the_csr_check() -> (
    None
):
    order_module._check_constructed("admin@anything.org", "intranet.local")
    with pytest.raises(ApproverError) as refused:
        order_module._check_constructed("webmaster@x.example.com", "*.example.com")
    assert refused.value.value == "webmaster@x.example.com"


# --- prepare: the order as validated before any money is spent ------------------------------


def test_prepare_builds_the_order_from_the_csr_and_the_form() -> None:
    request = csr("shop.example.com")
    order = order_of(service(RAPIDSSL, request))
    assert order.spec is RAPIDSSL
    assert order.csr.pem.strip() == request.strip()
    assert order.domains == ("shop.example.com",)
    assert order.dcv_method is None and order.approver == "admin@shop.example.com"
    assert order.ucc == ()
    admin, tech = order.contacts["Admin"], order.contacts["Tech"]
    assert order.contacts["Billing"] == admin
    assert (admin.first_name, admin.email, admin.phone) == (
        "Alice",
        "alice@example.net",
        "+1.4252744500",
    )
    assert (tech.first_name, tech.email, tech.phone) == ("Tom", "tom@example.net", "+49.3012345678")


def test_the_domain_param_takes_precedence_over_the_common_name() -> None:
    request = csr("shop.example.com")
    order = order_of(service(RAPIDSSL, request, domain="  SHOP.Example.com "))
    assert order.domains == ("shop.example.com",)
    with pytest.raises(CsrError) as refused:
        order_of(service(RAPIDSSL, request, domain="other.example.com"))
    assert "other.example.com" in str(refused.value)


def test_a_csr_without_a_common_name_is_checked_against_its_first_name() -> None:
    request = build_csr(_key(), None, ["Shop.example.com", "www.shop.example.com"])
    with pytest.raises(CsrError) as refused:
        order_of(service(RAPIDSSL, request))
    assert str(refused.value) == (
        "The CSR has no common name (CN): generate a new CSR with the common name shop.example.com."
    )


def test_altnames_are_ordered_after_the_main_domain_in_lower_case() -> None:
    request = csr("one.example.com", "one.example.com", "two.example.com", "three.example.com")
    order = order_of(
        service(
            UCC,
            request,
            altname=" Two.Example.com;one.example.com,,three.example.com ",
            approver_email="admin@one.example.com",
        )
    )
    assert order.domains == ("one.example.com", "two.example.com", "three.example.com")


def test_a_single_name_product_ignores_the_csrs_other_names_unless_ordered() -> None:
    # the www partner is covered for free (www_included): the CSR may carry it unordered
    request = csr("shop.example.com", "shop.example.com", "www.shop.example.com")
    order = order_of(service(RAPIDSSL, request))
    assert order.domains == ("shop.example.com",)


def test_more_names_than_the_product_covers_buy_nothing() -> None:
    request = csr("shop.example.com", "shop.example.com", "two.example.com")
    with pytest.raises(CsrError) as refused:
        order_of(service(RAPIDSSL, request, altname="two.example.com"))
    assert str(refused.value) == (
        "2 names were ordered (shop.example.com, two.example.com), but RapidSSL covers at most "
        "1, the common name included (products.py says why). Order fewer names, or a "
        "certificate type that covers them; nothing was bought."
    )
    four = csr("a.example.com", "a.example.com", "b.example.com", "c.example.com", "d.example.com")
    with pytest.raises(CsrError) as too_many:
        order_of(service(UCC, four, approver_email="admin@a.example.com"))
    assert "4 names were ordered" in str(too_many.value)
    assert "Sectigo UCC DV covers at most 3" in str(too_many.value)


def test_exactly_as_many_names_as_the_product_covers_are_ordered() -> None:
    request = csr("a.example.com", "a.example.com", "b.example.com", "c.example.com")
    order = order_of(service(UCC, request, approver_email="admin@a.example.com"))
    assert len(order.domains) == 3


def test_a_wildcard_is_ordered_only_on_a_wildcard_product() -> None:
    request = csr("*.shop.example.com")
    order = order_of(service(RAPIDSSL_WILDCARD, request, approver_email="admin@shop.example.com"))
    assert order.domains == ("*.shop.example.com",)
    with pytest.raises(CsrError) as refused:
        order_of(service(RAPIDSSL, request, approver_email="admin@shop.example.com"))
    assert "wildcard" in str(refused.value)


def test_a_digicert_subject_must_be_ascii_a_sectigo_one_need_not() -> None:
    request = csr("shop.example.com", subject=[(NameOID.ORGANIZATION_NAME, "Müller GmbH")])
    with pytest.raises(CsrError):
        order_of(service(RAPIDSSL, request))
    assert order_of(service(SECTIGO_ESSENTIAL, request)).domains == ("shop.example.com",)


def test_digicert_contacts_must_be_ascii_sectigo_ones_need_not() -> None:
    with pytest.raises(ContactError) as refused:
        order_of(service(RAPIDSSL, adm_fname="Jürgen"))
    assert "ASCII" in str(refused.value)
    order = order_of(service(SECTIGO_ESSENTIAL, adm_fname="Jürgen"))
    assert order.contacts["Admin"].first_name == "Jürgen"


def test_an_organisation_validated_product_needs_the_organisation() -> None:
    with pytest.raises(ContactError) as refused:
        order_of(service(TRUEBIZID, org_name=""))
    assert "org_name is empty" in str(refused.value)
    order = order_of(service(RAPIDSSL, org_name=""))  # DV: the contact's own name stands in
    assert order.contacts["Admin"].org_name == "Alice Admin"


def test_the_country_id_of_the_order_form_is_billmanagers_country() -> None:
    billing = FakeBilling(countries={80: "de"})
    order = order_of(service(RAPIDSSL, billing=billing, org_country="80"))
    assert order.contacts["Admin"].country == "DE"


def test_the_saved_csr_is_used_unless_one_is_given() -> None:
    saved = csr("shop.example.com")
    svc = service(RAPIDSSL, saved)
    assert prepare(as_service(svc)).csr.pem.strip() == saved.strip()
    given = csr("shop.example.com", "shop.example.com", "www.shop.example.com")
    assert prepare(as_service(svc), given).csr.pem.strip() == given.strip()


@pytest.mark.parametrize("row", [None, "", "  \n"], ids=["no row", "empty", "blank"])
def test_no_csr_buys_nothing(row: str | None) -> None:
    svc = service(RAPIDSSL)
    svc.row = Row(row) if row is not None else None
    with pytest.raises(CsrError) as refused:
        prepare(as_service(svc))
    assert str(refused.value) == (
        "Service 10 has no certificate signing request (CSR): the client must generate or paste "
        "one in the order (certificate data), then the order is retried."
    )
    with pytest.raises(CsrError):
        prepare(as_service(service(RAPIDSSL)), " ")


# --- save_dcv: what the client needs for DNS or file validation -----------------------------


def dcv_info(**values: str) -> Any:
    from pmenomssl.enom import DcvInfo

    fields = dict.fromkeys(
        ("method", "file_name", "file_contents", "dns_entry", "dns_type", "dns_address"), ""
    )
    fields.update(values)
    return DcvInfo(**fields)


def test_save_dcv_keeps_a_dns_record_even_without_its_type_or_entry() -> None:
    svc = service()
    save_dcv(as_service(svc), "DNS", dcv_info(dns_address="token.example.com"))
    dcv = {k: v for k, v in svc.params.items() if k.startswith("enom_dcv")}
    assert dcv == {P.DCV_DNS_ENTRY: "", P.DCV_DNS_ADDRESS: "token.example.com"}
    svc = service()
    save_dcv(as_service(svc), "DNS", dcv_info(dns_entry="_x", dns_type="CNAME"))
    dcv = {k: v for k, v in svc.params.items() if k.startswith("enom_dcv")}
    assert dcv == {P.DCV_DNS_ENTRY: "_x", P.DCV_DNS_TYPE: "CNAME", P.DCV_DNS_ADDRESS: ""}


def test_save_dcv_keeps_a_file_even_with_only_its_name_or_contents() -> None:
    svc = service()
    save_dcv(as_service(svc), "File", dcv_info(file_contents="abc"))
    assert {k: v for k, v in svc.params.items() if k.startswith("enom_dcv")} == {
        P.DCV_FILE_URL: "",
        P.DCV_FILE_CONTENTS: "abc",
    }
    svc = service()
    save_dcv(as_service(svc), "File", dcv_info(file_name=FILE_URL))
    assert {k: v for k, v in svc.params.items() if k.startswith("enom_dcv")} == {
        P.DCV_FILE_URL: FILE_URL,
        P.DCV_FILE_CONTENTS: "",
    }


def test_save_dcv_writes_nothing_without_data_or_for_another_method() -> None:
    everything = dcv_info(
        dns_entry="@", dns_type="TXT", dns_address="t", file_name=FILE_URL, file_contents="c"
    )
    for method, dv in [
        ("DNS", dcv_info(file_name=FILE_URL, file_contents="c", dns_type="TXT")),
        ("File", dcv_info(dns_entry="@", dns_type="TXT", dns_address="t")),
        (None, everything),
    ]:
        svc = service()
        save_dcv(as_service(svc), method, dv)
        assert not [k for k in svc.params if k.startswith("enom_dcv")], method


# --- open on a re-run: CertGetCertDetail says what remains ----------------------------------


def rerun(
    status_id: int, *answers: tuple[str, bytes], extra: str = "", **params: str
) -> FakeService:
    enom = ScriptedEnom({"CertGetCertDetail": detail("726340", status_id, extra=extra)})
    enom.answers.update(dict(answers))
    return service(RAPIDSSL, enom=enom, enom_cert_id="726340", **params)


@pytest.mark.parametrize("status_id", [1, 6], ids=["awaiting configuration", "rejected"])
def test_a_rerun_configures_a_certificate_still_awaiting_it(status_id: int) -> None:
    svc = rerun(
        status_id,
        ("CertConfigureCert", configured("726340")),
        ("CertPurchaseCert", submitted("726340")),
    )
    open_service(as_service(svc))
    assert svc.enom.commands() == ["CertGetCertDetail", "CertConfigureCert", "CertPurchaseCert"]
    assert svc.enom.sent("CertGetCertDetail") == {"CertID": "726340"}
    assert svc.params[P.ORDER_ID] == "267562392"  # the OrderID a lost save left out
    assert svc.billing.statuses == [4] and svc.billing.posts == ["open"]


def test_a_rerun_keeps_the_order_id_already_saved() -> None:
    svc = rerun(2, enom_order_id="111")
    open_service(as_service(svc))
    assert svc.params[P.ORDER_ID] == "111"
    svc = rerun(2)
    svc.enom.answers["CertGetCertDetail"] = detail("726340", 2, order_id="")
    open_service(as_service(svc))
    assert P.ORDER_ID not in svc.params


def test_a_rerun_of_a_submitted_certificate_only_keeps_its_dcv_data() -> None:
    extra = "<DVAuthMethod>DNS</DVAuthMethod><DNSAuthEntry>@</DNSAuthEntry>"
    extra += f"<DNSAuthType>TXT</DNSAuthType><DNSAuthAddress>{DNS_TOKEN}</DNSAuthAddress>"
    svc = rerun(2, extra=extra, approver_method="auth_dnstxt")
    open_service(as_service(svc))
    assert svc.enom.commands() == ["CertGetCertDetail"]
    assert svc.params[P.DCV_DNS_ADDRESS] == DNS_TOKEN and svc.params[P.DCV_DNS_TYPE] == "TXT"
    assert svc.billing.statuses == [4] and svc.billing.posts == ["open"]


@pytest.mark.parametrize("status_id", [7, 8])
def test_a_refunded_certificate_is_never_configured(status_id: int) -> None:
    svc = rerun(status_id)
    with pytest.raises(CertificateRefundedError) as refunded:
        open_service(as_service(svc))
    assert refunded.value.desc == (
        f"ENOM certificate 726340 of service 10 was refunded (s{status_id}); it cannot be "
        "issued. Order a new certificate if one is needed."
    )
    assert refunded.value.obj == "enom" and refunded.value.value == "726340"
    assert svc.enom.commands() == ["CertGetCertDetail"]
    assert svc.billing.statuses == [] and svc.billing.posts == []


@pytest.mark.parametrize(
    ("status_id", "pem"), [(4, ""), (2, "<SSLCertificate>PEM</SSLCertificate>")]
)
def test_an_issued_certificate_is_saved_not_submitted_again(
    status_id: int, pem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmenomssl.handlers.enomssl import sync

    applied: list[tuple[int, str]] = []
    monkeypatch.setattr(sync, "apply_detail", lambda s, d: applied.append((s.id, d.cert_id)))
    if pem:  # a certificate in the answer counts as issued whatever the status
        pem = "<SSLCertificate>-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
        pem += "</SSLCertificate>"
    svc = rerun(status_id, extra=pem)
    open_service(as_service(svc))
    assert applied == [(10, "726340")]
    assert svc.enom.commands() == ["CertGetCertDetail"]
    assert svc.billing.posts == ["open"] and svc.billing.statuses == []


# --- a failed configure never leaves a half-written item -------------------------------------


def test_a_failed_configure_marks_the_item_requested_and_keeps_the_purchase() -> None:
    enom = fresh_purchase(
        ("CertConfigureCert", configured("726340", "registrant@shop.example.com")),
    )
    svc = service(RAPIDSSL, enom=enom)
    with pytest.raises(ApproverError):
        open_service(as_service(svc))
    assert svc.params[P.CERT_ID] == "726340" and svc.params[P.ORDER_ID] == "267562071"
    assert svc.billing.statuses == [3] and svc.billing.posts == []
    assert "CertPurchaseCert" not in enom.commands()
    assert not any(name.startswith("enom_dcv") for name in svc.params)


def test_a_configure_enom_refuses_marks_the_item_requested() -> None:
    failed = envelope(
        "CertConfigureCert", root="<errors><Err1>Invalid CSR</Err1></errors>"
    ).replace(b"<ErrCount>0</ErrCount>", b"<ErrCount>1</ErrCount>")
    svc = rerun(1, ("CertConfigureCert", failed))
    with pytest.raises(ModuleError):
        open_service(as_service(svc))
    assert svc.billing.statuses == [3] and svc.billing.posts == []


def test_the_configure_error_wins_over_a_failed_status_write() -> None:
    svc = rerun(1, ("CertConfigureCert", configured("726340", "registrant@shop.example.com")))
    svc.billing.refuse_status = True
    with pytest.raises(ApproverError):
        open_service(as_service(svc))
    assert svc.billing.statuses == [] and svc.billing.posts == []


def test_an_error_that_is_not_the_modules_is_not_taken_for_a_failed_submission() -> None:
    svc = rerun(1, ("CertConfigureCert", RuntimeError("bug")))
    with pytest.raises(Exception, match="bug"):
        open_service(as_service(svc))
    assert svc.billing.statuses == []
