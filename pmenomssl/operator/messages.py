"""The panel texts every kind of module shares, and the shape of a handler's own texts.

`module_xml` builds `billmgr_mod_<name>.xml` from the code's declarations and the texts of the
module's handler: each handler keeps them in its own room, `<handler package>.operator.messages`
(`TEXTS`, a `PanelTexts`). What reads the same in every module lives here: the languages, the
price, and the error texts of the layers every module runs (the protocol, the billing gateway,
the certificate checks) that do not name the module.

BILLmanager looks up `msg_error_<type>` when the module answers with `<error type="<type>">`
(billmanager-protocol.md 1.3). Whether it substitutes the error's params (`__desc__`) into that
text is UNCONFIRMED, so each text stands on its own: what went wrong and where to look; the
detailed cause-and-fix text is in the error's `desc` param and in the module log.
"""

# Russian texts: the Cyrillic letters ruff finds ambiguous are meant.
# ruff: noqa: RUF001
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

LANGS = ("ru", "en")

# One text per language.
Text = Mapping[str, str]

PRICE: Text = {"ru": "Бесплатно", "en": "Free"}

#: Labels of the connection-form fields every module has (the framework's `sourceip`).
COMMON_FIELD_LABELS: Mapping[str, Text] = {
    "sourceip": {"ru": "IP-адрес доступа", "en": "Source IP address"},
}

#: `msg_error_<type>` of the types every module raises with the same meaning, worded without
#: the module's name. A handler's `OVERRIDES` word the types whose text names the module
#: (`module_named_errors` words those every module raises).
COMMON_ERRORS: Mapping[str, Text] = {
    # pmenomssl.protocol
    "protocol_error": {
        "ru": "Модуль вызван с неверными параметрами командной строки.",
        "en": "The module was called with wrong command-line options.",
    },
    "deadline_exceeded": {
        "ru": "Операция не уложилась в отведённое время; она будет повторена автоматически.",
        "en": "The operation ran out of time; it will be repeated automatically.",
    },
    "item_busy": {
        "ru": "Услугой уже занята другая операция модуля; повторите позже.",
        "en": "Another operation of the module is working on this service; try again later.",
    },
    # pmenomssl.billing
    "billing_error": {
        "ru": "Ошибка обращения модуля к BILLmanager. Подробности в журнале модуля.",
        "en": "The module could not talk to BILLmanager. The details are in the module's log.",
    },
    "mgrctl_error": {
        "ru": "BILLmanager отклонил запрос модуля (mgrctl). Подробности в billmgr.log.",
        "en": "BILLmanager refused the module's request (mgrctl). See billmgr.log for details.",
    },
    "mgrctl_timeout": {
        "ru": "BILLmanager не ответил модулю вовремя (mgrctl); операция будет повторена.",
        "en": "BILLmanager did not answer the module in time (mgrctl); it will be retried.",
    },
    "item_not_found": {
        "ru": "Услуга не найдена в базе данных BILLmanager.",
        "en": "The service does not exist in BILLmanager's database.",
    },
    "module_not_found": {
        "ru": "Модуль обработки не найден в BILLmanager.",
        "en": "The processing module does not exist in BILLmanager.",
    },
    "decrypt_failed": {
        "ru": (
            "Не удалось расшифровать сохранённое значение (пароль). Введите его заново в "
            "настройках модуля обработки."
        ),
        "en": (
            "A stored value (password) could not be decrypted. Enter it again in the "
            "processing module's settings."
        ),
    },
    "database_unreachable": {
        "ru": "Нет доступа к базе данных BILLmanager. Проверьте, что MySQL/MariaDB работает.",
        "en": "BILLmanager's database cannot be reached. Check that MySQL/MariaDB runs.",
    },
    # pmenomssl.ssl
    "invalid_csr": {
        "ru": (
            "Запрос на сертификат (CSR) не подходит для заказа: проверьте домен, тип и длину "
            "ключа. Создайте новый CSR."
        ),
        "en": (
            "The certificate signing request (CSR) does not fit the order: check its domain, "
            "key type and size. Generate a new CSR."
        ),
    },
    "invalid_certificate": {
        "ru": "Полученный сертификат не прошёл проверку. Подробности в журнале модуля.",
        "en": "The received certificate failed its checks. The details are in the module's log.",
    },
    "invalid_private_key": {
        "ru": "Закрытый ключ сертификата повреждён или не подходит к запросу (CSR).",
        "en": "The certificate's private key is damaged or does not match the CSR.",
    },
}


def module_named_errors(module: Text, prog: str) -> dict[str, Text]:
    """`msg_error_<type>` of the types every module raises whose text names the module, in
    one wording for all: `module` is the module's name as these texts use it in each language
    ("ENOM SSL"; "реселлинга BILLmanager" / "BILLmanager reseller"), `prog` the executable that
    reinstalls it. `module_error` is the handler's fallback text too."""
    return {
        "module_error": {
            "ru": f"Ошибка модуля {module['ru']}. Подробности в журнале модуля.",
            "en": f"The {module['en']} module failed. The details are in the module's log.",
        },
        "unknown": {
            "ru": (
                f"Непредвиденная ошибка модуля {module['ru']}. Подробности в журнале модуля "
                "(var/<модуль>.log); передайте его разработчикам модуля."
            ),
            "en": (
                f"Unexpected error in the {module['en']} module. The details are in the "
                "module's log (var/<module>.log); please send it to the module's maintainers."
            ),
        },
        "no_handler": {
            "ru": (
                "Для имени модуля не найден обработчик. Переустановите модуль командой "
                f"{prog} install."
            ),
            "en": f"No handler is registered for this module name. Reinstall with {prog} install.",
        },
    }


class TemplateName(NamedTuple):
    """A certificate template and the name the price list shows for it."""

    template: str
    titles: Text


@dataclass(frozen=True)
class PanelTexts:
    """One handler's texts of its module description, in every language of LANGS."""

    #: `messages name="plugin"`: `desc_short_<name>` / `desc_full_<name>`; also the module's
    #: label in `messages name="label_processing_modules"`.
    desc_short: Text
    desc_full: Text
    #: Connection-form fields (the params `features` declares): label, hint and placeholder.
    field_labels: Mapping[str, Text]
    field_hints: Mapping[str, Text]
    field_placeholders: Mapping[str, str]
    #: `msg_error_<type>` for every error type the module's code can raise.
    errors: Mapping[str, Text]
    #: Used only for an error type missing from `errors` (the tests make sure none is missing).
    fallback_error: Text
    #: Fields the form may leave empty (the handler then uses a default).
    optional_fields: frozenset[str] = frozenset()
    #: The "add new client" form (`processing.edit.<name>.createuser`) and its outer link's
    #: text; None: the module has no such form.
    createuser_link: Text | None = None
    #: The display name of every certificate template a tariff may use, for a module name
    #: under a root; None: the module sells no certificate templates.
    certificate_names: Callable[[Path, str], Sequence[TemplateName]] | None = field(default=None)


def text(table: Text, lang: str) -> str:
    """`table`'s text in `lang` (else English, else any)."""
    return table.get(lang) or table.get("en") or next(iter(table.values()), "")
