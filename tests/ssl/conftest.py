"""Real keys, CSRs and certificates for the X.509 tests, generated once per session."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.ssl.factory import Pki, PrivateKey, build_csr

CsrBuilder = Callable[..., str]


@pytest.fixture(scope="session")
def rsa2048() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def rsa2048_other() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def rsa1024() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (the weak key CSRs must be refused)


@pytest.fixture(scope="session")
def ec_keys() -> dict[str, ec.EllipticCurvePrivateKey]:
    curves: dict[str, ec.EllipticCurve] = {
        "p256": ec.SECP256R1(),
        "p384": ec.SECP384R1(),
        "p521": ec.SECP521R1(),
        "k256": ec.SECP256K1(),
    }
    return {name: ec.generate_private_key(curve) for name, curve in curves.items()}


@pytest.fixture
def make_csr(rsa2048: rsa.RSAPrivateKey) -> CsrBuilder:
    """build_csr with the shared RSA 2048 key unless another key is given."""

    def make(*args: Any, key: PrivateKey | None = None, **kwargs: Any) -> str:
        return build_csr(key or rsa2048, *args, **kwargs)

    return make


@pytest.fixture(scope="session")
def pki(ec_keys: dict[str, ec.EllipticCurvePrivateKey], rsa2048: rsa.RSAPrivateKey) -> Pki:
    return Pki(ec_keys["p384"], ec_keys["p256"], rsa2048)
