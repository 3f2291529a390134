"""Calendar arithmetic shared by the sandboxes: validity and billing periods in whole months."""

from __future__ import annotations

import calendar
import datetime
from typing import TypeVar

_When = TypeVar("_When", bound=datetime.date)  # a date, or a datetime (which keeps its time)


def add_months(when: _When, months: int) -> _When:
    """`when` plus whole calendar months, clamping the day (Jan 31 + 1 month = Feb 28/29)."""
    month_index = when.month - 1 + months
    year = when.year + month_index // 12
    month = month_index % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)
