"""Invented clients with plausible coded facts, drawn from a seeded generator."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from faker import Faker

from carecoord.clients.rules import is_minor
from carecoord.codes import ExploitationForm, Gender, Phase, ReferrerType
from carecoord.demo import data

HISTORY_DAYS = 730  # notifications over the past two years
RECENT_DAYS = 35  # the latest contact moment of an open trajectory
# Yearly notifications grow: the last day of a long range is this much likelier than the first.
GROWTH = 0.6
T = TypeVar("T")
Regions = dict[str, tuple[str, list[tuple[str, str]]]]

GENDER_WEIGHTS = {
    Gender.FEMALE: 58,
    Gender.MALE: 34,
    Gender.TRANSGENDER: 3,
    Gender.NON_BINARY: 2,
    Gender.UNKNOWN: 3,
}
# Forms of exploitation by gender, after CoMensha's yearly figures: sexual for most women,
# labour and criminal for most men.
FORM_WEIGHTS = {
    Gender.FEMALE: {"sexual": 65, "labour": 18, "criminal": 12, "unknown": 5},
    Gender.MALE: {"sexual": 8, "labour": 55, "criminal": 32, "organ_removal": 1, "unknown": 4},
}
OTHER_FORM_WEIGHTS = {"sexual": 50, "labour": 20, "criminal": 20, "unknown": 10}
REFERRER_WEIGHTS = {
    ReferrerType.POLICE: 30,
    ReferrerType.KMAR: 5,
    ReferrerType.LABOUR_INSPECTORATE: 7,
    ReferrerType.FAIRWORK: 7,
    ReferrerType.COMENSHA: 5,
    ReferrerType.SHELTER: 5,
    ReferrerType.HEALTHCARE: 6,
    ReferrerType.YOUTH_CARE: 4,
    ReferrerType.ASYLUM_RECEPTION: 7,
    ReferrerType.IMMIGRATION: 3,
    ReferrerType.LAWYER: 4,
    ReferrerType.MUNICIPALITY: 5,
    ReferrerType.VEILIG_THUIS: 3,
    ReferrerType.SELF: 3,
    ReferrerType.OTHER: 2,
}
MINOR_REFERRER_WEIGHTS = {
    ReferrerType.YOUTH_CARE: 40,
    ReferrerType.POLICE: 30,
    ReferrerType.VEILIG_THUIS: 20,
    ReferrerType.MUNICIPALITY: 10,
}


@dataclass
class ClientSpec:
    """Everything needed to store one demo client with one open trajectory."""

    region: str
    municipality_cbs: str
    name: str
    gender: Gender
    date_of_birth: date | None
    nationality: str
    phone: str | None
    address: str | None
    notified_on: date
    referrer: ReferrerType
    forms: list[ExploitationForm]
    phase: Phase
    assistance_on: date | None
    notes: list[tuple[date, str]] = field(default_factory=list)
    notification_note: str = ""


class PeopleGenerator:
    """Draws client specs; the same seed gives the same people on the same day."""

    def __init__(
        self,
        seed: int,
        today: date,
        regions: Regions = data.REGIONS,
        region_weights: dict[str, int] = data.REGION_WEIGHTS,
        municipality_weights: dict[str, int] = data.MUNICIPALITY_WEIGHTS,
    ) -> None:
        # Reproducible invented data, never a secret: a seeded generator is the point.
        self.rng = random.Random(seed)  # noqa: S311
        self.today = today
        self.regions = regions
        self.region_weights = region_weights
        self.municipality_weights = municipality_weights
        self.fakers: dict[str, Faker] = {}
        for number, locale in enumerate(data.LOCALES):
            faker = Faker(locale)
            faker.seed_instance(seed * 100 + number)
            self.fakers[locale] = faker

    def notification_dates(self, count: int) -> list[date]:
        """`count` dates over the past two years, oldest first."""
        days = sorted((self.rng.randrange(HISTORY_DAYS) for _ in range(count)), reverse=True)
        return [self.today - timedelta(days=d) for d in days]

    def dates_since(self, first: date, count: int) -> list[date]:
        """`count` dates from `first` to yesterday, oldest first, a little more each year."""
        span = (self.today - first).days - 1
        draws = sorted(_rising(self.rng.random()) for _ in range(count))
        return [first + timedelta(days=int(x * span)) for x in draws]

    def client(self, notified_on: date) -> ClientSpec:
        rng = self.rng
        region = _weighted(rng, self.region_weights)
        date_of_birth = self._date_of_birth(notified_on)
        minor = bool(is_minor(date_of_birth, notified_on))
        locale = "nl_NL" if minor and rng.random() < 0.7 else _weighted(rng, _locale_weights())
        faker = self.fakers[locale]
        gender = _weighted(rng, GENDER_WEIGHTS)
        referrer = _weighted(rng, MINOR_REFERRER_WEIGHTS if minor else REFERRER_WEIGHTS)
        phase, assistance_on = self._phase(notified_on)
        municipality = self._municipality(region)
        return ClientSpec(
            region=region,
            municipality_cbs=municipality,
            name=_name(faker, gender),
            gender=gender,
            date_of_birth=date_of_birth,
            nationality=rng.choice(data.LOCALES[locale][1]),
            phone=self.fakers["nl_NL"].phone_number() if rng.random() < 0.6 else None,
            address=self._address(region, municipality) if rng.random() < 0.4 else None,
            notified_on=notified_on,
            referrer=referrer,
            forms=self._forms(gender),
            phase=phase,
            assistance_on=assistance_on,
            notes=self._notes(notified_on, minor),
            notification_note=rng.choice(data.NOTIFICATION_NOTES),
        )

    def _date_of_birth(self, notified_on: date) -> date | None:
        roll = self.rng.random()
        if roll < 0.04:
            return None  # not yet known at notification
        if roll < 0.06:
            age = self.rng.randint(8, 11)
        elif roll < 0.20:
            age = self.rng.randint(12, 17)
        else:
            age = min(18 + int(self.rng.expovariate(1 / 11)), 64)
        return notified_on - timedelta(days=age * 365 + self.rng.randrange(365) + age // 4)

    def _municipality(self, region: str) -> str:
        codes = [cbs for _, cbs in self.regions[region][1]]
        return self.rng.choices(codes, [self.municipality_weights.get(c, 1) for c in codes])[0]

    def _address(self, region: str, municipality: str) -> str:
        faker = self.fakers["nl_NL"]
        town = next(name for name, cbs in self.regions[region][1] if cbs == municipality)
        return f"{faker.street_address()}, {faker.postcode()} {town}"

    def _forms(self, gender: Gender) -> list[ExploitationForm]:
        weights = FORM_WEIGHTS.get(gender, OTHER_FORM_WEIGHTS)
        forms = {ExploitationForm(_weighted(self.rng, weights))}
        if self.rng.random() < 0.2 and ExploitationForm.UNKNOWN not in forms:
            forms.add(ExploitationForm(_weighted(self.rng, weights)))
            forms.discard(ExploitationForm.UNKNOWN)
        return sorted(forms)

    def _phase(self, notified_on: date) -> tuple[Phase, date | None]:
        waited = (self.today - notified_on).days
        if waited < 14 or self.rng.random() < 0.3:
            return Phase.INTAKE, None
        return Phase.ASSISTANCE, notified_on + timedelta(days=self.rng.randint(7, min(waited, 45)))

    def _notes(self, notified_on: date, minor: bool) -> list[tuple[date, str]]:
        """Two or three contact moments since the notification, the last within five weeks,
        as a coordinator who keeps up with her monitoring would have."""
        texts = data.CONTACT_NOTES + (
            data.MINOR_CONTACT_NOTES if minor else data.ADULT_CONTACT_NOTES
        )
        span = (self.today - notified_on).days
        chosen = self.rng.sample(texts, self.rng.randint(2, 3))
        dates = [
            notified_on + timedelta(days=self.rng.randint(min(1, span), span)) for _ in chosen[1:]
        ]
        dates.append(self.today - timedelta(days=self.rng.randint(0, min(span, RECENT_DAYS))))
        return sorted(zip(dates, chosen, strict=True))


def _rising(u: float) -> float:
    """Where in [0, 1) the quantile `u` falls for a density rising linearly by GROWTH (the
    inverse of its distribution function)."""
    return ((1 + GROWTH * (2 + GROWTH) * u) ** 0.5 - 1) / GROWTH


def _locale_weights() -> dict[str, int]:
    return {locale: weight for locale, (weight, _) in data.LOCALES.items()}


def _weighted(rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def _name(faker: Faker, gender: Gender) -> str:
    if gender is Gender.FEMALE:
        first = faker.first_name_female()
    elif gender is Gender.MALE:
        first = faker.first_name_male()
    else:
        first = faker.first_name()
    return f"{first} {faker.last_name()}"
