"""URL normalisation and upstream's money format."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmenomssl.upstream import UpstreamBadUrl, normalise_url, parse_int, parse_money


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("https://h.example.com/billmgr", "https://h.example.com/billmgr"),
        ("https://h.example.com:1500/billmgr", "https://h.example.com:1500/billmgr"),
        ("https://h.example.com/manager/billmgr", "https://h.example.com/manager/billmgr"),
        ("https://h.example.com:1500", "https://h.example.com:1500/billmgr"),
        ("  https://h.example.com/billmgr/  ", "https://h.example.com/billmgr"),
        ("https://h.example.com/manager/", "https://h.example.com/manager/billmgr"),
        ("HTTPS://h.example.com/billmgr?func=logon#x", "https://h.example.com/billmgr"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/billmgr"),
        ("http://localhost/billmgr", "http://localhost/billmgr"),
        ("http://[::1]:1500/billmgr", "http://[::1]:1500/billmgr"),
    ],
)
def test_normalise_url(typed: str, normalised: str) -> None:
    assert normalise_url(typed) == normalised


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("http://h.example.com/billmgr", "plain http"),
        ("http://192.0.2.10:1500/billmgr", "plain http"),
        ("h.example.com/billmgr", "full https"),
        ("ftp://h.example.com/billmgr", "full https"),
        ("https:///billmgr", "full https"),
        ("https://h.example.com:99999/billmgr", "not a valid URL"),
        ("https://h.example.com/bill mgr", "full https"),
        ("", "full https"),
    ],
)
def test_unusable_urls_are_refused(typed: str, why: str) -> None:
    with pytest.raises(UpstreamBadUrl) as caught:
        normalise_url(typed)
    assert why in caught.value.desc
    assert caught.value.error_type == "upstream_bad_url"


def test_a_url_with_credentials_is_refused_without_quoting_them() -> None:
    with pytest.raises(UpstreamBadUrl) as caught:
        normalise_url("https://admin:hunter22@h.example.com/billmgr")
    assert "hunter22" not in caught.value.desc
    assert "username and password fields" in caught.value.desc


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12\u00a0345,67", Decimal("12345.67")),
        ("12 345,67", Decimal("12345.67")),
        ("1\u202f000", Decimal("1000")),
        ("1 000", Decimal("1000")),
        ("-50,5", Decimal("-50.5")),
        ("\u221250,5", Decimal("-50.5")),
        ("300.00", Decimal("300.00")),
        ("0", Decimal("0")),
        ("1,234,567", Decimal("1234567")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("1,234.5", Decimal("1234.5")),
        ("12 345,67 RUB", Decimal("12345.67")),
        ("$10.00", Decimal("10.00")),
        (" 7 ", Decimal("7")),
    ],
)
def test_parse_money(text: str, value: Decimal) -> None:
    assert parse_money(text) == value


@pytest.mark.parametrize(
    "text", ["", "RUB", "-", "1,23,4", "1.2.3", "10 - 20", "1,2.3,4", "12,34,567"]
)
def test_not_money(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


def test_parse_int() -> None:
    assert parse_int("1\u00a0250") == 1250
    with pytest.raises(ValueError):
        parse_int("12,5")


def _render(value: Decimal, thousands: str, decimal: str) -> str:
    """`value` as a locale would print it, with two decimals."""
    sign = "-" if value < 0 else ""
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{thousands.join(groups)}{decimal}{cents}"


@given(
    value=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    thousands=st.sampled_from(["\u00a0", " ", "\u202f", ""]),
    decimal=st.sampled_from([",", "."]),
)
def test_money_as_upstream_renders_it_parses_back(
    value: Decimal, thousands: str, decimal: str
) -> None:
    assert parse_money(_render(value, thousands, decimal)) == value


@given(value=st.integers(min_value=0, max_value=10**12))
def test_whole_numbers_with_nbsp_groups(value: int) -> None:
    rendered = f"{value:,}".replace(",", "\u00a0")
    assert parse_int(rendered) == value
