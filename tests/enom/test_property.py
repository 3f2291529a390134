"""Whatever ENOM (or anything in between) answers, the client raises only its own errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmenomssl.enom import TEST_URL, Contact, EnomClient, EnomError
from pmenomssl.transport.calls import RetryPolicy

CONTACT = Contact("A", "B", "O", "J", "1 St", "", "C", "WA", "1", "US", "+1.1", "a@example.com")
CALLS: list[Callable[[EnomClient], Any]] = [
    lambda c: c.get_balance(),
    lambda c: c.get_certs(),
    lambda c: c.purchase_services("certificate-rapidssl-rapidssl"),
    lambda c: c.configure_cert("1", csr="x", web_server_type=18, contacts={"Admin": CONTACT}),
    lambda c: c.get_approver_emails("1", "example.com"),
    lambda c: c.purchase_cert("1", approver_email="admin@example.com"),
    lambda c: c.get_cert_detail("1"),
    lambda c: c.get_certs_page(),
    lambda c: list(c.iter_certs(page_size=2)),
    lambda c: c.parse_csr("1", "x"),
    lambda c: c.reissue_cert("1", "x"),
    lambda c: c.resend_approver_email("1"),
    lambda c: c.change_approver_email("1", "admin@example.com"),
    lambda c: c.resend_fulfillment_email("1"),
    lambda c: c.modify_order("1"),
    lambda c: c.get_order_detail("1"),
]
NO_WAIT = RetryPolicy(attempts=2, wait_initial=0, wait_max=0)

NAMES = st.sampled_from(
    [
        "ErrCount", "errcount", "Done", "DONE", "errors", "Err1", "responses", "response",
        "ResponseNumber", "Success", "CertID", "OrderID", "Balance", "AvailableBalance",
        "Certs", "Cert", "Cert1", "ProdCode", "ProdType", "Years", "ResellerPrice",
        "Approver", "ApproverEmail", "CertGetCerts", "CertGetCertDetail", "CertStatusID",
        "OrderDate", "TotalRecords", "StartPosition", "IsExpired", "CertConfigureCert",
        "GetCerts", "CertParseCSR", "HasBadExtensions", "OrderBillAmount", "BillDate",
        "SSLCertificate", "DomainList", "TrackingKey", "Message", "x",
    ]
)  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(["0", "1", "true", "True", "false", "", "$9.95", "-1,832.23", "6/2/2015",
                     "12/15/2016 5:13:02 PM", "29036", "NaN", "1e9", "99999999999999999999"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20),
)  # fmt: skip


def _element(depth: int) -> st.SearchStrategy[str]:
    leaf = st.builds(lambda n, v: f"<{n}>{_escape(v)}</{n}>", NAMES, VALUES)
    if depth == 0:
        return leaf
    node = st.builds(
        lambda n, kids: f"<{n}>{''.join(kids)}</{n}>",
        NAMES,
        st.lists(_element(depth - 1), max_size=4),
    )
    return st.one_of(leaf, node, st.builds(lambda n: f"<{n}/>", NAMES))


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


WRONG_XML = st.builds(
    lambda root, kids: f"<{root}>{''.join(kids)}</{root}>".encode(),
    st.sampled_from(["interface-response", "Interface-Response", "html", "response"]),
    st.lists(_element(2), max_size=8),
)


def _client(body: bytes, status: int) -> EnomClient:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    return EnomClient(TEST_URL, "u", "pw-prop", transport=transport, retry=NO_WAIT)


def _only_enom_errors(body: bytes, status: int, call: Callable[[EnomClient], Any]) -> None:
    with _client(body, status) as client, contextlib.suppress(EnomError):
        call(client)


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    body=st.binary(max_size=300),
    status=st.sampled_from([200, 200, 500, 302]),
    call=st.sampled_from(CALLS),
)
def test_arbitrary_bytes_raise_only_enom_errors(
    body: bytes, status: int, call: Callable[[EnomClient], Any]
) -> None:
    _only_enom_errors(body, status, call)


@SETTINGS
@given(body=WRONG_XML, call=st.sampled_from(CALLS))
def test_well_formed_but_wrong_xml_raises_only_enom_errors(
    body: bytes, call: Callable[[EnomClient], Any]
) -> None:
    _only_enom_errors(body, 200, call)


def test_iter_certs_stops_on_a_page_that_repeats_itself() -> None:
    page = (
        b"<interface-response><CertGetCerts><Certs><Cert><CertID>1</CertID></Cert>"
        b"<TotalRecords>99999999</TotalRecords></Certs></CertGetCerts>"
        b"<ErrCount>0</ErrCount><Done>true</Done></interface-response>"
    )
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, content=page)

    transport = httpx.MockTransport(handler)
    with EnomClient(TEST_URL, "u", "p", transport=transport, retry=NO_WAIT) as client:
        certs = client.iter_certs(page_size=1)
        assert next(certs).cert_id == "1"
        try:
            next(certs)
        except EnomError as exc:
            assert "repeated" in exc.desc
        else:
            raise AssertionError("a repeating page must not loop forever")
    assert len(calls) == 2
