"""What `pmenomssl check` and `pmbillreseller check` share: the --help examples, how the URL
under test is shown, and running the handler's own check_connection by hand."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pmenomssl import urls
from pmenomssl.cli.common import wrapped
from pmenomssl.cli.password import scripted_examples

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmenomssl.errors import ModuleError
    from pmenomssl.handlers.base import Context, Output

logger = logging.getLogger(__name__)


def check_examples(
    prog: str, typed_in: str, *, typed_in_note: str, env: str, from_file: str, exit_status: str
) -> str:
    """The --help epilog of `<prog> check`: `typed_in` (a command line with its login) with the
    password prompted for, then from a script, then a module's stored settings."""
    return (
        f"examples:\n  # {typed_in_note}\n  {typed_in}\n\n"
        f"{scripted_examples(typed_in, env=env, from_file=from_file)}\n"
        f"  # the settings BILLmanager stores for processing module 3\n"
        f"  {prog} check --module 3\n\n"
        f"exit status: {exit_status}\n"
    )


def shown_url(url: str) -> str:
    """`url` as the output may quote it: one with a password in it never appears (the handler's
    check_connection refuses such a URL anyway)."""
    return "a URL not shown (it holds a password)" if urls.credentials_in_url(url) else url


def refused_connection(
    check_connection: Callable[[Context], Output], ctx: Context, *, asking: str, where: str
) -> ModuleError | None:
    """Run the handler's check_connection under the progress line `asking`: None when it
    accepts, else its error, logged and shown as `FAILED (<where>): …`."""
    from pmenomssl.errors import ModuleError
    from pmenomssl.operator.progress import Progress

    with Progress(asking):
        try:
            check_connection(ctx)
        except ModuleError as exc:
            failure: ModuleError | None = exc
        else:
            failure = None
        finally:
            if ctx.billing_started:
                ctx.billing.close()
    if failure is not None:
        logger.error("check of %s failed: %s (%s)", where, failure.desc, failure.error_type)
        print(wrapped(failure.desc, f"FAILED ({where}): "))
    return failure
