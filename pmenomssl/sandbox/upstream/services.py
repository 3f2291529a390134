"""The upstream sandbox's services: statuses, the service record, the paid-call ledgers, and the
JSON form the admin API shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from pmenomssl.sandbox import ca

# --- statuses (as upstream lists them) --------------------------------------------------------

ORDERED = 1
ACTIVE = 2
STOPPED = 3
DELETED = 4
PROCESSING = 5
STATUS_NAMES: dict[int, str] = {
    ORDERED: "ordered",
    ACTIVE: "active",
    STOPPED: "stopped",
    DELETED: "deleted",
    PROCESSING: "processing",
}

# UNCONFIRMED (the issue leaves client-level suspend/resume open): the item types whose services
# a client may stop and start itself. For the others suspend/resume answer type="access". This is
# the sandbox's choice and the only place it is made.
# Licences: ISPsystem's WHMCS module calls soft.suspend/soft.resume from a client account.
CLIENT_SUSPENDABLE_ITEMTYPES = frozenset({"soft", "vhost", "vds", "dedic"})


@dataclass
class SandboxService:
    id: str
    itemtype: str
    pricelist: str
    period: int
    status: int
    expiredate: datetime.date | None
    remoteid: str = ""
    name: str = ""
    createdate: datetime.date = field(default_factory=datetime.date.today)
    # What `<itemtype>.edit` shows and changes: autoprolong, addon_<id>, domain, ostempl, ...
    fields: dict[str, str] = field(default_factory=dict)
    crt: str = ""  # PEM leaf + sandbox CA, once a certificate is active
    csr: str = ""
    # Automatic activation: list reads still needed (None: moved only by hand).
    reads_to_activate: int | None = None
    list_reads: int = 0

    def addons(self) -> dict[str, int]:
        return {
            k[len("addon_") :]: int(v) for k, v in self.fields.items() if k.startswith("addon_")
        }


@dataclass(frozen=True)
class OrderRecord:
    """One paid order: what the sandbox charged, for which local item (remoteid)."""

    func: str
    itemtype: str
    pricelist: str
    period: int
    remoteid: str
    service_id: str
    cost: Decimal


@dataclass(frozen=True)
class ProlongRecord:
    service_id: str
    period: int
    cost: Decimal
    expiredate: datetime.date


def service_json(service: SandboxService) -> dict[str, object]:
    return {
        "id": service.id,
        "itemtype": service.itemtype,
        "pricelist": service.pricelist,
        "period": service.period,
        "status": service.status,
        "expiredate": service.expiredate.isoformat() if service.expiredate else None,
        "remoteid": service.remoteid,
        "name": service.name,
        "fields": dict(service.fields),
        "has_crt": bool(service.crt),
    }


def throwaway_csr(common_name: str) -> str:
    """A CSR for a seeded certificate that never had one (a cheap EC key)."""
    key = ca.throwaway_key()
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode("ascii")
