"""Coded facts derived from identity: age band at notification, nationality group. Pure."""

from __future__ import annotations

from datetime import date

from carecoord.codes import AgeBand, NationalityGroup

# EU member states plus Iceland, Liechtenstein and Norway (EEA); Switzerland is counted with
# them as CoMensha does for free movement. The Netherlands has its own group.
EEA = frozenset(
    (
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT PL PT RO SK SI ES SE IS LI NO CH"
    ).split()
)
AGE_BANDS = (
    (12, AgeBand.CHILD),
    (18, AgeBand.ADOLESCENT),
    (23, AgeBand.YOUNG_ADULT),
    (30, AgeBand.ADULT_23),
    (40, AgeBand.ADULT_30),
    (50, AgeBand.ADULT_40),
)


def age_on(date_of_birth: date, on: date) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def age_band(date_of_birth: date | None, on: date) -> AgeBand:
    """The band of DOMAIN.md for the age on `on`; unknown without a date of birth."""
    if date_of_birth is None or date_of_birth > on:
        return AgeBand.UNKNOWN
    age = age_on(date_of_birth, on)
    for upper, band in AGE_BANDS:
        if age < upper:
            return band
    return AgeBand.ADULT_50


def is_minor(date_of_birth: date | None, on: date) -> bool | None:
    return None if date_of_birth is None else age_on(date_of_birth, on) < 18


def nationality_group(iso_code: str | None) -> NationalityGroup:
    """nl, EU/EEA or outside, from an ISO 3166-1 alpha-2 code; unknown without one."""
    if not iso_code:
        return NationalityGroup.UNKNOWN
    code = iso_code.upper()
    if code == "NL":
        return NationalityGroup.NL
    return NationalityGroup.EEA if code in EEA else NationalityGroup.NON_EEA


# NUL and the bidi embedding/override/isolate controls: they can hide or reorder what a reader
# sees (Trojan Source), so text containing them is refused, never silently cleaned.
FORBIDDEN_CHARACTERS = frozenset(
    ["\x00", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
)
BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def has_forbidden_characters(text: str) -> bool:
    return any(ch in FORBIDDEN_CHARACTERS for ch in text)


def bsn_is_valid(value: str) -> bool:
    """Nine ASCII digits passing the "elfproef" (weighted sum divisible by 11, not zero)."""
    if len(value) != len(BSN_WEIGHTS) or not (value.isascii() and value.isdigit()):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, BSN_WEIGHTS, strict=True))
    return total != 0 and total % 11 == 0
