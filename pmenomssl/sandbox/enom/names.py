"""Names the CAs behind ENOM refuse, checked by the sandbox at CertConfigureCert: AFTER
PurchaseServices has charged, as ENOM refuses "localhost" only after charging (issue 12 §2, §8).

A deliberately simple rule (the module's own check before buying is the real one): IP literals,
single-label names, `localhost`, underscores, and internal suffixes (.local, .internal, .lan,
.localdomain, .home.arpa); CA/Browser Forum Baseline Requirements 7.1.4.2 forbid internal names
and reserved IP addresses in publicly trusted certificates.
"""

from __future__ import annotations

import ipaddress

INTERNAL_SUFFIXES = ("local", "internal", "lan", "localdomain", "home.arpa", "localhost")


def refusal(name: str) -> str | None:
    """Why a CA refuses `name` (a CSR common name or UCC domain), or None."""
    bare = name.strip().lower().rstrip(".")
    bare = bare[2:] if bare.startswith("*.") else bare
    try:
        ipaddress.ip_address(bare.strip("[]"))
        return "an IP address"
    except ValueError:
        pass
    if "_" in bare:
        return "a name with an underscore"
    if "." not in bare:
        return "a single-label (internal) name"
    if any(bare == s or bare.endswith("." + s) for s in INTERNAL_SUFFIXES):
        return "an internal name"
    return None
