"""What a trajectory's recorded consents allow: sharing with a provider, CoMensha registration."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from carecoord.codes import ConsentPurpose
from carecoord.handovers.rules import ConsentState
from carecoord.providers.models import CareProvider
from carecoord.timeutil import today
from carecoord.trajectories.models import Consent, Trajectory


def provider_consents(t: Trajectory, provider: CareProvider | int) -> list[Consent]:
    """The consents for sharing with `provider` (an object or its id), oldest first."""
    provider_id = provider if isinstance(provider, int) else provider.id
    return [
        c
        for c in t.consents
        if c.purpose == ConsentPurpose.SHARE_WITH_PROVIDER and c.provider_id == provider_id
    ]


def _state(consents: Iterable[Consent], on: date) -> ConsentState:
    """The consent that holds on `on` if any; else the latest one recorded; else none."""
    ordered = sorted(consents, key=lambda c: (c.given_on, c.id or 0))
    for consent in reversed(ordered):
        if consent.state.valid_on(on):
            return consent.state
    return ordered[-1].state if ordered else ConsentState()


def consent_state(
    t: Trajectory, provider: CareProvider | int, on: date | None = None
) -> ConsentState:
    """The client's consent for sharing with `provider`, as the handover rule reads it:
    `consent_state(t, p).valid_on(day)` is true exactly when some consent holds on that day
    (`on`, default today, picks which consent is returned when several were recorded)."""
    return _state(provider_consents(t, provider), on or today())


def consent_for(t: Trajectory, provider_id: int, on: date) -> ConsentState:
    """`consent_state` for a provider id on a given date."""
    return consent_state(t, provider_id, on)


def has_comensha_consent(t: Trajectory, on: date | None = None) -> bool:
    """True when consent for registration with CoMensha holds on `on` (default today)."""
    day = on or today()
    return any(
        c.state.valid_on(day)
        for c in t.consents
        if c.purpose == ConsentPurpose.COMENSHA_REGISTRATION
    )


def active_consent(
    t: Trajectory, purpose: ConsentPurpose, provider_id: int | None = None
) -> Consent | None:
    """The consent for this purpose (and provider) that has not been withdrawn, if any."""
    return next(
        (
            c
            for c in t.consents
            if c.purpose == purpose and c.provider_id == provider_id and c.withdrawn_on is None
        ),
        None,
    )


def withdrawn_with_open_handovers(t: Trajectory) -> list[CareProvider]:
    """Providers that still have an open handover of `t` while the client's consent for them
    was withdrawn (and not given again): the coordinator must act on these."""
    warned: dict[int, CareProvider] = {}
    for question in t.help_questions:
        for handover in question.handovers:
            if not handover.is_open or handover.provider_id in warned:
                continue
            consents = provider_consents(t, handover.provider_id)
            if consents and all(c.withdrawn_on is not None for c in consents):
                warned[handover.provider_id] = handover.provider
    return sorted(warned.values(), key=lambda p: (p.name.casefold(), p.id))
