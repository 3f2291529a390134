"""The module description XML is generated from the code and complete: well-formed, the form's
fields are exactly the params of `features`, every error type the code can raise and every
certificate template has its Russian and English text."""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import EnomSslHandler, products
from pmenomssl.handlers.enomssl.operator import messages
from pmenomssl.handlers.enomssl.operator.kind import KIND as ENOM
from pmenomssl.operator import module_xml
from pmenomssl.protocol.features import features_document
from tests.operator import error_scan

LANGS = ("ru", "en")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty $ROOT the handler's `features` reads (no product cache yet)."""
    (tmp_path / "var").mkdir()
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))
    monkeypatch.setenv("PMENOMSSL_NAME", "pmenomssl")
    return tmp_path


def features() -> etree._Element:
    """What `--command features` prints, for the root and name in the environment."""
    return etree.fromstring(features_document(EnomSslHandler()).to_bytes())


def generated(root: Path, name: str = "pmenomssl") -> etree._Element:
    content = module_xml.render(name, root=root)
    assert module_xml.is_generated(content)
    return etree.fromstring(content)  # raises on anything not well-formed


def msgs(doc: etree._Element, lang: str, group: str) -> dict[str, str]:
    found = doc.xpath(f"lang[@name='{lang}']/messages[@name='{group}']/msg")
    assert isinstance(found, list)
    return {str(m.get("name")): (m.text or "").strip() for m in found}


def test_plugin_and_forms(root: Path) -> None:
    doc = generated(root)
    plugin = doc.find("plugin")
    assert plugin is not None and plugin.get("name") == "pmenomssl"
    assert plugin.findtext("group") == "processing_module"
    assert [t.get("name") for t in plugin.findall("params/type")] == ["certificate"]
    assert doc.find("metadata[@name='processing.edit.pmenomssl'][@type='form']") is not None
    # as ISP's own module XMLs: the form titled by the module's name, sourceip a <select>
    form = doc.find("metadata[@name='processing.edit.pmenomssl']/form")
    assert form is not None and form.get("title") == "name"
    assert form.find(".//field[@name='sourceip']/select[@name='sourceip']") is not None
    assert form.find(".//field[@name='threshold']") is None  # the panel's own field
    createuser = doc.find("metadata[@name='processing.edit.pmenomssl.createuser'][@type='form']")
    assert createuser is not None
    link = createuser.find(".//field/link")
    assert link is not None and link.get("name") == "outerlink"


def test_the_form_fields_are_exactly_the_features_params(root: Path) -> None:
    declared = features()
    params = [p.get("name") for p in declared.findall("params/param")]
    crypted = [p.get("name") for p in declared.findall("params/param[@crypted='yes']")]
    parsed = module_xml.parse(module_xml.render("pmenomssl", root=root), "pmenomssl")
    # `threshold` is a field of the panel's own form (GlobalSign declares it in features only)
    assert params == ["url", "username", "password", "sourceip", "threshold"]
    assert list(parsed.form_fields) == params[:-1]
    assert list(parsed.password_fields) == crypted == ["password"]


def test_every_field_has_a_label_and_hint_in_both_languages(root: Path) -> None:
    doc = generated(root)
    params = [str(p.get("name")) for p in features().findall("params/param")]
    params.remove("threshold")  # the panel's own field, labelled by the panel
    for lang in LANGS:
        texts = msgs(doc, lang, "processing.edit.pmenomssl")
        for param in params:
            assert param in messages.FIELD_LABELS and lang in messages.FIELD_LABELS[param]
            assert param in messages.FIELD_HINTS and lang in messages.FIELD_HINTS[param]
            assert texts[param] and texts[f"hint_{param}"], (lang, param)
        assert "https://resellertest.enom.com/interface.asp" in texts["hint_url"]
        assert "https://reseller.enom.com/interface.asp" in texts["hint_url"]
        assert texts["placeholder_url"] == "https://reseller.enom.com/interface.asp"
        plugin = msgs(doc, lang, "plugin")
        assert plugin["desc_short_pmenomssl"] and plugin["desc_full_pmenomssl"]
        assert msgs(doc, lang, "processing.edit.pmenomssl.createuser")["outerlink"]
    ru = msgs(doc, "ru", "processing.edit.pmenomssl")
    en = msgs(doc, "en", "processing.edit.pmenomssl")
    assert ru["hint_password"] != en["hint_password"]  # really translated


def test_error_types_are_discovered_from_every_layer() -> None:
    found = module_xml.discover_error_types()
    # one per layer, including a type that exists only as an error_type="…" literal
    assert {
        "unknown",
        "protocol_error",
        "mgrctl_error",
        "mgrctl_timeout",
        "invalid_csr",
        "enom_ip_not_allowed",
        "invalid_login_or_passwd",
        "invalid_connection",
        "module_error",
    } <= found

    # a subclass anywhere in the package counts (the walk is recursive); tests' own do not
    late = type("LateError", (ModuleError,), {"error_type": "late_only", "__module__": "x"})
    deeper = type("Deeper", (late,), {"error_type": "deeper_only", "__module__": "pmenomssl.x"})
    found = module_xml.discover_error_types()
    assert "deeper_only" in found and "late_only" not in found
    del late, deeper
    gc.collect()
    assert "deeper_only" not in module_xml.discover_error_types()


def test_the_source_scan_finds_literals(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        'raise X("d", error_type="one_type")\nclass E:\n    error_type = \'two_type\'\n'
    )
    assert module_xml.source_error_types(tmp_path) == {"one_type", "two_type"}


def test_every_error_type_has_a_message_in_both_languages(root: Path) -> None:
    # observed from the source by the test itself, not by the discovery under test
    types = error_scan.error_types(error_scan.NOT_ENOM)
    assert {"unknown", "protocol_error", "mgrctl_error", "invalid_csr", "item_busy"} <= types
    assert not {t for t in types if t.startswith("upstream_")}
    assert module_xml.error_types_for(ENOM) >= types
    missing = sorted(t for t in types if set(messages.ERRORS.get(t, {})) < set(LANGS))
    where = "pmenomssl/handlers/enomssl/operator/messages.py OVERRIDES"
    assert missing == [], f"add ru and en texts to {where}: {missing}"
    doc = generated(root)
    for lang in LANGS:
        texts = msgs(doc, lang, "msgerror")
        for error_type in types:
            assert texts.get(f"msg_error_{error_type}"), (lang, error_type)
            assert texts[f"msg_error_{error_type}"] == messages.ERRORS[error_type][lang]


def test_every_template_has_a_display_name_in_both_languages(root: Path) -> None:
    templates = [str(t.get("name")) for t in features().findall("templates/template")]
    assert "rapidssl" in templates
    doc = generated(root)
    for lang in LANGS:
        names = msgs(doc, lang, "pricelist.certificate")
        for template in templates:
            assert names.get(template), (lang, template)
    assert msgs(doc, "en", "pricelist.certificate")["rapidssl"] == "RapidSSL"


def test_templates_from_the_product_cache_get_names_too(root: Path) -> None:
    """ENOM lists a product the table does not know: `features` declares a derived template,
    and the XML generated for that root names it; products ENOM dropped keep their names."""
    products.save_cache(
        products.cache_path(root, "pmenomssl"),
        [
            products.OfferedProduct(
                "certificate-rapidssl-rapidssl", 23, "RapidSSL", (1, 2), Decimal("9"), True
            ),
            products.OfferedProduct(
                "certificate-newbrand-dv-ssl", 999, "NewBrand DV SSL", (1,), Decimal("5"), True
            ),
        ],
    )
    templates = [str(t.get("name")) for t in features().findall("templates/template")]
    assert len(templates) == 2 and "rapidssl" in templates
    derived = next(t for t in templates if t != "rapidssl")
    doc = generated(root)
    for lang in LANGS:
        names = msgs(doc, lang, "pricelist.certificate")
        assert names[derived] == "NewBrand DV SSL"
        assert names["sectigoev"]  # not offered any more, still named


def test_another_module_name_is_used_throughout(root: Path) -> None:
    doc = generated(root, "pmenomsslpy")
    plugin = doc.find("plugin")
    assert plugin is not None and plugin.get("name") == "pmenomsslpy"
    assert doc.find("metadata[@name='processing.edit.pmenomsslpy']") is not None
    assert doc.find("metadata[@name='processing.edit.pmenomsslpy.createuser']") is not None
    for lang in LANGS:
        assert msgs(doc, lang, "plugin")["desc_short_pmenomsslpy"]
        assert msgs(doc, lang, "processing.edit.pmenomsslpy")["url"]
    assert b'processing.edit.pmenomssl"' not in etree.tostring(doc)


def test_the_enom_module_xml_has_no_reseller_error_types(root: Path) -> None:
    types = module_xml.error_types_for(ENOM)
    assert not {t for t in types if t.startswith("upstream_")}
    assert "enom_ip_not_allowed" in types
    texts = msgs(generated(root), "en", "msgerror")
    assert not [name for name in texts if name.startswith("msg_error_upstream_")]
