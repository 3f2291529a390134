"""The only code that talks to BILLmanager: its database (read-only) and `mgrctl` (every write).

billmanager-protocol.md section 3 is the source of every function and query used here. The
gateway is put together from its seams:

- `connection`: mgrctl calls (`mgrctl`: the child process and its reply), `mgrctl paramlist`,
  the database (`db`) and the panel key (`crypto`);
- `reads`: every query on BILLmanager's database;
- `writes`: every mgrctl function that changes something;
- `choices`: where BILLmanager's behaviour is UNCONFIRMED, the choice made, one place each;
- `redaction`: which values are secrets and how a call is logged.
"""

from __future__ import annotations

from pmenomssl.billing.reads import BillingReads
from pmenomssl.billing.writes import BillingWrites


class BillingGateway(BillingReads, BillingWrites):
    """BILLmanager as the module sees it. Lazy: nothing happens until a method needs it."""

    def __enter__(self) -> BillingGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
