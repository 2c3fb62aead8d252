"""Help questions of a bulk demo history and their handovers to the region's care providers:
consent before sending, accepted or declined (then another provider), started, completed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from carecoord.codes import (
    ConsentGiver,
    ConsentPurpose,
    HandoverStatus,
    LifeDomain,
    ProviderType,
    StepKind,
)
from carecoord.demo import texts
from carecoord.demo.plans import ConsentPlan, Dice, HandoverPlan, History, Provider, QuestionPlan
from carecoord.demo.texts import Phrases
from carecoord.handovers.operations import STEP_OF_STATUS

P = ProviderType
S = HandoverStatus
# The provider types that answer a help question in each life domain, most suitable first.
SUITABLE: dict[LifeDomain, tuple[ProviderType, ...]] = {
    LifeDomain.SHELTER_HOUSING: (P.COSM_SHELTER, P.SHELTER, P.WOMENS_SHELTER),
    LifeDomain.PHYSICAL_HEALTH: (P.MEDICAL,),
    LifeDomain.MENTAL_HEALTH: (P.MENTAL_HEALTH,),
    LifeDomain.ADDICTION: (P.ADDICTION, P.MENTAL_HEALTH),
    LifeDomain.SAFETY: (P.COSM_SHELTER, P.WOMENS_SHELTER, P.MUNICIPALITY),
    LifeDomain.RESIDENCE_STATUS: (P.LEGAL_AID,),
    LifeDomain.LEGAL_AID: (P.LEGAL_AID,),
    LifeDomain.IDENTITY_DOCUMENTS: (P.MUNICIPALITY, P.LEGAL_AID),
    LifeDomain.INCOME_DEBTS: (P.DEBT_INCOME, P.MUNICIPALITY),
    LifeDomain.WORK_EDUCATION: (P.EDUCATION_WORK, P.MUNICIPALITY),
    LifeDomain.SOCIAL_NETWORK: (P.MUNICIPALITY, P.MENTAL_HEALTH),
    LifeDomain.CHILDREN: (P.YOUTH_CARE,),
    LifeDomain.LANGUAGE_INTERPRETER: (P.INTERPRETER, P.EDUCATION_WORK),
    LifeDomain.RETURN: (P.RETURN_SUPPORT, P.LEGAL_AID),
}
ATTEMPTS = 3  # providers tried per help question before the coordinator stops for now
DECLINED = 0.2
STARTED = 0.92
COMPLETED = 0.8


class CareNetwork:
    """A region's active care providers, by type."""

    def __init__(self, providers: Sequence[Provider]) -> None:
        self.providers = list(providers)
        self.names = [p.name for p in self.providers]
        self.by_type: dict[str, list[Provider]] = {}
        for provider in self.providers:
            self.by_type.setdefault(provider.provider_type, []).append(provider)

    def pick(self, dice: Dice, domain: LifeDomain, tried: set[int]) -> Provider | None:
        """A suitable provider not tried yet for this question; any other when none is left."""
        for provider_type in SUITABLE[domain]:
            fresh = [p for p in self.by_type.get(provider_type.value, ()) if p.id not in tried]
            if fresh:
                return dice.choice(fresh)
        others = [p for p in self.providers if p.id not in tried]
        return dice.choice(others) if others else None


class CarePlanner:
    """Draws a trajectory's help questions and handovers into its History."""

    def __init__(self, dice: Dice, phrases: Phrases, giver: Callable[[date], ConsentGiver]) -> None:
        self.dice = dice
        self.phrases = phrases
        self.giver = giver  # who gives consent on a date, by the client's age
        self.consents: dict[int, ConsentPlan] = {}

    def plan(self, h: History, network: CareNetwork, first: date, count: int, end: date) -> None:
        """`count` help questions from the intake on (`first`), needs found first; nothing
        dated after `end`."""
        dice = self.dice
        needed = [domain for domain, need, _, _ in h.needs if need]
        others = [d for d in LifeDomain if d not in needed]
        domains = (needed + dice.rng.sample(others, len(others)))[:count]
        created = first
        for domain in domains:
            created = dice.days(created, 0, 25)
            if created > end:
                return
            text = dice.choice(texts.QUESTIONS[domain])
            question = QuestionPlan(domain, created, text)
            h.questions.append(question)
            h.add(StepKind.HELP_QUESTION_ADDED, created, text)
            self._hand_over(h, question, network, end)

    def _hand_over(
        self, h: History, question: QuestionPlan, network: CareNetwork, end: date
    ) -> None:
        """Propose, send with consent, and follow the answer; a decline tries another provider."""
        dice, tried = self.dice, set()
        on = dice.days(question.created_on, 0, 5)
        for _ in range(ATTEMPTS):
            provider = network.pick(dice, question.domain, tried)
            if provider is None or on > end:
                return
            tried.add(provider.id)
            handover = HandoverPlan(provider, [(S.PROPOSED, on)])
            question.handovers.append(handover)
            h.add(StepKind.HANDOVER_PROPOSED, on, provider.name)
            consent = self._consent(h, provider, on, end)
            if consent is None:
                return
            sent = dice.days(max(on, consent.given_on), 0, 4)
            if not self._move(h, handover, S.SENT, sent, end, consent):
                return
            answered = dice.days(sent, 1, 3 + int(dice.rng.expovariate(1 / 6)))
            if dice.chance(DECLINED):
                handover.decline_reason = dice.choice(texts.DECLINE_REASONS)
                if not self._move(h, handover, S.DECLINED, answered, end):
                    return
                on = dice.days(answered, 0, 7)
                continue
            if not self._move(h, handover, S.ACCEPTED, answered, end):
                return
            if dice.chance(STARTED):
                started = dice.days(answered, 0, 14)
                if self._move(h, handover, S.STARTED, started, end) and dice.chance(COMPLETED):
                    self._move(h, handover, S.COMPLETED, dice.days(started, 30, 240), end)
            return

    def _consent(self, h: History, provider: Provider, on: date, end: date) -> ConsentPlan | None:
        """The consent for sharing with `provider`: recorded once per trajectory, before the
        first sending; None when it would come after `end`."""
        if provider.id in self.consents:
            return self.consents[provider.id]
        given = self.dice.days(on, 0, 2)
        if given > end:
            return None
        giver = self.giver(given)
        consent = ConsentPlan(ConsentPurpose.SHARE_WITH_PROVIDER, given, giver, provider.id)
        self.consents[provider.id] = consent
        h.consents.append(consent)
        h.add(StepKind.CONSENT_RECORDED, given, self.phrases.consent(giver, provider.name))
        return consent

    def _move(
        self,
        h: History,
        handover: HandoverPlan,
        target: HandoverStatus,
        on: date,
        end: date,
        consent: ConsentPlan | None = None,
    ) -> bool:
        """Move `handover` to `target` on `on` with its step; False (nothing moved) after `end`."""
        if on > end:
            return False
        handover.move(target, on, consent.state if consent else None)
        text = handover.provider.name
        if target is S.DECLINED:
            text = f"{text}: {handover.decline_reason}"
        h.add(STEP_OF_STATUS[target], on, text)
        return True
