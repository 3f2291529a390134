"""Every command a handler names by "module:function" resolves, so a typo fails here and not
in BILLmanager's task list (the tables are imported only when a command runs)."""

from __future__ import annotations

import pytest

from pmenomssl.handlers.base import Handler, load_object
from pmenomssl.handlers.billreseller import BillResellerHandler
from pmenomssl.handlers.enomssl import EnomSslHandler
from pmenomssl.handlers.service import Service
from tests.framework.example_handler import ExampleHandler

HANDLERS = (EnomSslHandler, BillResellerHandler, ExampleHandler)


@pytest.mark.parametrize("handler_class", HANDLERS, ids=lambda h: h.__name__)
def test_every_named_command_resolves_to_a_function(handler_class: type[Handler]) -> None:
    targets = {**handler_class.service_commands, **handler_class.module_commands}
    for command, target in targets.items():
        assert callable(load_object(target)), command
        assert handler_class().method_for(command) is not None, command
    service_class = load_object(handler_class.service_class)
    assert isinstance(service_class, type) and issubclass(service_class, Service)


@pytest.mark.parametrize("handler_class", HANDLERS, ids=lambda h: h.__name__)
def test_a_command_is_named_once(handler_class: type[Handler]) -> None:
    methods = {n.removeprefix("command_") for n in dir(handler_class) if n.startswith("command_")}
    tables = [set(handler_class.service_commands), set(handler_class.module_commands), methods]
    assert sum(len(t) for t in tables) == len(set().union(*tables)), handler_class.__name__
