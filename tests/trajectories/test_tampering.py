"""Fail closed (SECURITY.md): moved, altered or foreign-key ciphertext shows as unreadable."""

from __future__ import annotations

import logging
from datetime import date

from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.security.crypto import Keyring, associated_data
from tests.trajectories.stored import read_blob, write_blob

MARKER = '<span class="unreadable">could not be decrypted</span>'
DETAILS = {"phone": "+31 6 5555 0101", "address": "Stationsweg 3, Huizen", "bsn": "111222333"}


def flipped(blob: bytes, position: int = -1) -> bytes:
    changed = bytearray(blob)
    changed[position] ^= 0x01
    return bytes(changed)


def file_page(client, t) -> str:
    response = client.get(f"/trajectories/{t.public_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_name_copied_from_another_client_is_unreadable_not_swapped(
    client, login_as, make_trajectory, english, caplog
):
    a = make_trajectory(name="Alicja Anders", notified_on=date(2026, 5, 1))
    b = make_trajectory(name="Bogdana Berg", notified_on=date(2026, 6, 1), **DETAILS)
    login_as("coordinator")
    english()
    write_blob("clients", "name_ct", b.client_id, read_blob("clients", "name_ct", a.client_id))

    with caplog.at_level(logging.WARNING, logger="carecoord.security.encrypted"):
        page = file_page(client, b)

    heading = page[page.index("<h1>") : page.index("</h1>")]
    assert MARKER in heading and b.case_number in heading
    assert "Alicja Anders" not in page and "Bogdana Berg" not in page
    for value in DETAILS.values():
        assert value in page
    assert "May 17, 1994" in page  # the date of birth still decrypts
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings, "the failed decryption was not logged"
    message = warnings[0].getMessage()
    assert "table=clients" in message and "field=name" in message
    assert "Alicja" not in caplog.text and "Bogdana" not in caplog.text

    home = client.get("/trajectories/").get_data(as_text=True)
    assert "Alicja Anders" in home  # A is untouched
    row_b = home[home.index(b.case_number) :].split("</tr>", 1)[0]
    assert MARKER in row_b


def test_a_value_moved_to_another_column_of_its_row_is_unreadable(
    client, login_as, make_trajectory, english, caplog
):
    t = make_trajectory(name="Celina Cruz", address="Oude Haven 1, Rotterdam")
    login_as("coordinator")
    english()
    write_blob("clients", "address_ct", t.client_id, read_blob("clients", "name_ct", t.client_id))

    with caplog.at_level(logging.WARNING, logger="carecoord.security.encrypted"):
        page = file_page(client, t)

    identity = page[page.index(">Identity<") : page.index(">Coded facts<")]
    address = identity[identity.index(">Address<") :].split("</dd>", 1)[0]
    assert MARKER in address
    assert identity.count("Celina Cruz") == 1  # only in the name field
    assert "Oude Haven" not in page
    assert "field=address" in caplog.text and "Celina" not in caplog.text


def test_one_flipped_byte_makes_a_field_unreadable(
    client, login_as, make_trajectory, english, caplog
):
    t = make_trajectory(name="Dana Dumitru", phone="+31 20 123 4567")
    login_as("coordinator")
    english()
    for position in (-1, 10):  # the authentication tag, and inside the nonce
        stored = read_blob("clients", "phone_ct", t.client_id)
        write_blob("clients", "phone_ct", t.client_id, flipped(stored, position))
        caplog.clear()

        with caplog.at_level(logging.WARNING, logger="carecoord.security.encrypted"):
            page = file_page(client, t)

        phone = page[page.index(">Phone<") :].split("</dd>", 1)[0]
        assert MARKER in phone
        assert "Dana Dumitru" in page
        assert "field=phone" in caplog.text and "123 4567" not in caplog.text


def test_a_value_under_an_unknown_key_is_unreadable(client, login_as, make_trajectory, english):
    t = make_trajectory(name="Ewa Eriksen", bsn="999888777")
    login_as("coordinator")
    english()
    foreign = Keyring.of([("stolen-1", b"\x09" * 32)])
    aad = associated_data("clients", "bsn", t.client.public_id.bytes)
    write_blob("clients", "bsn_ct", t.client_id, foreign.encrypt(b"123123123", aad))

    page = file_page(client, t)

    assert MARKER in page[page.index(">BSN<") :].split("</dd>", 1)[0]
    assert "123123123" not in page and "Ewa Eriksen" in page


def test_a_tampered_step_text_is_unreadable_in_the_timeline(
    client, login_as, make_trajectory, english
):
    t = make_trajectory()
    step = t.add_step(StepKind.CONTACT_MOMENT, author=None, on=date(2026, 9, 2), text="Gebeld")
    db.session.commit()
    login_as("coordinator")
    english()
    write_blob("steps", "text_ct", step.id, flipped(read_blob("steps", "text_ct", step.id)))

    page = file_page(client, t)

    timeline = page[page.index(">Timeline<") :]
    assert MARKER in timeline and "Gebeld" not in timeline
    assert "contact moment" in timeline


HOSTILE = ["<script>alert(1)</script>", "Robert'); DROP TABLE clients;--", 'x" onmouseover="y']


def test_script_and_sql_in_a_name_are_shown_escaped(client, login_as, make_trajectory):
    trajectories = [
        make_trajectory(name=name, notified_on=date(2026, 7, day))
        for day, name in enumerate(HOSTILE, 1)
    ]
    login_as("coordinator")

    home = client.get("/trajectories/").get_data(as_text=True)
    files = [file_page(client, t) for t in trajectories]

    for page in [home, *files]:
        assert "<script>alert(1)" not in page
        assert 'x" onmouseover' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home
    assert "Robert&#39;); DROP TABLE clients;--" in home
    assert "x&#34; onmouseover=&#34;y" in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in files[0]
    assert "Robert&#39;); DROP TABLE clients;--" in files[1]
    assert db.session.execute(db.text("SELECT count(*) FROM clients")).scalar_one() == 3
