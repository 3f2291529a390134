"""Errors of the X.509 helpers; every type here needs a `msg_error_<type>` in the module XML.

- `invalid_csr`: a CSR that cannot be read, or that does not fit the order (`CsrError`).
- `invalid_certificate`: a certificate or chain that cannot be read (`CertificateError`).
- `invalid_private_key`: a private key that cannot be read (`PrivateKeyError`).
"""

from __future__ import annotations

from collections.abc import Sequence

from pmenomssl.errors import ModuleError

ERROR_TYPES = ("invalid_csr", "invalid_certificate", "invalid_private_key")


class CsrError(ModuleError):
    """The CSR is unreadable or does not match the order; `problems` lists every reason."""

    error_type = "invalid_csr"

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        super().__init__(_join(self.problems), obj="csr")


class CertificateError(ModuleError):
    """A certificate (or a certificate chain) cannot be read."""

    error_type = "invalid_certificate"

    def __init__(self, desc: str) -> None:
        super().__init__(desc, obj="certificate")


class PrivateKeyError(ModuleError):
    """A private key cannot be read (missing, damaged or encrypted)."""

    error_type = "invalid_private_key"

    def __init__(self, desc: str) -> None:
        super().__init__(desc, obj="private_key")


def _join(problems: tuple[str, ...]) -> str:
    if len(problems) == 1:
        return problems[0]
    numbered = " ".join(f"({i}) {p}" for i, p in enumerate(problems, 1))
    return f"The CSR has {len(problems)} problems: {numbered}"
