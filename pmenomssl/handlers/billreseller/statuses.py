"""Upstream service statuses and what each means locally: ONE table.

Upstream list statuses (issue 8): 1 ordered, 2 active, 3 stopped, 4 deleted, 5 processing.
`sync_item` (and `open`) look the upstream status up here:

    pending  ordered / processing: nothing to do yet; open returns, sync_item finishes later
             (a certificate is marked requested / enrolled)
    active   the service works: announce it once (service.postopen; certificates:
             certificate.save + certificate.open)
    stopped  upstream stopped it: an active local service is suspended too (service.postsuspend)
             and marked as stopped by upstream, so that upstream's resume resumes it; a service
             suspended here (by staff or BILLmanager) is never resumed by upstream
    deleted  gone upstream: logged for staff, no local post call (closing locally is a decision
             for staff: the client may have paid beyond it)

Local `item.status` values the mirroring reads (billmanager-protocol.md 3.3: 2 active and
3 stopped are used by ISP's code; the full list is UNCONFIRMED).
"""

from __future__ import annotations

from pmenomssl.records import record

ORDERED = 1
ACTIVE = 2
STOPPED = 3
DELETED = 4
PROCESSING = 5

LOCAL_ACTIVE = 2
LOCAL_STOPPED = 3

# A certificate's service_status (billmanager-protocol.md 2.4): 3 requested, 4 enrolled
# (awaiting issue), 5 issued.
CERT_REQUESTED = 3
CERT_ENROLLED = 4
CERT_ISSUED = 5


@record(frozen=True)
class StatusRule:
    name: str
    # Announce the opened service (post call) the first time the upstream shows this status.
    opens: bool = False
    # The local service follows: suspended while upstream keeps the service stopped.
    stops: bool = False
    # A certificate's service_status while upstream shows this status (None: left as it is).
    # Active means issued once the certificate file is saved, enrolled until then.
    certificate_status: int | None = None
    # Something staff must look at when the local service is open.
    warn: bool = False


STATUS_TABLE: dict[int, StatusRule] = {
    ORDERED: StatusRule("ordered", certificate_status=CERT_REQUESTED),
    PROCESSING: StatusRule("processing", certificate_status=CERT_ENROLLED),
    ACTIVE: StatusRule("active", opens=True, certificate_status=CERT_ISSUED),
    STOPPED: StatusRule("stopped", stops=True, warn=True),
    DELETED: StatusRule("deleted", warn=True),
}
# Statuses not in the table (a newer upstream) are treated as still pending: nothing is posted.
UNKNOWN = StatusRule("unknown")


def rule_for(status: int) -> StatusRule:
    return STATUS_TABLE.get(status, UNKNOWN)
