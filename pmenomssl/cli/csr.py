"""`pmenomssl csr`: make a private key and CSR for a client, or check a CSR against an order.

The private key goes to a file created with mode 0600 (never over an existing file without
--force) and reaches stdout only with an explicit `--out-key -`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl.cli import files
from pmenomssl.cli.common import new_parser
from pmenomssl.ssl import (
    KEY_TYPES,
    CsrInfo,
    CsrPolicy,
    curve_display_name,
    generate_key_and_csr,
    parse_csr,
    validate_csr,
)
from pmenomssl.ssl.errors import CsrError

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room

STDIO = "-"
EXAMPLES = """\
examples:
  # RSA 2048 key in example.com.key (mode 0600), CSR on stdout
  pmenomssl csr --cn example.com --san www.example.com

  # EC P-256 key and CSR with organisation data, both in files
  pmenomssl csr --cn shop.example.org --key ec256 --org "Example Ltd" --country GB \\
      --out-key shop.key --out-csr shop.csr

  # check a client's CSR against the ordered domains of a non-wildcard DigiCert product
  pmenomssl csr --check client.csr --domain example.com --domain www.example.com \\
      --max-names 2 --ascii-only

exit status: 0 done / CSR acceptable, 1 CSR rejected, 2 wrong arguments or unwritable file.
"""

SAN_HELP = "another domain for the CSR; repeat or comma-separate (the CN is always included)"
DOMAIN_HELP = "an ordered domain, the main one first; repeat (default: the CSR's own names)"

_GENERATE_ONLY = ("san", "org", "ou", "locality", "state", "country", "email", "out_key")
_CHECK_ONLY = ("domain", "wildcard", "www", "max_names", "ascii_only")


def add_parser(subparsers: Subparsers, name: str = "csr", room: Room | None = None) -> None:
    """Register `pmenomssl csr` on the top-level parser's subcommands (it needs nothing of the
    room: the defaults let a parser of its own be built, as tests/ssl does)."""
    parser = new_parser(
        subparsers,
        name,
        help="generate a private key and CSR, or check a CSR against an order",
        description=(
            "Generate a new private key and certificate signing request (--cn), or check an "
            "existing CSR (--check) the way the module checks it before buying a certificate."
        ),
        examples=EXAMPLES,
        wrap=False,
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--cn", metavar="DOMAIN", help="common name of the new CSR (its main domain)")
    mode.add_argument(
        "--check", metavar="FILE", help="check the CSR in FILE ('-' for stdin) instead"
    )

    generate = parser.add_argument_group("generating (--cn)")
    _add_domains(generate, "--san", SAN_HELP)
    generate.add_argument(
        "--key", choices=KEY_TYPES, default="rsa2048", help="key type (default: %(default)s)"
    )
    generate.add_argument("--org", metavar="NAME", help="organization (O), for OV/EV")
    generate.add_argument("--ou", metavar="NAME", help="organizational unit (OU)")
    generate.add_argument("--locality", metavar="CITY", help="locality / city (L)")
    generate.add_argument("--state", metavar="STATE", help="state or province (ST)")
    generate.add_argument("--country", metavar="CC", help="two-letter country code (C)")
    generate.add_argument("--email", metavar="ADDRESS", help="e-mail address in the subject")
    generate.add_argument(
        "--out-key",
        metavar="PATH",
        help="where to write the private key, mode 0600 (default: <cn>.key in the current "
        "directory; '-' prints it to stdout)",
    )
    generate.add_argument(
        "--out-csr", metavar="PATH", default=STDIO, help="where to write the CSR (default: stdout)"
    )
    generate.add_argument(
        "--force", action="store_true", help="overwrite existing --out-key/--out-csr files"
    )

    check = parser.add_argument_group("checking (--check)")
    _add_domains(check, "--domain", DOMAIN_HELP)
    check.add_argument("--wildcard", action="store_true", help="the product allows wildcards")
    check.add_argument(
        "--www", action="store_true", help="the product covers www.<domain> with <domain>"
    )
    check.add_argument(
        "--max-names", metavar="N", type=int, help="most names allowed, the common name included"
    )
    check.add_argument(
        "--ascii-only", action="store_true", help="the brand accepts only ASCII in the subject"
    )


def _add_domains(group: argparse._ArgumentGroup, option: str, help: str) -> None:
    """An option that may be repeated, each time with one domain or more."""
    group.add_argument(option, metavar="DOMAIN", action="append", default=[], help=help)


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl csr` with parsed arguments; return the exit status."""
    if args.check is not None:
        misplaced = [name for name in _GENERATE_ONLY if _given(args, name)]
        if misplaced:
            return _usage(f"{_option(misplaced[0])} is for generating a CSR, not with --check")
        return _check(args)
    misplaced = [name for name in _CHECK_ONLY if _given(args, name)]
    if misplaced:
        return _usage(f"{_option(misplaced[0])} is for --check, not for generating a CSR")
    return _generate(args)


def _generate(args: argparse.Namespace) -> int:
    sans = [s.strip() for value in args.san for s in value.split(",") if s.strip()]
    key_path: str = args.out_key if args.out_key else _default_key_file(args.cn)
    csr_path: str = args.out_csr
    if key_path != STDIO and key_path == csr_path:
        return _usage("--out-key and --out-csr must be different files")
    if not args.force:
        for option, path in (("--out-key", key_path), ("--out-csr", csr_path)):
            if path != STDIO and os.path.lexists(path):
                return _usage(
                    f"{path} already exists: choose another {option} file, or add --force to "
                    "overwrite it"
                )
    try:
        key_pem, csr_pem = generate_key_and_csr(
            args.cn,
            sans=sans,
            key=args.key,
            organization=args.org,
            org_unit=args.ou,
            locality=args.locality,
            state=args.state,
            country=args.country,
            email=args.email,
        )
    except ValueError as exc:
        return _usage(str(exc))
    info = parse_csr(csr_pem)
    try:
        if key_path == STDIO:
            sys.stdout.write(key_pem)
        else:
            _write_private(Path(key_path), key_pem, overwrite=args.force)
        if csr_path == STDIO:
            sys.stdout.write(csr_pem)
        else:
            _write_public(Path(csr_path), csr_pem, overwrite=args.force)
    except FileExistsError as exc:
        return _usage(f"{exc.filename} already exists: add --force to overwrite it")
    except OSError as exc:
        return _usage(f"cannot write {exc.filename or 'the output'}: {exc.strerror or exc}")
    key_where = "stdout" if key_path == STDIO else f"{key_path} (mode 0600)"
    csr_where = "stdout" if csr_path == STDIO else csr_path
    _say(f"Private key ({_describe_key(info)}) written to {key_where}. Keep it on the server the")
    _say("certificate is for; it is stored nowhere else and nobody needs a copy of it.")
    _say(f"CSR for {', '.join(info.names)} written to {csr_where}.")
    return 0


def _check(args: argparse.Namespace) -> int:
    # Bytes, bounded: a DER CSR is read as it is, and a wrong path (/dev/zero, a disk image)
    # is refused instead of read without end.
    try:
        if args.check == STDIO:
            text = files.read_small(sys.stdin.buffer, STDIO, files.MAX_CSR_BYTES, "a CSR")
        else:
            with open(args.check, "rb") as handle:
                text = files.read_small(handle, args.check, files.MAX_CSR_BYTES, "a CSR")
    except OSError as exc:
        return _usage(f"cannot read {args.check}: {exc.strerror or exc}")
    except files.FileRefused as exc:
        return _usage(str(exc))
    try:
        domains = tuple(d for value in args.domain for d in value.split(",") if d.strip())
        if not domains:
            domains = parse_csr(text).names
        policy = CsrPolicy(
            domains=domains,
            wildcard_allowed=args.wildcard,
            max_names=args.max_names,
            ascii_only_subject=args.ascii_only,
            www_included=args.www,
        )
        info = validate_csr(text, policy)
    except CsrError as exc:
        out = sys.stdout
        out.write(f"CSR REJECTED ({args.check}):\n")
        for problem in exc.problems:
            out.write(f"  - {problem}\n")
        return 1
    out = sys.stdout
    out.write(f"CSR OK for {', '.join(policy.domains)}\n")
    out.write(f"  common name: {info.common_name}\n")
    out.write(f"  names:       {', '.join(info.names)}\n")
    out.write(f"  key:         {_describe_key(info)}\n")
    subject = ", ".join(f"{k}={v}" for k, v in info.subject.items())
    out.write(f"  subject:     {subject or '(only the common name)'}\n")
    return 0


def _write_private(path: Path, text: str, *, overwrite: bool) -> None:
    """Create `path` with mode 0600 from the start; replace it atomically with --force."""
    if not overwrite:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        _write_fd(fd, text)
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        _write_fd(fd, text)  # mkstemp creates the file with mode 0600
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _write_fd(fd: int, text: str) -> None:
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


def _write_public(path: Path, text: str, *, overwrite: bool) -> None:
    with path.open("w" if overwrite else "x", encoding="ascii") as handle:
        handle.write(text)


def _default_key_file(common_name: str) -> str:
    name = common_name.strip().lower().replace("*", "wildcard")
    return re.sub(r"[^a-z0-9._-]", "_", name).lstrip(".") + ".key"


def _describe_key(info: CsrInfo) -> str:
    if info.key_type == "EC":
        return f"EC {curve_display_name(info.curve)}"
    return f"{info.key_type} {info.key_size}"


def _given(args: argparse.Namespace, name: str) -> bool:
    value = getattr(args, name, None)
    return value not in (None, False, [])


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _usage(message: str) -> int:
    _say(f"pmenomssl csr: {message}")
    return 2


def _say(line: str) -> None:
    sys.stderr.write(line + "\n")
