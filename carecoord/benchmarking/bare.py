"""Bare endpoints: a page's SQL and decryption without the framework around it (benchmarks/).

Mounted only when config BENCHMARK_ENDPOINTS is set (CARECOORD_BENCHMARK_ENDPOINTS=1, refused in
production): a WSGI middleware in front of the app answers GET /_bench/bare/<page> itself, in an
app context of the same process, and passes every other path on. No routing, session cookie,
CSRF, access guard, audit entry, template or translation runs; the answer is plain text.
benchmarks/http_load.py sets each page's throughput and p99 against its bare twin.

"The same SQL and decryption" means, per page:
- caseload (`?user=<users.id>&page=<n>`): the user is loaded by id (the page loads her from the
  session cookie), then `caseload.caseload(user, CaseloadFilter(), today)` paginated with
  PAGE_SIZE and the count, `caseload.rows()` (the handover counts), the region's name (the page
  header) and, per row, the decrypted client name, the forms of exploitation and the
  responsible coordinator: every SELECT of trajectories.index but the user's and the audit's.
- client file (`?user=<users.id>&trajectory=<public id>`): `queries.trajectory_or_404` and
  `queries.other_trajectories`, then every relationship the file's template reads (client,
  municipality, responsible, forms, intake, consents with their providers, help questions,
  handovers with their providers, every step with its author, in the same lazy loads) and
  every field it decrypts (the nine identity fields, help-question texts, decline reasons,
  step texts and participants): the same SELECTs as trajectories.detail but the user's and
  the audit's. tests/benchmarking compare the two statement lists.
- dashboard (`?user=<users.id>&period=<YYYY or YYYY-Qn>`): the user's region and
  `dashboard_tables.build(region, period, threshold)`, the same GROUP BY queries and the same
  suppression as dashboard.index; nothing is decrypted there, on the page or here.
An id is a number or a public UUID, never a sensitive value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs
from uuid import UUID

from flask import Flask, current_app
from werkzeug.exceptions import HTTPException, NotFound

from carecoord.accounts.models import User
from carecoord.clients.forms import IDENTITY_FIELDS as IDENTITY
from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.handovers.queries import open_handovers
from carecoord.reporting.aggregates import Period
from carecoord.reporting.dashboard_tables import build
from carecoord.reporting.suppression import check_threshold
from carecoord.timeutil import today
from carecoord.trajectories import caseload, consents, queries, rules
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.operations.closure import has_other_open_trajectory

PREFIX = "/_bench/bare/"
Params = dict[str, list[str]]
Environ = dict[str, Any]


class BadParameter(ValueError):
    """A missing or malformed query parameter: answered 400."""


def mount(app: Flask) -> None:
    """Put the bare endpoints in front of `app` (only when BENCHMARK_ENDPOINTS is set)."""
    app.wsgi_app = BareEndpoints(app, app.wsgi_app)  # type: ignore[method-assign]


class BareEndpoints:
    """WSGI middleware: answers GET PREFIX<page> itself, passes every other request on."""

    def __init__(self, app: Flask, wrapped: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wrapped = wrapped
        self.pages: dict[str, Callable[[Params], Iterator[str]]] = {
            "caseload": caseload_lines,
            "file": client_file_lines,
            "dashboard": dashboard_lines,
        }

    def __call__(self, environ: Environ, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.wrapped(environ, start_response)
        page = self.pages.get(path[len(PREFIX) :])
        if page is None or environ.get("REQUEST_METHOD") != "GET":
            return _answer(start_response, 404, "not found")
        params = parse_qs(environ.get("QUERY_STRING", ""))
        # The app context ends with db.session.remove(): the read transaction rolls back.
        with self.app.app_context():
            try:
                body = "\n".join(page(params))
            except BadParameter as error:
                return _answer(start_response, 400, str(error))
            except HTTPException as error:
                return _answer(start_response, error.code or 500, error.name)
        return _answer(start_response, 200, body)


def _answer(start_response: Callable, status: int, text: str) -> list[bytes]:
    body = (text + "\n").encode("utf-8")
    reason = {200: "OK", 400: "BAD REQUEST", 404: "NOT FOUND"}.get(status, "ERROR")
    start_response(
        f"{status} {reason}",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def _one(params: Params, name: str) -> str:
    values = params.get(name)
    if not values or not values[0]:
        raise BadParameter(f"missing parameter {name}")
    return values[0]


def _number(params: Params, name: str, default: int | None = None) -> int:
    if default is not None and name not in params:
        return default
    text = _one(params, name)
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise BadParameter(f"parameter {name} is not a number")
    return int(text)


def _user(params: Params) -> User:
    user = db.session.get(User, _number(params, "user"))
    if user is None or not user.active:
        raise NotFound
    return user


def _text(value: object) -> str:
    """A decrypted value as the page shows it: None as a dash, a date in ISO form."""
    if value is None:
        return "-"
    return value.isoformat() if isinstance(value, date) else str(value)


def _person(user: User | None) -> str:
    return user.name if user is not None else "-"


def caseload_lines(params: Params) -> Iterator[str]:
    """The first (or `page`) page of the user's caseload, unfiltered, as trajectories.index."""
    user = _user(params)
    on = today()
    size = current_app.config["PAGE_SIZE"]
    page = db.paginate(
        caseload.caseload(user, caseload.CaseloadFilter(), on),
        page=_number(params, "page", 1),
        per_page=size,
        max_per_page=size,
        count=True,
        error_out=False,
    )
    rows = caseload.rows(user, page.items, on)
    yield f"{user.region.name}\t{page.total}"
    for row in rows:
        t = row.trajectory
        forms = ",".join(form.value for form in t.forms_of_exploitation)
        yield "\t".join(
            (
                t.case_number,
                _text(t.client.name),
                t.phase,
                str(row.days_since_notification),
                str(row.open_handovers),
                forms,
                _person(t.responsible),
            )
        )


def client_file_lines(params: Params) -> Iterator[str]:
    """The client file with its whole timeline, as trajectories.detail reads and decrypts it."""
    user = _user(params)
    try:
        public_id = UUID(_one(params, "trajectory"))
    except ValueError:
        raise BadParameter("parameter trajectory is not a public id") from None
    t = queries.trajectory_or_404(user, public_id)
    others = queries.other_trajectories(user, t)
    client = t.client
    on = today()
    yield f"{user.region.name}\t{t.case_number}\t{t.phase}"
    yield from (_text(getattr(client, field)) for field in IDENTITY)
    yield client.municipality.name if client.municipality else "-"
    yield _person(t.responsible)
    yield ",".join(form.value for form in t.forms_of_exploitation)
    yield from (f"other\t{o.case_number}\t{o.phase}" for o in others)
    yield from _status(t, on)
    yield from (f"informed\t{i.topic}\t{i.informed_on}" for i in t.informed)
    yield from (f"need\t{n.domain}\t{n.assessed}\t{n.has_need}" for n in t.needs)
    yield from _consents(t)
    yield from _help_questions(t)
    yield from _timeline(t)


def _status(t: Trajectory, on: date) -> Iterator[str]:
    """The status section: open handovers, another open trajectory, the two warnings."""
    overdue = t.is_open and t.next_review_on is not None and t.next_review_on < on
    ending = t.is_open and rules.reflection_period_ends_soon(t.reflection_started_on, on)
    yield f"status\t{len(open_handovers(t))}\t{has_other_open_trajectory(t)}\t{overdue}\t{ending}"


def _consents(t: Trajectory) -> Iterator[str]:
    for provider in consents.withdrawn_with_open_handovers(t):
        yield f"consent-warning\t{provider.name}"
    for consent in t.consents:
        provider = consent.provider.name if consent.provider else "-"
        yield f"consent\t{consent.purpose}\t{provider}\t{consent.given_on}"


def _help_questions(t: Trajectory) -> Iterator[str]:
    for question in t.help_questions:
        yield f"question\t{question.domain}\t{_text(question.text)}"
        for handover in question.handovers:
            provider = handover.provider
            yield f"handover\t{provider.name}\t{provider.provider_type}\t{handover.status}"
            yield _text(handover.decline_reason)
            if handover.is_open:
                # The consent notice of an open handover, as handovers.views.handover_consent.
                state = consents.consent_state(handover.help_question.trajectory, provider)
                yield f"consent-state\t{state.given_on}\t{state.withdrawn_on}"
        if t.is_open and question.open_handover is None and question.awaits_another_provider:
            yield f"declined-by\t{question.handovers[-1].provider.name}"


def _timeline(t: Trajectory) -> Iterator[str]:
    for step in t.steps:
        yield f"step\t{step.occurred_on}\t{step.kind}\t{_person(step.author)}"
        if step.kind == StepKind.CARE_MEETING and step.participants is not None:
            yield _text(step.participants)
        if step.text is not None:
            yield _text(step.text)


def dashboard_lines(params: Params) -> Iterator[str]:
    """The user's region's dashboard for `period`: the same tables as dashboard.index."""
    user = _user(params)
    try:
        period = Period.parse(_one(params, "period"))
    except ValueError:
        raise BadParameter("parameter period is not YYYY or YYYY-Qn") from None
    region = user.region
    threshold = check_threshold(current_app.config["SUPPRESSION_THRESHOLD"])
    yield f"{region.code}\t{period}"
    for table in build(region, period, threshold):
        for row in table.rows:
            cells = table.cells[row.code]
            displays = "\t".join(str(cells[key].display) for key, _header in table.columns)
            yield f"{table.key}\t{row.code}\t{displays}"
