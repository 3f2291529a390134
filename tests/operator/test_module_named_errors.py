"""The error texts that name the module: worded once (`module_named_errors`), each handler's
room filling in only its own name. The expected texts are written out as each module's XML
had them before the wording was shared."""

# Russian texts: the Cyrillic letters ruff finds ambiguous are meant.
# ruff: noqa: RUF001
from __future__ import annotations

from pmenomssl.handlers.billreseller.operator import messages as reseller
from pmenomssl.handlers.enomssl.operator import messages as enom
from pmenomssl.operator.messages import module_named_errors


def test_enom_module_names_itself() -> None:
    errors = enom.TEXTS.errors
    assert errors["module_error"] == {
        "ru": "Ошибка модуля ENOM SSL. Подробности в журнале модуля.",
        "en": "The ENOM SSL module failed. The details are in the module's log.",
    }
    assert errors["unknown"] == {
        "ru": "Непредвиденная ошибка модуля ENOM SSL. Подробности в журнале модуля "
        "(var/<модуль>.log); передайте его разработчикам модуля.",
        "en": "Unexpected error in the ENOM SSL module. The details are in the module's log "
        "(var/<module>.log); please send it to the module's maintainers.",
    }
    assert errors["no_handler"] == {
        "ru": "Для имени модуля не найден обработчик. Переустановите модуль командой "
        "pmenomssl install.",
        "en": "No handler is registered for this module name. Reinstall with pmenomssl install.",
    }
    assert enom.TEXTS.fallback_error == errors["module_error"]


def test_reseller_module_names_itself() -> None:
    errors = reseller.TEXTS.errors
    assert errors["module_error"] == {
        "ru": "Ошибка модуля реселлинга BILLmanager. Подробности в журнале модуля.",
        "en": "The BILLmanager reseller module failed. The details are in the module's log.",
    }
    assert errors["unknown"] == {
        "ru": "Непредвиденная ошибка модуля реселлинга BILLmanager. Подробности в журнале "
        "модуля (var/<модуль>.log); передайте его разработчикам модуля.",
        "en": "Unexpected error in the BILLmanager reseller module. The details are in the "
        "module's log (var/<module>.log); please send it to the module's maintainers.",
    }
    assert errors["no_handler"] == {
        "ru": "Для имени модуля не найден обработчик. Переустановите модуль командой "
        "pmbillreseller install.",
        "en": "No handler is registered for this module name. Reinstall with pmbillreseller "
        "install.",
    }
    assert reseller.TEXTS.fallback_error == errors["module_error"]
    # the reseller's own table keeps them, so its tests read them beside its other overrides
    assert {"module_error", "unknown", "no_handler"} <= set(reseller.OVERRIDES)


def test_each_text_takes_the_name_in_its_own_language() -> None:
    errors = module_named_errors({"ru": "Б", "en": "E"}, "pmx")
    assert errors["module_error"] == {
        "ru": "Ошибка модуля Б. Подробности в журнале модуля.",
        "en": "The E module failed. The details are in the module's log.",
    }
    assert "модуля Б." in errors["unknown"]["ru"] and "the E module" in errors["unknown"]["en"]
    assert errors["no_handler"]["ru"].endswith("командой pmx install.")
    assert errors["no_handler"]["en"].endswith("Reinstall with pmx install.")
