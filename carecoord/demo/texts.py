"""What bulk demo histories say: invented Dutch notes, and the step texts the operations write,
taken from the Dutch catalogue once per run so they read as the app's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from flask_babel import force_locale, gettext

from carecoord.codes import (
    ClosureReason,
    ConsentGiver,
    CriminalCase,
    InformationTopic,
    LifeDomain,
    PoliceReport,
    ResidencePermit,
)
from carecoord.trajectories.operations.legal import STATUSES

LOCALE = "nl"

# Help questions as a coordinator words them, per life domain; nothing identifying.
QUESTIONS: dict[LifeDomain, tuple[str, ...]] = {
    LifeDomain.SHELTER_HOUSING: (
        "Veilige opvangplek nodig, liefst buiten de eigen stad.",
        "Zoekt eigen woonruimte na het verblijf in de opvang.",
    ),
    LifeDomain.PHYSICAL_HEALTH: (
        "Medische controle nodig; klachten na zwaar werk.",
        "Inschrijving bij een huisarts en tandarts regelen.",
    ),
    LifeDomain.MENTAL_HEALTH: (
        "Traumabehandeling gewenst; slaapt slecht en heeft herbelevingen.",
        "Gesprekken met een psycholoog om het gebeurde te verwerken.",
    ),
    LifeDomain.ADDICTION: ("Hulp bij het afbouwen van middelengebruik.",),
    LifeDomain.SAFETY: (
        "Veiligheidsplan nodig; cliënt wordt benaderd door bekenden van de daders.",
        "Afspraken over veilig contact en een adres dat niet bekend is bij de daders.",
    ),
    LifeDomain.RESIDENCE_STATUS: (
        "Advies over de verblijfsvergunning voor slachtoffers mensenhandel.",
        "Ondersteuning bij de aanvraag van een verblijfsvergunning.",
    ),
    LifeDomain.LEGAL_AID: (
        "Advocaat nodig voor aangifte en slachtofferrechten.",
        "Juridische bijstand in de strafzaak en bij schadevergoeding.",
    ),
    LifeDomain.IDENTITY_DOCUMENTS: ("Nieuwe identiteitspapieren aanvragen; paspoort is afgepakt.",),
    LifeDomain.INCOME_DEBTS: (
        "Uitkering aanvragen en overzicht van schulden maken.",
        "Schulden op naam van cliënt door de uitbuiter; schuldhulp nodig.",
    ),
    LifeDomain.WORK_EDUCATION: (
        "Taalles en begeleiding naar werk.",
        "Wil een opleiding afmaken; dagbesteding zoeken.",
    ),
    LifeDomain.SOCIAL_NETWORK: ("Contact met familie herstellen op een veilige manier.",),
    LifeDomain.CHILDREN: ("Opvang en school voor de kinderen van cliënt regelen.",),
    LifeDomain.LANGUAGE_INTERPRETER: ("Vaste tolk nodig voor gesprekken met hulpverleners.",),
    LifeDomain.RETURN: ("Wil terug naar het land van herkomst; veilige terugkeer voorbereiden.",),
}
DECLINE_REASONS: tuple[str, ...] = (
    "Geen plek beschikbaar; wachtlijst van enkele maanden.",
    "Cliënt valt buiten de doelgroep van de organisatie.",
    "Geen tolk beschikbaar voor deze taal.",
    "Organisatie werkt niet in de woonplaats van cliënt.",
    "Intake afgewezen: eerst stabilisatie nodig.",
)
MONITORING_NOTES: tuple[str, ...] = (
    "Voortgang besproken met de hulpverleners; afspraken lopen volgens plan.",
    "Monitoring: opvang stabiel, traumabehandeling gestart.",
    "Monitoring: wachten op de uitkomst van de aanvraag verblijfsvergunning.",
    "Monitoring: cliënt heeft minder contact nodig; interval verlengd.",
    "Monitoring: zorgen over veiligheid, vaker contact afgesproken.",
    "Monitoring: alle hulpvragen belegd, cliënt redt zich goed.",
)
MEETING_AGREEMENTS: tuple[str, ...] = (
    "Afgesproken wie het eerste aanspreekpunt is; volgende overleg over zes weken.",
    "Veiligheidsplan doorgenomen en aangevuld; opvang houdt contact met de politie.",
    "Taken verdeeld voor woning, inkomen en dagbesteding.",
    "Besproken hoe de behandeling en de strafzaak op elkaar afgestemd worden.",
)
MEETING_GUESTS: tuple[str, ...] = ("politie", "advocaat van cliënt", "gemeente", "jeugdbescherming")
NEEDS_NOTES: tuple[str, ...] = (
    "Cliënt noemt dit zelf als eerste zorg.",
    "Nog niet uitgevraagd in detail; volgt in het tweede gesprek.",
    "Situatie is urgent.",
    "Cliënt wil hier later op terugkomen.",
)
CLOSURE_NOTES: dict[ClosureReason, tuple[str, ...]] = {
    ClosureReason.COMPLETED: (
        "Alle hulpvragen zijn belegd; cliënt weet de weg naar hulp en zorg.",
        "Traject afgerond in overleg met cliënt en hulpverleners.",
    ),
    ClosureReason.LEFT_UNKNOWN_DESTINATION: (
        "Cliënt is niet meer bereikbaar; opvang meldt vertrek.",
    ),
    ClosureReason.DECLINED_HELP: ("Cliënt wil geen verdere hulp; besproken dat terugkomen kan.",),
    ClosureReason.RETURNED_TO_ORIGIN: ("Cliënt is met begeleiding teruggekeerd.",),
    ClosureReason.DECEASED: ("Cliënt is overleden.",),
}
REOPENING_REASONS: tuple[str, ...] = (
    "Cliënt heeft zich opnieuw gemeld en wil alsnog hulp.",
    "Cliënt is terug in de regio; de melder vraagt het traject te hervatten.",
)
# The language of the conversation by nationality; "Engels" where it serves as a common one.
LANGUAGES: dict[str, str] = {
    "NL": "Nederlands",
    "RO": "Roemeens",
    "PL": "Pools",
    "BG": "Bulgaars",
    "HU": "Hongaars",
    "UA": "Oekraïens",
    "NG": "Engels",
    "VN": "Vietnamees",
    "MA": "Arabisch",
    "SY": "Arabisch",
    "IQ": "Arabisch",
    "SD": "Arabisch",
    "CO": "Spaans",
    "BR": "Portugees",
}


@lru_cache(maxsize=8192)
def long_date(on: date) -> str:
    """A date as the step texts write it (format "long"), e.g. "1 maart 2024"."""
    return format_date(on, format="long", locale=LOCALE)


@dataclass(frozen=True)
class Phrases:
    """The Dutch step texts of the operations, looked up once; `of_catalogue()` needs an app."""

    labels: dict[str, str]
    templates: dict[str, str]

    @classmethod
    def of_catalogue(cls) -> Phrases:
        codes = [*LifeDomain, *InformationTopic, *PoliceReport, *ResidencePermit, *CriminalCase]
        msgids = {
            "comensha": "Consent for registration with CoMensha",
            "sharing": "Consent for sharing with %(provider)s",
            "given": "%(what)s, given by %(giver)s.",
            "comensha_withdrawn": "Consent for registration with CoMensha withdrawn.",
            "not_assessed": "not assessed",
            "need": "assessed, need",
            "no_need": "assessed, no need",
            "informed": "Informed about %(topic)s.",
            "language": "Language: %(language)s.",
            "interpreter": "With an interpreter.",
            "no_interpreter": "No interpreter.",
            "intake_completed": "Intake completed; the trajectory is now in the assistance phase.",
            "reflection": "Reflection period started on %(date)s; it ends on %(end)s.",
            "appeal": "Appeal pending.",
            "no_appeal": "No appeal pending any more.",
            **{status.name: status.step_text for status in STATUSES},
        }
        with force_locale(LOCALE):
            labels = {f"{type(c).__name__}.{c.value}": gettext(c.label) for c in codes}
            labels.update({f"ConsentGiver.{g.value}": gettext(g.label) for g in ConsentGiver})
            templates = {key: gettext(msgid) for key, msgid in msgids.items()}
        return cls(labels, templates)

    def label(self, code: object) -> str:
        return self.labels[f"{type(code).__name__}.{code.value}"]  # type: ignore[attr-defined]

    def consent(self, giver: ConsentGiver, provider: str | None = None) -> str:
        t = self.templates
        what = t["sharing"] % {"provider": provider} if provider else t["comensha"]
        return t["given"] % {"what": what, "giver": self.label(giver)}

    def needs(self, answers: list[tuple[LifeDomain, bool]]) -> str:
        """One line per assessed domain, as the intake writes it."""
        t = self.templates
        return "\n".join(
            f"{self.label(d)}: {t['need'] if need else t['no_need']}" for d, need in answers
        )

    def informed(self, topic: InformationTopic, language: str | None, interpreter: bool) -> str:
        t = self.templates
        parts = [t["informed"] % {"topic": self.label(topic)}]
        if language:
            parts.append(t["language"] % {"language": language})
        parts.append(t["interpreter"] if interpreter else t["no_interpreter"])
        return " ".join(parts)

    def reflection(self, start: date, end: date) -> str:
        values = {"date": long_date(start), "end": long_date(end)}
        return self.templates["reflection"] % values

    def legal(self, name: str, code: object, on: date) -> str:
        """ "Police report: filed, from 1 March 2024." for the status `name` of the legal track."""
        return self.templates[name] % {"status": self.label(code), "date": long_date(on)}
