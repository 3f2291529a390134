"""The ENOM SSL module's texts of its description XML, in Russian and English (`TEXTS`).

`pmenomssl.operator.module_xml` builds `billmgr_mod_<name>.xml` from these tables, the shared
ones of `pmenomssl.operator.messages` and the code's declarations; the tests check that every
connection param, every error type the code can raise and every certificate template has its
text here in both languages.
"""

# Russian texts: the Cyrillic letters ruff finds ambiguous are meant.
# ruff: noqa: RUF001
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pmenomssl.enom import TEST_URL
from pmenomssl.handlers.enomssl.settings import DEFAULT_URL
from pmenomssl.operator.messages import (
    COMMON_ERRORS,
    COMMON_FIELD_LABELS,
    LANGS,
    PanelTexts,
    TemplateName,
    Text,
    module_named_errors,
)

DESC_SHORT: Text = {"ru": "ENOM SSL", "en": "ENOM SSL"}
DESC_FULL: Text = {
    "ru": (
        "Продажа SSL-сертификатов через реселлерский API ENOM (RapidSSL, GeoTrust, DigiCert, "
        "Sectigo): заказ, проверка домена, выпуск, продление, перевыпуск."
    ),
    "en": (
        "Resell SSL certificates through ENOM's reseller API (RapidSSL, GeoTrust, DigiCert, "
        "Sectigo): order, domain validation, issue, renewal, reissue."
    ),
}

#: Connection-form fields (the params `features` declares): label and hint per param name.
#: `{live_url}` and `{test_url}` are filled in from the handler's settings.
FIELD_LABELS: Mapping[str, Text] = {
    "url": {"ru": "URL API", "en": "API URL"},
    "username": {"ru": "Логин (Login ID)", "en": "Login ID"},
    "password": {"ru": "Пароль или API-токен", "en": "Password or API token"},
    **COMMON_FIELD_LABELS,
}
FIELD_HINTS: Mapping[str, Text] = {
    "url": {
        "ru": (
            "Адрес API ENOM. Пусто: рабочая среда {live_url}. Для тестовой среды ENOM укажите "
            "{test_url} (у неё отдельная учётная запись и отдельный список разрешённых IP)."
        ),
        "en": (
            "ENOM's API address. Empty: the live environment, {live_url}. For ENOM's test "
            "environment enter {test_url} (it has its own account and its own IP allow-list)."
        ),
    },
    "username": {
        "ru": "Login ID реселлерской учётной записи ENOM.",
        "en": "The login ID of the ENOM reseller account.",
    },
    "password": {
        "ru": (
            "Пароль учётной записи ENOM или API-токен. Хранится в BILLmanager в зашифрованном "
            "виде. IP-адрес этого сервера должен быть разрешён в настройках API ENOM."
        ),
        "en": (
            "The ENOM account password or an API token. BILLmanager keeps it encrypted. This "
            "server's IP address must be allowed in ENOM's API settings."
        ),
    },
    "sourceip": {
        "ru": (
            "IP-адрес этого сервера, с которого отправляются запросы к ENOM (он должен быть "
            "разрешён в настройках API ENOM). Пусто: адрес по умолчанию."
        ),
        "en": (
            "The address of this server that requests to ENOM leave from (it must be allowed "
            "in ENOM's API settings). Empty: the default address."
        ),
    },
}

#: An empty URL means ENOM's live API (settings.from_params); the placeholder shows it.
FIELD_PLACEHOLDERS: Mapping[str, str] = {"url": DEFAULT_URL}

#: The "add new client" form (`processing.edit.<name>.createuser`) and its outer link.
CREATEUSER_LINK: Text = {
    "ru": "Регистрация реселлерской учётной записи ENOM",
    "en": "Sign up for an ENOM reseller account",
}

MODULE_NAMED_ERRORS = module_named_errors({"ru": "ENOM SSL", "en": "ENOM SSL"}, "pmenomssl")

#: This module's wording of its own error types, and of the types every module raises whose
#: text names the module (the rest come from COMMON_ERRORS).
OVERRIDES: Mapping[str, Text] = {
    # pmenomssl.errors / pmenomssl.protocol / pmenomssl.handlers
    **MODULE_NAMED_ERRORS,
    # pmenomssl.enom
    "enom_api_error": {
        "ru": "ENOM отклонил запрос. Текст ошибки ENOM и TrackingKey есть в журнале модуля.",
        "en": "ENOM refused the request. ENOM's message and TrackingKey are in the module's log.",
    },
    "invalid_login_or_passwd": {
        "ru": (
            "ENOM не принял логин или пароль/API-токен. У тестовой и рабочей среды ENOM разные "
            "учётные записи: проверьте, что данные соответствуют указанному URL API."
        ),
        "en": (
            "ENOM rejected the login ID or password/API token. ENOM's test and live "
            "environments have separate accounts: use the ones that belong to the API URL."
        ),
    },
    "enom_ip_not_allowed": {
        "ru": (
            "ENOM не принимает запросы с IP-адреса этого сервера. Добавьте адрес (его показывает "
            "pmenomssl doctor и журнал модуля) в список разрешённых IP API в кабинете ENOM."
        ),
        "en": (
            "ENOM does not accept API calls from this server's IP address. Add the address "
            "(pmenomssl doctor and the module's log show it) to the API allow-list at ENOM."
        ),
    },
    "enom_insufficient_funds": {
        "ru": "Недостаточно средств на реселлерском балансе ENOM. Пополните баланс и повторите.",
        "en": "The ENOM reseller balance is too low. Add funds and try again.",
    },
    "enom_payment_declined": {
        "ru": (
            "ENOM отклонил оплату покупки. Пополнение баланса этого не исправит: проверьте "
            "способ оплаты и состояние счёта в ENOM (или спросите поддержку ENOM), затем "
            "повторите заказ."
        ),
        "en": (
            "ENOM declined the payment for the purchase. Adding funds does not fix this: check "
            "the payment method and the account standing at ENOM (or ask ENOM support), then "
            "repeat the order."
        ),
    },
    "enom_payment_not_taken": {
        "ru": (
            "ENOM не смог списать оплату с реселлерского счёта (обычно временно). Проверьте "
            "список заказов в ENOM и повторите заказ."
        ),
        "en": (
            "ENOM could not deduct the payment from the reseller account (usually temporary). "
            "Check ENOM's order list, then repeat the order."
        ),
    },
    "enom_payment_error": {
        "ru": (
            "ENOM отказал в оплате покупки. Проверьте баланс, настройки оплаты и состояние "
            "реселлерского счёта ENOM; при неясной причине обратитесь в поддержку ENOM."
        ),
        "en": (
            "ENOM refused the payment for the purchase. Check the ENOM reseller account's "
            "balance, payment settings and standing; ask ENOM support if the reason is unclear."
        ),
    },
    "enom_invalid_csr": {
        "ru": "ENOM не смог прочитать запрос на сертификат (CSR). Создайте новый CSR.",
        "en": "ENOM could not read the certificate signing request (CSR). Generate a new one.",
    },
    "enom_not_found": {
        "ru": (
            "В учётной записи ENOM нет такого сертификата или заказа (у тестовой и рабочей "
            "среды разные номера)."
        ),
        "en": ("The ENOM account has no such certificate or order (test and live IDs differ)."),
    },
    "enom_unreachable": {
        "ru": (
            "Нет связи с ENOM (сеть, DNS, HTTPS). Ничего не оплачено; операция будет повторена "
            "автоматически."
        ),
        "en": (
            "ENOM could not be reached (network, DNS, HTTPS). Nothing was charged; the "
            "operation will be repeated automatically."
        ),
    },
    "enom_bad_response": {
        "ru": "ENOM вернул неожиданный ответ. Проверьте URL API и повторите позже.",
        "en": "ENOM returned an unexpected answer. Check the API URL and try again later.",
    },
    "enom_outcome_unknown": {
        "ru": (
            "Ответ ENOM потерян: операция могла выполниться. Она не повторялась, чтобы не "
            "заплатить дважды; проверьте заказы в кабинете ENOM перед повтором."
        ),
        "en": (
            "ENOM's answer was lost: the operation may have been carried out. It was not "
            "repeated, to avoid paying twice; check the ENOM account before repeating it."
        ),
    },
    # pmenomssl.handlers.enomssl
    "unknown_product": {
        "ru": (
            "Тип сертификата тарифа не является продуктом ENOM этого модуля. Выберите тип "
            "сертификата из списка модуля."
        ),
        "en": (
            "The tariff's certificate type is not an ENOM product of this module. Choose a "
            "certificate type from the module's list."
        ),
    },
    "invalid_contact": {
        "ru": (
            "Контактные данные заказа неполны или неверны (для DigiCert/GeoTrust/RapidSSL "
            "только латиница)."
        ),
        "en": (
            "The order's contact data is incomplete or wrong (DigiCert/GeoTrust/RapidSSL "
            "accept ASCII only)."
        ),
    },
    "invalid_approver": {
        "ru": "Адрес или способ подтверждения домена не указан или не принимается ENOM.",
        "en": "The domain approval address or method is missing or not accepted by ENOM.",
    },
    "invalid_domain": {
        "ru": "Имя не является публичным доменным именем, для которого выдают сертификаты.",
        "en": "The name is not a public domain name that certificates are issued for.",
    },
    "invalid_connection": {
        "ru": (
            "Настройки подключения к ENOM неполны или неверны: заполните URL API, логин и "
            "пароль модуля обработки."
        ),
        "en": (
            "The ENOM connection settings are incomplete or wrong: fill in the processing "
            "module's API URL, login ID and password."
        ),
    },
    "certificate_refunded": {
        "ru": "Сертификат возвращён (refund) в ENOM; заказ продолжить нельзя.",
        "en": "The certificate was refunded at ENOM; the order cannot continue.",
    },
    "reissue_by_support": {
        "ru": "Этот бренд перевыпускает сертификаты только через поддержку ENOM.",
        "en": "This brand reissues certificates only through ENOM support.",
    },
    "not_ordered": {
        "ru": "У услуги ещё нет сертификата в ENOM: заказ (open) не завершён.",
        "en": "The service has no ENOM certificate yet: the order (open) has not completed.",
    },
}


ERRORS: Mapping[str, Text] = {**COMMON_ERRORS, **OVERRIDES}

#: Used only for an error type missing from ERRORS (the tests make sure none is missing).
FALLBACK_ERROR: Text = MODULE_NAMED_ERRORS["module_error"]

#: Display names of certificate templates when they differ from the product's title; brand
#: names are the same in both languages, so the product table's title serves both by default.
TEMPLATE_NAMES: Mapping[str, Text] = {}


def certificate_names(root: Path, name: str) -> Sequence[TemplateName]:
    """Every certificate template a tariff may use: the product table (ENOM may stop listing a
    product that existing tariffs still use) plus what `features` declares under this root and
    name (the cached GetCerts list), each with its display title."""
    from pmenomssl.handlers.enomssl import products

    cache = products.load_cache(products.cache_path(root, name))
    result: dict[str, TemplateName] = {}
    for spec in (*products.STATIC_PRODUCTS, *products.catalogue(cache)):
        titles = TEMPLATE_NAMES.get(spec.template) or {lang: spec.title for lang in LANGS}
        result.setdefault(spec.template, TemplateName(spec.template, titles))
    return list(result.values())


TEXTS = PanelTexts(
    desc_short=DESC_SHORT,
    desc_full=DESC_FULL,
    field_labels=FIELD_LABELS,
    field_hints={
        param: {
            lang: hint.format(live_url=DEFAULT_URL, test_url=TEST_URL)
            for lang, hint in by_lang.items()
        }
        for param, by_lang in FIELD_HINTS.items()
    },
    field_placeholders=FIELD_PLACEHOLDERS,
    errors=ERRORS,
    fallback_error=FALLBACK_ERROR,
    optional_fields=frozenset({"url"}),
    createuser_link=CREATEUSER_LINK,
    certificate_names=certificate_names,
)
