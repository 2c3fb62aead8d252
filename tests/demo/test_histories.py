"""Bulk demo histories drawn in memory (no database): many of them, so the rare branches
(reopenings, appeals, dropouts from the intake) are met and held to the same rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from itertools import pairwise

import pytest

from carecoord import create_app
from carecoord.codes import (
    ClosureReason,
    ConsentPurpose,
    CriminalCase,
    HandoverStatus,
    Phase,
    ProviderType,
    StepKind,
)
from carecoord.demo import regions
from carecoord.demo.bulk import ALL_REGIONS, FIRST_NOTIFICATION
from carecoord.demo.care import CareNetwork
from carecoord.demo.histories import Historian
from carecoord.demo.people import PeopleGenerator
from carecoord.demo.plans import Dice, History, Provider
from carecoord.demo.texts import Phrases
from carecoord.handovers.rules import TRANSITIONS
from carecoord.trajectories.rules import ClosureFacts, closure_blockers, criminal_track_over

TODAY = date(2026, 6, 1)
DRAWS = 3000
NETWORK = CareNetwork(
    [Provider(n, f"Demo {t.value}", t.value) for n, t in enumerate(ProviderType, start=1)]
)


def draw(seed: int, count: int) -> list[tuple[date, History]]:
    people = PeopleGenerator(seed, TODAY, ALL_REGIONS, regions.NATIONAL_WEIGHTS)
    historian = Historian(Dice(seed), TODAY, Phrases.of_catalogue())
    specs = [people.client(on) for on in people.dates_since(FIRST_NOTIFICATION, count)]
    return [(spec.notified_on, historian.history(spec, NETWORK)) for spec in specs]


@pytest.fixture(scope="module")
def context() -> Iterator[None]:
    """An app for the Dutch catalogue only: no database is touched."""
    with create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, env="test").app_context():
        yield


@pytest.fixture(scope="module")
def histories(context) -> list[tuple[date, History]]:
    return draw(11, DRAWS)


def facts(h: History) -> ClosureFacts:
    case = h.columns.get("criminal_case")
    over = criminal_track_over(
        CriminalCase(case) if case else None, appeal_pending=h.columns["appeal_pending"]
    )
    return ClosureFacts(
        criminal_case_open=not over,
        knows_residence_steps="knows_residence_steps_on" in h.columns,
        knows_rights_to_services="knows_rights_to_services_on" in h.columns,
        knows_where_to_get_help="knows_where_to_get_help_on" in h.columns,
    )


def test_nothing_happens_after_the_end_and_closures_obey_the_rule(histories):
    reasons = Counter()
    for notified_on, h in histories:
        kinds = [e.kind for e in h.events]
        dates = [e.on for e in h.events]
        assert (
            dates == sorted(dates) and dates[0] == notified_on and kinds[0] == StepKind.NOTIFICATION
        )
        closed_on = h.columns.get("closed_on")
        reopened = StepKind.REOPENING in kinds
        end = max(dates) if reopened else (closed_on or TODAY)
        assert max(dates) <= end <= TODAY
        if closed_on is not None:
            reason = ClosureReason(h.columns["closure_reason"])
            reasons[reason] += 1
            assert closure_blockers(reason, facts(h)) == []
            assert kinds[-1] == StepKind.CLOSURE and dates[-1] == closed_on
            assert h.columns["phase"] == Phase.CLOSED
            assert h.columns["left_from_phase"] == (
                Phase.ASSISTANCE if "intake_completed_on" in h.columns else Phase.INTAKE
            )
        else:
            assert h.columns["phase"] != Phase.CLOSED and h.columns["next_review_on"] > notified_on
        if reopened:
            assert kinds[-1] == StepKind.REOPENING and kinds.count(StepKind.CLOSURE) == 1
    assert set(reasons) == set(ClosureReason)
    assert reasons[ClosureReason.COMPLETED] > DRAWS / 5


def test_handovers_follow_the_transitions_and_need_consent_to_be_sent(histories):
    seen = Counter()
    for _, h in histories:
        consents = {
            c.provider_id: c for c in h.consents if c.purpose == ConsentPurpose.SHARE_WITH_PROVIDER
        }
        for question in h.questions:
            for handover in question.handovers:
                statuses = handover.statuses
                assert statuses[0][0] is HandoverStatus.PROPOSED
                assert question.created_on <= statuses[0][1]
                for (before, on), (after, later) in pairwise(statuses):
                    assert after in TRANSITIONS[before] and on <= later
                sent = handover.on(HandoverStatus.SENT)
                if sent is not None:
                    assert consents[handover.provider.id].state.valid_on(sent)
                if h.columns.get("closed_on"):
                    assert not handover.is_open
                seen[handover.status] += 1
    assert set(seen) == set(HandoverStatus)


def test_about_thirty_steps_with_the_rare_branches_met(histories):
    steps = [len(h.events) for _, h in histories]
    assert 27 <= sum(steps) / len(steps) <= 34
    kinds = Counter(e.kind for _, h in histories for e in h.events)
    assert kinds[StepKind.REOPENING] and kinds[StepKind.CONSENT_WITHDRAWN]
    assert any(h.columns["appeal_pending"] for _, h in histories)
    assert {h.columns["phase"] for _, h in histories} == set(Phase)


def test_the_same_seed_draws_the_same_histories(context):
    first = [[(e.kind, e.on, e.text) for e in h.events] for _, h in draw(5, 20)]
    again = [[(e.kind, e.on, e.text) for e in h.events] for _, h in draw(5, 20)]
    assert first == again
