"""The error texts that name the module: worded once (`module_named_errors`), each handler's
room filling in only its own name. The expected texts are written out as each module's XML
had them before the wording was shared."""

# Russian texts: the Cyrillic letters ruff finds ambiguous are meant.
# ruff: noqa: RUF001
from __future__ import annotations

import pytest

from pmenomssl.handlers.billreseller.operator import messages as reseller
from pmenomssl.handlers.enomssl.operator import messages as enom
from pmenomssl.operator.messages import PanelTexts, Text, module_named_errors

EXPECTED: dict[str, dict[str, Text]] = {
    "pmenomssl": {
        "module_error": {
            "ru": "Ошибка модуля ENOM SSL. Подробности в журнале модуля.",
            "en": "The ENOM SSL module failed. The details are in the module's log.",
        },
        "unknown": {
            "ru": "Непредвиденная ошибка модуля ENOM SSL. Подробности в журнале модуля "
            "(var/<модуль>.log); передайте его разработчикам модуля.",
            "en": "Unexpected error in the ENOM SSL module. The details are in the module's log "
            "(var/<module>.log); please send it to the module's maintainers.",
        },
        "no_handler": {
            "ru": "Для имени модуля не найден обработчик. Переустановите модуль командой "
            "pmenomssl install.",
            "en": "No handler is registered for this module name. Reinstall with pmenomssl "
            "install.",
        },
    },
    "pmbillreseller": {
        "module_error": {
            "ru": "Ошибка модуля реселлинга BILLmanager. Подробности в журнале модуля.",
            "en": "The BILLmanager reseller module failed. The details are in the module's log.",
        },
        "unknown": {
            "ru": "Непредвиденная ошибка модуля реселлинга BILLmanager. Подробности в журнале "
            "модуля (var/<модуль>.log); передайте его разработчикам модуля.",
            "en": "Unexpected error in the BILLmanager reseller module. The details are in the "
            "module's log (var/<module>.log); please send it to the module's maintainers.",
        },
        "no_handler": {
            "ru": "Для имени модуля не найден обработчик. Переустановите модуль командой "
            "pmbillreseller install.",
            "en": "No handler is registered for this module name. Reinstall with pmbillreseller "
            "install.",
        },
    },
}


@pytest.mark.parametrize(
    ("prog", "texts"), [("pmenomssl", enom.TEXTS), ("pmbillreseller", reseller.TEXTS)]
)
def test_each_module_names_itself(prog: str, texts: PanelTexts) -> None:
    for error_type, expected in EXPECTED[prog].items():
        assert texts.errors[error_type] == expected, error_type
    assert texts.fallback_error == EXPECTED[prog]["module_error"]


def test_the_reseller_keeps_them_among_its_overrides() -> None:
    # its module-XML tests read a type's text from OVERRIDES before the shared tables
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
