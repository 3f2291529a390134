"""The smallest complete handler: everything a third kind of module writes, and nothing more.

It "resells" greetings: `open` gives the item its greeting (an item param) and tells
BILLmanager the service is open; `close` tells BILLmanager it is closed. The framework does the
rest: argv and stdin, the per-item lock, the log, `features` (from the declarations and the
commands named below), the item and its params (`Service`), writes that skip unchanged values,
and BILLmanager's error XML for a `ModuleError`. A package registers its handler in the
entry-point group `pmenomssl.handlers` under the executable's name; test_example_handler.py
does exactly that with a throw-away distribution and runs it through the real executable.

A handler that resells from a provider account starts from `ProviderHandler` instead
(pmenomssl/handlers/connection.py: the connection form, tune_connection) and gives its
`Service` subclass a `connect`; enomssl and billreseller are the full-size examples.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.base import Handler
from pmenomssl.handlers.service import Service

HERE = "tests.framework.example_handler"
NAME_PARAM = "greeting_name"
GREETING_PARAM = "greeting"


class NoNameError(ModuleError):
    # BILLmanager shows `msg_error_example_no_name` of the module's XML for this type.
    error_type = "example_no_name"


class ExampleHandler(Handler):
    itemtypes = ("example",)
    service_commands = MappingProxyType(
        {"open": f"{HERE}:open_service", "close": f"{HERE}:close_service"}
    )


def open_service(svc: Service[Any]) -> None:
    name = svc.param(NAME_PARAM)
    if not name:
        raise NoNameError(
            f"Service {svc.id} has no {NAME_PARAM} param: set it in the order form, then retry.",
            obj=NAME_PARAM,
            value=str(svc.id),
        )
    svc.save(GREETING_PARAM, f"Hello, {name}!")
    svc.post("open")


def close_service(svc: Service[Any]) -> None:
    svc.post("close")
