"""The HTTP side of the upstream sandbox: `/billmgr`, fault injection and the `/_sandbox/` API.

    with UpstreamSandbox(balance=Decimal("10000"), currency="RUB") as up:
        client = UpstreamClient(up.url, up.username, up.password)
        up.fault("v2.vds.order.param", "reset_after")
        ...
        assert up.calls["v2.vds.order.param"] == 1 and len(up.orders) == 1

`/billmgr` answers GET and POST; parameters come from the form body and the query string (the
body wins), `authinfo=user:password` included, as a real BILLmanager accepts both. Anything but
`out=xml` gets the HTML login page, as the real panel would serve.

Admin API (JSON; for `pmenomssl sandbox upstream` driven from curl or another process; it never
returns the password):
    GET    /_sandbox/state                 balance, settings, calls, orders, prolongs, services
    POST   /_sandbox/configure             {"balance": "10.00", "two_factor": true,
                                            "ip_restricted": true, "level": "admin",
                                            "activate_after": 2, "whoami_balance": false,
                                            "two_factor_ok": true}
    GET    /_sandbox/fault                 armed faults
    POST   /_sandbox/fault                 {"func": "service.prolong", "kind": "reset_after",
                                            "times": 1}   (func null or absent: any function)
    DELETE /_sandbox/fault                 disarm all
    POST   /_sandbox/activate/<id>         make a service active (issue the certificate)
    POST   /_sandbox/status/<id>           {"status": 3}
    POST   /_sandbox/services              {"itemtype": "vds", "pricelist": "21", "period": 1,
                                            "remoteid": "", "status": 2} -> an existing service
"""

from __future__ import annotations

import collections
import datetime
import logging
import secrets
import select
import socket
import threading
from decimal import Decimal
from typing import Any

from pmenomssl.sandbox.http import AdminAnswer, LoopbackSandbox, SandboxHandler, SandboxServer
from pmenomssl.sandbox.upstream import functions
from pmenomssl.sandbox.upstream.faults import Fault, Faults
from pmenomssl.sandbox.upstream.services import (
    ACTIVE,
    OrderRecord,
    ProlongRecord,
    SandboxService,
    service_json,
)
from pmenomssl.sandbox.upstream.state import UpstreamState

logger = logging.getLogger(__name__)

API_PATH = "/billmgr"
MAX_REQUEST_BYTES = 4 * 1024 * 1024
# A hanging ("timeout") request gives up on its own after this long, whatever the client does.
MAX_HANG_SECONDS = 300.0
DEFAULT_USERNAME = "reseller"

HTML_500 = b"""<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Internal Server Error</h1><hr><address>nginx</address></body></html>
"""
# What BILLmanager's panel serves a request without a session: its login form.
HTML_LOGIN = b"""<!DOCTYPE html>
<html><head><title>BILLmanager</title></head>
<body><form method="post" action="/billmgr"><input name="username"><input name="password"
type="password"><input type="hidden" name="func" value="auth"><button>Log in</button></form>
</body></html>
"""
HTML_404 = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n"


class _Handler(SandboxHandler):
    server: SandboxServer[UpstreamSandbox]
    server_version = "nginx"  # what fronts a real BILLmanager panel
    # log_message stays silent (SandboxHandler): the query string may carry authinfo.
    max_request_bytes = MAX_REQUEST_BYTES
    params_body_first = True  # the body wins, as a real BILLmanager reads it
    params_fold_case = False  # BILLmanager's parameter names are case-sensitive
    params_skip_multipart = False  # every body is read as form data
    admin_faults_route = "fault"

    # --- plumbing -----------------------------------------------------------------------------

    def _hang(self) -> None:
        """Answer nothing until the client closes the connection or the sandbox stops."""
        self.close_connection = True
        stopping = self.server.sandbox.stopping
        waited = 0.0
        while not stopping.wait(0.05) and waited < MAX_HANG_SECONDS:
            waited += 0.05
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return  # the client gave up and closed its end
                except OSError:
                    return

    def _route(self, method: str, path: str, body: bytes) -> None:
        if path.rstrip("/") == API_PATH and method != "DELETE":
            self._api(body)
        else:
            self._send(404, HTML_404, "text/html")

    # --- /billmgr -----------------------------------------------------------------------------

    def _api(self, body: bytes) -> None:
        sandbox = self.server.sandbox
        params = self._params(body)
        func = params.get("func", "")
        state = sandbox.state
        with state.lock:
            state.calls[func] += 1
            if params.get("sok") == "ok":
                state.submitted[func] += 1
        fault = sandbox.faults.take(func, submitted=params.get("sok") == "ok")
        reply = b""
        if params.get("out") != "xml":
            reply = HTML_LOGIN
        elif fault is None or fault.takes_effect:
            with state.lock:  # one call at a time: calls are atomic, as upstream's are
                reply = functions.execute(state, params)
        logger.debug("upstream sandbox %s%s", func, f" fault={fault.kind}" if fault else "")
        self._answer(reply, fault)

    def _answer(self, reply: bytes, fault: Fault | None) -> None:
        kind = fault.kind if fault else ""
        if kind in ("reset_before", "reset_after"):
            self._reset()
        elif kind == "timeout":
            self._hang()
        elif kind == "http_500":
            self._send(500, HTML_500, "text/html")
        elif kind == "html" or reply == HTML_LOGIN:
            self._send(200, HTML_LOGIN, "text/html; charset=utf-8")
        elif kind == "truncated":
            self._send(200, _truncated(reply), "text/xml; charset=UTF-8")
        else:
            self._send(200, reply, "text/xml; charset=UTF-8")

    # --- admin --------------------------------------------------------------------------------

    def _arm_fault(self, data: dict[str, Any]) -> Fault:
        times = data.get("times", 1)
        return self.server.sandbox.fault(
            data.get("func"), str(data["kind"]), None if times is None else int(times)
        )

    def _admin_route(
        self, method: str, parts: list[str], data: dict[str, Any]
    ) -> AdminAnswer | None:
        sandbox = self.server.sandbox
        if parts == ["configure"] and method == "POST":
            _configure_from_json(sandbox, data)
            return 200, sandbox.state.snapshot()
        if len(parts) == 2 and parts[0] == "activate" and method == "POST":
            return 200, service_json(sandbox.activate(parts[1]))
        if len(parts) == 2 and parts[0] == "status" and method == "POST":
            return 200, service_json(sandbox.set_status(parts[1], int(data["status"])))
        if parts == ["services"] and method == "POST":
            expiredate = data.get("expiredate")
            service_id = sandbox.add_service(
                str(data["itemtype"]),
                str(data["pricelist"]),
                int(data["period"]),
                remoteid=str(data.get("remoteid", "")),
                status=int(data.get("status", ACTIVE)),
                expiredate=datetime.date.fromisoformat(expiredate) if expiredate else None,
            )
            return 201, {"id": service_id}
        return None

    def _admin_error(self, error: Exception, parts: list[str]) -> AdminAnswer:
        if isinstance(error, KeyError):  # an unknown service, or a field left out
            return 404 if parts[:1] in (["activate"], ["status"]) else 400, {"error": str(error)}
        return super()._admin_error(error, parts)


def _truncated(reply: bytes) -> bytes:
    """The reply cut halfway through `<doc>` (short replies would lose only the declaration)."""
    start = max(reply.find(b"<doc"), 0)
    return reply[: start + (len(reply) - start) // 2]


def _configure_from_json(sandbox: UpstreamSandbox, data: dict[str, object]) -> None:
    """POST /_sandbox/configure: the same settings as `configure()`, checked strictly."""
    flags = ("two_factor", "ip_restricted", "whoami_balance", "two_factor_ok")
    known = {*flags, "level", "balance", "activate_after"}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; known: {sorted(known)}")
    for name in flags:
        if name in data and not isinstance(data[name], bool):
            raise ValueError(f"{name} must be true or false")
    activate_after = data.get("activate_after")
    if activate_after is not None and not isinstance(activate_after, int):
        raise ValueError("activate_after must be a whole number")
    balance = data.get("balance")
    sandbox.configure(
        two_factor=_flag(data, "two_factor"),
        ip_restricted=_flag(data, "ip_restricted"),
        whoami_balance=_flag(data, "whoami_balance"),
        two_factor_ok=_flag(data, "two_factor_ok"),
        level=None if data.get("level") is None else str(data["level"]),
        balance=None if balance is None else Decimal(str(balance)),
        activate_after=activate_after,
    )


def _flag(data: dict[str, object], name: str) -> bool | None:
    value = data.get(name)
    return value if isinstance(value, bool) else None


class UpstreamSandbox(LoopbackSandbox):
    """A stateful upstream BILLmanager client API on 127.0.0.1, served from a thread."""

    api_path = API_PATH
    thread_name = "upstream-sandbox"
    state: UpstreamState
    faults: Faults

    def __init__(
        self,
        balance: Decimal = Decimal("10000.00"),
        currency: str = "RUB",
        *,
        username: str = DEFAULT_USERNAME,
        password: str | None = None,
        activate_after: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.state = UpstreamState(
            username, password or secrets.token_urlsafe(18), balance, currency
        )
        self.state.settings.activate_after = activate_after
        self.faults = Faults()
        # Set on stop: "timeout" faults stop hanging, so shutting down never waits for them.
        self.stopping = threading.Event()
        super().__init__(host, port, _Handler)

    # --- where and who (host, port, base_url, url: LoopbackSandbox) -------------------------------

    @property
    def username(self) -> str:
        return self.state.username

    @property
    def password(self) -> str:
        return self.state.password

    # --- what happened (calls: LoopbackSandbox) ---------------------------------------------------

    @property
    def orders(self) -> list[OrderRecord]:
        """Paid orders (a copy), one per order that charged."""
        with self.state.lock:
            return list(self.state.orders)

    @property
    def prolongs(self) -> list[ProlongRecord]:
        """Paid prolongs (a copy)."""
        with self.state.lock:
            return list(self.state.prolongs)

    @property
    def submitted(self) -> collections.Counter[str]:
        """Calls per function submitted with sok=ok (a copy): an order function without sok is
        only the order form, which `calls` counts too."""
        with self.state.lock:
            return collections.Counter(self.state.submitted)

    @property
    def balance(self) -> Decimal:
        with self.state.lock:
            return self.state.balance

    def services(self, itemtype: str | None = None) -> list[SandboxService]:
        """Copies of the services (of one item type), oldest first."""
        return self.state.snapshot_services(itemtype)

    def service(self, service_id: str) -> SandboxService:
        """A copy of one service (KeyError if unknown)."""
        found = [s for s in self.services() if s.id == str(service_id)]
        if not found:
            raise KeyError(f"no upstream service {service_id!r}")
        return found[0]

    # --- steering -----------------------------------------------------------------------------

    def configure(
        self,
        *,
        two_factor: bool | None = None,
        ip_restricted: bool | None = None,
        level: str | None = None,
        balance: Decimal | str | None = None,
        activate_after: int | None = None,
        whoami_balance: bool | None = None,
        two_factor_ok: bool | None = None,
    ) -> None:
        """Change the account; None leaves a setting as it is. `activate_after` applies to
        services ordered from now on."""
        state = self.state
        with state.lock:
            settings = state.settings
            if two_factor is not None:
                settings.two_factor = bool(two_factor)
            if ip_restricted is not None:
                settings.ip_restricted = bool(ip_restricted)
            if level is not None:
                settings.level = str(level)
            if balance is not None:
                state.balance = Decimal(str(balance))
            if activate_after is not None:
                if int(activate_after) < 0:
                    raise ValueError("activate_after must be >= 0")
                settings.activate_after = int(activate_after)
            if whoami_balance is not None:
                settings.whoami_balance = bool(whoami_balance)
            if two_factor_ok is not None:
                # The account's 2FA as reported: every call answers a bare <ok/>.
                settings.two_factor_ok = bool(two_factor_ok)

    def fault(self, func: str | None, kind: str, times: int | None = 1) -> Fault:
        """Arm a fault for the next `times` calls of `func` (None: any); see `faults.py`."""
        return self.faults.add(func, kind, times)

    def set_status(self, service_id: str, status: int) -> SandboxService:
        return self.state.set_status(str(service_id), status)

    def activate(self, service_id: str) -> SandboxService:
        """Active now, expiry from today; a certificate gets its X.509 issued."""
        return self.state.activate(str(service_id))

    def add_service(
        self,
        itemtype: str,
        pricelist: str,
        period: int,
        remoteid: str = "",
        status: int = ACTIVE,
        expiredate: datetime.date | None = None,
    ) -> str:
        """A service that already exists upstream (nothing charged); returns its id."""
        return self.state.add_service(
            itemtype,
            str(pricelist),
            period,
            remoteid=remoteid,
            status=status,
            expiredate=expiredate,
        ).id

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> UpstreamSandbox:
        if self._thread is None:
            self.stopping.clear()
        return super().start()

    def stop(self) -> None:
        self.stopping.set()  # first, so that hanging "timeout" requests end before shutdown
        super().stop()
