"""The HTTP side of the sandbox: `/interface.asp`, fault injection and the `/_sandbox/` admin API.

    with EnomSandbox(balance=Decimal("100.00")) as sb:
        client = EnomClient(sb.url, sb.uid, sb.pw)
        sb.faults.add("reset_after", command="PurchaseServices")
        ...
        assert sb.calls["PurchaseServices"] == 1 and len(sb.purchases) == 1

Admin API (JSON; for `pmenomssl sandbox enom` driven from curl or another process; it never
returns the password):
    GET    /_sandbox/state                  balance, calls, purchases, certificates, policy
    GET    /_sandbox/faults                 armed faults
    POST   /_sandbox/faults                 {"kind": "reset_after", "command": "...", "times": 1,
                                             "seconds": 1.0, "size": 1000}
    DELETE /_sandbox/faults                 disarm all
    POST   /_sandbox/config                 {"balance": "10.00", "available_balance": "10.00",
                                             "ip_allowlist": ["10.0.0.1"] | null,
                                             "polls_before_issue": 0, "seconds_before_issue": null,
                                             "issue_immediately": true, "reject_domains": [...],
                                             "utc_offset_hours": -8, "seconds_before_midnight": 5,
                                             "lower_case_tags": false}
    POST   /_sandbox/certs/<id>/<action>    action: issue | reject | refund
    POST   /_sandbox/seed                   {"n": 100, "status_id": 4, "product": "..."}
"""

from __future__ import annotations

import logging
import secrets
import time
from decimal import Decimal
from typing import Any

from pmenomssl.sandbox.enom import commands, render
from pmenomssl.sandbox.enom.certificates import ISSUED, PurchaseRecord
from pmenomssl.sandbox.enom.errors import EnomError
from pmenomssl.sandbox.enom.faults import DEFAULT_HUGE_SIZE, Fault, Faults
from pmenomssl.sandbox.enom.state import SandboxState
from pmenomssl.sandbox.http import AdminAnswer, LoopbackSandbox, SandboxHandler, SandboxServer

logger = logging.getLogger(__name__)

API_PATH = "/interface.asp"
MAX_REQUEST_BYTES = 1024 * 1024

HTML_500 = b"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">
<html><head><title>500 - Internal server error.</title></head>
<body><h1>Server Error</h1>
<h2>500 - Internal server error.</h2>
<h3>There is a problem with the resource you are looking for, and it cannot be displayed.</h3>
</body></html>
"""
HTML_PAGE = b"""<!DOCTYPE html>
<html><head><title>Network login required</title></head>
<body><p>Please log in to continue to the Internet.</p></body></html>
"""


class _Handler(SandboxHandler):
    server: SandboxServer[EnomSandbox]
    server_version = "Microsoft-IIS/10.0"  # what ENOM's interface.asp answers with
    # log_message stays silent (SandboxHandler): the request line of a GET carries uid/pw.
    max_request_bytes = MAX_REQUEST_BYTES
    params_body_first = False  # ENOM reads the query string first
    params_fold_case = True  # ENOM's parameter names are case-insensitive
    params_skip_multipart = True  # a multipart upload is not form data to ENOM
    admin_faults_route = "faults"
    admin_errors = (EnomError,)

    def _route(self, method: str, path: str, body: bytes) -> None:
        if path.lower() != API_PATH:
            self._send(404, b"not found\n", "text/plain")
        elif method == "DELETE":
            self._send(405, b"method not allowed\n", "text/plain")
        else:
            self._api(body)

    # --- interface.asp --------------------------------------------------------------------

    def _api(self, body: bytes) -> None:
        sandbox = self.server.sandbox
        params = self._params(body)
        command = commands.canonical(params.get("command", ""))
        client_ip = self.client_address[0]
        sandbox.state.count_call(command)
        delay, fault = sandbox.faults.take(command)
        started = time.monotonic()
        outcome: commands.Outcome | None = None
        if fault is None or fault.takes_effect:
            outcome = commands.execute(sandbox.state, params, client_ip)
        elif fault.kind in ("bad_credentials", "ip_not_allowed"):
            outcome = commands.auth_failure(command, fault.kind, client_ip)
        logger.debug(
            "sandbox %s %s%s",
            command,
            "error" if outcome is not None and outcome.errors else "ok",
            f" fault={fault.kind}" if fault else "",
        )
        if delay:
            time.sleep(max(0.0, delay - (time.monotonic() - started)))
        self._answer(outcome, fault)

    def _answer(self, outcome: commands.Outcome | None, fault: Fault | None) -> None:
        kind = fault.kind if fault else ""
        if kind == "reset_before" or kind == "reset_after":
            self._reset()
            return
        if kind == "http_500":
            self._send(500, HTML_500, "text/html")
            return
        if kind == "html_page":
            self._send(200, HTML_PAGE, "text/html; charset=utf-8")
            return
        assert outcome is not None
        xml = render.envelope(
            outcome.command,
            outcome.body,
            outcome.errors,
            outcome.responses,
            root="response" if kind == "wrong_root" else render.ROOT,
            done=kind != "done_missing",
            pad=fault.size if fault and kind == "huge" else 0,
            now=self.server.sandbox.state.now(),
            time_difference=self.server.sandbox.state.clock.time_difference(),
            lower_case=self.server.sandbox.state.lower_case_tags,
        )
        if kind == "truncated":
            xml = xml[: len(xml) // 2]
        elif kind == "empty":
            xml = b""
        if kind == "partial":
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(xml)))
            self.end_headers()
            self.wfile.write(xml[: len(xml) // 2])
            self.close_connection = True
            return
        self._send(200, xml, "text/xml; charset=utf-8")

    # --- admin ------------------------------------------------------------------------------

    def _arm_fault(self, data: dict[str, Any]) -> Fault:
        times = data.get("times", 1)
        return self.server.sandbox.faults.add(
            str(data["kind"]),
            command=data.get("command"),
            times=None if times is None else int(times),
            seconds=float(data.get("seconds", 1.0)),
            size=int(data.get("size", DEFAULT_HUGE_SIZE)),
        )

    def _admin_route(
        self, method: str, parts: list[str], data: dict[str, Any]
    ) -> AdminAnswer | None:
        sandbox = self.server.sandbox
        if parts == ["config"] and method == "POST":
            sandbox.configure(data)
            return 200, sandbox.state.snapshot()
        if parts == ["seed"] and method == "POST":
            ids = sandbox.state.seed_certificates(
                int(data.get("n", 10)),
                status_id=int(data.get("status_id", ISSUED)),
                product=str(data.get("product", "certificate-rapidssl-rapidssl")),
            )
            return 201, {"first": ids[0] if ids else None, "count": len(ids)}
        if len(parts) == 3 and parts[0] == "certs" and method == "POST":
            return 200, self._cert_action(int(parts[1]), parts[2])
        return None

    def _cert_action(self, cert_id: int, action: str) -> dict[str, object]:
        """POST /_sandbox/certs/<id>/<action>: what ENOM's side does to a certificate."""
        state = self.server.sandbox.state
        with state.lock:
            if action == "issue":
                cert = state.set_status(cert_id, ISSUED)
            elif action == "reject":
                cert = state.reject(cert_id)
            elif action == "refund":
                cert = state.refund(cert_id)
            else:
                raise ValueError(f"unknown action {action!r}: issue, reject, refund")
            return {"cert_id": cert.cert_id, "status_id": cert.status_id, "status": cert.status}

    def _admin_error(self, error: Exception, parts: list[str]) -> AdminAnswer:
        if isinstance(error, EnomError):  # an unknown certificate
            return 404, {"error": str(error)}
        return super()._admin_error(error, parts)


class EnomSandbox(LoopbackSandbox):
    """A local ENOM `interface.asp` on 127.0.0.1, served from a background thread."""

    api_path = API_PATH
    thread_name = "enom-sandbox"
    state: SandboxState
    faults: Faults

    def __init__(
        self,
        uid: str = "sandbox-uid",
        pw: str | None = None,
        balance: Decimal = Decimal("5000.00"),
        *,
        available_balance: Decimal | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        state: SandboxState | None = None,
    ) -> None:
        self.state = state or SandboxState(
            uid, pw or secrets.token_urlsafe(18), balance, available_balance
        )
        self.faults = Faults()
        super().__init__(host, port, _Handler)

    # --- public surface (host, port, base_url, url, calls: LoopbackSandbox) -----------------------

    @property
    def uid(self) -> str:
        return self.state.uid

    @property
    def pw(self) -> str:
        return self.state.pw

    @property
    def purchases(self) -> list[PurchaseRecord]:
        """The purchase ledger (a copy): one record per PurchaseServices that charged."""
        with self.state.lock:
            return list(self.state.purchases)

    def configure(self, data: dict[str, object]) -> None:
        """Apply an admin `config` document (see the module docstring)."""
        state = self.state
        with state.lock:
            if "balance" in data:
                state.balance = Decimal(str(data["balance"]))
            if "available_balance" in data:
                state.available_balance = Decimal(str(data["available_balance"]))
            if "ip_allowlist" in data:
                allow = data["ip_allowlist"]
                if allow is not None and not isinstance(allow, list):
                    raise ValueError("ip_allowlist must be a list or null")
                state.ip_allowlist = None if allow is None else {str(ip) for ip in allow}
            policy = state.policy
            if "polls_before_issue" in data:
                polls = data["polls_before_issue"]
                policy.polls_before_issue = None if polls is None else int(str(polls))
            if "seconds_before_issue" in data:
                secs = data["seconds_before_issue"]
                policy.seconds_before_issue = None if secs is None else float(str(secs))
            if "utc_offset_hours" in data:  # ENOM's clock (clock.py)
                state.clock.set_hours(float(str(data["utc_offset_hours"])))
            if "lower_case_tags" in data:  # documented lower-case answers (render.py)
                state.lower_case_tags = bool(data["lower_case_tags"])
            if "seconds_before_midnight" in data:  # ENOM's clock just before its midnight
                state.clock.set_before_midnight(float(str(data["seconds_before_midnight"])))
            if "issue_immediately" in data:
                policy.immediately = bool(data["issue_immediately"])
            if "reject_domains" in data:
                domains = data["reject_domains"]
                if not isinstance(domains, list):
                    raise ValueError("reject_domains must be a list")
                policy.reject_domains = {str(d).lower() for d in domains}

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()` is called from another one."""
        self._server.serve_forever(poll_interval=0.2)
