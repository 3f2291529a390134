"""X.509 helpers: CSR reading, validation against an order and generation; certificates and chains.

Imports `cryptography` at once, so only the commands that need certificates import this package.
"""

from __future__ import annotations

from pmenomssl.ssl.certificate import (
    CertInfo,
    bundle,
    csr_matches_certificate,
    key_matches_certificate,
    parse_certificate,
    split_pem_chain,
)
from pmenomssl.ssl.csr import (
    CsrPolicy,
    curve_display_name,
    name_refusals,
    normalise_domain,
    validate_csr,
)
from pmenomssl.ssl.csr_generation import KEY_TYPES, generate_key_and_csr
from pmenomssl.ssl.csr_parsing import CsrInfo, parse_csr
from pmenomssl.ssl.errors import ERROR_TYPES, CertificateError, CsrError, PrivateKeyError

__all__ = [
    "ERROR_TYPES",
    "KEY_TYPES",
    "CertInfo",
    "CertificateError",
    "CsrError",
    "CsrInfo",
    "CsrPolicy",
    "PrivateKeyError",
    "bundle",
    "csr_matches_certificate",
    "curve_display_name",
    "generate_key_and_csr",
    "key_matches_certificate",
    "name_refusals",
    "normalise_domain",
    "parse_certificate",
    "parse_csr",
    "split_pem_chain",
    "validate_csr",
]
