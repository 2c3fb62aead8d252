"""The client file: identity, coded facts, the trajectory, other trajectories and the timeline."""

from __future__ import annotations

import html as htmllib
from datetime import date

from carecoord.codes import StepKind
from carecoord.extensions import db

IDENTITY = {
    "phone": "+31 6 1234 5678",
    "email": "m.kowalska@example.org",
    "address": "Kerkstraat 12, 1211 AB Hilversum",
    "bsn": "123456782",
    "v_number": "1234567890",
    "document_number": "EK1234567",
}


def file_of(client, t) -> str:
    response = client.get(f"/trajectories/{t.public_id}")
    assert response.status_code == 200
    return htmllib.unescape(response.get_data(as_text=True))


def test_shows_every_identity_field_in_dutch(dutch, client, login_as, make_trajectory):
    t = make_trajectory(name="Maria Kowalska", **IDENTITY)
    login_as("coordinator")

    page = file_of(client, t)

    assert "Maria Kowalska" in page
    assert t.case_number in page
    assert "17 mei 1994" in page  # date of birth as a Dutch date
    assert "Polen (PL)" in page  # exact nationality with the country's Dutch name
    for value in IDENTITY.values():
        assert value in page


def test_shows_coded_facts_and_the_trajectory_in_english(
    client, login_as, make_trajectory, english
):
    t = make_trajectory(name="Maria Kowalska", notified_on=date(2026, 9, 1), **IDENTITY)
    coordinator = login_as("coordinator")
    t.responsible = coordinator
    db.session.commit()
    english()

    page = file_of(client, t)

    assert "Poland (PL)" in page
    assert "May 17, 1994" in page
    for heading in ("Identity", "Coded facts", "Trajectory", "Other trajectories", "Timeline"):
        assert f">{heading}</h2>" in page
    facts = page[page.index(">Coded facts<") : page.index(">Trajectory<")]
    for shown in ("female", "30–39 years", "EU/EEA", "Hilversum"):
        assert f"<dd>{shown}</dd>" in facts
    trajectory = page[page.index(">Trajectory<") : page.index(">Other trajectories<")]
    for shown in ("intake", "September 1, 2026", "police", "sexual exploitation"):
        assert shown in trajectory
    assert f"<dd>{coordinator.name}</dd>" in trajectory
    assert "This client has no other trajectories." in page


def test_missing_identity_fields_show_a_dash(client, login_as, make_trajectory, english):
    t = make_trajectory(name="Zonder Gegevens", date_of_birth=None, nationality=None)
    login_as("coordinator")
    english()

    page = file_of(client, t)

    identity = page[page.index(">Identity<") : page.index(">Coded facts<")]
    assert identity.count('<span class="muted">—</span>') == 8  # all but the name
    assert "could not be decrypted" not in page


def test_viewing_the_file_is_audited(client, login_as, make_trajectory, audit_entries):
    t = make_trajectory()
    coordinator = login_as("coordinator")

    client.get(f"/trajectories/{t.public_id}")

    entry = audit_entries()[-1]
    assert (entry.action, entry.object_type, entry.outcome) == ("view", "trajectories", "success")
    assert entry.object_id == str(t.id)
    assert entry.client_id == t.client_id
    assert (entry.user_id, entry.role) == (coordinator.id, "coordinator")


def test_other_trajectories_of_the_client_link_both_ways(
    client, login_as, make_trajectory, closed_trajectory, english
):
    current = make_trajectory(notified_on=date(2026, 6, 1))
    earlier = closed_trajectory(current, notified_on=date(2025, 2, 3), closed_on=date(2025, 8, 4))
    make_trajectory(name="Iemand Anders")  # another client: not one of hers
    login_as("coordinator")
    english()

    page = file_of(client, current)
    others = page[page.index(">Other trajectories<") : page.index(">Timeline<")]

    assert f'href="/trajectories/{earlier.public_id}">{earlier.case_number}</a>' in others
    assert "February 3, 2025 – August 4, 2025" in others
    assert "closed" in others
    assert others.count("<tr>") == 2  # the header and the one earlier trajectory

    back = file_of(client, earlier)
    assert f'href="/trajectories/{current.public_id}">{current.case_number}</a>' in back
    assert "June 1, 2026 – ongoing" in back
    assert "declines help" in back  # the closure reason of the earlier one


def test_timeline_lists_every_step_newest_first(
    client, login_as, make_trajectory, make_user, english
):
    t = make_trajectory(notified_on=date(2026, 9, 1))
    colleague = make_user("coordinator", name="Collega de Vries")
    t.add_step(StepKind.INTAKE_CONVERSATION, author=colleague, on=date(2026, 9, 8), text="Eerste")
    t.add_step(StepKind.CONTACT_MOMENT, author=colleague, on=date(2026, 9, 20), text="Laatste")
    t.add_step(StepKind.MONITORING_NOTE, author=colleague, on=date(2026, 9, 12), text="Midden")
    db.session.commit()
    login_as("coordinator")
    english()

    page = file_of(client, t)
    timeline = page[page.index(">Timeline<") :]

    expected = [
        ("September 20, 2026", "contact moment", "Laatste"),
        ("September 12, 2026", "monitoring note", "Midden"),
        ("September 8, 2026", "intake conversation", "Eerste"),
        ("September 1, 2026", "notification", None),
    ]
    positions = [timeline.index(f"<strong>{when}</strong> · {kind}") for when, kind, _ in expected]
    assert positions == sorted(positions)
    for when, _kind, text in expected[:3]:
        step = timeline[timeline.index(when) :].split("</li>", 1)[0]
        assert "Collega de Vries" in step and text in step
    assert timeline.count('class="timeline__step"') == 4
