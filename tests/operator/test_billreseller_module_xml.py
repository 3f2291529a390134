"""`billmgr_mod_pmbillreseller.xml` is generated from the reseller handler's code and complete:
well-formed, its form is exactly the params of `features`, and every error type the handler and
the upstream client can raise has a Russian and an English msgerror. The ENOM description is
unchanged by the generalisation."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from lxml import etree

import pmenomssl.handlers.billreseller.errors as reseller_errors
import pmenomssl.upstream.errors as upstream_errors
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller import BillResellerHandler
from pmenomssl.handlers.billreseller.operator import messages as messages_billreseller
from pmenomssl.handlers.billreseller.operator.kind import KIND as BILLRESELLER
from pmenomssl.handlers.enomssl.operator import messages
from pmenomssl.handlers.enomssl.operator.kind import KIND as ENOM
from pmenomssl.operator import files, module_xml
from pmenomssl.operator.layout import Layout
from pmenomssl.protocol.features import features_document
from tests.operator import error_scan

LANGS = ("ru", "en")
NAME = "pmbillreseller"


def generated(tmp_path: Path, name: str = NAME) -> etree._Element:
    content = module_xml.render(name, root=tmp_path, kind=BILLRESELLER)
    assert module_xml.is_generated(content)
    assert content.startswith(b"<?xml")
    return etree.fromstring(content)


def msgs(doc: etree._Element, lang: str, group: str) -> dict[str, str]:
    found = doc.xpath(f"lang[@name='{lang}']/messages[@name='{group}']/msg")
    assert isinstance(found, list)
    return {str(m.get("name")): (m.text or "").strip() for m in found}


def raised_by(module: object) -> set[str]:
    """The error types of the ModuleError classes a module defines (read from the code)."""
    return {
        str(cls.error_type)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, ModuleError) and cls.__module__ == getattr(module, "__name__", "")
    }


def test_plugin_item_types_and_form(tmp_path: Path) -> None:
    doc = generated(tmp_path)
    plugin = doc.find("plugin")
    assert plugin is not None and plugin.get("name") == NAME
    assert plugin.findtext("group") == "processing_module"
    assert [t.get("name") for t in plugin.findall("params/type")] == list(
        BillResellerHandler.itemtypes
    )
    assert set(BillResellerHandler.itemtypes) == {"certificate", "soft", "vhost", "vds", "dedic"}
    declared = etree.fromstring(features_document(BillResellerHandler()).to_bytes())
    params = [p.get("name") for p in declared.findall("params/param")]
    crypted = [p.get("name") for p in declared.findall("params/param[@crypted='yes']")]
    parsed = module_xml.parse(module_xml.render(NAME, root=tmp_path, kind=BILLRESELLER), NAME)
    assert params == ["url", "username", "password", "sourceip", "threshold"]
    assert list(parsed.form_fields) == params[:-1]  # threshold: the panel's own field
    assert list(parsed.password_fields) == crypted == ["password"]
    url = doc.find(f"metadata[@name='processing.edit.{NAME}']//field[@name='url']/input")
    assert url is not None and url.get("required") == "yes"
    # no certificate templates, no "add new client" form: the handler has neither
    assert doc.find(f"metadata[@name='processing.edit.{NAME}.createuser']") is None
    assert not doc.xpath("lang/messages[@name='pricelist.certificate']")


def test_every_field_has_a_label_and_hint_in_both_languages(tmp_path: Path) -> None:
    doc = generated(tmp_path)
    for lang in LANGS:
        texts = msgs(doc, lang, f"processing.edit.{NAME}")
        for param in ("url", "username", "password", "sourceip"):
            assert texts[param] and texts[f"hint_{param}"], (lang, param)
        assert texts["placeholder_url"] == "https://my.example.com/billmgr"
        plugin = msgs(doc, lang, "plugin")
        assert plugin[f"desc_short_{NAME}"] and plugin[f"desc_full_{NAME}"]
    ru = msgs(doc, "ru", f"processing.edit.{NAME}")
    en = msgs(doc, "en", f"processing.edit.{NAME}")
    assert ru["hint_username"] != en["hint_username"]
    assert "Customer level" in en["hint_username"]
    assert "two-factor" in en["hint_password"]


def test_every_error_type_of_handler_and_client_has_a_msgerror(tmp_path: Path) -> None:
    from_code = raised_by(upstream_errors) | raised_by(reseller_errors)
    assert set(reseller_errors.ERROR_TYPES) <= from_code
    assert {"upstream_auth", "upstream_two_factor", "upstream_ip_restricted"} <= from_code
    # observed from the source by the test itself, not by the discovery under test
    expected = error_scan.error_types(error_scan.NOT_RESELLER) | from_code
    assert module_xml.error_types_for(BILLRESELLER) >= expected
    # the framework's and the billing gateway's types are the reseller's too
    assert {"unknown", "protocol_error", "mgrctl_error", "decrypt_failed", "item_busy"} <= expected
    doc = generated(tmp_path)
    for lang in LANGS:
        texts = msgs(doc, lang, "msgerror")
        assert set(texts) >= {f"msg_error_{t}" for t in expected}
        for error_type in expected:
            table = messages_billreseller.OVERRIDES.get(error_type) or messages.ERRORS.get(
                error_type, {}
            )
            assert set(LANGS) <= set(table), f"no ru+en text for {error_type}"
            text = texts[f"msg_error_{error_type}"]
            assert text == table[lang]
            assert "ENOM" not in text, (lang, error_type, text)


def test_no_enom_only_type_and_shared_types_are_reworded(tmp_path: Path) -> None:
    expected = error_scan.error_types(error_scan.NOT_RESELLER)
    assert not {t for t in expected if t.startswith("enom_")}
    assert "invalid_login_or_passwd" not in expected and "unknown_product" not in expected
    en = msgs(generated(tmp_path), "en", "msgerror")
    assert (
        en["msg_error_invalid_connection"]
        == (messages_billreseller.OVERRIDES["invalid_connection"]["en"])
    )
    assert "pmbillreseller install" in en["msg_error_no_handler"]
    # ENOM's description keeps its own wording for the same type
    assert "ENOM" in messages.ERRORS["invalid_connection"]["en"]


def test_the_generated_xml_is_the_one_install_writes(tmp_path: Path) -> None:
    """install writes exactly render(kind); another name is used throughout."""
    doc = generated(tmp_path, "pmbillreseller2")
    assert doc.find("plugin[@name='pmbillreseller2']") is not None
    assert doc.find("metadata[@name='processing.edit.pmbillreseller2']") is not None
    assert b'"processing.edit.pmbillreseller"' not in etree.tostring(doc)
    assert Layout(tmp_path, NAME).xml == tmp_path / "etc/xml/billmgr_mod_pmbillreseller.xml"


@pytest.mark.parametrize("kind", [ENOM, BILLRESELLER])
def test_wrappers_per_kind(tmp_path: Path, kind: object) -> None:
    assert kind in (ENOM, BILLRESELLER)
    layout = Layout(tmp_path, "pmx")
    script = files.wrapper_script(layout, kind)  # type: ignore[arg-type]
    handler = "pmenomssl" if kind is ENOM else "pmbillreseller"
    target = "pmenomssl.cli" if kind is ENOM else "pmenomssl.cli.billreseller"
    assert files.wrapper_handler(script) == handler
    code = f"'import sys; from {target} import main; sys.exit(main())'"
    assert script.decode().rstrip().endswith(f' -I -c {code} "$@"')
    assert f"#   {handler} install --root" in script.decode()


def test_the_enom_wrapper_and_xml_are_unchanged(tmp_path: Path) -> None:
    """The generalisation keeps ENOM's files byte for byte (reinstalls stay "unchanged")."""
    layout = Layout(tmp_path, "pmenomssl")
    assert files.wrapper_script(layout) == files.wrapper_script(layout, ENOM)
    text = files.wrapper_script(layout).decode()
    assert "# Runs pmenomssl from its own venv" in text
    assert "PMENOMSSL_HANDLER=pmenomssl\n" in text and "from pmenomssl.cli import main" in text
    (tmp_path / "var").mkdir()
    enom = module_xml.render("pmenomssl", root=tmp_path)
    assert enom == module_xml.render("pmenomssl", root=tmp_path, kind=ENOM)
    doc = etree.fromstring(enom)
    assert [t.get("name") for t in doc.findall("plugin/params/type")] == ["certificate"]
    assert doc.find("metadata[@name='processing.edit.pmenomssl.createuser']") is not None
    assert doc.xpath("lang/messages[@name='pricelist.certificate']/msg")
