"""`pmenomssl sandbox enom`: a local ENOM reseller API for demos and manual testing.

Start it (a password is generated and printed unless one is given in a file):

    pmenomssl sandbox enom --port 8765
    # ENOM sandbox: http://127.0.0.1:8765/interface.asp
    # uid: sandbox-uid
    # pw:  Zq3...   (generated; pass --pw-file FILE to choose one, which is then never printed)

A full purchase -> configure -> submit -> issued cycle with curl (POST form data keeps the
password out of URLs; `--data-urlencode` encodes the CSR and the `+` of phone numbers):

    E=http://127.0.0.1:8765/interface.asp
    A=(-s --data-urlencode uid=sandbox-uid --data-urlencode pw=THE_PW -d ResponseType=XML)
    curl "${A[@]}" -d command=GetBalance $E
    curl "${A[@]}" -d command=GetCerts $E              # product codes and prices
    curl "${A[@]}" -d command=PurchaseServices -d Service=certificate-rapidssl-rapidssl \\
         -d NumYears=1 $E                              # -> <CertID>100001</CertID>, charged
    openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out csr.pem \\
         -subj /CN=www.example.com
    C=(); for t in Admin Tech Billing; do C+=(-d ${t}FName=Ann -d ${t}LName=Lee \\
         -d ${t}Address1=1+Main+St -d ${t}City=Austin -d ${t}State=TX -d ${t}PostalCode=78701 \\
         -d ${t}Country=US --data-urlencode ${t}Phone=+1.5125550100 \\
         --data-urlencode ${t}EmailAddress=ann@example.com); done
    curl "${A[@]}" -d command=CertConfigureCert -d CertID=100001 -d WebServerType=18 \\
         --data-urlencode CSR@csr.pem "${C[@]}" $E    # -> CSRData and the approver list
    curl "${A[@]}" -d command=CertPurchaseCert -d CertID=100001 \\
         --data-urlencode ApproverEmail=admin@example.com $E   # -> status 2 Processing
    curl "${A[@]}" -d command=CertGetCertDetail -d CertID=100001 $E  # Processing (1st poll)
    curl "${A[@]}" -d command=CertGetCertDetail -d CertID=100001 $E  # 4 Certificate Issued,
         # SSLCertificate = a real X.509 for key.pem, CACerts = the sandbox CA
    curl "${A[@]}" -d command=CertGetCerts -d PagingPageSize=10 $E

Faults and state from another shell (JSON admin API, never shows the password):

    curl -s http://127.0.0.1:8765/_sandbox/state
    curl -s -d '{"kind": "reset_after", "command": "PurchaseServices"}' \\
         http://127.0.0.1:8765/_sandbox/faults
    curl -s -X DELETE http://127.0.0.1:8765/_sandbox/faults
    curl -s -d '{"available_balance": "5.00", "polls_before_issue": 0}' \\
         http://127.0.0.1:8765/_sandbox/config
    curl -s -X POST http://127.0.0.1:8765/_sandbox/certs/100001/reject

Fault kinds: delay, http_500, html_page, reset_before, reset_after, partial, truncated, empty,
wrong_root, done_missing, huge, bad_credentials, ip_not_allowed (see `faults.py`).
"""

from __future__ import annotations

import argparse
import secrets
from decimal import Decimal

from pmenomssl.sandbox.cli import SandboxCommand, serve
from pmenomssl.sandbox.enom.server import EnomSandbox

DEFAULT_UID = "sandbox-uid"
COMMAND = SandboxCommand(
    prog="pmenomssl sandbox enom",
    description="Serve a local ENOM reseller API (interface.asp) for tests and demos.",
    default_port=8765,
    login_option="--uid",
    login_default=DEFAULT_UID,
    login_help="login ID the sandbox accepts",
    credential_file_option="--pw-file",
    credential_name="password/API token",
    default_balance=Decimal("5000.00"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = COMMAND.build_parser()
    parser.add_argument(
        "--issue-after-polls",
        type=int,
        default=1,
        help="CertGetCertDetail polls that still show the pending status (default 1)",
    )
    parser.add_argument(
        "--issue-after-seconds", type=float, default=None, help="issue after this many seconds"
    )
    parser.add_argument(
        "--issue-immediately", action="store_true", help="issue inside CertPurchaseCert"
    )
    parser.add_argument(
        "--utc-offset",
        type=float,
        default=-8.0,
        help="ENOM's clock in hours from UTC (default -8: behind UTC, as ENOM's examples show)",
    )
    parser.add_argument(
        "--lower-case-tags", action="store_true", help="answer with lower-case tags"
    )
    return parser


def _banner(sandbox: EnomSandbox, pw_line: str) -> list[str]:
    """How to connect."""
    return [f"ENOM sandbox: {sandbox.url}", f"uid: {sandbox.uid}", f"pw:  {pw_line}"]


def serve_forever(
    port: int, host: str = "127.0.0.1", *, uid: str = DEFAULT_UID, pw: str | None = None
) -> None:
    """Serve a sandbox until SIGTERM/SIGINT; a generated password is printed, a given one not."""
    sandbox = EnomSandbox(uid=uid, pw=pw or secrets.token_urlsafe(18), host=host, port=port)
    serve(sandbox, _banner(sandbox, "(as given)" if pw else sandbox.pw))


def _open(args: argparse.Namespace, pw: str) -> EnomSandbox:
    """The sandbox the options describe, listening."""
    sandbox = EnomSandbox(uid=args.uid, pw=pw, balance=args.balance, host=args.host, port=args.port)
    policy = sandbox.state.policy
    policy.polls_before_issue = args.issue_after_polls
    policy.seconds_before_issue = args.issue_after_seconds
    policy.immediately = args.issue_immediately
    sandbox.state.clock.set_hours(args.utc_offset)
    sandbox.state.lower_case_tags = args.lower_case_tags
    return sandbox


def main(argv: list[str] | None = None) -> int:
    """`pmenomssl sandbox enom [--port N] [--host H] [--uid U] [--pw-file F] ...`."""
    args = build_parser().parse_args(argv)
    return COMMAND.main(args, lambda pw: _open(args, pw), _banner)
