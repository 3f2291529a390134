"""A local ENOM `interface.asp` for tests and demos: state, real X.509, faults, admin API.

    from pmenomssl.sandbox.enom import EnomSandbox
    with EnomSandbox(balance=Decimal("5000.00")) as sb:
        ...  # sb.url, sb.uid, sb.pw, sb.state, sb.faults, sb.calls, sb.purchases

`pmenomssl sandbox enom --port N` serves it for people (see `pmenomssl.sandbox.enom.cli`).

It answers in ENOM's documented forms (issue 12 §8): ENOM's clock an offset from UTC, behind it
by default, in every answer's RequestDateTime/TimeDifference (clock.py); CertGetCerts' OrderDate
a date only; ExpirationDate before issue; CACerts with the root (`pmenomssl.sandbox.ca`);
lower-case tags on request (`lower_case_tags`, render.py); UCC certificates of three names
including the CSR's domain (catalogue.py); and names CAs refuse refused at CertConfigureCert,
after PurchaseServices has charged (names.py).
"""

from __future__ import annotations

from pmenomssl.sandbox.enom.catalogue import Product
from pmenomssl.sandbox.enom.certificates import (
    STATUS_TEXT,
    Certificate,
    IssuePolicy,
    PurchaseRecord,
)
from pmenomssl.sandbox.enom.cli import serve_forever
from pmenomssl.sandbox.enom.faults import FAULT_KINDS, Fault, Faults
from pmenomssl.sandbox.enom.server import EnomSandbox
from pmenomssl.sandbox.enom.state import SandboxState

__all__ = [
    "FAULT_KINDS",
    "STATUS_TEXT",
    "Certificate",
    "EnomSandbox",
    "Fault",
    "Faults",
    "IssuePolicy",
    "Product",
    "PurchaseRecord",
    "SandboxState",
    "serve_forever",
]
