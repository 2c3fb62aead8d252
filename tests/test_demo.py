"""`flask demo seed`: the demo regions, accounts and clients, idempotence, bulk, production."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from carecoord.accounts.models import Municipality, Region, User
from carecoord.audit.models import AuditEntry
from carecoord.clients.models import Client
from carecoord.clients.rules import age_band, nationality_group
from carecoord.codes import Phase, ProviderType, StepKind
from carecoord.demo.people import PeopleGenerator
from carecoord.extensions import db
from carecoord.providers.models import CareProvider
from carecoord.security.encrypted import UNREADABLE
from carecoord.trajectories.models import Step, Trajectory
from tests.conftest import post, sign_in_through_the_form

CASE_NUMBER = re.compile(r"^(GV|RR)-20\d\d-\d{4}$")
# Bulk trajectories spread over the national regions too (carecoord.demo.regions).
ANY_CASE_NUMBER = re.compile(r"^[A-Z]{2}-20\d\d-\d{4}$")
ACCOUNT_LINE = re.compile(r"^\s+(coordinator|chain_director|admin)\s+(.+?)\s+(\S+@\S+)\s+(\S+)$")
MODELS = (Region, Municipality, CareProvider, User, Client, Trajectory, Step, AuditEntry)


def seed(app, *args: str):
    result = app.test_cli_runner().invoke(args=["demo", "seed", *args])
    db.session.expire_all()
    return result


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in MODELS
    }


def printed_accounts(output: str) -> list[tuple[str, str, str, str]]:
    return [match.groups() for line in output.splitlines() if (match := ACCOUNT_LINE.match(line))]


def signs_in(app, email: str, password: str) -> bool:
    """Sign in with a fresh browser (the `client` fixture makes each request-isolated), through
    both steps; a demo account sets up two-factor sign-in at its first sign-in."""
    browser = app.test_client()
    if post(browser, "/sign-in", {"email": email, "password": password}).status_code != 302:
        return False
    browser = app.test_client()
    sign_in_through_the_form(browser, email, password)
    home = browser.get("/", follow_redirects=True)
    return home.status_code == 200 and home.request.path != "/sign-in"


def test_seed_creates_both_regions_with_their_cbs_municipalities(app):
    result = seed(app)

    assert result.exit_code == 0, result.output
    regions = {r.name: r for r in db.session.scalars(select(Region))}
    assert {name: r.code for name, r in regions.items()} == {
        "Gooi en Vechtstreek": "GV",
        "Rotterdam-Rijnmond": "RR",
    }
    gooi = {m.name: m.cbs_code for m in regions["Gooi en Vechtstreek"].municipalities}
    assert gooi == {
        "Blaricum": "GM0376",
        "Eemnes": "GM0317",
        "Gooise Meren": "GM1942",
        "Hilversum": "GM0402",
        "Huizen": "GM0406",
        "Laren": "GM0417",
        "Wijdemeren": "GM1696",
    }
    rijnmond = {m.cbs_code for m in regions["Rotterdam-Rijnmond"].municipalities}
    assert {"GM0599", "GM0606", "GM0622", "GM1992", "GM1924"} <= rijnmond
    assert len(rijnmond) == 13
    for region in regions.values():
        providers = db.session.scalars(
            select(CareProvider).where(CareProvider.region_id == region.id)
        ).all()
        types = {ProviderType(p.provider_type) for p in providers}
        assert len(types) >= 5
        assert all(p.name.startswith("Demo ") for p in providers)


def test_printed_accounts_sign_in_with_their_role(app, client):
    result = seed(app)

    accounts = printed_accounts(result.output)
    roles = sorted((role, region) for role, region, _, _ in accounts)
    assert roles == [
        ("admin", "Gooi en Vechtstreek"),
        ("chain_director", "Gooi en Vechtstreek"),
        ("chain_director", "Rotterdam-Rijnmond"),
        ("coordinator", "Gooi en Vechtstreek"),
        ("coordinator", "Rotterdam-Rijnmond"),
    ]
    for role, region, email, password in accounts:
        user = db.session.scalar(select(User).where(User.email == email))
        assert (user.role, user.region.name) == (role, region)
        assert signs_in(app, email, password), f"{email} cannot sign in"
        assert not signs_in(app, email, password + "x")


def test_coordinator_sees_her_own_regions_demo_clients_only(app, client):
    seed(app)
    own = set(
        db.session.scalars(select(Trajectory.case_number).join(Region).where(Region.code == "GV"))
    )
    sign_in_through_the_form(client, "coordinator.gv@example.org", "demo-coordinator-gooi-2026")

    page = client.get("/", follow_redirects=True).get_data(as_text=True)

    assert own and any(number in page for number in own)
    assert "RR-20" not in page


def test_about_forty_clients_with_readable_identity_and_coded_facts(app):
    seed(app)

    clients = db.session.scalars(select(Client)).all()
    assert len(clients) == 40
    assert {c.region.code for c in clients} == {"GV", "RR"}
    bands, groups = set(), set()
    for client in clients:
        assert isinstance(client.name, str) and client.name and client.name is not UNREADABLE
        assert client.nationality_group == nationality_group(client.nationality).value
        assert client.municipality.region_id == client.region_id
        (trajectory,) = client.trajectories
        assert CASE_NUMBER.match(trajectory.case_number)
        assert trajectory.case_number.startswith(client.region.code + "-")
        assert trajectory.phase in {Phase.INTAKE, Phase.ASSISTANCE}
        started = trajectory.assistance_started_on is not None
        assert started == (trajectory.phase == Phase.ASSISTANCE)
        assert trajectory.next_review_on > max(s.occurred_on for s in trajectory.steps)
        assert trajectory.age_band == age_band(client.date_of_birth, trajectory.notified_on)
        assert (date.today() - trajectory.notified_on).days <= 731
        assert trajectory.forms_of_exploitation
        kinds = [s.kind for s in trajectory.steps]
        assert kinds.count(StepKind.NOTIFICATION) == 1
        assert kinds.count(StepKind.CONTACT_MOMENT) >= 2
        assert all(s.text for s in trajectory.steps if s.kind == StepKind.CONTACT_MOMENT)
        assert {s.author.role for s in trajectory.steps} == {"coordinator"}
        assert trajectory.responsible.region_id == client.region_id
        bands.add(trajectory.age_band)
        groups.add(client.nationality_group)
    assert {"12-17", "18-22"} <= bands
    assert groups >= {"nl", "eea", "non_eea"}
    stored = db.session.scalar(select(Client._name).where(Client.id == clients[0].id))
    assert clients[0].name.encode() not in stored


def test_second_run_adds_nothing_and_still_prints_the_accounts(app):
    seed(app)
    before = counts()

    again = seed(app)

    assert again.exit_code == 0
    assert counts() == before
    assert "nothing added" in again.output
    assert len(printed_accounts(again.output)) == 5


def test_same_seed_draws_the_same_people():
    first = PeopleGenerator(1, date(2026, 6, 1))
    second = PeopleGenerator(1, date(2026, 6, 1))
    dates = first.notification_dates(5)
    assert dates == second.notification_dates(5)
    assert [first.client(d) for d in dates] == [second.client(d) for d in dates]


def test_trajectories_option_adds_that_many_more(app):
    seed(app)
    before = counts()

    result = seed(app, "--trajectories", "20")

    assert result.exit_code == 0, result.output
    after = counts()
    assert after["Client"] - before["Client"] == 20
    assert after["Trajectory"] - before["Trajectory"] == 20
    assert "20/20 extra trajectories" in result.output
    numbers = db.session.scalars(select(Trajectory.case_number)).all()
    assert len(set(numbers)) == len(numbers) and all(ANY_CASE_NUMBER.match(n) for n in numbers)
    newest = db.session.scalars(select(Client).order_by(Client.id.desc()).limit(20)).all()
    assert all(c.name and c.name is not UNREADABLE for c in newest)
    assert all(c.trajectories[0].steps for c in newest)
    assert all(s.author is not None for c in newest for s in c.trajectories[0].steps)


@pytest.mark.parametrize("how", ["environment", "config"])
def test_production_refuses_and_adds_nothing(app, monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv("CARECOORD_ENV", "production")
    else:
        monkeypatch.setitem(app.config, "ENV_NAME", "production")

    result = seed(app, "--trajectories", "5")

    assert result.exit_code != 0
    assert "production" in result.output
    assert "password" not in result.output
    assert set(counts().values()) == {0}
