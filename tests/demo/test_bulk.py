"""Bulk demo data (`flask demo seed --trajectories N`): whole histories that obey the domain's
rules, readable through the app, spread over years and regions, with unique case numbers."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from carecoord.accounts.models import Region
from carecoord.codes import (
    ClosureReason,
    ConsentPurpose,
    HandoverStatus,
    Phase,
    StepKind,
)
from carecoord.demo import regions
from carecoord.demo.seed import BASE_CLIENTS
from carecoord.extensions import db
from carecoord.handovers.models import (
    STATUS_DATE_COLUMN,
    Handover,
    HelpQuestion,
)
from carecoord.handovers.rules import OPEN, TRANSITIONS
from carecoord.reporting.rollups import maintenance
from carecoord.security.encrypted import UNREADABLE
from carecoord.trajectories.models import Consent, NeedsAssessment, Step, Trajectory
from carecoord.trajectories.rules import closure_blockers
from tests.conftest import sign_in_through_the_form

BULK = 50
CASE_NUMBER = re.compile(r"^([A-Z]{2})-(20\d\d)-(\d{4})$")


@pytest.fixture
def bulk(app) -> list[Trajectory]:
    """The base demo data and BULK bulk trajectories (ids after the base clients')."""
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--trajectories", str(BULK)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    query = select(Trajectory).order_by(Trajectory.id).offset(BASE_CLIENTS)
    return list(db.session.scalars(query))


def handovers_of(t: Trajectory) -> list[Handover]:
    return [h for q in t.help_questions for h in q.handovers]


def test_closed_and_open_trajectories_are_as_the_operations_leave_them(bulk):
    today = date.today()
    assert len(bulk) == BULK
    for t in bulk:
        dates = [s.occurred_on for s in t.steps]
        assert t.notified_on <= min(dates) and max(dates) <= today
        assert StepKind.NOTIFICATION in {s.kind for s in t.steps if s.occurred_on == t.notified_on}
        if t.phase != Phase.CLOSED:
            assert (t.phase == Phase.ASSISTANCE) == (t.intake_completed_on is not None)
        starts = [h.proposed_on for h in handovers_of(t)] + [t.intake_completed_on]
        assert t.assistance_started_on == min((d for d in starts if d), default=None)
        if t.phase == Phase.CLOSED:
            assert t.notified_on <= t.closed_on <= today
            assert ClosureReason(t.closure_reason)
            reached_assistance = t.intake_completed_on is not None
            assert t.left_from_phase == (Phase.ASSISTANCE if reached_assistance else Phase.INTAKE)
            assert t.next_review_on is None
            assert max(dates) == t.closed_on
            closures = [s for s in t.steps if s.kind == StepKind.CLOSURE]
            assert [s.occurred_on for s in closures] == [t.closed_on]
            assert not any(h.status in OPEN for h in handovers_of(t))
            reason = ClosureReason(t.closure_reason)
            assert closure_blockers(reason, t.closure_facts()) == []
            if reason is ClosureReason.COMPLETED:
                assert reached_assistance
                assert t.knows_where_to_get_help_on <= t.closed_on
        else:
            assert t.closed_on is t.closure_reason is t.left_from_phase is None
            assert t.next_review_on > t.notified_on
    phases = Counter(t.phase for t in bulk)
    assert phases[Phase.CLOSED] and phases[Phase.CLOSED] < BULK
    assert len({t.closure_reason for t in bulk if t.closure_reason}) >= 3


def test_handovers_move_along_their_transitions_with_consent_before_sending(bulk):
    trajectory_ids = [t.id for t in bulk]
    handovers = db.session.scalars(
        select(Handover)
        .join(HelpQuestion)
        .where(HelpQuestion.trajectory_id.in_(trajectory_ids))
        .order_by(Handover.id)
    ).all()
    assert len(handovers) > BULK  # about two help questions each, some declined first
    statuses = Counter()
    for h in handovers:
        question, t = h.help_question, h.help_question.trajectory
        changes = [(HandoverStatus(c.status), c.changed_on) for c in h.changes]
        assert changes[0] == (HandoverStatus.PROPOSED, h.proposed_on)
        assert question.created_on <= h.proposed_on
        for (before, on_before), (after, on_after) in pairwise(changes):
            assert after in TRANSITIONS[before] and on_before <= on_after
        assert changes[-1][0] == h.status_code and h.version == len(changes)
        for status, column in STATUS_DATE_COLUMN.items():
            assert getattr(h, column) == dict(changes).get(status)
        assert provider_region(h) == t.region_id
        if h.sent_on is not None:
            sharing = [
                c
                for c in t.consents
                if c.purpose == ConsentPurpose.SHARE_WITH_PROVIDER
                and c.provider_id == h.provider_id
            ]
            assert any(c.state.valid_on(h.sent_on) for c in sharing)
        assert (h.decline_reason is not None) == (h.status == HandoverStatus.DECLINED)
        statuses[h.status] += 1
    assert statuses[HandoverStatus.COMPLETED] and statuses[HandoverStatus.DECLINED]
    assert any(h.accepted_on for h in handovers)  # days to first acceptance has data


def provider_region(h: Handover) -> int:
    return h.provider.region_id


def test_every_sensitive_value_is_encrypted_and_decrypts(bulk):
    ids = [t.id for t in bulk]
    steps = db.session.scalars(select(Step).where(Step.trajectory_id.in_(ids))).all()
    assert all(s.text is not UNREADABLE and s.participants is not UNREADABLE for s in steps)
    assert sum(1 for s in steps if s.text) > len(steps) / 2
    assert any(s.participants for s in steps if s.kind == StepKind.CARE_MEETING)
    note = next(s for s in steps if s.kind == StepKind.CONTACT_MOMENT)
    stored = db.session.scalar(select(Step._text).where(Step.id == note.id))
    assert note.text.encode() not in stored
    for t in bulk:
        assert isinstance(t.client.name, str) and t.client.name
        assert all(isinstance(q.text, str) for q in t.help_questions)
    notes = db.session.scalars(
        select(NeedsAssessment).where(NeedsAssessment.trajectory_id.in_(ids))
    ).all()
    assert notes and all(n.note is not UNREADABLE for n in notes)


def test_about_thirty_steps_over_years_and_regions_with_case_numbers_per_both(bulk):
    ids = [t.id for t in bulk]
    steps = db.session.scalar(
        select(func.count()).select_from(Step).where(Step.trajectory_id.in_(ids))
    )
    assert 24 <= steps / BULK <= 38
    assert len({t.notified_on.year for t in bulk}) >= 5
    assert len({t.region_id for t in bulk}) >= 5
    kinds = {s.kind for t in bulk for s in t.steps}
    assert kinds >= {k.value for k in StepKind} - {
        StepKind.RESPONSIBLE_CHANGED,
        StepKind.COMENSHA_EXPORT,
        StepKind.REOPENING,
        StepKind.CONSENT_WITHDRAWN,
    }
    assert_case_numbers_count_per_region_and_year()


def assert_case_numbers_count_per_region_and_year() -> None:
    """Every case number is <region code>-<notification year>-<sequence>, and the sequences
    of each region and year run 1, 2, 3, … without a gap or a repeat."""
    numbers = db.session.execute(
        select(Trajectory.case_number, Region.code, Trajectory.notified_on).join(Region)
    ).all()
    sequences = defaultdict(list)
    for number, code, notified_on in numbers:
        region, year, sequence = CASE_NUMBER.match(number).groups()
        assert (region, int(year)) == (code, notified_on.year)
        sequences[region, year].append(int(sequence))
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in sequences.values())


def test_a_second_run_continues_the_case_numbers(app, bulk):
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--trajectories", "10"])

    assert result.exit_code == 0, result.output
    numbers = db.session.scalars(select(Trajectory.case_number)).all()
    assert len(numbers) == BASE_CLIENTS + BULK + 10
    assert_case_numbers_count_per_region_and_year()
    consents = db.session.scalar(
        select(func.count()).select_from(Consent).where(Consent.trajectory_id > bulk[-1].id)
    )
    assert consents


def test_a_national_coordinator_reads_her_caseload_and_a_bulk_file(client, bulk):
    accounts = {a.region: a for a in regions.BULK_ACCOUNTS}
    t = next(t for t in bulk if t.region.name in accounts and t.is_open)
    account = accounts[t.region.name]
    note = next(s.text for s in t.steps if s.kind == StepKind.CONTACT_MOMENT)
    sign_in_through_the_form(client, account.email, account.password)

    caseload = client.get("/", follow_redirects=True).get_data(as_text=True)
    page = client.get(f"/trajectories/{t.public_id}")

    assert t.case_number in caseload
    assert page.status_code == 200
    assert note in page.get_data(as_text=True)


def test_bulk_rows_send_the_dashboard_back_to_its_live_queries(app, bulk):
    """The bulk writes bypass the session the rollups follow: they must not leave rollups that
    claim to hold every trajectory (reporting/rollups/maintenance.py)."""
    maintenance.rebuild()
    db.session.commit()
    assert maintenance.built()

    result = app.test_cli_runner().invoke(args=["demo", "seed", "--trajectories", "3"])

    assert result.exit_code == 0, result.output
    assert not maintenance.built()
