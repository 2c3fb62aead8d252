"""AES-GCM with associated data and a named keyring: what a leaked or tampered database gets."""

import uuid

import pytest

from carecoord.security.crypto import (
    FORMAT_VERSION,
    NONCE_BYTES,
    DecryptionError,
    Keyring,
    associated_data,
    key_id_of,
)

OLD = ("k-old", b"\x11" * 32)
NEW = ("k-new", b"\x22" * 32)
ROW = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5")
OTHER_ROW = uuid.UUID("0e9d8c7b-6a59-4847-b635-241302f1e0d9")
AAD = associated_data("clients", "name", ROW.bytes)
SECRET = b"Ana Popescu"


@pytest.fixture
def ring() -> Keyring:
    return Keyring.of([NEW, OLD])


def test_round_trip(ring):
    blob = ring.encrypt(SECRET, AAD)
    assert ring.decrypt(blob, AAD) == SECRET
    assert SECRET not in blob


def test_two_encryptions_of_one_value_differ(ring):
    first, second = ring.encrypt(SECRET, AAD), ring.encrypt(SECRET, AAD)
    assert first != second
    header = 2 + len(ring.active_id)
    assert first[header : header + NONCE_BYTES] != second[header : header + NONCE_BYTES]


def test_stored_form_names_its_version_and_key(ring):
    blob = ring.encrypt(SECRET, AAD)
    assert blob[0] == FORMAT_VERSION
    assert key_id_of(blob) == "k-new"


@pytest.mark.parametrize(
    "elsewhere",
    [
        associated_data("trajectories", "name", ROW.bytes),
        associated_data("clients", "address", ROW.bytes),
        associated_data("clients", "name", OTHER_ROW.bytes),
        b"",
    ],
    ids=["other-table", "other-column", "other-row", "no-aad"],
)
def test_a_ciphertext_moved_elsewhere_does_not_decrypt(ring, elsewhere):
    blob = ring.encrypt(SECRET, AAD)
    with pytest.raises(DecryptionError):
        ring.decrypt(blob, elsewhere)


def test_every_flipped_byte_is_detected(ring):
    blob = ring.encrypt(SECRET, AAD)
    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            ring.decrypt(bytes(tampered), AAD)


@pytest.mark.parametrize("keep", [0, 1, 2, 8, 20, -1])
def test_truncated_value_fails(ring, keep):
    blob = ring.encrypt(SECRET, AAD)
    with pytest.raises(DecryptionError):
        ring.decrypt(blob[:keep], AAD)


def test_unknown_key_id_fails():
    blob = Keyring.of([("k-gone", b"\x33" * 32)]).encrypt(SECRET, AAD)
    with pytest.raises(DecryptionError, match="unknown key id"):
        Keyring.of([NEW, OLD]).decrypt(blob, AAD)


def test_same_key_id_with_another_key_fails():
    blob = Keyring.of([("k-new", b"\x44" * 32)]).encrypt(SECRET, AAD)
    with pytest.raises(DecryptionError):
        Keyring.of([NEW]).decrypt(blob, AAD)


def test_older_keys_still_decrypt_and_the_newest_encrypts(ring):
    written_before = Keyring.of([OLD]).encrypt(SECRET, AAD)
    assert key_id_of(written_before) == "k-old"
    assert ring.decrypt(written_before, AAD) == SECRET
    assert key_id_of(ring.encrypt(SECRET, AAD)) == "k-new"
    assert ring.active_id == "k-new"
    assert ring.key_ids == ("k-new", "k-old")


def test_error_holds_no_value(ring):
    blob = ring.encrypt(SECRET, AAD)
    with pytest.raises(DecryptionError) as caught:
        ring.decrypt(blob, associated_data("clients", "name", OTHER_ROW.bytes))
    assert "Ana" not in str(caught.value)
    assert blob.hex() not in str(caught.value)


@pytest.mark.parametrize(
    "keys",
    [
        [],
        [("k1", b"\x01" * 31)],
        [("k1", b"\x01" * 33)],
        [("", b"\x01" * 32)],
        [("k" * 33, b"\x01" * 32)],
        [("k1", b"\x01" * 32), ("k1", b"\x02" * 32)],
        [("ké", b"\x01" * 32)],
    ],
    ids=["empty", "short-key", "long-key", "empty-id", "long-id", "duplicate-id", "non-ascii-id"],
)
def test_keyring_refuses_bad_keys(keys):
    with pytest.raises(ValueError):
        Keyring.of(keys)


def test_keyring_repr_does_not_show_its_keys():
    """Error reporters print the locals of a failing frame; a key must not be among them."""
    shown = repr(Keyring.of([("k1", b"\xab" * 32)]))
    assert "\\xab" not in shown
    assert "ab" * 8 not in shown
