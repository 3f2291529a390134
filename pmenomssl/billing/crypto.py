"""BILLmanager's crypted values: base64 of RSA PKCS#1 v1.5 with the panel key.

billmanager-protocol.md section 5: the key is billmgr.conf `CryptKey`, default
`$ROOT/etc/billmgr.pem`; decrypt = base64-decode, then RSA-decrypt with the private key.
`cryptography` is imported lazily so that commands which never decrypt start fast.
"""

from __future__ import annotations

import base64
import binascii
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

_keys: dict[tuple[str, float], RSAPrivateKey] = {}
_keys_lock = threading.Lock()


class KeyUnavailableError(Exception):
    """The key file is missing, unreadable or not an RSA private key."""


class DecryptError(Exception):
    """The value is not base64 or does not decrypt with the key."""


def load_private_key(key_path: Path) -> RSAPrivateKey:
    """The RSA private key at `key_path` (cached per path and mtime)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        stamp = key_path.stat().st_mtime
        cache_key = (str(key_path), stamp)
        with _keys_lock:
            cached = _keys.get(cache_key)
        if cached is not None:
            return cached
        data = key_path.read_bytes()
    except OSError as exc:
        raise KeyUnavailableError(f"cannot read {key_path}: {exc.strerror or exc}") from None
    try:
        # The panel's own key file (trusted, local): OpenSSL's consistency check of the RSA
        # key costs ~30 ms, paid by every command that reads a crypted param.
        key = serialization.load_pem_private_key(
            data, password=None, unsafe_skip_rsa_key_validation=True
        )
    except (ValueError, TypeError) as exc:
        raise KeyUnavailableError(
            f"{key_path} is not an unencrypted PEM private key: {exc}"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyUnavailableError(f"{key_path} is not an RSA key")
    with _keys_lock:
        _keys[cache_key] = key
    return key


def decrypt_value(value: str, key_path: Path) -> str:
    """Decrypt one crypted param value. Raises KeyUnavailableError or DecryptError.

    An empty value is "" without reading the key, as ISPsystem's DecryptValue (TheSSLStore
    module, util.cpp) does: BILLmanager stores a crypted field left blank as an empty value."""
    if not value.strip():
        return ""
    from cryptography.hazmat.primitives.asymmetric import padding

    key = load_private_key(key_path)
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise DecryptError("the value is not base64") from None
    try:
        plain = key.decrypt(raw, padding.PKCS1v15())
    except ValueError:
        raise DecryptError("the value does not decrypt with this key") from None
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptError("the decrypted value is not UTF-8") from None


def encrypt_value(value: str, key_path: Path) -> str:
    """Encrypt `value` the way BILLmanager does (the stand-in and tests use this)."""
    from cryptography.hazmat.primitives.asymmetric import padding

    key = load_private_key(key_path)
    data = value.encode("utf-8")
    limit = key.key_size // 8 - 11
    if len(data) > limit:
        raise ValueError(f"a crypted value holds at most {limit} bytes, got {len(data)}")
    return base64.b64encode(key.public_key().encrypt(data, padding.PKCS1v15())).decode("ascii")


def generate_key_pem(bits: int = 2048) -> bytes:
    """A fresh unencrypted RSA private key in PEM (PKCS#1), like etc/billmgr.pem."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
