"""Guards of the secrets in every request (the uid/pw form travels in each POST), found by
mutation testing of `pmenomssl/transport/http.py`: a certificate no CA vouches for is refused
(`verify=True`), and a redirect is never followed (`follow_redirects=False`)."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pmenomssl.enom import EnomClient, EnomError, Timeouts
from pmenomssl.transport.calls import RetryPolicy
from tests.enom.conftest import Loopback, loopback_client

BALANCE = b"""<?xml version="1.0"?><interface-response><Balance>10.00</Balance>
<AvailableBalance>9.00</AvailableBalance><ErrCount>0</ErrCount><Done>true</Done>
</interface-response>"""


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Balance(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", str(len(BALANCE)))
        self.end_headers()
        self.wfile.write(BALANCE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def untrusted_https(tmp_path: Path) -> Iterator[str]:
    """An HTTPS ENOM on 127.0.0.1 whose certificate is self-signed."""
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server = HTTPServer(("127.0.0.1", 0), _Balance)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/interface.asp"
    finally:
        server.shutdown()
        server.server_close()


def test_a_certificate_no_ca_vouches_for_is_refused(untrusted_https: str) -> None:
    client = EnomClient(untrusted_https, "uid", "pw-never-sent", retry=RetryPolicy(attempts=1))
    with client, pytest.raises(EnomError) as caught:
        client.get_balance()
    assert "certificate" in str(caught.value).lower()


def test_a_redirect_is_never_followed(loopback: Loopback) -> None:
    elsewhere = socket.socket()
    elsewhere.bind(("127.0.0.1", 0))
    elsewhere.listen()
    elsewhere.setblocking(False)
    target = f"http://127.0.0.1:{elsewhere.getsockname()[1]}/interface.asp"

    def redirect(handler: Any) -> None:
        handler.send_response(307)  # 307 keeps the POST and its form (uid, pw) if followed
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    loopback.script = [redirect]
    short = Timeouts(connect=1.0, read=0.5, purchase_read=0.5)
    with elsewhere:
        with loopback_client(loopback, timeouts=short) as client, pytest.raises(EnomError):
            client.get_balance()
        with pytest.raises(BlockingIOError):  # nobody came: the form went nowhere else
            elsewhere.accept()
    assert loopback.commands() and set(loopback.commands()) == {"GetBalance"}
