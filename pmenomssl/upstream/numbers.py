"""Numbers as an upstream BILLmanager renders them: `"12 345,67"`, `"1 000"`, `"-50,5"`,
`"300.00"`, with U+00A0 (or U+202F, or plain spaces) as thousands separators and a decimal comma
or point, possibly with a currency label before or after (`"12 345,67 RUB"`, `"$10.00"`)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Spaces BILLmanager (and locales) use between thousands.
_GROUP_SPACES = "\u00a0\u202f\u2009 \t"
_MINUS_SIGNS = "-\u2212"
_NUMBER = re.compile(r"[+\-\u2212]?\d[\d\u00a0\u202f\u2009 \t.,]*")


def parse_money(text: str) -> Decimal:
    """The number in `text` (ValueError when there is none, or more than one)."""
    found = _NUMBER.findall(text)
    if len(found) != 1:
        raise ValueError(f"not an amount: {text!r}")
    number = found[0].rstrip(_GROUP_SPACES + ".,")
    negative = number[0] in _MINUS_SIGNS
    digits = number.lstrip("+" + _MINUS_SIGNS)
    for space in _GROUP_SPACES:
        digits = digits.replace(space, "")
    digits = _decimal_point(digits, text)
    try:
        value = Decimal(digits)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    return -value if negative else value


def parse_int(text: str) -> int:
    """A whole number such as a list total (`"1 250"`); ValueError otherwise."""
    value = parse_money(text)
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number: {text!r}")
    return int(value)


def _decimal_point(digits: str, text: str) -> str:
    """`digits` with the decimal separator as `.` and no thousands separators.

    The last of `,`/`.` is the decimal separator when both occur (`1.234,5`, `1,234.5`); a lone
    separator that occurs more than once groups thousands (`1,234,567`); a single one is the
    decimal separator (BILLmanager's decimal comma: `50,5`)."""
    commas, points = digits.count(","), digits.count(".")
    if commas and points:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        group = "." if decimal == "," else ","
        if digits.count(decimal) > 1:
            raise ValueError(f"not an amount: {text!r}")
        return digits.replace(group, "").replace(decimal, ".")
    for separator, count in ((",", commas), (".", points)):
        if count > 1:
            groups = digits.split(separator)
            if any(len(g) != 3 for g in groups[1:]):
                raise ValueError(f"not an amount: {text!r}")
            return digits.replace(separator, "")
        if count == 1:
            return digits.replace(separator, ".")
    return digits
