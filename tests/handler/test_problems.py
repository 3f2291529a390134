"""Connection and login failures become an admin problem (ISPsystem's TheSSLStore module,
module.cpp RegisterModuleErrorProblem: `problems.register name=processingmodule_connect
id=<module> param_pm_name param_pm_id param_errormsg level=error`), cleared when a check of the
module passes again; through the real executable and the stand-in's mgrctl."""

from __future__ import annotations

from lxml import etree

from tests.handler.conftest import World, desc


def _form(world: World, password: str, module_id: int | None) -> bytes:
    doc = etree.Element("doc")
    node = etree.SubElement(doc, "processingmodule")
    values = {"url": world.sandbox.url, "username": world.sandbox.uid, "password": password}
    if module_id is not None:
        values["id"] = str(module_id)
    for name, value in values.items():
        etree.SubElement(node, name).text = value
    return etree.tostring(doc)


def _set_password(world: World, password: str) -> None:
    from pmenomssl.billing.crypto import encrypt_value

    world.standin.store.set_param(
        "processingcryptedparam",
        "processingmodule",
        world.module,
        "password",
        encrypt_value(password, world.standin.key_path),
    )


def test_a_login_failure_of_a_service_command_is_an_admin_problem(world: World) -> None:
    _set_password(world, "wrong-password-42")
    item = world.order("rapidssl", "problem.example.com")
    error = world.fails("open", item)
    assert error.get("type") == "invalid_login_or_passwd"
    (problem,) = world.standin.problems()
    assert (problem["name"], problem["obj"], problem["level"]) == (
        "processingmodule_connect",
        str(world.module),
        "error",
    )
    assert problem["params"]["pm_name"] == "pmenomssl stand-in"  # the panel's module name
    assert problem["params"]["pm_id"] == str(world.module)
    assert problem["params"]["errormsg"] == desc(error)  # what the operation failed with
    assert "wrong-password-42" not in str(world.standin.journal())

    # the admin corrects the password and BILLmanager's balance check passes: cleared
    _set_password(world, world.sandbox.pw)
    world.ok("getbalance", None, "--module", str(world.module))
    assert world.standin.problems() == []
    assert len(world.standin.journal("problems.resolve")) == 1
    world.ok("getbalance", None, "--module", str(world.module))
    assert len(world.standin.journal("problems.resolve")) == 1  # nothing left to clear


def test_the_connection_check_registers_and_clears_for_the_forms_module(world: World) -> None:
    result = world.run("check_connection", stdin=_form(world, "wrong-pw-77", world.module))
    assert result.returncode == 1
    assert [p["obj"] for p in world.standin.problems()] == [str(world.module)]
    world.ok("check_connection", stdin=_form(world, world.sandbox.pw, world.module))
    assert world.standin.problems() == []


def test_other_failures_and_unknown_modules_register_nothing(world: World) -> None:
    # a new module's form (no id yet): nothing to attach a problem to, as module.cpp
    assert world.run("check_connection", stdin=_form(world, "wrong", None)).returncode == 1
    # an order refused for its own data is not a connection problem
    item = world.order("rapidssl", "bad-contact.example.com", params={"adm_phone": ""})
    assert world.fails("open", item).get("type") == "invalid_contact"
    assert world.standin.problems() == []
    assert world.standin.journal("problems.register") == []
