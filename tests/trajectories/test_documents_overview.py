"""The printable client overview: print view and PDF, marking on every page, audit, access."""

from __future__ import annotations

import re

import pytest

from carecoord import pdf
from carecoord.audit.models import Action
from tests.trajectories.caseload_helpers import counted_statements
from tests.trajectories.documents_helpers import (
    CONTACT_TEXT,
    DECLINE_REASON,
    MEETING_AGREEMENT,
    NAME,
    PROVIDER,
    add_steps,
    page_text,
    pdf_pages,
    plant,
)

pytest.importorskip("weasyprint", reason="WeasyPrint is not installed")
PRINT_LINK = re.compile(r'<link rel="stylesheet" href="/static/print\.css" media="print">')


def url(t, suffix: str = "") -> str:
    return f"/trajectories/{t.public_id}/print{suffix}"


def test_the_client_file_links_the_print_stylesheet_and_both_documents(
    client, login_as, make_trajectory
):
    t = make_trajectory()
    login_as("coordinator")

    page = page_text(client.get(f"/trajectories/{t.public_id}"))

    assert PRINT_LINK.search(page)
    assert f'href="{url(t)}">Print / PDF</a>' in page
    assert f'href="/trajectories/{t.public_id}/subject-access">' in page


def test_the_print_view_shows_state_timeline_handovers_and_consents(
    client, login_as, make_trajectory, make_user, audit_entries
):
    t = make_trajectory(name=NAME)
    plant(t, make_user("coordinator", name="Collega Jansen"))
    coordinator = login_as("coordinator")

    page = page_text(client.get(url(t)))

    assert NAME in page and t.case_number in page
    for value in (CONTACT_TEXT, MEETING_AGREEMENT, DECLINE_REASON, PROVIDER, "Collega Jansen"):
        assert value in page, value
    assert "Confidential" in page
    assert "/static/print.css" in page
    assert f'href="{url(t, ".pdf")}"' in page
    assert "<script" not in page and "style=" not in page and "<style" not in page
    entry = audit_entries()[-1]
    assert (entry.user_id, entry.action, entry.detail) == (
        coordinator.id,
        Action.PRINT.value,
        "client_overview.html",
    )
    assert (entry.object_type, entry.object_id, entry.client_id) == (
        "trajectories",
        str(t.id),
        t.client_id,
    )


def test_the_print_view_in_dutch(dutch, client, login_as, make_trajectory):
    t = make_trajectory()
    login_as("coordinator")

    page = page_text(client.get(url(t)))

    assert "Vertrouwelijk" in page and ">Tijdlijn</h2>" in page
    assert "1 september 2026" in page


def test_pdf_marks_every_page_and_names_no_one(
    dutch, client, login_as, make_trajectory, make_user, audit_entries, tmp_path
):
    t = make_trajectory(name=NAME)
    plant(t, make_user("coordinator", name="Collega Jansen"))
    add_steps(t, t.responsible, 80)
    coordinator = login_as("coordinator")

    response = client.get(url(t, ".pdf"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="overzicht-{t.case_number}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")
    pages = pdf_pages(response.data, tmp_path)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "VERTROUWELIJK" in text.upper(), number
        assert f"Pagina {number} van {len(pages)}" in text
    whole = " ".join(pages)
    assert t.case_number in whole and DECLINE_REASON in whole
    assert "1 september 2026" in whole
    entry = audit_entries()[-1]
    assert (entry.user_id, entry.action, entry.detail, entry.object_id) == (
        coordinator.id,
        Action.PRINT.value,
        "client_overview.pdf",
        str(t.id),
    )


def test_the_pdf_speaks_english_in_english(client, login_as, make_trajectory, tmp_path):
    t = make_trajectory()
    login_as("coordinator")

    pages = pdf_pages(client.get(url(t, ".pdf")).data, tmp_path)

    assert "CONFIDENTIAL" in pages[0].upper() and "Page 1 of" in pages[0]
    assert "Vertrouwelijk" not in " ".join(pages)


def test_statement_count_does_not_grow_with_the_timeline(
    client, login_as, make_trajectory, make_user
):
    t = make_trajectory()
    colleague = make_user("coordinator", name="Collega")
    plant(t, colleague)
    login_as("coordinator")

    def statements() -> int:
        with counted_statements() as executed:
            assert client.get(url(t)).status_code == 200
        return len(executed)

    few = statements()
    add_steps(t, colleague, 5)
    for n in range(3):
        add_steps(t, make_user("coordinator", name=f"Auteur {n}"), 2)

    assert statements() == few


def test_without_weasyprint_the_pdf_is_unavailable(
    client, login_as, make_trajectory, audit_entries, monkeypatch
):
    t = make_trajectory(name="Geheime Naam")
    login_as("coordinator")
    monkeypatch.setattr(pdf, "weasyprint", None)

    response = client.get(url(t, ".pdf"))

    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert "WeasyPrint is not installed" in response.get_data(as_text=True)
    assert not [e for e in audit_entries() if e.action == Action.PRINT.value]
    # The print view stays, without a link to a PDF that cannot be made.
    assert url(t, ".pdf") not in page_text(client.get(url(t)))
