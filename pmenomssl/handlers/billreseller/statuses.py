"""Upstream service statuses and what each means locally: ONE table.

Upstream list statuses (issue 8): 1 ordered, 2 active, 3 stopped, 4 deleted, 5 processing.
`sync_item` (and `open`) look the upstream status up here:

    pending  ordered / processing: nothing to do yet; open returns, sync_item finishes later
    active   the service works: announce it once (service.postopen; certificates:
             certificate.save + certificate.open)
    stopped  upstream stopped it: logged for staff, no local post call (a local suspend would
             not be undone by a later upstream resume, and staff must learn why upstream
             stopped it)
    deleted  gone upstream: logged for staff, no local post call (closing locally is a decision
             for staff: the client may have paid beyond it)
"""

from __future__ import annotations

from pmenomssl.records import record

ORDERED = 1
ACTIVE = 2
STOPPED = 3
DELETED = 4
PROCESSING = 5


@record(frozen=True)
class StatusRule:
    name: str
    # Announce the opened service (post call) the first time the upstream shows this status.
    opens: bool = False
    # Something staff must look at when the local service is open.
    warn: bool = False


STATUS_TABLE: dict[int, StatusRule] = {
    ORDERED: StatusRule("ordered"),
    PROCESSING: StatusRule("processing"),
    ACTIVE: StatusRule("active", opens=True),
    STOPPED: StatusRule("stopped", warn=True),
    DELETED: StatusRule("deleted", warn=True),
}
# Statuses not in the table (a newer upstream) are treated as still pending: nothing is posted.
UNKNOWN = StatusRule("unknown")


def rule_for(status: int) -> StatusRule:
    return STATUS_TABLE.get(status, UNKNOWN)
