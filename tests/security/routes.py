"""The security sweeps' view of the app: every rule of the URL map, with real objects behind it.

Everything here is derived from `app.url_map` and the role declarations, so a route added later
is swept without touching the tests. `tests/test_access.py` builds URLs for the region sweep
with one object per table; the sweeps here need a URL that *works* for a user allowed on it,
so each argument is resolved by its name to an object of a complete client file (`world`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.routing.converters import (
    AnyConverter,
    IntegerConverter,
    PathConverter,
    UUIDConverter,
)

from carecoord import create_app
from carecoord.accounts import guards
from carecoord.audit.models import AuditEntry
from carecoord.codes import (
    ConsentGiver,
    ConsentPurpose,
    LifeDomain,
    Role,
    StepKind,
)
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HandoverStatusChange, HelpQuestion
from carecoord.reporting.aggregates import Period
from carecoord.reporting.dashboard_tables import TABLE_KEYS
from carecoord.reporting.exports import export_dir, run_export
from carecoord.reporting.models import ExportBatch
from carecoord.timeutil import today
from carecoord.trajectories.models import Consent
from tests.test_access import all_rules

REGION = "Gooi en Vechtstreek"
METHODS = ("GET", "POST")
# Who signs in to use a route, most capable first: the coordinator sees client data.
ROLE_PREFERENCE = (Role.COORDINATOR, Role.ADMIN, Role.CHAIN_DIRECTOR)
# The year of the world's data (the monitor's and an export's period).
YEAR = 2026
AUDIT_TABLE = AuditEntry.__tablename__
# A `year` in a URL (the monitor): the last year that is over.
LAST_FULL_YEAR = today().year - 1


def _collection_app() -> Flask:
    """An app built only to read its URL map when pytest collects the parametrized sweeps."""
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, env="test")


COLLECTION_APP = _collection_app()


@dataclass(frozen=True)
class Route:
    """One URL of one rule: an `any(...)` argument gives one Route per choice."""

    endpoint: str
    rule: str
    methods: tuple[str, ...]
    choice: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        suffix = ",".join(self.choice.values())
        return f"{self.endpoint}[{suffix}]" if suffix else self.endpoint

    @property
    def blueprint(self) -> str:
        return self.endpoint.rpartition(".")[0]


def _routes(app: Flask) -> list[Route]:
    found: list[Route] = []
    for rule in all_rules(app):
        methods = tuple(m for m in METHODS if m in (rule.methods or ()))
        choices: list[dict[str, str]] = [{}]
        for argument, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                choices = [{**c, argument: item} for c in choices for item in converter.items]
        found += [Route(rule.endpoint, rule.rule, methods, c) for c in sorted(choices, key=str)]
    return found


ROUTES = _routes(COLLECTION_APP)
# Several rules of one endpoint (none today) would share an id: make that visible.
assert len({r.id for r in ROUTES}) == len({(r.id, r.rule) for r in ROUTES}), "ambiguous ids"


def declared_roles(app: Flask, endpoint: str) -> frozenset[Role]:
    return guards.allowed_roles(endpoint, app.view_functions[endpoint]) or frozenset()


def is_public(route: Route) -> bool:
    return route.endpoint in guards.PUBLIC_ENDPOINTS


def user_role(app: Flask, route: Route) -> Role:
    """A role that may use the route (the first of ROLE_PREFERENCE that is declared)."""
    roles = declared_roles(app, route.endpoint)
    return next(role for role in ROLE_PREFERENCE if role in roles)


def is_admin_route(app: Flask, route: Route) -> bool:
    return route.blueprint == "admin" or declared_roles(app, route.endpoint) == {Role.ADMIN}


def routes_with(method: str, *, public: bool | None = None) -> list[Route]:
    return [r for r in ROUTES if method in r.methods and (public is None or is_public(r) == public)]


def params(routes: list[Route]) -> list[Any]:
    return [pytest.param(r, id=r.id) for r in routes]


def rule_of(app: Flask, route: Route) -> Rule:
    """The same rule in the test's own app (the collection app only named it)."""
    wanted = (route.endpoint, route.rule)
    (rule,) = (r for r in app.url_map.iter_rules() if (r.endpoint, r.rule) == wanted)
    return rule


# --- a complete client file, and the URL of each rule on it -----------------------------------


@dataclass
class World:
    """Real objects of one region, by the name a URL argument gives them."""

    objects: dict[str, Any]

    def object_for(self, argument: str, blueprint: str) -> Any:
        stem = argument.removesuffix("_id").removesuffix("_public")
        if stem in ("public", ""):
            # `public_id` is the blueprint's own object; nested blueprints hang off a trajectory.
            return self.objects.get(blueprint, self.objects["trajectories"])
        # An argument not known here gets the trajectory: the page then answers 404, which the
        # sign-in, role, CSRF and header sweeps still check; add its object to `world`.
        return self.objects.get(stem, self.objects["trajectories"])


# A plain string argument is free text to Werkzeug: a value that names something real.
STRING_VALUES: dict[str, Callable[[], str]] = {"name": lambda: TABLE_KEYS[0]}
STATIC_FILE = "carecoord.css"


def url_of(app: Flask, route: Route, world: World) -> str:
    rule = rule_of(app, route)
    values: dict[str, object] = {}
    for argument, converter in rule._converters.items():
        if argument in route.choice:
            values[argument] = route.choice[argument]
        elif isinstance(converter, PathConverter):
            values[argument] = STATIC_FILE
        elif isinstance(converter, IntegerConverter):
            values[argument] = (
                LAST_FULL_YEAR
                if argument == "year"
                else world.object_for(argument, route.blueprint).id
            )
        elif isinstance(converter, UUIDConverter):
            values[argument] = world.object_for(argument, route.blueprint).public_id
        else:
            values[argument] = STRING_VALUES.get(argument, lambda: "x")()
    built = rule.build(values, append_unknown=False)
    assert built is not None, route.rule
    return built[1]


@pytest.fixture(name="world")
def world_fixture(
    app, make_trajectory, make_user, make_provider, make_region, tmp_path, monkeypatch
):
    """A client file in Gooi en Vechtstreek with one of everything a URL can name."""
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    region = make_region(REGION)
    make_region("Rotterdam-Rijnmond")
    t = make_trajectory(region=REGION, name="Maria Kowalska", phone="0612345678")
    step = t.add_step(StepKind.CONTACT_MOMENT, author=None, on=date(2026, 9, 2), text="Gebeld")
    provider = make_provider("De Opvang", region=REGION)
    question = HelpQuestion(domain=LifeDomain.SHELTER_HOUSING.value, created_on=date(2026, 9, 2))
    question.text = "Needs a safe place to stay"
    t.help_questions.append(question)
    handover = Handover(provider=provider, proposed_on=date(2026, 9, 3))
    handover.changes.append(HandoverStatusChange(status="proposed", changed_on=date(2026, 9, 3)))
    question.handovers.append(handover)
    consent = Consent(
        purpose=ConsentPurpose.SHARE_WITH_PROVIDER.value,
        provider_id=provider.id,
        given_on=date(2026, 9, 2),
        given_by=ConsentGiver.CLIENT.value,
    )
    t.consents.append(consent)
    colleague = make_user(Role.COORDINATOR, REGION, name="Collega Coördinator")
    db.session.commit()
    after_q3 = datetime(YEAR, 10, 15, 9, 0, tzinfo=UTC)
    run_export(
        region, Period.parse(f"{YEAR}-Q3"), out_dir=export_dir(region), actor=None, now=after_q3
    )
    db.session.commit()
    batch = db.session.scalars(select(ExportBatch)).one()
    return World(
        {
            "trajectories": t,
            "handovers": t,
            "clients": t.client,
            "steps": step,
            "step": step,
            "question": question,
            "handover": handover,
            "consent": consent,
            "providers": provider,
            "admin": colleague,
            "user": colleague,
            "region": region,
            "municipality": region.municipalities[0],
            "exports": batch,
        }
    )


# --- what the database holds -----------------------------------------------------------------


def snapshot(*, with_audit: bool = False) -> dict[str, list[tuple]]:
    """Every row of every table (the audit log only when asked), to compare before and after."""
    db.session.expire_all()
    db.session.rollback()
    content = {}
    for table in db.metadata.sorted_tables:
        if table.name == AUDIT_TABLE and not with_audit:
            continue
        rows = db.session.execute(select(table)).all()
        content[table.name] = sorted((tuple(row) for row in rows), key=repr)
    db.session.rollback()
    return content


def successful_audit_entries_after(count: int) -> list[AuditEntry]:
    db.session.expire_all()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id).offset(count))
    return [e for e in entries if e.outcome != "denied"]


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


# --- forms on a page ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def defaults(self) -> dict[str, list[str]]:
        """What the browser would send unchanged (first choice of a select, every value)."""
        return {name: values[:1] for name, values in self.fields.items() if values}


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_path).path or self.page_path
            self.forms.append(Form(action, (a.get("method") or "get").upper()))
            return
        if not self.forms or "name" not in a:
            return
        fields = self.forms[-1].fields.setdefault(a["name"], [])
        if tag == "input" and a.get("type") not in ("submit", "button"):
            value = a.get("value", "on" if a.get("type") in ("checkbox", "radio") else "")
            unchecked = a.get("type") in ("checkbox", "radio") and "checked" not in a
            fields.append(value) if unchecked else fields.insert(0, value)
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = a["name"]
            fields.insert(0, "")

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


class _OptionParser(_FormParser):
    def handle_starttag(self, tag, attrs):
        if tag == "option" and self._select and self.forms:
            a = {k: v or "" for k, v in attrs}
            values = self.forms[-1].fields.setdefault(self._select, [])
            value = a.get("value", "")
            values.insert(0, value) if "selected" in a else values.append(value)
            return
        super().handle_starttag(tag, attrs)


def forms_on(page: str, page_path: str) -> list[Form]:
    parser = _OptionParser(page_path)
    parser.feed(page)
    return parser.forms


def form_posting_to(client, path: str) -> Form | None:
    """The form that posts to `path`, looked for on `path` and on the pages above it, as a
    coordinator finds the intake-needs form on the intake page and the conditions on the file."""
    candidate = path
    while candidate:
        response = client.get(candidate)
        if response.status_code == 200 and response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            for form in forms_on(page, candidate):
                if form.method == "POST" and form.action == path:
                    return form
        candidate = candidate.rstrip("/").rpartition("/")[0]
    return None
