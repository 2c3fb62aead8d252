"""The subject access document (AVG art. 15): everything held, the access list, PDF, audit."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.audit.models import Action
from carecoord.extensions import db
from tests.trajectories.caseload_helpers import counted_statements
from tests.trajectories.documents_helpers import (
    CONTACT_TEXT,
    DECLINE_REASON,
    IDENTITY,
    INTAKE_ANSWER,
    LANGUAGE,
    MEETING_AGREEMENT,
    MEETING_PARTICIPANTS,
    NAME,
    PROVIDER,
    QUESTION_TEXT,
    add_steps,
    page_text,
    pdf_pages,
    plant,
)

pytest.importorskip("weasyprint", reason="WeasyPrint is not installed")


def url(t, suffix: str = "") -> str:
    return f"/trajectories/{t.public_id}/subject-access{suffix}"


def test_shows_everything_held_and_who_accessed_it(
    client, login_as, make_trajectory, make_user, closed_trajectory, audit_entries
):
    t = make_trajectory(name=NAME, **IDENTITY)
    earlier = closed_trajectory(t, date(2024, 2, 1), date(2024, 8, 1))
    colleague = make_user("coordinator", name="Collega Jansen")
    plant(t, colleague)
    coordinator = login_as("coordinator")
    db.session.refresh(coordinator)
    coordinator.name = "Zorgcoördinator De Vries"
    db.session.commit()
    assert client.get(f"/trajectories/{t.public_id}").status_code == 200

    page = page_text(client.get(url(t)))

    for value in [NAME, "May 17, 1994", *IDENTITY.values()]:
        assert value in page
    for value in (
        CONTACT_TEXT,
        MEETING_AGREEMENT,
        MEETING_PARTICIPANTS,
        QUESTION_TEXT,
        DECLINE_REASON,
        INTAKE_ANSWER,
        LANGUAGE,
        PROVIDER,
    ):
        assert value in page, value
    assert t.case_number in page and earlier.case_number in page
    assert "Poland" in page and "female" in page and "Hilversum" in page
    # The current trajectory comes last: the oldest notification first.
    consents = page[page.rindex(">Consent</h3>") : page.rindex(">Care meetings</h3>")]
    assert PROVIDER in consents
    assert "March 3, 2026" in consents  # the CoMensha consent's withdrawal
    handovers = page[page.index(QUESTION_TEXT) : page.rindex(">Consent</h3>")]
    assert handovers.count("Collega Jansen") >= 3  # proposed, sent, declined: who each time
    assert "Confidential" in page and "Gooi en Vechtstreek" in page
    accesses = page[page.index("Who accessed this file") :]
    assert "Zorgcoördinator De Vries" in accesses
    rows = accesses.split("<tr>")[2:]
    assert "print" in rows[-1] and "Zorgcoördinator De Vries" in rows[-1]
    assert any("view" in row for row in rows[:-1])


def test_the_page_is_audited_as_a_print_of_the_client(
    client, login_as, make_trajectory, audit_entries
):
    t = make_trajectory()
    coordinator = login_as("coordinator")

    assert client.get(url(t)).status_code == 200

    entry = audit_entries()[-1]
    assert (entry.user_id, entry.action, entry.outcome, entry.detail) == (
        coordinator.id,
        Action.PRINT.value,
        "success",
        "subject_access.html",
    )
    assert (entry.object_type, entry.object_id, entry.client_id) == (
        "clients",
        str(t.client_id),
        t.client_id,
    )


def test_an_unreadable_value_is_marked_not_hidden(client, login_as, make_trajectory):
    t = make_trajectory()
    other = make_trajectory(name="Iemand Anders")
    t.client._address = other.client._name  # a ciphertext moved to another row and column
    db.session.commit()
    login_as("coordinator")

    page = page_text(client.get(url(t)))

    address = page[page.index(">Address</dt>") : page.index(">BSN</dt>")]
    assert "unreadable" in address  # "onleesbaar" in Dutch
    assert "Iemand Anders" not in page


def test_pdf_has_the_marking_on_every_page_and_no_name_in_its_filename(
    dutch, client, login_as, make_trajectory, make_user, audit_entries, tmp_path
):
    t = make_trajectory(name=NAME, **IDENTITY)
    plant(t, make_user("coordinator", name="Collega Jansen"))
    add_steps(t, t.responsible, 60)  # enough to fill several pages
    coordinator = login_as("coordinator")

    response = client.get(url(t, ".pdf"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="inzage-{t.case_number}.pdf"'
    assert "Kowalska" not in disposition and "Maria" not in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")
    pages = pdf_pages(response.data, tmp_path)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "VERTROUWELIJK" in text.upper(), number
        assert f"Pagina {number} van {len(pages)}" in text
    whole = " ".join(pages)
    assert t.case_number in whole and NAME in whole and DECLINE_REASON in whole
    assert "1 september 2026" in whole  # the notification, as a Dutch date
    entry = audit_entries()[-1]
    assert (entry.user_id, entry.action, entry.detail, entry.client_id) == (
        coordinator.id,
        Action.PRINT.value,
        "subject_access.pdf",
        t.client_id,
    )
    # The access list in the PDF ends with the production of the PDF itself.
    last_line = whole[whole.rindex(coordinator.name) :]
    assert "afdrukken" in last_line.lower()


def test_dutch_dates_and_labels_on_the_print_view(dutch, client, login_as, make_trajectory):
    t = make_trajectory(notified_on=date(2026, 3, 3))
    login_as("coordinator")

    page = page_text(client.get(url(t)))

    assert "3 maart 2026" in page
    assert "17 mei 1994" in page
    assert "Vertrouwelijk" in page


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_statement_count_does_not_grow_with_the_file(
    client, login_as, make_trajectory, make_user, suffix
):
    t = make_trajectory()
    colleague = make_user("coordinator", name="Collega")
    plant(t, colleague)
    login_as("coordinator")

    def statements() -> int:
        with counted_statements() as executed:
            assert client.get(url(t, suffix)).status_code == 200
        return len(executed)

    few = statements()
    add_steps(t, colleague, 5)
    for n in range(3):
        other = make_user("coordinator", name=f"Auteur {n}")
        add_steps(t, other, 2)

    assert statements() == few
