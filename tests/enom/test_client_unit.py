"""`EnomClient` in-process (issue 17: the mutation scope of `enom/client.py`, milliseconds a test).

ENOM is an `httpx.MockTransport`: every answer shape is a cassette's response (tests/cassettes/,
whose README names the passage of the reference digest each reproduces) or is built below in
the shape of the one named next to it; every expected request is the cassette's request (the
credentials as the test's own) or written down here. Network failures are the httpx exceptions
the real transport raises. What is pinned: the request of every command, the command table's
call class (a paid call is never repeated once it may have arrived), the error raised for each
way an exchange breaks with its exact text, the URL rules, the log line, and that the login and
password never reach an error or the log. The same paths through real sockets and vcrpy stay in
test_retries.py and test_commands.py (CI).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import yaml

from pmenomssl import log as pmlog
from pmenomssl.enom import (
    LIVE_URL,
    TEST_URL,
    Approver,
    Balance,
    CertDetail,
    CertPage,
    CertSummary,
    Configured,
    Contact,
    DcvInfo,
    EnomAuthError,
    EnomClient,
    EnomConnectError,
    EnomDeadlineExceededError,
    EnomError,
    EnomIpNotAllowedError,
    EnomMalformedResponseError,
    EnomOutcomeUnknownError,
    EnomReadTimeoutError,
    EnomTransportError,
    OrderDetail,
    ParsedCsr,
    Product,
    Purchase,
    Submitted,
    Timeouts,
    UccDomain,
)
from pmenomssl.enom.client import _CallState
from pmenomssl.errors import ModuleError
from pmenomssl.transport import http as http_module
from pmenomssl.transport.calls import RetryPolicy

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
DATA = Path(__file__).resolve().parent / "data"
UID = "unit-login-id"
PW = "unit-password-0815"
ONCE = RetryPolicy(attempts=1, wait_initial=0.0, wait_max=0.0)
THRICE = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0)
LOGGER = "pmenomssl.enom.client"

# The action texts of enom/errors.py, as an operator reads them.
UNREACHABLE_ACTION = (
    "Check the server's network, DNS and outgoing HTTPS (port 443) to the ENOM API URL; the "
    "operation is repeated automatically on the next run."
)
MALFORMED_ACTION = (
    "ENOM or something between this server and ENOM (proxy, captive portal) returned an "
    "unexpected page; check the API URL (https://reseller.enom.com/interface.asp or "
    "https://resellertest.enom.com/interface.asp) and retry later."
)
READ_TIMEOUT_ACTION = (
    "ENOM may be slow or down; the operation is repeated automatically on the next run. If it "
    "persists, raise the read timeout or check https://status.enom.com."
)
NOTHING_SENT = "Nothing was sent to ENOM, so nothing was charged."
URL_ADVICE = (
    "(e.g. https://reseller.enom.com/interface.asp or https://resellertest.enom.com/interface.asp);"
    " plain http is accepted only for a sandbox on 127.0.0.1. Check the ENOM account and the "
    "module log; contact ENOM support with the TrackingKey."
)


# --- ENOM in-process --------------------------------------------------------------------------


@dataclass(frozen=True)
class Interaction:
    form: list[tuple[str, str]]  # the request's form, in the order it is sent
    status: int
    body: bytes


@cache
def cassette(name: str) -> tuple[Interaction, ...]:
    """The interactions of tests/cassettes/<name>.yaml, `<UID>`/`<PW>` as this test's."""
    data = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
    found = []
    for item in data["interactions"]:
        own = {"<UID>": UID, "<PW>": PW}
        form = [(k, own.get(v, v)) for k, v in parse_qsl(item["request"]["body"], True)]
        response = item["response"]
        body = response["body"]["string"]
        found.append(
            Interaction(form, response["status"]["code"], body.encode("utf-8")),
        )
    return tuple(found)


Answer = Callable[[httpx.Request], httpx.Response]


def answer(body: bytes, status: int = 200) -> Answer:
    return lambda request: httpx.Response(status, content=body)


def fails(error: type[httpx.HTTPError], text: str, cause: BaseException | None = None) -> Answer:
    """The network failing the way httpx reports it (`cause`: the socket/SSL error inside)."""

    def act(request: httpx.Request) -> httpx.Response:
        if issubclass(error, httpx.RequestError):
            raise error(text, request=request) from cause
        raise error(text) from cause

    return act


def no_more(request: httpx.Request) -> httpx.Response:
    """The end of a script: a request past it fails the test at once (no endless paging)."""
    raise AssertionError(f"an unexpected request: {request.content.decode()}")


class FakeEnom:
    """Answers in order (the last one repeats); keeps every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    @classmethod
    def replaying(cls, name: str) -> FakeEnom:
        return cls(*(answer(i.body, i.status) for i in cassette(name)))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers[min(len(self.requests), len(self.answers)) - 1](request)

    def forms(self) -> list[list[tuple[str, str]]]:
        return [parse_qsl(r.content.decode(), keep_blank_values=True) for r in self.requests]

    def commands(self) -> list[str]:
        return [dict(form)["command"] for form in self.forms()]

    def timeouts(self) -> list[dict[str, float]]:
        return [r.extensions["timeout"] for r in self.requests]


def client_for(
    fake: FakeEnom, *, retry: RetryPolicy = ONCE, pw: str = PW, **kwargs: Any
) -> EnomClient:
    return EnomClient(
        TEST_URL, UID, pw, transport=httpx.MockTransport(fake.handle), retry=retry, **kwargs
    )


def csr(name: str) -> str:
    return (DATA / f"csr_{name}.pem").read_text()


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> float:
    """The transport's monotonic clock stands still at 1000.0 (deadlines become exact)."""
    monkeypatch.setattr(http_module, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    return 1000.0


@pytest.fixture
def lines(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[str]]]:
    caplog.set_level(logging.INFO, logger=LOGGER)
    yield lambda: [r.getMessage() for r in caplog.records if r.name == LOGGER]


# --- every command: the cassette's request, the documented answer read -----------------------

ADMIN = Contact(
    "John", "Doe", "rightside.co", "IT Manager", "10500 NE 8th St", "Suite 300", "Kirkland",
    "WA", "98004", "US", "+1.4252744500", "admin@example.com",
)  # fmt: skip
BILLING = Contact(
    "Jane", "Roe", "rightside.co", "Accounts", "1 Main St", "", "Vancouver", "BC", "V5K 0A1",
    "CA", "+1.6045550100", "billing@example.com", fax="+1.6045550101", phone_ext="12",
)  # fmt: skip

CERT_DETAIL = CertDetail(
    cert_id="726347",
    order_id="267562392",
    domain="buditest.com",
    status_id=1,
    status="Awaiting Configuration",
    status_detail="",
    prod_type=286,
    prod_desc="Symantec Encryption Everywhere",
    order_date=datetime(2016, 12, 15, 17, 13, 2),
    config_date=None,
    expiration_date=datetime(2017, 12, 15, 17, 13, 2),
    validity_months=12,
    approver_email="",
    ssl_certificate="-----BEGIN CERTIFICATE-----\nMIIF...\n-----END CERTIFICATE-----\n",
    ca_certs="",
    csr="-----BEGIN NEW CERTIFICATE REQUEST-----\nMIIE...\n-----END NEW CERTIFICATE REQUEST-----\n",
    reissue_status="",
    reference_id="",
    dv=DcvInfo(method="DNS"),
    domain_list=(),
)

# (cassette, the call, what it returns): the values the cassettes' documented answers hold.
COMMANDS: list[tuple[str, Callable[[EnomClient], Any], Any]] = [
    (
        "GetBalance",
        lambda c: c.get_balance(),
        Balance(Decimal("3709.20"), Decimal("3669.40")),
    ),
    (
        "GetCerts",
        lambda c: c.get_certs(),
        [
            Product(
                "certificate-rapidssl-rapidssl",
                23,
                "SSL Certificate - RapidSSL",
                (1, 2),
                Decimal("9.95"),
                Decimal("19.95"),
                True,
            ),
            Product(
                "certificate-geotrust-quickssl",
                26,
                "SSL Certificate - GeoTrust QuickSSL",
                (),
                Decimal("69.00"),
                Decimal("125.00"),
                True,
            ),
        ],
    ),
    # NumYears=1 without asking: one year is the default
    (
        "PurchaseServices",
        lambda c: c.purchase_services("certificate-rapidssl-rapidssl"),
        Purchase(cert_id="726340", order_id="267562071"),
    ),
    (
        "PurchaseServices_lower",
        lambda c: c.purchase_services("certificate-rapidssl-rapidssl", years=1),
        Purchase(cert_id="726340", order_id="267562071"),
    ),
    (
        "CertConfigureCert",
        lambda c: c.configure_cert(
            "725899",
            csr=csr("resellerdocs"),
            web_server_type=18,
            contacts={"Admin": ADMIN, "Tech": ADMIN, "Billing": BILLING},
        ),
        Configured(
            cert_id="725899",
            prod_type=23,
            approvers=(
                Approver("registrant@example.com", "Domain"),
                Approver("admin@example.com", "Generic"),
                Approver("webmaster@example.com", "Generic"),
            ),
            dv=DcvInfo(),
        ),
    ),
    (
        "CertConfigureCert_ee_dns",
        lambda c: c.configure_cert(
            "726216",
            csr=csr("buditest"),
            web_server_type=18,
            contacts={"Admin": ADMIN, "Tech": ADMIN, "Billing": ADMIN},
            dv_auth_method="DNS",
        ),
        Configured(
            cert_id="726216",
            prod_type=286,
            approvers=(),
            dv=DcvInfo(
                method="DNS",
                dns_entry="@",
                dns_type="TXT",
                dns_address="20170303210335hi8lp217ob29a2f4vh4joryuhiy3iv8qymsrvb2312922kcfe",
            ),
        ),
    ),
    (
        "CertGetApproverEmail",
        lambda c: c.get_approver_emails("725899", "example.com"),
        (Approver("registrant@example.com", "Domain"), Approver("admin@example.com", "Generic")),
    ),
    (
        "CertPurchaseCert",
        lambda c: c.purchase_cert(
            "48455",
            approver_email="admin@example.com",
            csr_fields={"CSROrganization": "rightside.co", "CSRCountry": "US"},
        ),
        Submitted(
            cert_id="48455",
            approver_email="admin@example.com",
            ca_order_id="14228176",
            dv=DcvInfo(),
        ),
    ),
    ("CertGetCertDetail", lambda c: c.get_cert_detail("726347"), CERT_DETAIL),
    (
        "CertGetCerts",
        lambda c: c.get_certs_page(page_size=10),
        CertPage(
            certs=(
                CertSummary(
                    cert_id="29036",
                    order_id="161857490",
                    domain="mycircletree.com",
                    prod_type=26,
                    prod_desc="SSL Certificate - GeoTrust QuickSSL",
                    status_id=2,
                    status="Processing",
                    order_date=datetime(2015, 6, 2),
                    config_date=None,
                    expiration_date=datetime(2016, 6, 2),
                    is_expired=False,
                    validity_months=12,
                ),
            ),
            start=1,
            page_size=10,
            total=4059,
            enom_time="6/2/2015 2:54:45 PM",
        ),
    ),
    (
        "CertParseCSR",
        lambda c: c.parse_csr("726347", csr("buditest")),
        ParsedCsr("buditest.com", "rightside.co", "dev", "kirkland", "wa", "US", "", False),
    ),
    ("CertReissueCert", lambda c: c.reissue_cert("726347", csr("buditest")), ""),
    ("CertResendApproverEmail", lambda c: c.resend_approver_email("48455"), "admin@example.com"),
    (
        "CertChangeApproverEmail",
        lambda c: c.change_approver_email("48455", "webmaster@example.com"),
        "webmaster@example.com",
    ),
    ("CertResendFulfillmentEmail", lambda c: c.resend_fulfillment_email("48455"), None),
    ("CertModifyOrder", lambda c: c.modify_order("48455"), None),
    (
        "GetOrderDetail",
        lambda c: c.get_order_detail("267562071"),
        OrderDetail(
            order_id="267562071",
            bill_amount=Decimal("8.95"),
            bill_date=datetime(2016, 12, 15, 17, 13, 2),
            status="Closed",
            result="1",
        ),
    ),
]


@pytest.mark.parametrize(("name", "call", "expected"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_each_command_sends_its_cassettes_request_and_reads_its_answer(
    name: str, call: Callable[[EnomClient], Any], expected: Any
) -> None:
    fake = FakeEnom.replaying(name)
    with client_for(fake) as client:
        assert call(client) == expected
    assert fake.forms() == [i.form for i in cassette(name)]
    (request,) = fake.requests
    assert request.method == "POST"
    assert str(request.url) == TEST_URL  # nothing in the query: credentials only in the body
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"


def _form(**fields: str) -> dict[str, str]:
    return {"uid": UID, "pw": PW, "ResponseType": "XML", **fields}


def test_purchase_services_sends_the_years_asked_for() -> None:
    fake = FakeEnom.replaying("PurchaseServices")
    with client_for(fake) as client:
        client.purchase_services("certificate-geotrust-quickssl", years=2)
    assert [dict(f) for f in fake.forms()] == [
        _form(command="PurchaseServices", Service="certificate-geotrust-quickssl", NumYears="2")
    ]


def test_configure_cert_sends_the_ucc_list() -> None:
    fake = FakeEnom.replaying("CertConfigureCert")
    ucc = (
        UccDomain("example.com", "admin@example.com"),
        UccDomain("www.example.org", "webmaster@example.org"),
    )
    with client_for(fake) as client:
        client.configure_cert("725899", csr="CSR-TEXT", web_server_type=2, contacts={}, ucc=ucc)
    assert [dict(f) for f in fake.forms()] == [
        _form(
            command="CertConfigureCert",
            CertID="725899",
            WebServerType="2",
            CSR="CSR-TEXT",
            DomainListNumber="2",
            UCCDomainList1="example.com",
            UCCEmailList1="admin@example.com",
            UCCDomainList2="www.example.org",
            UCCEmailList2="webmaster@example.org",
        )
    ]


def test_purchase_cert_sends_the_dv_method_and_the_ucc_list_and_no_empty_approver() -> None:
    fake = FakeEnom.replaying("CertPurchaseCert")
    with client_for(fake) as client:
        client.purchase_cert(
            "48455", dv_auth_method="DNS", ucc=(UccDomain("example.com", "admin@example.com"),)
        )
        client.purchase_cert("48455", approver_email="", dv_auth_method="")
    assert [dict(f) for f in fake.forms()] == [
        _form(
            command="CertPurchaseCert",
            CertID="48455",
            DVAuthMethod="DNS",
            DomainListNumber="1",
            UCCDomainList1="example.com",
            UCCEmailList1="admin@example.com",
        ),
        _form(command="CertPurchaseCert", CertID="48455"),
    ]


# --- CertGetCerts pages -------------------------------------------------------------------------


def page(ids: list[int], *, total: int, start: int | None = None, size: int | None = None) -> bytes:
    """A CertGetCerts answer in the shape of the §2 recording (tests/cassettes/CertGetCerts.yaml),
    each certificate reduced to its CertID; StartPosition/PagingPageSize left out when None."""
    certs = "".join(f"<Cert><CertID>{i}</CertID></Cert>" for i in ids)
    paging = (f"<StartPosition>{start}</StartPosition>" if start is not None else "") + (
        f"<PagingPageSize>{size}</PagingPageSize>" if size is not None else ""
    )
    return (
        "<interface-response><CertGetCerts><Certs>"
        f"{certs}{paging}<TotalRecords>{total}</TotalRecords>"
        "</Certs></CertGetCerts><ErrCount>0</ErrCount><Done>true</Done></interface-response>"
    ).encode()


def _page_form(start: int, size: int, *, sort: str = "CertID", way: str = "Desc") -> dict[str, str]:
    return _form(
        command="CertGetCerts",
        StartPosition=str(start),
        PagingPageSize=str(size),
        SortBy=sort,
        SortByDirection=way,
    )


def test_iter_certs_fetches_every_page_on_demand() -> None:
    fake = FakeEnom.replaying("CertGetCerts_paged")
    fake.answers.append(no_more)
    with client_for(fake) as client:
        certs = client.iter_certs(page_size=2)
        first = next(certs)
        assert len(fake.requests) == 1  # only the first page so far
        rest = list(certs)
    assert [c.cert_id for c in [first, *rest]] == ["29040", "29039", "29038", "29037", "29036"]
    assert fake.forms() == [i.form for i in cassette("CertGetCerts_paged")]


def test_iter_certs_defaults_to_pages_of_250_newest_first() -> None:
    fake = FakeEnom(answer(page([7, 6], total=2)), no_more)
    with client_for(fake) as client:
        assert [c.cert_id for c in client.iter_certs()] == ["7", "6"]
    assert [dict(f) for f in fake.forms()] == [_page_form(1, 250)]


def test_get_certs_page_defaults_to_the_first_page_of_250_newest_first() -> None:
    fake = FakeEnom(answer(page([7], total=1)))
    with client_for(fake) as client:
        got = client.get_certs_page()
    assert (got.start, got.page_size, got.total) == (1, 250, 1)  # the answer gave no paging
    assert [dict(f) for f in fake.forms()] == [_page_form(1, 250)]


def test_iter_certs_passes_its_filters_and_order_to_every_page() -> None:
    fake = FakeEnom(answer(page([1, 2], total=3)), answer(page([3], total=3)), no_more)
    with client_for(fake) as client:
        got = list(
            client.iter_certs(
                page_size=2, sort_by="OrderDate", descending=False, status_id=0, prod_type=23
            )
        )
    assert [c.cert_id for c in got] == ["1", "2", "3"]
    filters = {"CertStatusID": "0", "ProdType": "23"}
    assert [dict(f) for f in fake.forms()] == [
        {**_page_form(1, 2, sort="OrderDate", way="Asc"), **filters},
        {**_page_form(3, 2, sort="OrderDate", way="Asc"), **filters},
    ]


def test_a_page_reports_what_was_asked_when_enom_leaves_the_paging_out() -> None:
    fake = FakeEnom(answer(page([5, 4], total=9)))
    with client_for(fake) as client:
        got = client.get_certs_page(start=3, page_size=2)
    assert (got.start, got.page_size, got.total) == (3, 2, 9)
    assert [dict(f) for f in fake.forms()] == [_page_form(3, 2)]


def test_iter_certs_stops_at_an_empty_page_whatever_the_total_says() -> None:
    fake = FakeEnom(answer(page([9, 8], total=50)), answer(page([], total=50)), no_more)
    with client_for(fake) as client:
        assert [c.cert_id for c in client.iter_certs(page_size=2)] == ["9", "8"]
    assert [dict(f)["StartPosition"] for f in fake.forms()] == ["1", "3"]


def test_iter_certs_lists_a_certificate_shifted_onto_the_next_page_once() -> None:
    # A purchase between two pages pushes the last certificate of page 1 onto page 2.
    fake = FakeEnom(answer(page([9, 8], total=5)), answer(page([8, 7], total=5)))
    fake.answers += [answer(page([6], total=5)), no_more]
    with client_for(fake) as client:
        assert [c.cert_id for c in client.iter_certs(page_size=2)] == ["9", "8", "7", "6"]
    assert [dict(f)["StartPosition"] for f in fake.forms()] == ["1", "3", "5"]


def test_iter_certs_refuses_a_page_that_only_repeats_what_was_listed() -> None:
    # The §2 recording claims 4059 certificates; ENOM answering page 2 with page 1 again.
    fake = FakeEnom.replaying("CertGetCerts")
    fake.answers += [fake.answers[0], no_more]
    with client_for(fake) as client, pytest.raises(EnomMalformedResponseError) as caught:
        list(client.iter_certs(page_size=10))
    assert caught.value.desc == (
        "ENOM CertGetCerts: ENOM's answer was not a complete ENOM XML response: page 2 repeated "
        f"certificates already listed. {MALFORMED_ACTION}"
    )
    assert [dict(f)["StartPosition"] for f in fake.forms()] == ["1", "2"]


def test_a_page_that_cannot_be_read_names_the_command() -> None:
    fake = FakeEnom(answer(page([5, 4], total=9).replace(b">9<", b">nine<")))
    with client_for(fake) as client, pytest.raises(EnomMalformedResponseError) as caught:
        client.get_certs_page(page_size=2)
    assert caught.value.desc == (
        "ENOM CertGetCerts: ENOM's answer was not a complete ENOM XML response: TotalRecords "
        f"'nine' is not a number. {MALFORMED_ACTION}"
    )


def test_an_answer_without_what_the_command_returns_names_the_command() -> None:
    # The GetBalance answer of tests/cassettes/GetBalance.yaml without <AvailableBalance>
    body = re.sub(rb"<AvailableBalance>[^<]*</AvailableBalance>", b"", BALANCE)
    fake = FakeEnom(answer(body))
    with client_for(fake) as client, pytest.raises(EnomMalformedResponseError) as caught:
        client.get_balance()
    assert caught.value.desc == (
        "ENOM GetBalance: ENOM's answer was not a complete ENOM XML response: the answer had no "
        f"Balance/AvailableBalance. {MALFORMED_ACTION}"
    )


# --- the call classes: what is repeated after which failure ------------------------------------

BALANCE = cassette("GetBalance")[0].body
PURCHASED = cassette("PurchaseServices")[0].body
MODIFIED = cassette("CertModifyOrder")[0].body

# (name, the call, the answer it reads when it works)
CALLS: dict[str, tuple[str, Callable[[EnomClient], Any], bytes]] = {
    "read": ("GetBalance", lambda c: c.get_balance(), BALANCE),
    "write": ("CertModifyOrder", lambda c: c.modify_order("48455"), MODIFIED),
    "paid": (
        "PurchaseServices",
        lambda c: c.purchase_services("certificate-rapidssl-rapidssl"),
        PURCHASED,
    ),
}

# Failures after the request may have arrived: (failure, the error the exchange becomes)
AFTER_SENDING: dict[str, tuple[Answer, type[EnomError]]] = {
    "read timeout": (
        fails(httpx.ReadTimeout, "The read operation timed out"),
        EnomReadTimeoutError,
    ),
    "connection dropped": (
        fails(httpx.RemoteProtocolError, "Server disconnected without sending a response."),
        EnomTransportError,
    ),
    "write error": (fails(httpx.WriteError, "[Errno 32] Broken pipe"), EnomTransportError),
    "broken encoding": (
        fails(httpx.DecodingError, "Error -3 while decompressing data: incorrect header check"),
        EnomMalformedResponseError,
    ),
    "HTTP 503": (answer(b"<html>busy</html>", status=503), EnomMalformedResponseError),
    "HTTP 200 not XML": (answer(b"<html>captive portal</html>"), EnomMalformedResponseError),
}
# Failures that prove the request never left
NEVER_SENT: dict[str, Answer] = {
    "refused": fails(httpx.ConnectError, "[Errno 111] Connection refused"),
    "connect timeout": fails(httpx.ConnectTimeout, "timed out"),
    "no pooled connection": fails(httpx.PoolTimeout, "timed out"),
}


@pytest.mark.parametrize("failure", list(AFTER_SENDING))
def test_a_read_is_repeated_after_any_failure(failure: str) -> None:
    fake = FakeEnom(AFTER_SENDING[failure][0], answer(BALANCE))
    with client_for(fake, retry=THRICE) as client:
        assert client.get_balance() == Balance(Decimal("3709.20"), Decimal("3669.40"))
    assert fake.commands() == ["GetBalance", "GetBalance"]


@pytest.mark.parametrize("kind", ["write", "paid"])
@pytest.mark.parametrize("failure", list(AFTER_SENDING))
def test_a_write_or_paid_call_is_never_repeated_once_it_may_have_arrived(
    failure: str, kind: str
) -> None:
    command, call, ok = CALLS[kind]
    broken, cause = AFTER_SENDING[failure]
    fake = FakeEnom(broken, answer(ok))
    with (
        client_for(fake, retry=RetryPolicy(10, 0.0, 0.0)) as client,
        pytest.raises(EnomOutcomeUnknownError) as caught,
    ):
        call(client)
    assert fake.commands() == [command]
    assert type(caught.value.cause) is cause
    assert caught.value.command == command
    assert caught.value.error_type == "enom_outcome_unknown"


@pytest.mark.parametrize("kind", ["read", "write", "paid"])
@pytest.mark.parametrize("failure", list(NEVER_SENT))
def test_every_call_is_repeated_when_the_request_never_left(failure: str, kind: str) -> None:
    command, call, ok = CALLS[kind]
    fake = FakeEnom(NEVER_SENT[failure], answer(ok))
    with client_for(fake, retry=THRICE) as client:
        call(client)
    assert fake.commands() == [command, command]


def test_a_lost_purchase_answer_says_it_was_not_repeated() -> None:
    fake = FakeEnom(fails(httpx.ReadTimeout, "The read operation timed out"))
    with (
        client_for(fake, timeouts=Timeouts(connect=5, read=30, purchase_read=100)) as client,
        pytest.raises(EnomOutcomeUnknownError) as caught,
    ):
        client.purchase_services("certificate-rapidssl-rapidssl")
    assert caught.value.desc == (
        "ENOM PurchaseServices: the command may have been carried out by ENOM, but its answer was "
        "lost: ENOM did not answer in time: no answer within 100 s. It was NOT repeated, to avoid "
        "paying twice. Check the ENOM account (newest certificates by CertID, or the order list) "
        "for a certificate bought just now before ordering again."
    )


def test_enoms_refusal_is_not_repeated_even_for_a_read() -> None:
    fake = FakeEnom.replaying("error_bad_credentials")
    with client_for(fake, retry=THRICE) as client, pytest.raises(EnomAuthError):
        client.get_balance()
    assert fake.commands() == ["GetBalance"]


def test_reads_give_up_after_the_bounded_attempts() -> None:
    fake = FakeEnom(answer(b"", status=502))
    with client_for(fake, retry=THRICE) as client, pytest.raises(EnomMalformedResponseError):
        client.get_balance()
    assert fake.commands() == ["GetBalance"] * 3


# --- the error of each broken exchange, as the operator reads it ------------------------------


def _balance_error(*answers: Answer, **kwargs: Any) -> EnomError:
    fake = FakeEnom(*answers)
    with client_for(fake, **kwargs) as client, pytest.raises(EnomError) as caught:
        client.get_balance()
    return caught.value


@pytest.mark.parametrize(
    ("failure", "reason", "advice"),
    [
        (
            fails(httpx.ConnectError, "[Errno -2] Name or service not known"),
            "dns",
            "The ENOM host name did not resolve: check the server's DNS resolver.",
        ),
        (
            fails(httpx.ConnectError, "[Errno 111] Connection refused"),
            "refused",
            "The connection was refused: check the URL and any firewall or proxy.",
        ),
        (
            fails(httpx.ConnectError, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "tls",
            "The TLS handshake failed: check the system CA certificates and the server clock; "
            "TLS verification is never switched off.",
        ),
        (
            fails(httpx.ProxyError, "407 Proxy Authentication Required"),
            "other",
            "Check the server's network and outgoing HTTPS (port 443).",
        ),
    ],
    ids=["dns", "refused", "tls", "proxy"],
)
def test_a_connect_error_names_its_reason_and_that_nothing_was_sent(
    failure: Answer, reason: str, advice: str
) -> None:
    error = _balance_error(failure)
    assert type(error) is EnomConnectError
    assert error.reason == reason
    text = {
        "dns": "[Errno -2] Name or service not known",
        "refused": "[Errno 111] Connection refused",
        "tls": "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
        "other": "407 Proxy Authentication Required",
    }[reason]
    assert error.desc == (
        f"ENOM GetBalance: could not connect to ENOM; the request was not sent: {text}. "
        f"{advice} {NOTHING_SENT}"
    )
    assert (error.error_type, error.command) == ("enom_unreachable", "GetBalance")


def test_a_connect_error_quotes_the_cause_inside_httpx_error() -> None:
    cause = OSError("[Errno 113] No route to host")
    error = _balance_error(fails(httpx.ConnectError, "connection failed", cause))
    assert error.desc == (
        "ENOM GetBalance: could not connect to ENOM; the request was not sent: connection failed; "
        "[Errno 113] No route to host. Check the server's network and outgoing HTTPS (port 443). "
        f"{NOTHING_SENT}"
    )


@pytest.mark.parametrize("timeout", [httpx.ConnectTimeout, httpx.PoolTimeout])
def test_a_connect_timeout_is_a_connect_error_of_reason_timeout(
    timeout: type[httpx.HTTPError],
) -> None:
    # The exception's own text, not its cause chain: "timed out" says it all.
    error = _balance_error(fails(timeout, "timed out", OSError("inner socket text")))
    assert type(error) is EnomConnectError and error.reason == "timeout"
    assert error.desc == (
        "ENOM GetBalance: could not connect to ENOM; the request was not sent: timed out. "
        f"Connecting timed out: check outgoing HTTPS (port 443) and the firewall. {NOTHING_SENT}"
    )


def test_a_read_timeout_names_the_configured_read_timeout() -> None:
    error = _balance_error(fails(httpx.ReadTimeout, "The read operation timed out"))
    assert type(error) is EnomReadTimeoutError
    assert error.desc == (
        "ENOM GetBalance: ENOM did not answer in time: no answer within 60 s. "
        f"{READ_TIMEOUT_ACTION}"
    )


def test_a_read_timeout_cut_short_by_the_deadline_says_so(frozen_clock: float) -> None:
    fake = FakeEnom(fails(httpx.ReadTimeout, "The read operation timed out"))
    with (
        client_for(fake, deadline=frozen_clock + 12.375) as client,
        pytest.raises(EnomReadTimeoutError) as caught,
    ):
        client.get_balance()
    assert caught.value.desc == (
        "ENOM GetBalance: ENOM did not answer in time: no answer within 12.4 s, the time left "
        f"before this operation's deadline. {READ_TIMEOUT_ACTION}"
    )
    assert fake.timeouts() == [{"connect": 10.0, "read": 12.375, "write": 12.375, "pool": 10.0}]


def test_a_broken_connection_after_sending_says_so() -> None:
    error = _balance_error(
        fails(httpx.RemoteProtocolError, "Server disconnected without sending a response.")
    )
    assert type(error) is EnomTransportError
    assert error.desc == (
        "ENOM GetBalance: ENOM could not be reached: the connection broke after the request was "
        f"sent (Server disconnected without sending a response.). {UNREACHABLE_ACTION}"
    )


def test_a_broken_content_encoding_is_a_bad_answer() -> None:
    error = _balance_error(
        fails(httpx.DecodingError, "Error -3 while decompressing data: incorrect header check")
    )
    assert type(error) is EnomMalformedResponseError
    assert error.desc == (
        "ENOM GetBalance: ENOM's answer was not a complete ENOM XML response: Error -3 while "
        f"decompressing data: incorrect header check. {MALFORMED_ACTION}"
    )


def test_an_http_error_page_is_quoted_short_and_without_tags() -> None:
    # IIS's own 500 page (tests/cassettes/error_html_500.yaml)
    (iis,) = cassette("error_html_500")
    error = _balance_error(answer(iis.body, iis.status))
    assert type(error) is EnomMalformedResponseError
    assert error.desc == (
        "ENOM GetBalance: ENOM's answer was not a complete ENOM XML response: HTTP 500 Internal "
        "Server Error, 500 - Internal server error. Server Error 500 - Internal server error. "
        "There is a problem with the resource you are look. "
        f"{MALFORMED_ACTION}"
    )


@pytest.mark.parametrize("body", [b"", b" \r\n\t "])
def test_an_http_error_without_a_body_says_empty_body(body: bytes) -> None:
    error = _balance_error(answer(body, status=503))
    assert error.desc == (
        "ENOM GetBalance: ENOM's answer was not a complete ENOM XML response: HTTP 503 Service "
        f"Unavailable, empty body. {MALFORMED_ACTION}"
    )


@pytest.mark.parametrize(
    ("status", "reason"),
    [(201, "Created"), (204, "No Content"), (307, "Temporary Redirect"), (404, "Not Found")],
)
def test_only_http_200_is_enoms_answer(status: int, reason: str) -> None:
    # ENOM's own answer in the body, under a status that is not 200: not taken as ENOM's
    error = _balance_error(answer(BALANCE, status=status))
    assert type(error) is EnomMalformedResponseError
    assert error.desc == (
        f"ENOM GetBalance: ENOM's answer was not a complete ENOM XML response: HTTP {status} "
        f"{reason}, 1 3,709.20 3,669.40 74 GETBALANCE 0 RESELLERTEST eNom true. {MALFORMED_ACTION}"
    )


# --- deadline and timeouts --------------------------------------------------------------------


def test_no_call_starts_after_the_deadline(frozen_clock: float) -> None:
    fake = FakeEnom(answer(PURCHASED))
    with (
        client_for(fake, deadline=frozen_clock) as client,
        pytest.raises(EnomDeadlineExceededError) as caught,
    ):
        client.purchase_services("certificate-rapidssl-rapidssl")
    assert fake.requests == []
    assert caught.value.desc == (
        "ENOM PurchaseServices: the time allowed for this operation ran out before the ENOM call "
        "could start. Nothing was sent; the operation is repeated automatically on the next run."
    )


@pytest.mark.parametrize(("kind", "read"), [("read", 60.0), ("write", 100.0), ("paid", 100.0)])
def test_the_default_timeouts_by_call_class(kind: str, read: float) -> None:
    # 10 s to connect, 60 s for an answer, 100 s for a write or a purchase (WHMCS's figure).
    _, call, ok = CALLS[kind]
    fake = FakeEnom(answer(ok))
    with client_for(fake) as client:
        call(client)
    assert fake.timeouts() == [{"connect": 10.0, "read": read, "write": read, "pool": 10.0}]


@pytest.mark.parametrize(("kind", "read"), [("read", 2.5), ("write", 7.5), ("paid", 7.5)])
def test_the_timeouts_given_by_call_class(kind: str, read: float) -> None:
    _, call, ok = CALLS[kind]
    fake = FakeEnom(answer(ok))
    with client_for(fake, timeouts=Timeouts(connect=1.5, read=2.5, purchase_read=7.5)) as client:
        call(client)
    assert fake.timeouts() == [{"connect": 1.5, "read": read, "write": read, "pool": 1.5}]


def test_the_deadline_caps_every_timeout(frozen_clock: float) -> None:
    fake = FakeEnom(answer(PURCHASED))
    with client_for(fake, deadline=frozen_clock + 4.0) as client:
        assert client.purchase_services("certificate-rapidssl-rapidssl").cert_id == "726340"
    assert fake.timeouts() == [{"connect": 4.0, "read": 4.0, "write": 4.0, "pool": 4.0}]


# --- the log line ------------------------------------------------------------------------------


def test_a_call_logs_one_line_with_enoms_tracking_key(lines: Callable[[], list[str]]) -> None:
    fake = FakeEnom.replaying("CertPurchaseCert")
    with client_for(fake) as client:
        client.purchase_cert("48455", approver_email="admin@example.com")
    (line,) = lines()
    assert re.fullmatch(
        r"ENOM CertPurchaseCert \d+ms ok attempts=1 "
        r"TrackingKey=3bdfd6fd-c335-4c62-883a-611b99862c52",
        line,
    ), line


def test_a_call_without_a_tracking_key_logs_none(lines: Callable[[], list[str]]) -> None:
    fake = FakeEnom(fails(httpx.ConnectError, "[Errno 111] Connection refused"), answer(PURCHASED))
    with client_for(fake, retry=THRICE) as client:
        client.purchase_services("certificate-rapidssl-rapidssl")
    (line,) = lines()
    assert re.fullmatch(r"ENOM PurchaseServices \d+ms ok attempts=2", line), line


def test_a_failed_call_logs_its_error_and_enoms_tracking_key(
    lines: Callable[[], list[str]],
) -> None:
    # tests/cassettes/error_ip_not_allowed.yaml carries a TrackingKey
    fake = FakeEnom.replaying("error_ip_not_allowed")
    with client_for(fake) as client, pytest.raises(EnomIpNotAllowedError) as caught:
        client.get_balance()
    key = caught.value.tracking_key
    assert key
    (line,) = lines()
    assert re.fullmatch(
        rf"ENOM GetBalance \d+ms failed enom_ip_not_allowed EnomIpNotAllowedError attempts=1 "
        rf"TrackingKey={re.escape(key)}",
        line,
    ), line


def test_a_failed_call_without_any_tracking_key(lines: Callable[[], list[str]]) -> None:
    fake = FakeEnom(fails(httpx.ReadTimeout, "The read operation timed out"))
    with client_for(fake, retry=THRICE) as client, pytest.raises(EnomReadTimeoutError):
        client.get_balance()
    (line,) = lines()
    assert re.fullmatch(
        r"ENOM GetBalance \d+ms failed enom_unreachable EnomReadTimeoutError attempts=3", line
    ), line


def test_the_key_of_an_answer_that_could_not_be_read_is_logged(
    lines: Callable[[], list[str]],
) -> None:
    # A PurchaseServices answer (§3.3 shape) with a TrackingKey but no CertID: ENOM answered,
    # the reading failed without a key of its own, and the purchase is not repeated.
    body = (
        b"<interface-response><OrderID>267562071</OrderID><ErrCount>0</ErrCount><Done>true</Done>"
        b"<TrackingKey>k-answered</TrackingKey></interface-response>"
    )
    fake = FakeEnom(answer(body))
    with client_for(fake, retry=THRICE) as client, pytest.raises(EnomOutcomeUnknownError):
        client.purchase_services("certificate-rapidssl-rapidssl")
    (line,) = lines()
    assert re.fullmatch(
        r"ENOM PurchaseServices \d+ms failed enom_outcome_unknown EnomOutcomeUnknownError "
        r"attempts=1 TrackingKey=k-answered",
        line,
    ), line


def test_the_errors_own_tracking_key_wins_over_an_earlier_answers(
    lines: Callable[[], list[str]],
) -> None:
    # First answer: ENOM's, with key k-first, but without the balance (retried, a read); the
    # second: ENOM's refusal with its own key (tests/cassettes/error_ip_not_allowed.yaml).
    unreadable = (
        b"<interface-response><ErrCount>0</ErrCount><Done>true</Done>"
        b"<TrackingKey>k-first</TrackingKey></interface-response>"
    )
    (refusal,) = cassette("error_ip_not_allowed")
    fake = FakeEnom(answer(unreadable), answer(refusal.body))
    with client_for(fake, retry=THRICE) as client, pytest.raises(EnomIpNotAllowedError) as caught:
        client.get_balance()
    key = caught.value.tracking_key
    assert key and key != "k-first"
    (line,) = lines()
    assert line.endswith(f" attempts=2 TrackingKey={key}"), line


def test_the_outcome_of_an_error_that_is_not_enoms_has_no_tracking_key() -> None:
    # The transport reports any ModuleError it ends with (`transport.http.Outcome`); one that
    # is not an EnomError carries no TrackingKey of its own: the answer's, if any, is logged.
    state = _CallState()
    assert state.outcome(ModuleError("x"), 2) == "failed module_error ModuleError attempts=2"
    state.tracking_key = "k-answer"
    assert state.outcome(ModuleError("x"), 1) == (
        "failed module_error ModuleError attempts=1 TrackingKey=k-answer"
    )


# --- secrets ------------------------------------------------------------------------------------


def _fresh_password() -> str:
    # Never registered by an earlier test: the registry of secrets lives as long as the process.
    return f"pw-{uuid.uuid4().hex}"


def test_a_password_echoed_by_the_network_never_reaches_the_error() -> None:
    # Quoted bare (not as `pw=…`, which the log's field pattern hides whoever's it is): only
    # the client's registering it as a secret hides it.
    pw = _fresh_password()
    fake = FakeEnom(fails(httpx.ProxyError, f"proxy rejected the request with key {pw}"))
    with client_for(fake, pw=pw) as client, pytest.raises(EnomConnectError) as caught:
        client.get_balance()
    assert caught.value.desc == (
        "ENOM GetBalance: could not connect to ENOM; the request was not sent: proxy rejected the "
        "request with key ***. Check the server's network and outgoing HTTPS (port 443). "
        f"{NOTHING_SENT}"
    )


def test_a_password_echoed_in_an_error_page_never_reaches_the_error() -> None:
    pw = _fresh_password()
    page_text = f"<html><body>Bad request: key {pw} rejected</body></html>".encode()
    fake = FakeEnom(answer(page_text, status=400))
    with client_for(fake, pw=pw) as client, pytest.raises(EnomMalformedResponseError) as caught:
        client.get_balance()
    assert caught.value.desc == (
        "ENOM GetBalance: ENOM's answer was not a complete ENOM XML response: HTTP 400 Bad "
        f"Request, Bad request: key *** rejected. {MALFORMED_ACTION}"
    )


def test_the_password_is_a_log_secret_even_when_the_url_is_refused() -> None:
    pw = _fresh_password()
    with pytest.raises(EnomError):
        EnomClient("http://reseller.enom.com/interface.asp", UID, pw)
    assert pmlog.redact(f"sent {pw} to ENOM") == "sent *** to ENOM"


ALL_FAILURES = [
    *(f for f, _ in AFTER_SENDING.values()),
    *NEVER_SENT.values(),
    answer(cassette("error_bad_credentials")[0].body),
]


@pytest.mark.parametrize("failure", ALL_FAILURES)
@pytest.mark.parametrize("kind", ["read", "paid"])
def test_the_login_and_password_are_in_no_error_and_no_log_line(
    failure: Answer, kind: str, lines: Callable[[], list[str]]
) -> None:
    _, call, _ = CALLS[kind]
    fake = FakeEnom(failure)
    with client_for(fake) as client, pytest.raises(EnomError) as caught:
        call(client)
    error = caught.value
    told = [error.desc, str(error), *lines()]
    if isinstance(error, EnomOutcomeUnknownError):
        told.append(error.cause.desc)
    assert not [t for t in told if UID in t or PW in t]


# --- the URL -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        LIVE_URL,
        TEST_URL,
        "HTTPS://Reseller.Enom.com/interface.asp",
        "http://127.0.0.1:8080/interface.asp",
        "http://localhost:8080/interface.asp",
        "http://[::1]:8080/interface.asp",
    ],
)
def test_https_and_loopback_http_urls_are_used_as_given(url: str) -> None:
    fake = FakeEnom(answer(BALANCE))
    with EnomClient(url, UID, PW, transport=httpx.MockTransport(fake.handle)) as client:
        assert client.url == url
        client.get_balance()
    assert str(fake.requests[0].url) == str(httpx.URL(url))


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://reseller.enom.com/interface.asp", "must be https://"),
        ("http://192.0.2.10/interface.asp", "must be https://"),
        ("ftp://reseller.enom.com/interface.asp", "must be https://"),
        ("https:///interface.asp", "must be https:// with a host name"),
        ("reseller.enom.com/interface.asp", "must be https:// with a host name"),
    ],
)
def test_other_urls_are_refused_before_anything_is_sent(url: str, problem: str) -> None:
    fake = FakeEnom(answer(BALANCE))
    with pytest.raises(EnomError) as caught:
        EnomClient(url, UID, PW, transport=httpx.MockTransport(fake.handle))
    assert type(caught.value) is EnomError
    assert caught.value.desc == (
        f"ENOM: the ENOM API call failed: the ENOM API URL {url!r} {problem} {URL_ADVICE}"
    )
    assert fake.requests == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://[::1", "Invalid port: ':1'"),
        (None, "Invalid type for url.  Expected str or httpx.URL, got <class 'NoneType'>: None"),
    ],
)
def test_a_url_that_is_no_url_is_refused_as_not_valid(url: Any, why: str) -> None:
    with pytest.raises(EnomError) as caught:
        EnomClient(url, UID, PW)
    assert caught.value.desc == (
        f"ENOM: the ENOM API call failed: the ENOM API URL {url!r} is not valid ({why}). Check the "
        "ENOM account and the module log; contact ENOM support with the TrackingKey."
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://myreseller:s3cret-pw@reseller.enom.com/interface.asp",
        "http://myreseller:s3cret-pw@127.0.0.1:8080/interface.asp",
    ],
)
def test_a_url_holding_a_password_is_refused_without_repeating_it(url: str) -> None:
    """The client refuses it itself (issue 15: the transport's URL rules), not only the module's
    settings: the refusal never quotes the URL, and nothing is sent."""
    fake = FakeEnom(answer(BALANCE))
    with pytest.raises(EnomError) as caught:
        EnomClient(url, UID, PW, transport=httpx.MockTransport(fake.handle))
    assert "s3cret-pw" not in caught.value.desc
    assert caught.value.desc.startswith(
        "ENOM: the ENOM API call failed: The URL contains a user name or password "
        "(user:password@host): enter the URL without them"
    )
    assert fake.requests == []
    assert pmlog.redact("typed s3cret-pw") == "typed ***"
