"""The bare endpoints of benchmarks/: only behind the flag, never in production, and reading
the same rows with the same SQL and decryption as the pages they stand beside."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import event

from carecoord import create_app
from carecoord.benchmarking.bare import mount
from carecoord.codes import (
    ConsentGiver,
    ConsentPurpose,
    HandoverStatus,
    LifeDomain,
    ProviderType,
    Role,
    StepKind,
)
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.trajectories.models import ClientInformed, Consent, NeedsAssessment
from config import ConfigurationError, load_config
from tests.test_config import REQUIRED

CASELOAD = "/_bench/bare/caseload"
FILE = "/_bench/bare/file"
DASHBOARD = "/_bench/bare/dashboard"
# The framework's own statements, which the bare endpoints leave out on purpose.
FRAMEWORK = re.compile(r"audit_entries|pg_advisory|^BEGIN|users\.public_id = ", re.IGNORECASE)


@pytest.fixture
def bare(app: Flask) -> Iterator[None]:
    """The bare endpoints in front of the session's app for one test."""
    saved = app.wsgi_app
    mount(app)
    yield
    app.wsgi_app = saved  # type: ignore[method-assign]


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement the app sends while the block runs."""
    seen: list[str] = []

    def capture(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def page_sql(seen: list[str]) -> Counter[str]:
    """The statements of a page, less the session's user load and the audit entry."""
    return Counter(s for s in seen if not FRAMEWORK.search(s))


def bare_sql(seen: list[str]) -> Counter[str]:
    """The statements of a bare endpoint, less its user load by id (its first query)."""
    queries = [s for s in seen if not FRAMEWORK.search(s)]
    assert queries[0].startswith("SELECT users.id") and "WHERE users.id = " in queries[0]
    return Counter(queries[1:])


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_without_the_flag_the_paths_are_not_found(client, login_as):
    coordinator = login_as(Role.COORDINATOR)
    for path in (CASELOAD, FILE, DASHBOARD):
        assert client.get(f"{path}?user={coordinator.id}").status_code == 404


def test_the_flag_mounts_them_in_development_and_test(monkeypatch):
    monkeypatch.setenv("CARECOORD_BENCHMARK_ENDPOINTS", "1")
    assert load_config("test")["BENCHMARK_ENDPOINTS"] is True
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, env="test")
    answer = app.test_client().get(CASELOAD)
    assert (answer.status_code, answer.get_data(as_text=True)) == (400, "missing parameter user\n")
    assert answer.headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/_bench/bare/elsewhere").status_code == 404
    monkeypatch.delenv("CARECOORD_BENCHMARK_ENDPOINTS")
    assert load_config("test")["BENCHMARK_ENDPOINTS"] is False


def test_production_refuses_the_flag(monkeypatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CARECOORD_BENCHMARK_ENDPOINTS", "1")
    with pytest.raises(ConfigurationError, match="CARECOORD_BENCHMARK_ENDPOINTS is refused"):
        load_config("production")


def test_bad_parameters_and_other_regions_are_refused(client, bare, make_user, make_trajectory):
    coordinator = make_user(Role.COORDINATOR)
    elsewhere = make_trajectory(region="Rotterdam-Rijnmond")
    assert client.get(f"{CASELOAD}?user=x").status_code == 400
    assert client.get(f"{CASELOAD}?user=999999").status_code == 404
    assert client.get(f"{FILE}?user={coordinator.id}&trajectory=12").status_code == 400
    out_of_scope = f"{FILE}?user={coordinator.id}&trajectory={elsewhere.public_id}"
    assert client.get(out_of_scope).status_code == 404
    assert client.get(f"{DASHBOARD}?user={coordinator.id}&period=2026-Q5").status_code == 400
    assert client.post(f"{CASELOAD}?user={coordinator.id}").status_code == 404


def test_caseload_reads_the_same_rows_and_sql_as_the_page(
    client, bare, login_as, make_trajectory, audit_entries
):
    names = ["Maria Kowalska", "Ana <Popescu>", "Đặng Thị Hoa", "Olena Kovalenko"]
    for name in names:
        make_trajectory(name=name)
    make_trajectory(region="Rotterdam-Rijnmond", name="Outside Region")
    coordinator = login_as(Role.COORDINATOR)
    url = f"{CASELOAD}?user={coordinator.id}"  # read before: the test's session reloads it
    with statements() as seen_page:
        page = client.get("/trajectories/")
    with statements() as seen_bare:
        answer = client.get(url)
    assert page.status_code == answer.status_code == 200
    header, *rows = answer.get_data(as_text=True).splitlines()
    assert header == "Gooi en Vechtstreek\t4"
    assert sorted(row.split("\t")[1] for row in rows) == sorted(names)
    assert all(name in text_of(page) for name in names)
    assert bare_sql(seen_bare) == page_sql(seen_page)
    # Nothing of the framework: no audit entry for the bare read.
    assert [e.detail for e in audit_entries()].count("caseload") == 1


@pytest.fixture
def rich_file(app, make_trajectory, make_user, make_provider):
    """A file whose page reads every section: steps by a colleague, a care meeting, the
    intake, consents, an open and a declined handover."""
    t = make_trajectory(name="Maria Kowalska", phone="+31 6 1234 5678", bsn="123456782")
    colleague = make_user(Role.COORDINATOR, name="Collega Jansen")
    author = make_user(Role.COORDINATOR, name="Collega de Vries")
    shelter = make_provider("Opvang De Haven")
    clinic = make_provider("Kliniek Oost", provider_type=ProviderType.MEDICAL)
    lawyer = make_provider("Advocaat West", provider_type=ProviderType.LEGAL_AID)
    t.responsible = colleague
    t.add_step(StepKind.CONTACT_MOMENT, author=author, on=date(2026, 9, 3), text="Belde <ok>")
    t.add_step(
        StepKind.CARE_MEETING,
        author=None,
        on=date(2026, 9, 4),
        text="Afspraken over opvang",
        participants="Opvang De Haven\npolitie",
    )
    t.informed.append(ClientInformed(topic="care", informed_on=date(2026, 9, 3)))
    t.needs.append(
        NeedsAssessment(domain=LifeDomain.SHELTER_HOUSING.value, assessed=True, has_need=True)
    )
    question = HelpQuestion(domain=LifeDomain.SHELTER_HOUSING.value, created_on=date(2026, 9, 4))
    question.text = "Zoekt een veilige plek"
    t.help_questions.append(question)
    declined = Handover(provider=clinic, proposed_on=date(2026, 9, 4), status="declined")
    declined.declined_on = date(2026, 9, 5)
    declined.decline_reason = "Geen plek vrij"
    sent = Handover(provider=shelter, proposed_on=date(2026, 9, 5), status="sent")
    sent.sent_on = date(2026, 9, 6)
    question.handovers.extend([declined, sent])
    for provider, withdrawn_on in ((shelter, date(2026, 9, 7)), (lawyer, None)):
        t.consents.append(
            Consent(
                purpose=ConsentPurpose.SHARE_WITH_PROVIDER.value,
                provider=provider,
                given_on=date(2026, 9, 5),
                given_by=ConsentGiver.CLIENT.value,
                withdrawn_on=withdrawn_on,
            )
        )
    db.session.commit()
    assert sent.status == HandoverStatus.SENT
    return t


def test_client_file_decrypts_the_same_fields_with_the_same_sql(client, bare, login_as, rich_file):
    coordinator = login_as(Role.COORDINATOR)
    page_url = f"/trajectories/{rich_file.public_id}"
    url = f"{FILE}?user={coordinator.id}&trajectory={rich_file.public_id}"
    with statements() as seen_page:
        page = client.get(page_url)
    with statements() as seen_bare:
        answer = client.get(url)
    assert page.status_code == answer.status_code == 200
    shown, bare_text = text_of(page), answer.get_data(as_text=True)
    decrypted = [
        "Maria Kowalska",
        "+31 6 1234 5678",
        "123456782",
        "Belde <ok>",
        "Afspraken over opvang",
        "Opvang De Haven\npolitie",
        "Zoekt een veilige plek",
        "Geen plek vrij",
        "Collega Jansen",
        "Collega de Vries",
        "Kliniek Oost",
        "Advocaat West",
    ]
    for value in decrypted:
        assert value in shown, value
        assert value in bare_text, value
    assert bare_sql(seen_bare) == page_sql(seen_page)
    assert len(page_sql(seen_page)) >= 10  # the sections' lazy loads were all compared


def test_dashboard_runs_the_same_queries_for_the_same_region(
    client, bare, login_as, make_trajectory
):
    for _ in range(6):
        make_trajectory(notified_on=date(2025, 5, 1))
    director = login_as(Role.CHAIN_DIRECTOR)
    url = f"{DASHBOARD}?user={director.id}&period=2025-Q2"
    with statements() as seen_page:
        page = client.get("/dashboard/?period=2025-Q2")
    with statements() as seen_bare:
        answer = client.get(url)
    assert page.status_code == answer.status_code == 200
    lines = answer.get_data(as_text=True).splitlines()
    assert lines[0] == "GV\t2025-Q2"
    assert "notifications\tnew\t6" in lines
    bare_queries, page_queries = bare_sql(seen_bare), page_sql(seen_page)
    assert not bare_queries - page_queries
    # The page commits its audit entry before rendering: the header then reloads the user and
    # her region. Nothing else may differ.
    reloads = page_queries - bare_queries
    assert all(re.search(r"FROM (users|regions) WHERE \w+\.id = ", s) for s in reloads)
    assert sum(1 for s in bare_queries if "GROUP BY" in s) >= 8
