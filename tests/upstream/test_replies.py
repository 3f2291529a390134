"""How replies are read: what counts as cut off, as not BILLmanager, and replies that lie."""

from __future__ import annotations

import httpx
import pytest

from pmenomssl.upstream import (
    STATUS_UNKNOWN,
    UpstreamBadResponse,
    UpstreamClient,
    UpstreamNotBillmanager,
    UpstreamOutcomeUnknown,
)
from pmenomssl.upstream.replies import document
from tests.upstream.conftest import FAST_RETRY


@pytest.mark.parametrize(
    ("body", "cls"),
    [
        (b"", UpstreamBadResponse),
        (b"  \n", UpstreamBadResponse),
        (b"<?xml version='1.0' encoding='U", UpstreamBadResponse),  # cut in the declaration
        (b"<do", UpstreamBadResponse),
        (b"<doc><elem><id>1</id>", UpstreamBadResponse),
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<doc><p_elems>1", UpstreamBadResponse),
        (b"<html><body>Login</body>", UpstreamNotBillmanager),
        (b"<html><body>Login</body></html>", UpstreamNotBillmanager),  # well-formed, wrong root
        (b"<!DOCTYPE html><html></html>", UpstreamNotBillmanager),
        (b"Service Unavailable", UpstreamNotBillmanager),
        (b'{"error": "json"}', UpstreamNotBillmanager),
        (
            b'<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<doc>&x;</doc>",
            UpstreamNotBillmanager,  # never resolved: refused before parsing
        ),
    ],
)
def test_reply_classification(body: bytes, cls: type[Exception]) -> None:
    with pytest.raises(cls) as caught:
        document(body, "whoami")
    assert type(caught.value) is cls


def test_a_doc_reply_is_returned() -> None:
    root = document(b"<?xml version='1.0'?>\n<doc><ok/></doc>", "vds.delete")
    assert root.tag == "doc" and root.find("ok") is not None


def _client(*bodies: bytes, page_size: int = 2) -> tuple[UpstreamClient, list[bytes]]:
    sent: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        return httpx.Response(200, content=bodies[min(len(sent), len(bodies)) - 1])

    client = UpstreamClient(
        "https://up.example.com",
        "u",
        "pw-replies",
        transport=httpx.MockTransport(handler),
        retry=FAST_RETRY,
        page_size=page_size,
    )
    return client, sent


def test_an_order_reply_without_an_id_is_outcome_unknown() -> None:
    client, sent = _client(b"<doc><ok/></doc>")
    with client, pytest.raises(UpstreamOutcomeUnknown) as caught:
        client.order("vds", {"pricelist": "21", "order_period": "1", "remoteid": "9"})
    assert len(sent) == 1
    assert "no <id>" in caught.value.desc


ROWS = (
    b"<doc><elem><id>1</id><status>2</status></elem><elem><id>2</id><status>2</status></elem>"
    b"<p_elems>9</p_elems></doc>"
)


def test_an_upstream_that_ignores_p_num_is_refused_not_looped() -> None:
    client, sent = _client(ROWS)
    with client, pytest.raises(UpstreamBadResponse, match="repeated services"):
        client.services("vds")
    assert len(sent) == 2


def test_an_upstream_that_ignores_p_cnt_sends_everything_in_one_page() -> None:
    three = b"".join(b"<elem><id>%d</id><status>2</status></elem>" % n for n in (1, 2, 3))
    client, sent = _client(b"<doc>" + three + b"</doc>")
    with client:
        assert [s.id for s in client.services("vds")] == ["1", "2", "3"]
    assert len(sent) == 1


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (b"<elem><status>2</status></elem>", "no <id>"),
        (b"<elem><id>1</id><status>2</status><expiredate>soon</expiredate></elem>", "not a date"),
    ],
)
def test_malformed_rows_are_bad_responses(row: bytes, problem: str) -> None:
    client, _ = _client(b"<doc>" + row + b"</doc>")
    with client, pytest.raises(UpstreamBadResponse, match=problem):
        client.services("vds")


@pytest.mark.parametrize(
    ("row", "status"),
    [
        (b"<elem><id>1</id></elem>", STATUS_UNKNOWN),
        (b"<elem><id>1</id><status>frozen</status></elem>", STATUS_UNKNOWN),
        (b"<elem><id>1</id><item_status>active</item_status></elem>", 2),
        (b"<elem><id>1</id><item_status>3</item_status></elem>", 3),
    ],
)
def test_a_row_without_a_known_status_is_read_as_unknown(row: bytes, status: int) -> None:
    # The certificate list has no `status` column: a missing status must not fail the read.
    client, _ = _client(b"<doc>" + row + b"</doc>")
    with client:
        assert [s.status for s in client.services("certificate")] == [status]


def test_dates_in_either_format() -> None:
    rows = (
        b"<doc><elem><id>1</id><status>2</status><expiredate>2027-11-22 00:00:00</expiredate>"
        b"</elem><elem><id>2</id><status>2</status><expiredate>22.11.2027</expiredate></elem>"
        b"<elem><id>3</id><status>2</status><expiredate>-</expiredate></elem></doc>"
    )
    client, _ = _client(rows, page_size=10)
    with client:
        dates = [s.expiredate for s in client.services("vds")]
    assert [d.isoformat() if d else None for d in dates] == ["2027-11-22", "2027-11-22", None]
