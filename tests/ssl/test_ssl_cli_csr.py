"""`pmenomssl csr`: run() with arguments parsed by the real parser."""

from __future__ import annotations

import argparse
import io
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from pmenomssl.cli import csr as csr_cli
from pmenomssl.ssl import key_matches_certificate, parse_csr
from tests.ssl.factory import build_csr


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pmenomssl")
    subparsers = parser.add_subparsers(dest="subcommand")
    csr_cli.add_parser(subparsers)
    return parser.parse_args(["csr", *argv])


def run(*argv: str) -> int:
    return csr_cli.run(parse(*argv))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def public_key_of_key_file(path: Path) -> bytes:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_of_csr(pem: str) -> bytes:
    from cryptography import x509

    return (
        x509.load_pem_x509_csr(pem.encode())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def test_generate_into_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file, csr_file = tmp_path / "site.key", tmp_path / "site.csr"
    rc = run(
        "--cn", "example.com", "--san", "www.example.com,shop.example.com", "--key", "ec256",
        "--org", "Example Ltd", "--country", "gb",
        "--out-key", str(key_file), "--out-csr", str(csr_file),
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert rc == 0
    assert out == ""
    assert mode_of(key_file) == 0o600
    info = parse_csr(csr_file.read_text())
    assert info.names == ("example.com", "www.example.com", "shop.example.com")
    assert dict(info.subject) == {"O": "Example Ltd", "C": "GB"}
    assert public_key_of_key_file(key_file) == public_key_of_csr(info.pem)
    assert f"Private key (EC P-256) written to {key_file} (mode 0600)" in err
    assert f"written to {csr_file}" in err
    assert "PRIVATE KEY" not in err


def test_default_csr_on_stdout_key_in_cwd_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("--cn", "*.Example.com") == 0
    out, err = capsys.readouterr()
    assert "PRIVATE KEY" not in out
    assert "PRIVATE KEY" not in err
    assert parse_csr(out).names == ("*.example.com",)
    key_file = tmp_path / "wildcard.example.com.key"
    assert mode_of(key_file) == 0o600
    assert public_key_of_key_file(key_file) == public_key_of_csr(out)
    assert "written to wildcard.example.com.key" in err
    assert "CSR for *.example.com written to stdout" in err


def test_key_on_stdout_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csr_file = tmp_path / "a.csr"
    assert (
        run("--cn", "example.com", "--key", "ec384", "--out-key", "-", "--out-csr", str(csr_file))
        == 0
    )
    out, _ = capsys.readouterr()
    assert out.startswith("-----BEGIN PRIVATE KEY-----")
    key = serialization.load_pem_private_key(out.encode(), password=None)
    assert key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == public_key_of_csr(csr_file.read_text())
    assert list(tmp_path.iterdir()) == [csr_file]


def test_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file, csr_file = tmp_path / "k.pem", tmp_path / "c.pem"
    key_file.write_text("old key")
    os.chmod(key_file, 0o644)
    assert (
        run(
            "--cn",
            "example.com",
            "--key",
            "ec256",
            "--out-key",
            str(key_file),
            "--out-csr",
            str(csr_file),
        )
        == 2
    )
    out, err = capsys.readouterr()
    assert f"{key_file} already exists" in err
    assert "--force" in err
    assert out == ""
    assert key_file.read_text() == "old key"
    assert not csr_file.exists()  # nothing written when one output is refused

    csr_file.write_text("old csr")
    assert (
        run(
            "--cn",
            "example.com",
            "--key",
            "ec256",
            "--out-key",
            str(tmp_path / "new.key"),
            "--out-csr",
            str(csr_file),
        )
        == 2
    )
    assert csr_file.read_text() == "old csr"
    assert not (tmp_path / "new.key").exists()


def test_force_replaces_with_mode_0600(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file, csr_file = tmp_path / "k.pem", tmp_path / "c.pem"
    key_file.write_text("old key")
    os.chmod(key_file, 0o644)
    csr_file.write_text("old csr")
    args = (
        "--cn",
        "example.com",
        "--key",
        "ec256",
        "--out-key",
        str(key_file),
        "--out-csr",
        str(csr_file),
    )
    assert run(*args, "--force") == 0
    assert mode_of(key_file) == 0o600
    assert public_key_of_key_file(key_file) == public_key_of_csr(csr_file.read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.pem", "k.pem"]  # no temp files left


def test_bad_generation_input_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "k"
    assert run("--cn", "example.com", "--country", "Germany", "--out-key", str(key_file)) == 2
    assert "two-letter" in capsys.readouterr().err
    assert not key_file.exists()
    assert run("--cn", "example.com", "--out-key", str(key_file), "--out-csr", str(key_file)) == 2
    assert run("--cn", "example.com", "--domain", "example.com") == 2
    assert "--domain is for --check" in capsys.readouterr().err


def test_unwritable_output_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing_dir = tmp_path / "nope" / "k.key"
    assert run("--cn", "example.com", "--key", "ec256", "--out-key", str(missing_dir)) == 2
    assert "cannot write" in capsys.readouterr().err


def test_mode_is_required_and_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse()
    assert caught.value.code == 2
    with pytest.raises(SystemExit):
        parse("--cn", "example.com", "--check", "x.csr")
    assert "not allowed with argument" in capsys.readouterr().err


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse("--help")
    out = capsys.readouterr().out
    assert "pmenomssl csr --cn example.com --san www.example.com" in out
    assert "--check" in out


# --- --check --------------------------------------------------------------------------------


def test_check_accepts_matching_csr(
    tmp_path: Path, rsa2048: rsa.RSAPrivateKey, capsys: pytest.CaptureFixture[str]
) -> None:
    csr_file = tmp_path / "client.csr"
    csr_file.write_text(build_csr(rsa2048, "example.com", ["example.com", "www.example.com"]))
    rc = run("--check", str(csr_file), "--domain", "example.com", "--domain", "www.example.com",
             "--max-names", "2", "--ascii-only")  # fmt: skip
    out = capsys.readouterr().out
    assert rc == 0
    assert out.startswith("CSR OK for example.com, www.example.com\n")
    assert "key:         RSA 2048" in out


def test_check_rejects_with_every_problem(
    tmp_path: Path, rsa1024: rsa.RSAPrivateKey, capsys: pytest.CaptureFixture[str]
) -> None:
    csr_file = tmp_path / "client.csr"
    csr_file.write_text(
        build_csr(
            rsa1024,
            "shop.example.org",
            ["shop.example.org"],
            subject=[(NameOID.ORGANIZATION_NAME, "Müller")],
        )
    )
    assert run("--check", str(csr_file), "--domain", "example.com", "--ascii-only") == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"CSR REJECTED ({csr_file}):"
    assert len(lines) == 4
    assert "1024-bit RSA key" in lines[1]
    assert "common name is shop.example.org but the order is for example.com" in lines[2]
    assert "organization (O) is 'Müller'" in lines[3]


def test_check_without_domains_uses_the_csrs_own(
    monkeypatch: pytest.MonkeyPatch, rsa2048: rsa.RSAPrivateKey, capsys: pytest.CaptureFixture[str]
) -> None:
    pem = build_csr(rsa2048, "*.example.com", ["*.example.com"])
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(pem.encode())))
    assert run("--check", "-") == 1
    assert "does not cover wildcards" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(pem.encode())))
    assert run("--check", "-", "--wildcard") == 0


def test_check_garbage_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    garbage = tmp_path / "g.csr"
    garbage.write_text("not a csr")
    assert run("--check", str(garbage)) == 1
    assert "not a CSR in PEM format" in capsys.readouterr().out
    assert run("--check", str(tmp_path / "missing.csr")) == 2
    assert "cannot read" in capsys.readouterr().err
    assert run("--check", str(garbage), "--san", "a.example.com") == 2
    assert "--san is for generating a CSR" in capsys.readouterr().err


def test_through_the_package_entry_point(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pmenomssl.cli import main

    key_file = tmp_path / "k.key"
    assert main(["csr", "--cn", "example.net", "--key", "ec256", "--out-key", str(key_file)]) == 0
    csr_pem = capsys.readouterr().out
    assert mode_of(key_file) == 0o600
    assert parse_csr(csr_pem).names == ("example.net",)
    # the key and the CSR belong together (checked through a self-signed certificate)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(csr.subject)
        .public_key(csr.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    assert key_matches_certificate(key_file.read_text(), cert_pem)
