"""Every text of the module description XML, in Russian and English, in one place.

`module_xml` builds `billmgr_mod_<name>.xml` from these tables and the code's declarations; the
tests check that every connection param, every error type the code can raise and every
certificate template has its text here in both languages.

BILLmanager looks up `msg_error_<type>` when the module answers with `<error type="<type>">`
(billmanager-protocol.md 1.3). Whether it substitutes the error's params (`__desc__`) into that
text is UNCONFIRMED, so each text stands on its own: what went wrong and where to look; the
detailed cause-and-fix text is in the error's `desc` param and in the module log.
"""

# Russian texts: the Cyrillic letters ruff finds ambiguous are meant.
# ruff: noqa: RUF001
from __future__ import annotations

from collections.abc import Mapping

from pmenomssl.operator import messages_billreseller as _billreseller

LANGS = ("ru", "en")

# One text per language.
Text = Mapping[str, str]

#: `messages name="plugin"`: `desc_short_<name>` / `desc_full_<name>`; also the module's label
#: in `messages name="label_processing_modules"`.
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
PRICE: Text = {"ru": "Бесплатно", "en": "Free"}

#: Connection-form fields (the params `features` declares): label and hint per param name.
#: `{live_url}` and `{test_url}` are filled in from the handler's settings.
FIELD_LABELS: Mapping[str, Text] = {
    "url": {"ru": "URL API", "en": "API URL"},
    "username": {"ru": "Логин (Login ID)", "en": "Login ID"},
    "password": {"ru": "Пароль или API-токен", "en": "Password or API token"},
    "sourceip": {"ru": "IP-адрес доступа", "en": "Source IP address"},
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

#: The "add new client" form (`processing.edit.<name>.createuser`) and its outer link.
CREATEUSER_LINK: Text = {
    "ru": "Регистрация реселлерской учётной записи ENOM",
    "en": "Sign up for an ENOM reseller account",
}

#: `msg_error_<type>` for every error type the code can raise (the types only pmbillreseller
#: raises come from `messages_billreseller.OWN_ERRORS`, merged in below).
ERRORS: Mapping[str, Text] = {
    # pmenomssl.errors / pmenomssl.protocol / pmenomssl.handlers
    "module_error": {
        "ru": "Ошибка модуля ENOM SSL. Подробности в журнале модуля.",
        "en": "The ENOM SSL module failed. The details are in the module's log.",
    },
    "unknown": {
        "ru": (
            "Непредвиденная ошибка модуля ENOM SSL. Подробности в журнале модуля "
            "(var/<модуль>.log); передайте его разработчикам модуля."
        ),
        "en": (
            "Unexpected error in the ENOM SSL module. The details are in the module's log "
            "(var/<module>.log); please send it to the module's maintainers."
        ),
    },
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
    "no_handler": {
        "ru": (
            "Для имени модуля не найден обработчик. Переустановите модуль командой "
            "pmenomssl install."
        ),
        "en": "No handler is registered for this module name. Reinstall with pmenomssl install.",
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

ERRORS = {**ERRORS, **_billreseller.OWN_ERRORS}

#: Used only for an error type missing from ERRORS (the tests make sure none is missing).
FALLBACK_ERROR: Text = {
    "ru": "Ошибка модуля ENOM SSL. Подробности в журнале модуля.",
    "en": "The ENOM SSL module failed. The details are in the module's log.",
}

#: Display names of certificate templates when they differ from the product's title; brand
#: names are the same in both languages, so the product table's title serves both by default.
TEMPLATE_NAMES: Mapping[str, Text] = {}
