"""The national spread for bulk demo data: more regions with real CBS municipalities, each with
a care network of invented providers and one coordinator; added only by `--trajectories`."""

from __future__ import annotations

from carecoord.codes import ProviderType, Role
from carecoord.demo import data
from carecoord.demo.data import DemoAccount, DemoProvider

# Region name → (case-number code, [(municipality, CBS code)]): the larger municipalities of
# each region (a demo needs no complete list).
BULK_REGIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "Amsterdam-Amstelland": (
        "AA",
        [
            ("Aalsmeer", "GM0358"),
            ("Amstelveen", "GM0362"),
            ("Amsterdam", "GM0363"),
            ("Diemen", "GM0384"),
            ("Ouder-Amstel", "GM0437"),
            ("Uithoorn", "GM0451"),
        ],
    ),
    "Haaglanden": (
        "HL",
        [
            ("'s-Gravenhage", "GM0518"),
            ("Delft", "GM0503"),
            ("Leidschendam-Voorburg", "GM1916"),
            ("Midden-Delfland", "GM1842"),
            ("Pijnacker-Nootdorp", "GM1926"),
            ("Rijswijk", "GM0603"),
            ("Wassenaar", "GM0629"),
            ("Westland", "GM1783"),
            ("Zoetermeer", "GM0637"),
        ],
    ),
    "Midden-Nederland": (
        "MN",
        [
            ("Amersfoort", "GM0307"),
            ("De Bilt", "GM0310"),
            ("Houten", "GM0321"),
            ("IJsselstein", "GM0353"),
            ("Nieuwegein", "GM0356"),
            ("Stichtse Vecht", "GM1904"),
            ("Utrecht", "GM0344"),
            ("Veenendaal", "GM0345"),
            ("Woerden", "GM0632"),
            ("Zeist", "GM0355"),
        ],
    ),
    "Kennemerland": (
        "KL",
        [
            ("Beverwijk", "GM0375"),
            ("Bloemendaal", "GM0377"),
            ("Haarlem", "GM0392"),
            ("Haarlemmermeer", "GM0394"),
            ("Heemskerk", "GM0396"),
            ("Heemstede", "GM0397"),
            ("Velsen", "GM0453"),
            ("Zandvoort", "GM0473"),
        ],
    ),
    "Twente": (
        "TW",
        [
            ("Almelo", "GM0141"),
            ("Borne", "GM0147"),
            ("Enschede", "GM0153"),
            ("Haaksbergen", "GM0158"),
            ("Hengelo", "GM0164"),
            ("Losser", "GM0168"),
            ("Oldenzaal", "GM0173"),
            ("Wierden", "GM0189"),
        ],
    ),
    "Groningen": (
        "GR",
        [
            ("Groningen", "GM0014"),
            ("Stadskanaal", "GM0037"),
            ("Veendam", "GM0047"),
            ("Oldambt", "GM1895"),
            ("Midden-Groningen", "GM1952"),
            ("Het Hogeland", "GM1966"),
            ("Westerkwartier", "GM1969"),
            ("Eemsdelta", "GM1979"),
        ],
    ),
    "Zuid-Limburg": (
        "ZL",
        [
            ("Brunssum", "GM0899"),
            ("Heerlen", "GM0917"),
            ("Kerkrade", "GM0928"),
            ("Landgraaf", "GM0882"),
            ("Maastricht", "GM0935"),
            ("Meerssen", "GM0938"),
            ("Sittard-Geleen", "GM1883"),
            ("Valkenburg aan de Geul", "GM0994"),
        ],
    ),
    "Zuidoost-Brabant": (
        "ZB",
        [
            ("Best", "GM0753"),
            ("Eindhoven", "GM0772"),
            ("Geldrop-Mierlo", "GM1771"),
            ("Helmond", "GM0794"),
            ("Nuenen, Gerwen en Nederwetten", "GM0820"),
            ("Son en Breugel", "GM0848"),
            ("Valkenswaard", "GM0858"),
            ("Veldhoven", "GM0861"),
            ("Waalre", "GM0866"),
        ],
    ),
}

# Notifications per region, roughly by population and known caseload; the two base regions
# keep a large share, so their demo accounts see a busy caseload and dashboard.
NATIONAL_WEIGHTS: dict[str, int] = {
    data.RIJNMOND: 20,
    data.GOOI: 10,
    "Amsterdam-Amstelland": 18,
    "Haaglanden": 12,
    "Midden-Nederland": 12,
    "Kennemerland": 6,
    "Twente": 6,
    "Groningen": 5,
    "Zuid-Limburg": 5,
    "Zuidoost-Brabant": 6,
}
MUNICIPALITY_WEIGHTS: dict[str, int] = {
    **data.MUNICIPALITY_WEIGHTS,
    "GM0363": 25,  # Amsterdam
    "GM0362": 3,  # Amstelveen
    "GM0518": 16,  # 's-Gravenhage
    "GM0637": 4,  # Zoetermeer
    "GM0503": 3,  # Delft
    "GM1783": 3,  # Westland
    "GM0344": 12,  # Utrecht
    "GM0307": 5,  # Amersfoort
    "GM0392": 6,  # Haarlem
    "GM0394": 5,  # Haarlemmermeer
    "GM0153": 6,  # Enschede
    "GM0164": 3,  # Hengelo
    "GM0141": 3,  # Almelo
    "GM0014": 12,  # Groningen
    "GM0935": 6,  # Maastricht
    "GM0917": 4,  # Heerlen
    "GM1883": 4,  # Sittard-Geleen
    "GM0772": 10,  # Eindhoven
    "GM0794": 4,  # Helmond
}

# The care network every bulk region gets: (provider type, Dutch name).
NETWORK: tuple[tuple[ProviderType, str], ...] = (
    (ProviderType.SHELTER, "Opvang"),
    (ProviderType.COSM_SHELTER, "COSM-opvang"),
    (ProviderType.WOMENS_SHELTER, "Vrouwenopvang"),
    (ProviderType.MENTAL_HEALTH, "GGZ"),
    (ProviderType.MEDICAL, "Gezondheidscentrum"),
    (ProviderType.LEGAL_AID, "Rechtshulp"),
    (ProviderType.YOUTH_CARE, "Jeugdhulp"),
    (ProviderType.ADDICTION, "Verslavingszorg"),
    (ProviderType.DEBT_INCOME, "Schuldhulp"),
    (ProviderType.EDUCATION_WORK, "Werk en Taal"),
    (ProviderType.INTERPRETER, "Tolkendienst"),
    (ProviderType.RETURN_SUPPORT, "Terugkeerbegeleiding"),
    (ProviderType.MUNICIPALITY, "Wijkteam"),
)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _providers() -> tuple[DemoProvider, ...]:
    providers = []
    for region, (_, municipalities) in BULK_REGIONS.items():
        # The region's largest municipality by weight hosts its providers.
        town = max(municipalities, key=lambda m: MUNICIPALITY_WEIGHTS.get(m[1], 1))[0]
        for provider_type, kind in NETWORK:
            name = f"Demo {kind} {region}"
            providers.append(DemoProvider(region, name, provider_type, town, _slug(name[5:])))
    return tuple(providers)


def _accounts() -> tuple[DemoAccount, ...]:
    # Published passwords, like the base accounts: the seed refuses to run in production.
    return tuple(
        DemoAccount(
            Role.COORDINATOR,
            region,
            f"coordinator.{code.lower()}@example.org",
            f"Demo Zorgcoördinator {region}",
            f"demo-coordinator-{_slug(region)}-2026",
        )
        for region, (code, _) in BULK_REGIONS.items()
    )


BULK_PROVIDERS = _providers()
BULK_ACCOUNTS = _accounts()
