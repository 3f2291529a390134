"""ENOM's clock in the sandbox: an offset from UTC, behind it by default.

ENOM's dates carry no time zone. Its documented examples run behind UTC: the CertPurchaseCert
example answers with RequestDateTime "12/15/2016 4:52:44 PM" for a certificate whose notBefore
is 2016-12-16 00:00Z, so ENOM's clock ran at least 7 h 7 min behind UTC (settled-facts.md,
[DOC:cert-purchase-cert.md]); US Pacific standard time (UTC-8) fits, and is the default here.
Every answer carries RequestDateTime (this clock) and a TimeDifference element (the offset in
hours, signed, as `+0.00` in the documented examples: its meaning is UNCONFIRMED).

Every date the sandbox shows (OrderDate, ConfigDate, ExpirationDate, RequestDateTime) is on
this clock; X.509 validity is real UTC (`to_utc`). Any offset works, to the second, so tests
can put ENOM's clock a few seconds before its midnight (`seconds_to_midnight`).
"""

from __future__ import annotations

import datetime

DEFAULT_UTC_OFFSET = datetime.timedelta(hours=-8)


class EnomClock:
    """ENOM's wall clock: naive datetimes, `utc_offset` from UTC, optionally shifted."""

    def __init__(self, utc_offset: datetime.timedelta = DEFAULT_UTC_OFFSET) -> None:
        self.utc_offset = utc_offset

    @staticmethod
    def utcnow() -> datetime.datetime:
        """Naive UTC (what the CA writes into a certificate)."""
        return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)

    def now(self) -> datetime.datetime:
        """ENOM's local time: what its answers show."""
        return self.utcnow() + self.utc_offset

    def to_utc(self, local: datetime.datetime) -> datetime.datetime:
        return local - self.utc_offset

    def to_local(self, utc: datetime.datetime) -> datetime.datetime:
        naive = utc.astimezone(datetime.timezone.utc).replace(tzinfo=None) if utc.tzinfo else utc
        return naive + self.utc_offset

    def time_difference(self) -> str:
        """The TimeDifference element: the offset in hours, `+0.00` / `-8.00`."""
        hours = self.utc_offset.total_seconds() / 3600
        return f"{hours:+.2f}"

    def set_hours(self, hours: float) -> None:
        self.utc_offset = datetime.timedelta(hours=hours)

    def set_before_midnight(self, seconds: float) -> None:
        """ENOM's clock `seconds` before its next midnight (an offset between -24 h and 0)."""
        now = self.utcnow()
        midnight = datetime.datetime.combine(now.date(), datetime.time())
        self.utc_offset = midnight - now - datetime.timedelta(seconds=seconds)

    def hours(self) -> float:
        return self.utc_offset.total_seconds() / 3600
