"""`flask keys list|retire`: the key inventory without key material, and safe retirement."""

import base64
import re
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from carecoord.clients.models import Client
from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.security import rotation
from carecoord.security.crypto import key_id_of
from carecoord.security.keys import init_keys
from config import new_key_id

OLD = ("k20250301-ab12", b"\x41" * 32)
NEW = ("new", b"\x42" * 32)
GONE = ("gone", b"\x43" * 32)
OLD_CLIENTS, NEW_CLIENTS = 9, 3  # the test batch size is 7: two batches under "old"
KEY_LINE = re.compile(r"^key (\S+)( \((encrypts|missing)[^)]*\))?: created (\S+), (\d+) values$")
FIELD_LINE = re.compile(r"^  (\w+\.\w+): (\d+)$")


@pytest.fixture
def use_keys(app):
    """Reconfigure the app's data keys for one test; the test keys come back afterwards."""
    original = app.config["DATA_KEYS"]

    def use(*keys):
        app.config["DATA_KEYS"] = list(keys)
        init_keys(app)

    yield use
    app.config["DATA_KEYS"] = original
    init_keys(app)


def add_clients(make_trajectory, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        t = make_trajectory(name=f"Zuzanna Wiśniewska {n}")
        t.add_step(StepKind.INTAKE_CONVERSATION, author=None, on=date(2026, 9, 2), text=f"نص {n}")
        db.session.commit()


@pytest.fixture
def two_keys(use_keys, make_trajectory, make_user):
    """Clients and a TOTP secret under "old"; then "new" is put first and more clients added."""
    use_keys(OLD)
    add_clients(make_trajectory, OLD_CLIENTS)
    user = make_user("coordinator")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    use_keys(NEW, OLD)
    add_clients(make_trajectory, NEW_CLIENTS, first=OLD_CLIENTS)


def stored_key_ids() -> dict[str, Counter[str]]:
    """Key id → `Model.field` → count, read straight from the ciphertext columns."""
    found: dict[str, Counter[str]] = {}
    for fields in rotation.encrypted_models().values():
        for f in fields:
            for blob in db.session.scalars(select(f.column).where(f.column.is_not(None))):
                found.setdefault(key_id_of(bytes(blob)), Counter())[f.label] += 1
    db.session.rollback()
    return found


def inventory(output: str) -> dict[str, tuple[str | None, str, Counter[str]]]:
    """Key id → (mark, created, counts per field) from the output of `keys list`; the listed
    total of each key must equal the sum of its field lines."""
    keys: dict[str, tuple[str | None, str, Counter[str]]] = {}
    totals: dict[str, int] = {}
    current = None
    for line in output.splitlines():
        if match := KEY_LINE.match(line):
            current = match[1]
            keys[current] = (match[3], match[4], Counter())
            totals[current] = int(match[5])
        elif current and (field := FIELD_LINE.match(line)):
            keys[current][2][field[1]] = int(field[2])
        else:
            current = None
    assert {key_id: counts.total() for key_id, (_, _, counts) in keys.items()} == totals
    return keys


def run(app, *args):
    return app.test_cli_runner().invoke(args=["keys", *args])


def assert_no_secrets(output: str) -> None:
    for _, key in (OLD, NEW, GONE):
        for encoded in (base64.urlsafe_b64encode(key), base64.b64encode(key)):
            assert encoded.decode().rstrip("=") not in output
        assert key.hex() not in output
    assert "Zuzanna" not in output
    for public_id in db.session.scalars(select(Client.public_id)):
        assert str(public_id) not in output
    db.session.rollback()


def test_list_counts_values_per_key_and_field_in_keyring_order(app, two_keys):
    result = run(app, "list")
    assert result.exit_code == 0, result.output
    listed = inventory(result.output)
    assert list(listed) == ["new", OLD[0]]
    assert listed["new"][:2] == ("encrypts", "—")
    assert listed[OLD[0]][:2] == (None, "2025-03-01")
    stored = stored_key_ids()
    assert {key_id: counts for key_id, (_, _, counts) in listed.items()} == stored
    assert stored[OLD[0]]["Client.name"] == OLD_CLIENTS
    assert stored[OLD[0]]["Step.text"] == OLD_CLIENTS
    assert stored[OLD[0]]["User.totp_secret"] == 1
    assert stored["new"]["Client.name"] == NEW_CLIENTS
    assert f"key new (encrypts): created —, {stored['new'].total()} values" in result.output
    assert_no_secrets(result.output)


def test_list_marks_a_key_used_by_values_but_not_configured(
    app, two_keys, use_keys, make_trajectory
):
    use_keys(GONE)
    add_clients(make_trajectory, 2, first=99)
    use_keys(NEW, OLD)
    result = run(app, "list")
    assert result.exit_code == 0, result.output
    listed = inventory(result.output)
    assert list(listed) == ["new", OLD[0], "gone"]
    assert listed["gone"][0] == "missing"
    assert listed["gone"][2]["Client.name"] == 2
    assert listed["gone"][2] == stored_key_ids()["gone"]
    assert_no_secrets(result.output)


def test_list_after_rotate_shows_the_old_key_unused(app, two_keys):
    assert run(app, "rotate").exit_code == 0
    result = run(app, "list")
    listed = inventory(result.output)
    assert listed[OLD[0]][2] == Counter()
    assert f"key {OLD[0]}: created 2025-03-01, 0 values" in result.output
    assert listed["new"][2] == stored_key_ids()["new"]


def test_retire_is_refused_while_values_use_the_key(app, two_keys, audit_entries):
    before = len(audit_entries())
    result = run(app, "retire", OLD[0])
    assert result.exit_code == 1
    stored = stored_key_ids()[OLD[0]]
    assert f"{stored.total()} values still use it" in result.output
    assert f"  Client.name: {OLD_CLIENTS}" in result.output
    assert "  User.totp_secret: 1" in result.output
    assert "may now be removed" not in result.output
    assert len(audit_entries()) == before
    assert_no_secrets(result.output)


def test_retire_is_allowed_after_rotate_and_audited(app, two_keys, audit_entries):
    assert run(app, "rotate").exit_code == 0
    result = run(app, "retire", OLD[0])
    assert result.exit_code == 0, result.output
    assert "may now be removed from CARECOORD_DATA_KEYS" in result.output
    entry = audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.detail) == ("key_rotation", "success", "retire_ok")
    assert (entry.object_type, entry.object_id, entry.user_id) == ("data_keys", OLD[0], None)
    assert_no_secrets(result.output)


def test_retiring_the_key_that_encrypts_is_refused(app, two_keys, audit_entries):
    assert run(app, "rotate").exit_code == 0
    before = len(audit_entries())
    result = run(app, "retire", "new")
    assert result.exit_code == 1
    assert "put a newer key first and run keys rotate" in result.output
    assert len(audit_entries()) == before


def test_retiring_a_missing_key_still_used_is_refused(app, two_keys, use_keys, make_trajectory):
    use_keys(GONE)
    add_clients(make_trajectory, 1, first=99)
    use_keys(NEW, OLD)
    result = run(app, "retire", "gone")
    assert result.exit_code == 1
    assert "  Client.name: 1" in result.output
    assert "missing from CARECOORD_DATA_KEYS" in result.output


def test_retiring_an_unknown_key_id_exits_2(app, two_keys, audit_entries):
    before = len(audit_entries())
    result = run(app, "retire", "nope")
    assert result.exit_code == 2
    assert "unknown key id nope" in result.output
    assert len(audit_entries()) == before


def test_only_generated_ids_with_a_real_date_have_a_creation_date():
    assert rotation.key_created_on(new_key_id()) == datetime.now(UTC).date()
    assert rotation.key_created_on("k20250301-ab12") == date(2025, 3, 1)
    for other in ("k20251399-ab12", "k2025031-ab12", "x20250301-ab12", "k20250301-ab123", "old"):
        assert rotation.key_created_on(other) is None
