"""`pmenomssl sandbox upstream`: a local upstream BILLmanager (client API) for demos and tests.

Start it (a password is generated and printed unless one is given in a file):

    pmenomssl sandbox upstream --port 8766 --activate-after 2
    # Upstream BILLmanager sandbox: http://127.0.0.1:8766/billmgr
    # username: reseller
    # password: Zq3...   (generated; pass --password-file FILE to choose one, never printed)

A whole life cycle with curl (POST form data keeps the password out of URLs):

    U=http://127.0.0.1:8766/billmgr
    A=(-s --data-urlencode authinfo=reseller:THE_PASSWORD -d out=xml -d lang=en)
    curl "${A[@]}" -d func=whoami $U                  # balance="10 000,00" currency="RUB"
    curl "${A[@]}" -d func=v2.vds.order.pricelist $U  # doc/list/elem: tariff 21, 1/3/12 months
    curl "${A[@]}" -d func=v2.vds.order.param -d pricelist=21 $U  # the form: addon_211, slists
    curl "${A[@]}" -d func=v2.vds.order.param -d pricelist=21 -d order_period=1 \\
         -d datacenter=1 -d addon_211=4 -d autoprolong=off -d clicked_button=finish \\
         -d skipbasket=on -d remoteid=42 -d sok=ok $U
         # -> <id>1001</id>; charged 300,00 + 4 x 50,00
    curl "${A[@]}" -d func=vds -d p_cnt=100 -d p_num=1 $U    # status 5 (processing)
    curl "${A[@]}" -d func=vds -d p_cnt=100 -d p_num=1 $U    # status 2 (active), expiredate
    curl "${A[@]}" -d func=service.prolong -d elid=1001 -d period=3 -d skipbasket=on \\
         -d sok=ok $U                                 # -> <doc><newexpiredate>
    curl "${A[@]}" -d func=vds.edit -d elid=1001 $U   # fields: autoprolong, addon_211, ...
    curl "${A[@]}" -d func=vds.edit -d elid=1001 -d addon_211=8 -d skipbasket=on \\
         -d sok=ok $U                                 # charges
    curl "${A[@]}" -d func=vds.suspend -d elid=1001 -d sok=ok $U               # status 3
    curl "${A[@]}" -d func=vds.resume -d elid=1001 -d sok=ok $U
    curl "${A[@]}" -d func=vds.delete -d elid=1001 -d sok=ok $U                # status 4
    openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out csr.pem \\
         -subj /CN=www.example.com
    curl "${A[@]}" -d func=certificate.order.param -d pricelist=51 -d period=12 \\
         -d crt_type=generate --data-urlencode csr@csr.pem -d CN=www.example.com \\
         -d approver_email_1=admin@example.com -d autoprolong=null -d clicked_button=finish \\
         -d skipbasket=on -d remoteid=43 -d sok=ok $U                         # -> <id>1002</id>
    curl -s -X POST http://127.0.0.1:8766/_sandbox/activate/1002
    curl "${A[@]}" -d func=certificate.file -d elid=1002 $U   # a real X.509 for key.pem

Failure modes and state from another shell (JSON admin API, never shows the password):

    curl -s http://127.0.0.1:8766/_sandbox/state
    curl -s -d '{"two_factor": true}' http://127.0.0.1:8766/_sandbox/configure
    curl -s -d '{"ip_restricted": false, "two_factor": false, "level": "customer",
                 "balance": "100.00", "activate_after": 0}' http://127.0.0.1:8766/_sandbox/configure
    curl -s -d '{"func": "v2.vds.order.param", "kind": "reset_after"}' \\
         http://127.0.0.1:8766/_sandbox/fault
    curl -s -X DELETE http://127.0.0.1:8766/_sandbox/fault
    curl -s -d '{"itemtype": "vhost", "pricelist": "11", "period": 12}' \\
         http://127.0.0.1:8766/_sandbox/services      # an unlinked service, for `import`

Fault kinds: reset_before, reset_after, timeout, http_500, truncated, html (see `faults.py`).
Tariffs: `pmenomssl.sandbox.upstream.catalogue`; charging: `pmenomssl.sandbox.upstream.state`.
"""

from __future__ import annotations

import argparse
from decimal import Decimal

from pmenomssl.sandbox.cli import SandboxCommand
from pmenomssl.sandbox.upstream.server import DEFAULT_USERNAME, UpstreamSandbox

COMMAND = SandboxCommand(
    prog="pmenomssl sandbox upstream",
    description="Serve a local upstream BILLmanager client API (out=xml) for tests and demos.",
    default_port=8766,
    login_option="--username",
    login_default=DEFAULT_USERNAME,
    login_help="the account's login",
    credential_file_option="--password-file",
    credential_name="password",
    default_balance=Decimal("10000.00"),
)


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = COMMAND.build_parser()
    parser.add_argument("--currency", default="RUB")
    parser.add_argument(
        "--activate-after",
        type=_non_negative,
        default=0,
        help="list reads after which an order becomes active (default 0: active at once)",
    )
    return parser


def _banner(sandbox: UpstreamSandbox, password_line: str) -> list[str]:
    """How to connect."""
    return [
        f"Upstream BILLmanager sandbox: {sandbox.url}",
        f"username: {sandbox.username}",
        f"password: {password_line}",
    ]


def main(argv: list[str] | None = None) -> int:
    """`pmenomssl sandbox upstream [--port N] [--password-file F] ...`."""
    args = build_parser().parse_args(argv)
    return COMMAND.main(
        args,
        lambda password: UpstreamSandbox(
            args.balance,
            args.currency,
            username=args.username,
            password=password,
            activate_after=args.activate_after,
            host=args.host,
            port=args.port,
        ),
        _banner,
    )
