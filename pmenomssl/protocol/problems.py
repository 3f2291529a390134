"""Connection and login failures as an admin problem in BILLmanager, cleared by a passing check.

Source: ISPsystem's TheSSLStore module (`module.cpp` RegisterModuleErrorProblem): when a command
of a known processing module fails with a connection ("client") or login ("auth") error, it
calls `problems.register name=processingmodule_connect id=<module> param_pm_name=<module's
name> param_pm_id=<module> param_errormsg=<message> level=error`, so the admin sees it on the
panel's start page rather than only in one service's operation.

CHOICE (no source shows a module clearing its problem): a passing `check_connection` or
`getbalance` of that module calls BillingGateway.clear_problem (its function name is the
gateway's PROBLEM_CLEAR_FUNC, UNCONFIRMED), only when this module registered one (a marker
file `$ROOT/var/<name>.problem.<module id>`), so a healthy module costs no extra call. Neither
call may fail the command: a BILLmanager that refuses them only costs a log line.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.base import Context

logger = logging.getLogger(__name__)

#: module.cpp's PROBLEM_PROCESSINGMODULE_CONNECT (defines.h).
CONNECT_PROBLEM = "processingmodule_connect"

#: The error types that are module.cpp's "client" (cannot talk to the provider) and "auth"
#: (the provider refuses the login) errors, for both handlers' providers.
CONNECTION_ERROR_TYPES = frozenset(
    {
        "invalid_login_or_passwd",
        "enom_ip_not_allowed",
        "enom_unreachable",
        "enom_bad_response",
        "upstream_auth",
        "upstream_ip_restricted",
        "upstream_two_factor",
        "upstream_unreachable",
        "upstream_bad_response",
        "upstream_not_billmanager",
    }
)

#: Commands whose success shows that the module's connection works again.
CHECK_COMMANDS = frozenset({"check_connection", "getbalance"})


def module_of(context: Context) -> int | None:
    """The processing module the command ran for: known from the item or `--module`, or for
    check_connection the form's `processingmodule/id` (GlobalSign's check reads it there)."""
    if context.module_id is not None:
        return context.module_id
    doc = context.document
    text = (doc.findtext("processingmodule/id") or "").strip() if doc is not None else ""
    return int(text) if text.isdigit() else None


def _marker(context: Context, module_id: int) -> Path:
    return context.root / "var" / f"{context.module_name}.problem.{module_id}"


def register(context: Context, error: ModuleError) -> None:
    """problems.register for a connection or login failure of a known module. Never raises:
    the command's own error has been reported already."""
    try:
        _register(context, error)
    except Exception:  # a bug here must not replace the command's outcome
        logger.exception("registering the admin problem failed")


def clear_after(context: Context) -> None:
    """After a passing check of a known module: its connection problem is over. Never raises:
    the command's answer has been written already."""
    try:
        _clear_after(context)
    except Exception:  # a bug here must not turn a success into a second document
        logger.exception("clearing the admin problem failed")


def _register(context: Context, error: ModuleError) -> None:
    module_id = module_of(context)
    if error.error_type not in CONNECTION_ERROR_TYPES or module_id is None:
        return
    try:
        billing = context.billing
        name = billing.module(module_id).name
        billing.register_problem(CONNECT_PROBLEM, module_id, name, error.desc)
        logger.info("admin problem %s registered for module %s", CONNECT_PROBLEM, module_id)
    except ModuleError as exc:
        logger.warning("could not register the admin problem: %s", exc.desc)
        return
    with contextlib.suppress(OSError):
        _marker(context, module_id).touch()


def _clear_after(context: Context) -> None:
    module_id = module_of(context)
    if context.args.command not in CHECK_COMMANDS or module_id is None:
        return
    marker = _marker(context, module_id)
    if not marker.exists():
        return
    try:
        context.billing.clear_problem(CONNECT_PROBLEM, module_id)
    except ModuleError as exc:
        logger.info("could not clear the admin problem: %s", exc.desc)
        return
    logger.info("admin problem %s of module %s cleared", CONNECT_PROBLEM, module_id)
    with contextlib.suppress(OSError):
        marker.unlink()
