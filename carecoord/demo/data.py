"""The fixed demo data: regions with their real CBS municipalities, providers, accounts, texts."""

from __future__ import annotations

from dataclasses import dataclass

from carecoord.codes import ProviderType, Role

GOOI = "Gooi en Vechtstreek"
RIJNMOND = "Rotterdam-Rijnmond"

# Region name → (case-number code, [(municipality, CBS code)]). Gooi en Vechtstreek as the
# regional partnership, Rotterdam-Rijnmond as the safety region (VR17) since Voorne aan Zee (2023).
REGIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    GOOI: (
        "GV",
        [
            ("Blaricum", "GM0376"),
            ("Eemnes", "GM0317"),
            ("Gooise Meren", "GM1942"),
            ("Hilversum", "GM0402"),
            ("Huizen", "GM0406"),
            ("Laren", "GM0417"),
            ("Wijdemeren", "GM1696"),
        ],
    ),
    RIJNMOND: (
        "RR",
        [
            ("Albrandswaard", "GM0613"),
            ("Barendrecht", "GM0489"),
            ("Capelle aan den IJssel", "GM0502"),
            ("Goeree-Overflakkee", "GM1924"),
            ("Krimpen aan den IJssel", "GM0542"),
            ("Lansingerland", "GM1621"),
            ("Maassluis", "GM0556"),
            ("Nissewaard", "GM1930"),
            ("Ridderkerk", "GM0597"),
            ("Rotterdam", "GM0599"),
            ("Schiedam", "GM0606"),
            ("Vlaardingen", "GM0622"),
            ("Voorne aan Zee", "GM1992"),
        ],
    ),
}

# Where clients live, roughly by population: the big municipality of each region weighs most.
MUNICIPALITY_WEIGHTS: dict[str, int] = {
    "GM0402": 8,  # Hilversum
    "GM0406": 4,  # Huizen
    "GM1942": 4,  # Gooise Meren
    "GM0599": 20,  # Rotterdam
    "GM0606": 3,  # Schiedam
    "GM0622": 3,  # Vlaardingen
    "GM1930": 3,  # Nissewaard
    "GM0502": 2,  # Capelle aan den IJssel
}
REGION_WEIGHTS: dict[str, int] = {GOOI: 2, RIJNMOND: 3}


@dataclass(frozen=True)
class DemoProvider:
    region: str
    name: str
    provider_type: ProviderType
    town: str
    slug: str

    @property
    def email(self) -> str:
        return f"info@{self.slug}.example"

    @property
    def website(self) -> str:
        return f"https://{self.slug}.example"


# Invented organisations; ".example" domains (RFC 2606) and phone numbers no one can have.
PROVIDERS: tuple[DemoProvider, ...] = (
    DemoProvider(GOOI, "Demo Opvang Gooi", ProviderType.SHELTER, "Hilversum", "opvang-gooi"),
    DemoProvider(
        GOOI, "Demo COSM-opvang Gooi", ProviderType.COSM_SHELTER, "Hilversum", "cosm-gooi"
    ),
    DemoProvider(
        GOOI, "Demo Vrouwenopvang Vechtstreek", ProviderType.WOMENS_SHELTER, "Huizen", "vrouwen-vv"
    ),
    DemoProvider(GOOI, "Demo GGZ Gooi", ProviderType.MENTAL_HEALTH, "Hilversum", "ggz-gooi"),
    DemoProvider(
        GOOI, "Demo Huisartsenpraktijk Huizen", ProviderType.MEDICAL, "Huizen", "huisarts-huizen"
    ),
    DemoProvider(
        GOOI, "Demo Advocatenkantoor Vechtstreek", ProviderType.LEGAL_AID, "Laren", "advocaat-vv"
    ),
    DemoProvider(
        GOOI, "Demo Jeugdhulp Gooi", ProviderType.YOUTH_CARE, "Gooise Meren", "jeugdhulp-gooi"
    ),
    DemoProvider(
        GOOI, "Demo Schuldhulp Gooise Meren", ProviderType.DEBT_INCOME, "Gooise Meren", "schuld-gm"
    ),
    DemoProvider(GOOI, "Demo Tolkendienst Gooi", ProviderType.INTERPRETER, "Blaricum", "tolk-gooi"),
    DemoProvider(
        RIJNMOND, "Demo Opvang Rijnmond", ProviderType.SHELTER, "Rotterdam", "opvang-rijnmond"
    ),
    DemoProvider(
        RIJNMOND, "Demo COSM-opvang Rotterdam", ProviderType.COSM_SHELTER, "Rotterdam", "cosm-rdam"
    ),
    DemoProvider(
        RIJNMOND,
        "Demo Vrouwenopvang Rijnmond",
        ProviderType.WOMENS_SHELTER,
        "Schiedam",
        "vrouwen-rijnmond",
    ),
    DemoProvider(
        RIJNMOND, "Demo GGZ Rijnmond", ProviderType.MENTAL_HEALTH, "Rotterdam", "ggz-rijnmond"
    ),
    DemoProvider(
        RIJNMOND,
        "Demo Gezondheidscentrum Schiedam",
        ProviderType.MEDICAL,
        "Schiedam",
        "gezondheid-schiedam",
    ),
    DemoProvider(
        RIJNMOND, "Demo Rechtshulp Rotterdam", ProviderType.LEGAL_AID, "Rotterdam", "recht-rdam"
    ),
    DemoProvider(
        RIJNMOND,
        "Demo Verslavingszorg Rijnmond",
        ProviderType.ADDICTION,
        "Rotterdam",
        "verslaving-rijnmond",
    ),
    DemoProvider(
        RIJNMOND,
        "Demo Werk en Taal Vlaardingen",
        ProviderType.EDUCATION_WORK,
        "Vlaardingen",
        "werk-vlaardingen",
    ),
    DemoProvider(
        RIJNMOND,
        "Demo Terugkeerbegeleiding Rijnmond",
        ProviderType.RETURN_SUPPORT,
        "Rotterdam",
        "terugkeer-rijnmond",
    ),
    DemoProvider(
        RIJNMOND, "Demo Wijkteam Nissewaard", ProviderType.MUNICIPALITY, "Nissewaard", "wijk-nw"
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    region: str
    email: str
    name: str
    password: str


# Published passwords: the seed refuses to run in production, so they never guard real data.
ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        Role.COORDINATOR,
        GOOI,
        "coordinator.gv@example.org",
        "Demo Zorgcoördinator Gooi",
        "demo-coordinator-gooi-2026",
    ),
    DemoAccount(
        Role.CHAIN_DIRECTOR,
        GOOI,
        "director.gv@example.org",
        "Demo Ketenregisseur Gooi",
        "demo-ketenregie-gooi-2026",
    ),
    DemoAccount(
        Role.COORDINATOR,
        RIJNMOND,
        "coordinator.rr@example.org",
        "Demo Zorgcoördinator Rijnmond",
        "demo-coordinator-rijnmond-2026",
    ),
    DemoAccount(
        Role.CHAIN_DIRECTOR,
        RIJNMOND,
        "director.rr@example.org",
        "Demo Ketenregisseur Rijnmond",
        "demo-ketenregie-rijnmond-2026",
    ),
    DemoAccount(
        Role.ADMIN,
        GOOI,
        "admin@example.org",
        "Demo Functioneel Beheerder",
        "demo-beheerder-carecoord-2026",
    ),
)

# Faker locale → (weight, nationalities it stands for as ISO 3166-1 alpha-2).
LOCALES: dict[str, tuple[int, tuple[str, ...]]] = {
    "nl_NL": (34, ("NL",)),
    "ro_RO": (9, ("RO",)),
    "pl_PL": (7, ("PL",)),
    "bg_BG": (5, ("BG",)),
    "hu_HU": (4, ("HU",)),
    "uk_UA": (8, ("UA",)),
    "en_NG": (10, ("NG",)),
    "vi_VN": (7, ("VN",)),
    "ar_AA": (6, ("MA", "SY", "IQ", "SD")),
    "es_CO": (5, ("CO",)),
    "pt_BR": (5, ("BR",)),
}

# Short notes as a coordinator writes them; nothing identifying.
NOTIFICATION_NOTES: tuple[str, ...] = (
    "Aanmelding telefonisch ontvangen; eerste gesprek gepland.",
    "Aanmelding per beveiligde mail ontvangen; cliënt is bereikbaar via de melder.",
    "Aanmelding ontvangen na een gesprek met de melder; cliënt wil graag hulp.",
)
CONTACT_NOTES: tuple[str, ...] = (
    "Telefonisch contact gehad; cliënt maakt het naar omstandigheden goed.",
    "Gesprek op kantoor met tolk; vervolgafspraak over twee weken.",
    "Cliënt geïnformeerd over de bedenktijd en de mogelijkheid van aangifte.",
    "Overleg met de opvang over een plek; we wachten op terugkoppeling.",
    "Samen met cliënt de huisarts gebeld voor een afspraak.",
    "Afspraak ging niet door, cliënt was niet bereikbaar. Morgen opnieuw bellen.",
    "Huisbezoek afgelegd; situatie stabiel, geen acute zorgen.",
    "Cliënt voelt zich veiliger sinds de verhuizing naar de opvang.",
    "Tolk geregeld voor het gesprek van volgende week.",
)
ADULT_CONTACT_NOTES: tuple[str, ...] = (
    "Cliënt heeft vragen over de verblijfsvergunning; advocaat wordt ingeschakeld.",
    "Cliënt maakt zich zorgen over schulden; schuldhulp besproken.",
    "Korte check-in per telefoon; cliënt heeft werk gevonden via het taaltraject.",
)
MINOR_CONTACT_NOTES: tuple[str, ...] = (
    "Overleg met de jeugdbeschermer over veiligheid op school.",
    "Gesprek met cliënt en ouder; afspraken over begeleiding gemaakt.",
    "Contact met de mentor van school; cliënt gaat weer naar de lessen.",
)
