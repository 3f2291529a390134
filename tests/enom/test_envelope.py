"""The envelope: hardened parsing, case-insensitive lookup, ENOM's value formats."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from pmenomssl.enom import EnomAuthError, EnomMalformedResponseError, EnomNotFoundError
from pmenomssl.enom.envelope import boolean, check, child, date, money, parse_xml, pem, text

OK = b"<interface-response><ErrCount>0</ErrCount><Done>true</Done>%s</interface-response>"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3,709.20", Decimal("3709.20")),
        ("$9.95", Decimal("9.95")),
        ("-1,832.23", Decimal("-1832.23")),
        ("-$5.00", Decimal("-5.00")),
        ("$-5.00", Decimal("-5.00")),
        ("$1,000", Decimal("1000")),
        (" 8.95 ", Decimal("8.95")),
        ("", None),
    ],
)
def test_money(raw: str, value: Decimal | None) -> None:
    assert money(raw) == value


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "1e5", "abc", "$", "1.2.3", "--1"])
def test_money_rejects_what_is_not_an_amount(raw: str) -> None:
    with pytest.raises(EnomMalformedResponseError):
        money(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("6/2/2015", datetime(2015, 6, 2)),
        ("12/15/2016 5:13:02 PM", datetime(2016, 12, 15, 17, 13, 2)),
        ("12/16/2016 10:39:20 AM", datetime(2016, 12, 16, 10, 39, 20)),
        ("1/1/2020 12:00:00 AM", datetime(2020, 1, 1, 0, 0, 0)),
        ("1/1/2020 12:30:00 PM", datetime(2020, 1, 1, 12, 30, 0)),
        ("3/4/2021 14:05:06", datetime(2021, 3, 4, 14, 5, 6)),
        ("", None),
    ],
)
def test_dates(raw: str, value: datetime | None) -> None:
    assert date(raw) == value


@pytest.mark.parametrize("raw", ["2015-06-02", "13/1/2015", "2/30/2015", "1/1/2015 13:00:00 PM"])
def test_bad_dates(raw: str) -> None:
    with pytest.raises(EnomMalformedResponseError):
        date(raw)


def test_booleans() -> None:
    assert [boolean(v) for v in ("True", "true", "1", "False", "0", "")] == [
        True, True, True, False, False, False,
    ]  # fmt: skip
    with pytest.raises(EnomMalformedResponseError):
        boolean("maybe")


def test_lookup_ignores_case_and_both_empty_forms() -> None:
    root = parse_xml(
        b"<Interface-Response><CERTSTATUSid>4</CERTSTATUSid><A/><B></B></Interface-Response>"
    )
    assert text(root, "CertStatusID") == "4"
    assert child(root, "a") is not None and text(root, "A") == "" and text(root, "b") == ""
    assert text(root, "missing") == ""


def test_pem_lines_are_stripped() -> None:
    assert pem("  -----BEGIN X-----\n   AAA\n\n  -----END X-----  ") == (
        "-----BEGIN X-----\nAAA\n-----END X-----\n"
    )
    assert pem("   ") == ""


def test_wrong_utf16_declaration_is_tolerated() -> None:
    body = b'<?xml version="1.0" encoding="utf-16"?>' + OK % b"<Balance>1</Balance>"
    assert text(check(body, "GetBalance").body, "Balance") == "1"


def test_real_utf16_with_bom_is_parsed() -> None:
    body = ('<?xml version="1.0" encoding="utf-16"?>' + (OK % b"<X>\xc3\xa9</X>").decode()).encode(
        "utf-16"
    )
    assert text(check(body, "GetBalance").body, "X") == "é"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"<html><body>Service Unavailable</body></html>",
        b"<interface-response><ErrCount>0</ErrCount>",
        b"<other-root><ErrCount>0</ErrCount><Done>true</Done></other-root>",
        OK.replace(b"<Done>true</Done>", b"") % b"",
        OK.replace(b"<Done>true</Done>", b"<Done>false</Done>") % b"",
        b"<interface-response><Done>true</Done></interface-response>",
        b"\x00\xff\xfe garbage",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "boom">]>'
        b"<interface-response>&x;</interface-response>",
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><interface-response>&x;</interface-response>',
    ],
)
def test_malformed_answers(body: bytes) -> None:
    with pytest.raises(EnomMalformedResponseError):
        check(body, "GetBalance")


def test_entities_are_never_expanded() -> None:
    body = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><interface-response/>'
    with pytest.raises(EnomMalformedResponseError) as caught:
        parse_xml(body)
    assert "DOCTYPE" in caught.value.desc


def test_errors_win_over_a_missing_done() -> None:
    body = (
        b"<interface-response><ErrCount>1</ErrCount><errors><Err1>Bad User name or Password"
        b"</Err1></errors></interface-response>"
    )
    with pytest.raises(EnomAuthError):
        check(body, "GetBalance")


def test_command_success_false_with_errcount_zero_is_an_error() -> None:
    body = OK % (
        b"<CancelOrder><Success>False</Success>"
        b"<Result>Order does not exist or does not belong to customer</Result></CancelOrder>"
    )
    with pytest.raises(EnomNotFoundError) as caught:
        check(body, "CancelOrder")
    assert caught.value.messages == ("Order does not exist or does not belong to customer",)


def test_nested_success_is_not_the_commands_success() -> None:
    body = OK % (
        b"<CertConfigureCert><CSRData><Success>False</Success></CSRData>"
        b"<Success>True</Success></CertConfigureCert>"
    )
    assert check(body, "CertConfigureCert").body.tag == "CertConfigureCert"
