"""`flask users create|list|deactivate`: passwords asked for, never shown; clear refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carecoord.accounts.models import Region, User
from carecoord.extensions import db
from tests.accounts.conftest import asks_to_sign_in

PASSPHRASE = "tulips under a violet harbour moon"


@pytest.fixture
def run(app, make_region):
    make_region("Gooi en Vechtstreek")
    runner = app.test_cli_runner()

    def invoke(*args: str, password: str | None = None, repeat: str | None = None):
        typed = None if password is None else f"{password}\n{repeat or password}\n"
        return runner.invoke(args=list(args), input=typed)

    return invoke


def create(run, email: str = "Admin@Example.org", region: str = "Gooi en Vechtstreek", **kw):
    args = ("users", "create", "--email", email, "--name", "Beheerder", "--role", "admin")
    return run(*args, "--region", region, **kw)


def users() -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(select(User).order_by(User.id)))


def test_create_asks_for_the_password_twice_and_stores_only_its_hash(run, audit_entries):
    result = create(run, password=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1
    assert "Repeat for confirmation" in result.output
    assert "created admin admin@example.org in Gooi en Vechtstreek" in result.output
    assert PASSPHRASE not in result.output
    [user] = users()
    assert (user.email, user.role, user.region.name) == (
        "admin@example.org",
        "admin",
        "Gooi en Vechtstreek",
    )
    assert user.password_hash.startswith("$argon2id$")
    last = audit_entries()[-1]
    assert (last.action, last.user_id, last.object_id) == ("create", None, str(user.id))


def test_the_password_is_not_an_option(run):
    args = ("users", "create", "--email", "a@example.org", "--name", "A", "--role", "admin")
    result = run(*args, "--region", "Gooi en Vechtstreek", "--password", PASSPHRASE)
    assert result.exit_code != 0
    assert "No such option" in result.output
    assert users() == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("too short", "password: Use at least 15 characters."),
        ("passwordpassword", "password: This password is too common; choose another."),
        ("admin@example.org rules", "password: Do not use your name or e-mail address"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(run, password, message):
    result = create(run, password=password)
    assert result.exit_code != 0
    assert message in result.output
    assert password not in result.output
    assert users() == []


def test_two_different_passwords_are_not_accepted(run):
    result = create(run, password=PASSPHRASE, repeat=PASSPHRASE + "!")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert users() == []


def test_an_unknown_region_is_refused_naming_the_known_ones(run):
    result = create(run, region="Atlantis", password=PASSPHRASE)
    assert result.exit_code != 0
    assert "no region named 'Atlantis'; known regions: Gooi en Vechtstreek" in result.output
    assert users() == []


@pytest.mark.parametrize(
    ("email", "name", "message"),
    [
        ("admin.example.org", "Beheerder", "email: enter an e-mail address"),
        ("a" * 250 + "@example.org", "Beheerder", "email: enter an e-mail address"),
        ("admin@example.org", "B" * 101, "name: use 1 to 100 printable characters"),
        ("admin@example.org", "  ", "name: use 1 to 100 printable characters"),
        ("admin@example.org", "Be\x00heerder", "name: use 1 to 100 printable characters"),
    ],
)
def test_a_malformed_address_or_name_is_refused(run, email, name, message):
    args = ("users", "create", "--email", email, "--name", name, "--role", "admin")
    result = run(*args, "--region", "Gooi en Vechtstreek", password=PASSPHRASE)
    assert result.exit_code != 0
    assert message in result.output
    assert users() == []


def test_an_unknown_role_is_refused(run):
    args = ("users", "create", "--email", "a@example.org", "--name", "A", "--role", "root")
    result = run(*args, "--region", "Gooi en Vechtstreek", password=PASSPHRASE)
    assert result.exit_code != 0
    assert "'root' is not one of" in result.output
    assert users() == []


def test_an_address_in_use_is_refused(run, make_user):
    make_user("coordinator", email="admin@example.org")
    result = create(run, email="ADMIN@example.org", password=PASSPHRASE)
    assert result.exit_code != 0
    assert "email: A user with this e-mail address already exists." in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_list_shows_every_user_without_secrets(run, make_user):
    make_user("coordinator", email="anna@example.org", name="Anna de Vries")
    create(run, password=PASSPHRASE)
    result = run("users", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split("\t") == [
        "admin@example.org",
        "Beheerder",
        "admin",
        "Gooi en Vechtstreek",
        "active",
        "-",
    ]
    assert lines[1].startswith("anna@example.org\tAnna de Vries\tcoordinator\t")
    assert "argon2" not in result.output and PASSPHRASE not in result.output


def test_deactivate_ends_her_session_at_once(run, make_user, browser, audit_entries):
    anna = make_user("coordinator", email="anna@example.org")
    other = browser(anna)
    assert other.get("/account").status_code == 200
    result = run("users", "deactivate", "--email", " Anna@Example.org")
    assert result.exit_code == 0, result.output
    assert "deactivated anna@example.org" in result.output
    assert asks_to_sign_in(other.get("/account"))
    assert users()[0].active is False
    assert audit_entries()[-1].detail == "fields:active"
    again = run("users", "deactivate", "--email", "anna@example.org")
    assert again.exit_code == 0
    assert "was inactive already" in again.output


def test_deactivating_an_unknown_address_fails(run):
    result = run("users", "deactivate", "--email", "nobody@example.org")
    assert result.exit_code != 0
    assert "no user with e-mail address 'nobody@example.org'" in result.output


def test_regions_create_makes_the_first_region(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["regions", "create", "--name", "Midden-Nederland", "--code", "MN"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Region).where(Region.code == "MN")).name == "Midden-Nederland"


@pytest.mark.parametrize("code", ["mn", "M", "MNOPQ", "M1"])
def test_regions_create_refuses_a_malformed_code(app, code):
    result = app.test_cli_runner().invoke(args=["regions", "create", "--name", "X", "--code", code])
    assert result.exit_code != 0
    assert db.session.scalar(select(Region).where(Region.name == "X")) is None


def test_regions_create_refuses_a_duplicate(app, make_region):
    make_region("Gooi en Vechtstreek")
    result = app.test_cli_runner().invoke(
        args=["regions", "create", "--name", "Gooi en Vechtstreek", "--code", "GW"]
    )
    assert result.exit_code != 0
