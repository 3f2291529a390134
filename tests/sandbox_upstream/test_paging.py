"""Lists page with p_cnt/p_num and report p_elems; no filter is applied."""

from __future__ import annotations

import pytest

from pmenomssl.sandbox.upstream import DELETED, UpstreamSandbox

from .conftest import Api

TOTAL = 1050


@pytest.fixture
def many(up: UpstreamSandbox) -> list[str]:
    """1,050 vds services (every 7th deleted) and a few of other types that must not show."""
    ids = [
        up.add_service("vds", "21", 1, remoteid=str(n), status=DELETED if n % 7 == 0 else 2)
        for n in range(TOTAL)
    ]
    up.add_service("vhost", "11", 1)
    return ids


def test_paging_reads_every_row_exactly_once(api: Api, many: list[str]) -> None:
    seen: list[str] = []
    page = 1
    while True:
        root = api.ok("vds", p_cnt=100, p_num=page)
        assert root.findtext("p_elems") == str(TOTAL)
        assert root.findtext("p_num") == str(page) and root.findtext("p_cnt") == "100"
        rows = [e.findtext("id") or "" for e in root.iter("elem")]
        seen += rows
        if len(rows) < 100:
            break
        page += 1
    assert page == 11 and len(rows) == 50
    assert seen == many, "all rows, oldest first, none twice, deleted ones included"


def test_a_page_past_the_end_is_empty(api: Api, many: list[str]) -> None:
    root = api.ok("vds", p_cnt=500, p_num=4)
    assert root.findall("elem") == [] and root.findtext("p_elems") == str(TOTAL)


def test_without_p_cnt_the_whole_list_comes_at_once(api: Api, many: list[str]) -> None:
    rows = api.rows("vds")
    assert len(rows) == TOTAL
    assert sum(r["status"] == str(DELETED) for r in rows) == len(range(0, TOTAL, 7))
    assert {r["remoteid"] for r in rows} == {str(n) for n in range(TOTAL)}


@pytest.mark.parametrize(("p_cnt", "p_num"), [("0", "1"), ("x", "1"), ("10", "-1")])
def test_bad_paging_is_refused(api: Api, p_cnt: str, p_num: str) -> None:
    error_type, obj, _ = api.error("vds", p_cnt=p_cnt, p_num=p_num)
    assert error_type == "value" and obj in ("p_cnt", "p_num")
