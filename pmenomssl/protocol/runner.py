"""One run of the module: `pmNAME --command NAME [options]`, as BILLmanager starts it.

stdout carries exactly one XML document or nothing; every failure ends in BILLmanager's error
XML and exit status 1, and, for a background operation, in its running operation's error report
(with escalation to a manual task once BILLmanager has retried enough).

Start-up (issue 16): `features` runs at every panel start and `approver` while a client types an
order, so what this module imports at the top is what they need, nothing more: no `logging`
(pmenomssl.log writes the runner's lines itself), no `contextlib`, `pathlib` or `signal`, and
lxml only where a document is parsed, an lxml document is returned or an error is reported.
A fresh prepared `features` document is copied out before the handler is even loaded
(pmenomssl.protocol.prepared). tests/protocol/test_startup.py keeps the import list honest.
"""

from __future__ import annotations

import os
import sys
import time

from pmenomssl import config
from pmenomssl import log as modlog
from pmenomssl.errors import ModuleError
from pmenomssl.protocol import args as protocol_args
from pmenomssl.protocol import prepared
from pmenomssl.protocol.args import Invocation, ProtocolError
from pmenomssl.protocol.commands import EMPTY_ANSWER, is_known, spec
from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import BinaryIO

    from pmenomssl.handlers.base import Context, Handler, Output


class UnexpectedError(ModuleError):
    error_type = "unknown"


def run(argv: list[str], stdin: BinaryIO, stdout: BinaryIO, handler: Handler | None = None) -> int:
    """Run one protocol command; returns the process exit status."""
    started = time.monotonic()
    name = config.module_name()
    log_file = modlog.start(name)
    invocation = Invocation()
    context: Context | None = None
    try:
        invocation = protocol_args.parse(argv)
        modlog.register_secret(invocation.password)
        modlog.set_context(
            invocation.command, invocation.item, invocation.runningoperation, invocation.module
        )
        if modlog.enabled(modlog.DEBUG):
            modlog.write(modlog.DEBUG, f"run with: {invocation.redacted()}")
            if invocation.unknown:
                modlog.write(
                    modlog.DEBUG,
                    "ignoring options BILLmanager passed that this module does not use: "
                    + " ".join(invocation.unknown),
                )
        _check_required(invocation)
        prepared_path: str | None = None
        if invocation.command == "features" and handler is None:
            prepared_path = prepared.path_for(config.var_dir_text(), name)
            copy = prepared.read(prepared_path, config.handler_name())
            if copy is not None:
                _answer(stdout, copy)
                _done(invocation.command, started, " (prepared document)")
                return 0
        if handler is None:
            from pmenomssl.handlers import load_handler

            handler = load_handler(config.handler_name())
        context = _context(invocation, name, started)
        if spec(invocation.command).local:
            output = _dispatch(handler, context, stdin, prepared_path)
        else:
            from pmenomssl.protocol import limits

            budget = context.deadline - started
            with limits.alarm_at(budget + limits.ALARM_GRACE_SECONDS, invocation.command):
                output = _dispatch(handler, context, stdin, prepared_path)
        if output is not None:
            _answer(stdout, output)
        if not spec(invocation.command).local:  # panel-time commands never register a problem
            from pmenomssl.protocol import problems

            problems.clear_after(context)
        _done(invocation.command, started)
        return 0
    except ModuleError as error:
        modlog.write(
            modlog.ERROR,
            f"{invocation.command or 'run'} failed: {error.desc} ({error.error_type})",
        )
        _report(error, None, invocation, handler, context, stdout)
        if context is not None:
            from pmenomssl.protocol import problems

            problems.register(context, error)
        return 1
    except Exception as exc:  # the last line of defence: never a traceback on stdout/stderr
        import traceback

        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        modlog.write(
            modlog.ERROR,
            f"{invocation.command or 'run'} failed unexpectedly\n{trace.rstrip()}",
        )
        unexpected = UnexpectedError(
            f"The module failed unexpectedly ({type(exc).__name__}). The details are in the log "
            f"file {log_file}; please send it to the module's maintainers.",
            obj=invocation.command,
        )
        _report(unexpected, exc, invocation, handler, context, stdout)
        return 1


def _answer(stdout: BinaryIO, output: bytes) -> None:
    stdout.write(output)
    stdout.flush()


def _done(command: str, started: float, how: str = "") -> None:
    elapsed = (time.monotonic() - started) * 1000
    modlog.write(modlog.EXTINFO, f"{command} done in {elapsed:.0f}ms{how}")


def _context(invocation: Invocation, name: str, started: float) -> Context:
    from pmenomssl.handlers.base import Context
    from pmenomssl.protocol.limits import deadline_for

    return Context(
        invocation,
        module_name=name,
        deadline=started + deadline_for(invocation.command),
    )


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


def _dispatch(
    handler: Handler, context: Context, stdin: BinaryIO, prepared_path: str | None
) -> bytes | None:
    command = context.args.command
    if command == "features":
        from pmenomssl.protocol.features import compute_and_prepare, features_document

        if prepared_path is None:  # a handler given by the caller, not the configured one
            return features_document(handler).to_bytes()
        return compute_and_prepare(handler, config.handler_name(), prepared_path)
    method = handler.method_for(command)
    if method is None and command == "get_suitable_module":
        from pmenomssl.protocol.suitable import get_suitable_module

        method = get_suitable_module
    if method is None and not is_known(command):
        modlog.write(
            modlog.INFO,
            f"{command}: a command this module does not know (a newer BILLmanager's?); "
            "answered with an empty document, as ISP's own modules do",
        )
        return EMPTY_ANSWER
    if method is None:
        raise ProtocolError(
            f"This module does not implement the command {command!r}. Its commands are: "
            f"{', '.join(['features', *handler.commands()])}.",
            obj="command",
            value=command,
        )
    command_spec = spec(command)
    if command_spec.skipped_by_do_nothing and os.path.exists(config.do_nothing_path()):
        modlog.write(
            modlog.INFO,
            f"{command} skipped: {config.do_nothing_path()} exists (a staging copy of the "
            "billing must not touch providers)",
        )
        return None
    if command_spec.reads_stdin:
        data = _read_stdin(stdin)
        if data.strip() and command_spec.stdin_is_xml:
            from pmenomssl.protocol.xmldoc import parse_document

            context.document = parse_document(data, command)
    result = _call(method, context, command_spec.requires)
    if result is None:
        return None
    if isinstance(result, bytes):
        return result
    from pmenomssl.protocol.xmlwriter import Element

    if isinstance(result, Element):
        return result.to_bytes()
    from pmenomssl.protocol.xmldoc import serialize

    return serialize(result)


def _call(method: Callable[[Context], Output], context: Context, requires: str | None) -> Output:
    """Run the handler's method (under the item's lock when it works on an item), with stdout
    pointed at stderr: a handler that prints by mistake must not corrupt the one document."""
    saved_stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        if requires == "item" and context.args.item is not None:
            from pmenomssl.protocol import limits

            with limits.item_lock(context.module_name, context.args.item, context.deadline):
                return method(context)
        return method(context)
    finally:
        sys.stdout = saved_stdout


def _read_stdin(stdin: BinaryIO) -> bytes:
    """Read the whole document, but never wait on a terminal."""
    try:
        if os.isatty(stdin.fileno()):
            return b""
    except (AttributeError, ValueError, OSError):
        pass
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
            modlog.write(
                modlog.ERROR,
                f"could not report the error to running operation {ro}: {report_error}",
            )
    try:
        from pmenomssl.protocol.xmldoc import error_document

        stdout.write(error_document(error, invocation.lang))
        stdout.flush()
    except (OSError, ValueError) as write_error:
        modlog.write(modlog.ERROR, f"could not write the error document: {write_error}")


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
        modlog.write(
            modlog.INFO, f"running operation {ro}: try {tries} of {limit}, BILLmanager will retry"
        )
        return
    # The task's params stay empty (module.cpp's default): the error is in the running
    # operation's report already, which is where staff read it.
    if billing.escalate(invocation.item, ro, invocation.command):
        modlog.write(
            modlog.WARNING,
            f"running operation {ro} failed {tries} times: handed to staff as a manual task",
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
            modlog.write(
                modlog.INFO, f"the module of item {context.args.item} is unknown: {exc.desc}"
            )
    if context.module_id is not None:
        try:
            name = context.billing.module(context.module_id).name.strip()
        except ModuleError as exc:
            modlog.write(
                modlog.INFO, f"module {context.module_id}'s display name is unreadable: {exc.desc}"
            )
        else:
            if name:
                return name
    return context.module_name
