"""Blind index and export pseudonyms: equality where wanted, nothing linkable elsewhere."""

import uuid
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from carecoord.security.crypto import Keyring, associated_data
from carecoord.security.pseudonyms import (
    BLIND_INDEX_BYTES,
    blind_index,
    normalise_name,
    person_pseudonym,
    trajectory_pseudonym,
)

INDEX_KEY = b"\x05" * 32
PSEUDONYM_KEY = b"\x06" * 32
BORN = date(1994, 5, 17)
PERSON = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5")


def test_case_whitespace_and_diacritics_fold_away():
    assert normalise_name("Jóse  Díaz") == normalise_name("jose diaz") == "jose diaz"
    assert normalise_name("  MARÍA\tKOWALSKA\n") == "maria kowalska"


def test_different_names_stay_different():
    assert normalise_name("Jose Diaz") != normalise_name("Josef Diaz")


def test_blind_index_matches_the_same_person_written_differently():
    first = blind_index(INDEX_KEY, 1, "Jóse  Díaz", BORN)
    assert first == blind_index(INDEX_KEY, 1, "jose diaz", BORN)
    assert len(first) == BLIND_INDEX_BYTES


def test_blind_index_differs_per_region():
    assert blind_index(INDEX_KEY, 1, "jose diaz", BORN) != blind_index(
        INDEX_KEY, 2, "jose diaz", BORN
    )


def test_blind_index_differs_per_date_of_birth():
    other_day = date(1994, 5, 18)
    assert blind_index(INDEX_KEY, 1, "jose diaz", BORN) != blind_index(
        INDEX_KEY, 1, "jose diaz", other_day
    )
    assert blind_index(INDEX_KEY, 1, "jose diaz", BORN) != blind_index(
        INDEX_KEY, 1, "jose diaz", None
    )


def test_blind_index_depends_on_the_key():
    assert blind_index(INDEX_KEY, 1, "jose diaz", BORN) != blind_index(
        b"\x07" * 32, 1, "jose diaz", BORN
    )


def test_blind_index_fields_cannot_run_into_each_other():
    # "1" + "1 ana" must not collide with "11" + "ana".
    assert blind_index(INDEX_KEY, 1, "1 ana", BORN) != blind_index(INDEX_KEY, 11, "ana", BORN)


def test_person_pseudonym_is_stable_and_distinct_per_person():
    first = person_pseudonym(PSEUDONYM_KEY, PERSON)
    assert first == person_pseudonym(PSEUDONYM_KEY, uuid.UUID(str(PERSON)))
    assert first != person_pseudonym(PSEUDONYM_KEY, uuid.uuid4())
    assert first != person_pseudonym(b"\x08" * 32, PERSON)


def test_pseudonym_reveals_no_application_id():
    pseudonym = person_pseudonym(PSEUDONYM_KEY, PERSON)
    assert PERSON.hex not in pseudonym
    assert str(PERSON) not in pseudonym
    # Full-length HMAC-SHA256, compactly encoded: 256 bits in base32 is 52 characters.
    assert len(pseudonym) == 52
    assert pseudonym.isalnum()


def test_person_and_trajectory_pseudonyms_of_one_uuid_differ():
    assert person_pseudonym(PSEUDONYM_KEY, PERSON) != trajectory_pseudonym(PSEUDONYM_KEY, PERSON)


@settings(database=None, max_examples=200, deadline=None)
@given(text=st.text(), row=st.uuids())
def test_any_text_round_trips_through_the_keyring(text, row):
    ring = Keyring.of([("k-1", b"\x09" * 32)])
    aad = associated_data("steps", "text", row.bytes)
    assert ring.decrypt(ring.encrypt(text.encode("utf-8"), aad), aad).decode("utf-8") == text
