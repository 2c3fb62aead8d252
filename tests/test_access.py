"""Every route, found from the URL map: sign-in first, region and role enforced, refusals audited.

Routes added later are swept automatically; a new client-data blueprint needs only to be in
`guards.CLIENT_DATA_BLUEPRINTS`.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, IntegerConverter, UUIDConverter

from carecoord.accounts import guards
from carecoord.audit.models import AuditEntry
from carecoord.codes import Role, StepKind
from carecoord.extensions import db
from tests.conftest import csrf_token

OWN_REGION = "Gooi en Vechtstreek"
OTHER_REGION = "Rotterdam-Rijnmond"
SECRET_NAME = "Zuzanna Wiśniewska"
SECRET_TEXT = "safe house near the harbour"
METHODS = ("GET", "POST")


def all_rules(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))


def blueprint_of(rule: Rule) -> str:
    return rule.endpoint.rpartition(".")[0]


def client_data_rules(app) -> list[Rule]:
    return [r for r in all_rules(app) if blueprint_of(r) in guards.CLIENT_DATA_BLUEPRINTS]


def takes_an_id(rule: Rule) -> bool:
    return any(isinstance(c, UUIDConverter) for c in rule._converters.values())


def table_for(argument: str, blueprint: str) -> str:
    """`public_id` names the blueprint's own object; `step_id`, `client_public_id` another."""
    stem = argument.removesuffix("_id").removesuffix("_public")
    return blueprint if stem in ("public", "") else f"{stem}s"


def url_for_rule(rule: Rule, objects: dict[str, object]) -> str:
    """The rule's URL with each argument taken from a real object: uuid → its public id."""
    values: dict[str, object] = {}
    for argument, converter in rule._converters.items():
        target = objects.get(table_for(argument, blueprint_of(rule)), objects["trajectories"])
        if isinstance(converter, UUIDConverter):
            values[argument] = target.public_id
        elif isinstance(converter, IntegerConverter):
            values[argument] = target.id
        elif isinstance(converter, AnyConverter):
            values[argument] = min(converter.items)
        else:
            values[argument] = "x"
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def send(client, method: str, path: str, token: str | None):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": token} if token else {})


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def entries_after(count: int) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id).offset(count)))


def leaks(response, secrets: list[str]) -> bool:
    shown = response.get_data(as_text=True) + (response.location or "")
    return any(secret in shown for secret in secrets)


@pytest.fixture
def other_region_file(make_trajectory):
    """A client file in Rotterdam-Rijnmond with identity, a step text and its objects by table."""
    t = make_trajectory(region=OTHER_REGION, name=SECRET_NAME, phone="0612345678")
    step = t.add_step(
        StepKind.INTAKE_CONVERSATION, author=None, on=date(2026, 9, 2), text=SECRET_TEXT
    )
    db.session.commit()
    objects = {"trajectories": t, "clients": t.client, "steps": step}
    secrets = [SECRET_NAME, SECRET_TEXT, "0612345678", t.case_number]
    return objects, secrets


def test_every_endpoint_declares_who_may_use_it(app):
    assert guards.undeclared_endpoints(app) == []


def allows(app, path: str, method: str) -> bool:
    """Whether any rule answers `method` on `path` (a URL may have one rule per method)."""
    try:
        app.url_map.bind("localhost").match(path, method=method)
    except MethodNotAllowed:
        return False
    return True


def test_the_sweep_covers_client_data_routes_with_ids(app):
    rules = client_data_rules(app)
    assert {blueprint_of(r) for r in rules} >= {"clients", "trajectories"}
    assert any(takes_an_id(r) for r in rules)


def test_anonymous_requests_go_to_the_sign_in_page(app, client, other_region_file):
    objects, secrets = other_region_file
    token = csrf_token(client)
    sign_in_path = "/sign-in"
    wrong = []
    for rule in all_rules(app):
        if rule.endpoint in guards.PUBLIC_ENDPOINTS:
            continue
        path = url_for_rule(rule, objects)
        for method in (m for m in METHODS if m in rule.methods):
            response = send(client, method, path, token)
            location = urlsplit(response.location or "").path
            if response.status_code != 302 or location != sign_in_path or leaks(response, secrets):
                wrong.append(f"{method} {path} → {response.status_code} {response.location}")
    assert not wrong, wrong


def test_coordinator_of_another_region_gets_404_and_is_audited(
    app, client, login_as, other_region_file
):
    objects, secrets = other_region_file
    coordinator = login_as(Role.COORDINATOR, region=OWN_REGION)
    token = csrf_token(client)
    wrong = []
    for rule in client_data_rules(app):
        path = url_for_rule(rule, objects)
        for method in METHODS:
            before = audit_count()
            response = send(client, method, path, token)
            status = response.status_code
            if leaks(response, secrets) or status >= 500:
                wrong.append(f"{method} {path} → {status}, or shows the other region's file")
            elif not allows(app, path, method):
                if status != 405:
                    wrong.append(f"{method} {path} → {status}, expected 405")
            elif takes_an_id(rule):
                denied = [
                    e
                    for e in entries_after(before)
                    if e.outcome == "denied" and e.user_id == coordinator.id
                ]
                if status != 404 or not denied:
                    wrong.append(f"{method} {path} → {status}, denied entries: {len(denied)}")
    assert not wrong, wrong


@pytest.mark.parametrize("role", [Role.CHAIN_DIRECTOR, Role.ADMIN])
def test_other_roles_get_403_on_client_data_even_in_its_region(
    app, client, login_as, other_region_file, role
):
    objects, secrets = other_region_file
    user = login_as(role, region=OTHER_REGION)
    token = csrf_token(client)
    wrong = []
    for rule in client_data_rules(app):
        path = url_for_rule(rule, objects)
        for method in METHODS:
            before = audit_count()
            response = send(client, method, path, token)
            expected = 403 if allows(app, path, method) else 405
            denied = [
                e
                for e in entries_after(before)
                if e.outcome == "denied" and e.user_id == user.id and e.detail == "role_not_allowed"
            ]
            if response.status_code != expected or leaks(response, secrets):
                wrong.append(f"{method} {path} → {response.status_code}, expected {expected}")
            elif expected == 403 and len(denied) != 1:
                wrong.append(f"{method} {path}: {len(denied)} denied entries, expected 1")
    assert not wrong, wrong
