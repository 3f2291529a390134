"""One run of the module: `pmNAME --command NAME [options]`, as BILLmanager starts it.

stdout carries exactly one XML document or nothing; every failure ends in BILLmanager's error
XML and exit status 1, and, for a background operation, in its running operation's error report
(with escalation to a manual task once BILLmanager has retried enough).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time

from pmenomssl import config
from pmenomssl import log as modlog
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.base import Context, Handler
from pmenomssl.protocol import args as protocol_args
from pmenomssl.protocol import limits, problems
from pmenomssl.protocol.args import Invocation, ProtocolError
from pmenomssl.protocol.commands import spec

# lxml (pmenomssl.protocol.xmldoc) is imported only where a document is parsed, an lxml
# document is returned, or an error is reported: `features` and `approver` never need it.

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see pmenomssl.records)
if TYPE_CHECKING:
    from typing import BinaryIO

logger = logging.getLogger(__name__)


class UnexpectedError(ModuleError):
    error_type = "unknown"


def run(argv: list[str], stdin: BinaryIO, stdout: BinaryIO, handler: Handler | None = None) -> int:
    """Run one protocol command; returns the process exit status."""
    name = config.module_name()
    log_file = modlog.setup(name)
    started = time.monotonic()
    invocation = Invocation()
    context: Context | None = None
    try:
        invocation = protocol_args.parse(argv)
        modlog.register_secret(invocation.password)
        modlog.set_context(
            invocation.command, invocation.item, invocation.runningoperation, invocation.module
        )
        logger.debug("run with: %s", invocation.redacted())
        _check_required(invocation)
        if handler is None:
            from pmenomssl.handlers import load_handler

            handler = load_handler(config.handler_name())
        budget = limits.deadline_for(invocation.command)
        context = Context(
            invocation,
            module_name=name,
            root=config.mgr_root(),
            deadline=started + budget,
        )
        with limits.alarm_at(budget + limits.ALARM_GRACE_SECONDS, invocation.command):
            output = _dispatch(handler, context, stdin)
        if output is not None:
            stdout.write(output)
            stdout.flush()
        problems.clear_after(context)
        logger.log(modlog.EXTINFO, "%s done in %.0fms", invocation.command, _ms_since(started))
        return 0
    except ModuleError as error:
        logger.error(
            "%s failed: %s (%s)", invocation.command or "run", error.desc, error.error_type
        )
        _report(error, None, invocation, handler, context, stdout)
        if context is not None:
            problems.register(context, error)
        return 1
    except Exception as exc:  # the last line of defence: never a traceback on stdout/stderr
        logger.exception("%s failed unexpectedly", invocation.command or "run")
        unexpected = UnexpectedError(
            f"The module failed unexpectedly ({type(exc).__name__}). The details are in the log "
            f"file {log_file}; please send it to the module's maintainers.",
            obj=invocation.command,
        )
        _report(unexpected, exc, invocation, handler, context, stdout)
        return 1


def _check_required(invocation: Invocation) -> None:
    if not invocation.command:
        raise ProtocolError(
            "No --command given. BILLmanager runs the module as "
            "`pmNAME --command <name> [options]`; try --command features.",
            obj="command",
        )
    required = spec(invocation.command).requires
    if required and getattr(invocation, required) is None:
        raise ProtocolError(
            f"Command {invocation.command} needs --{required} <id>.",
            obj=required,
        )


def _dispatch(handler: Handler, context: Context, stdin: BinaryIO) -> bytes | None:
    command = context.args.command
    if command == "features":
        from pmenomssl.protocol.features import features_document

        return features_document(handler).to_bytes()
    method = handler.method_for(command)
    if method is None:
        raise ProtocolError(
            f"This module does not implement the command {command!r}. Its commands are: "
            f"{', '.join(['features', *handler.commands()])}.",
            obj="command",
            value=command,
        )
    command_spec = spec(command)
    if command_spec.skipped_by_do_nothing and config.do_nothing_path().exists():
        logger.info(
            "%s skipped: %s exists (a staging copy of the billing must not touch providers)",
            command,
            config.do_nothing_path(),
        )
        return None
    if command_spec.reads_stdin:
        data = _read_stdin(stdin)
        if data.strip() and command_spec.stdin_is_xml:
            from pmenomssl.protocol.xmldoc import parse_document

            context.document = parse_document(data, command)
    item_lock = (
        limits.item_lock(context.module_name, context.args.item, context.deadline)
        if command_spec.requires == "item" and context.args.item is not None
        else contextlib.nullcontext()
    )
    # A handler that prints by mistake must not corrupt the one document on stdout.
    with item_lock, contextlib.redirect_stdout(sys.stderr):
        result = method(context)
    if result is None:
        return None
    if isinstance(result, bytes):
        return result
    from pmenomssl.protocol.xmlwriter import Element

    if isinstance(result, Element):
        return result.to_bytes()
    from pmenomssl.protocol.xmldoc import serialize

    return serialize(result)


def _read_stdin(stdin: BinaryIO) -> bytes:
    """Read the whole document, but never wait on a terminal."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        if os.isatty(stdin.fileno()):
            return b""
    return stdin.read()


def _report(
    error: ModuleError,
    exc: BaseException | None,
    invocation: Invocation,
    handler: Handler | None,
    context: Context | None,
    stdout: BinaryIO,
) -> None:
    ro = invocation.runningoperation
    if ro is not None and context is not None:
        try:
            _report_running_operation(error, exc, invocation, handler, context, ro)
        except Exception as report_error:  # the original error still reaches stdout
            logger.error("could not report the error to running operation %s: %s", ro, report_error)
    try:
        from pmenomssl.protocol.xmldoc import error_document

        stdout.write(error_document(error, invocation.lang))
        stdout.flush()
    except (OSError, ValueError) as write_error:
        logger.error("could not write the error document: %s", write_error)


def _report_running_operation(
    error: ModuleError,
    exc: BaseException | None,
    invocation: Invocation,
    handler: Handler | None,
    context: Context,
    ro: int,
) -> None:
    from pmenomssl.protocol.xmldoc import running_operation_report

    billing = context.billing
    display_name = _display_name(context)  # finds context.module_id by the item too
    report = running_operation_report(
        error,
        module_id=context.module_id,
        module_name=display_name,
        log_tail=modlog.tail(),
        exc=exc,
    )
    billing.runningoperation_error(ro, report)
    if invocation.item is None:
        return
    limit = spec(invocation.command).default_max_tries
    if handler is not None:
        limit = handler.max_tries.get(invocation.command, limit)
    tries = billing.trycount(ro)
    if tries < limit:
        logger.info("running operation %s: try %s of %s, BILLmanager will retry", ro, tries, limit)
        return
    # The task's params stay empty (module.cpp's default): the error is in the running
    # operation's report already, which is where staff read it.
    if billing.escalate(invocation.item, ro, invocation.command):
        logger.warning(
            "running operation %s failed %s times: handed to staff as a manual task", ro, tries
        )


def _display_name(context: Context) -> str:
    """The name the panel shows for the processing module (`processingmodule.name`, as
    module.cpp's ModuleError::SetProcessingModule writes it; the module found by the item when
    the command has no --module, like SetProcessingModuleByItem); the executable's name when
    the module is not known or cannot be read. Sets `context.module_id` when found."""
    if context.module_id is None and context.args.item is not None:
        try:
            context.module_id = context.billing.item(context.args.item).processingmodule
        except ModuleError as exc:
            logger.info("the module of item %s is unknown: %s", context.args.item, exc.desc)
    if context.module_id is not None:
        try:
            name = context.billing.module(context.module_id).name.strip()
        except ModuleError as exc:
            logger.info("module %s's display name is unreadable: %s", context.module_id, exc.desc)
        else:
            if name:
                return name
    return context.module_name


def _ms_since(started: float) -> float:
    return (time.monotonic() - started) * 1000
