"""`flask keys rotate|verify|generate`: every value under the newest key, resumable, fail-safe."""

import re
from datetime import date

import pytest
from sqlalchemy import event, select, update

from carecoord.accounts.models import User
from carecoord.audit.models import AuditEntry
from carecoord.clients.models import Client
from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.security import rotation
from carecoord.security.crypto import key_id_of
from carecoord.security.keys import init_keys
from carecoord.trajectories.models import Step
from config import parse_data_keys

OLD = ("old", b"\x41" * 32)
NEW = ("new", b"\x42" * 32)
CLIENTS = 10  # the test batch size is 7: two batches of clients
COUNTS = re.compile(r"^(\w+\.\w+): re-encrypted (\d+), already current (\d+), unreadable (\d+)$")


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


@pytest.fixture
def old_data(app, use_keys, make_trajectory, make_user):
    """Clients, step texts and a TOTP secret written under "old"; then "new" is put first."""
    use_keys(OLD)
    for n in range(CLIENTS):
        t = make_trajectory(name=f"Zuzanna Wiśniewska {n}", phone=f"06-1234567{n}")
        t.add_step(StepKind.INTAKE_CONVERSATION, author=None, on=date(2026, 9, 2), text=f"نص {n}")
        db.session.commit()
    user = make_user("coordinator")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    plain = snapshot()
    use_keys(NEW, OLD)
    return plain


def snapshot() -> dict[tuple[str, str, str], tuple[object, str]]:
    """Every encrypted value as (plaintext, key id), by model, row public id and field."""
    db.session.expire_all()
    values = {}
    for model, fields in rotation.encrypted_models().items():
        for row in db.session.scalars(select(model)):
            for f in fields:
                blob = getattr(row, f.attribute.column_attr)
                if blob is not None:
                    value = f.attribute.__get__(row)
                    values[(model.__name__, str(row.public_id), f.attribute.name)] = (
                        value,
                        key_id_of(bytes(blob)),
                    )
    db.session.rollback()
    return values


def counts_of(output: str) -> dict[str, tuple[int, int, int]]:
    return {
        m[1]: (int(m[2]), int(m[3]), int(m[4]))
        for line in output.splitlines()
        if (m := COUNTS.match(line))
    }


def run(app, *args):
    return app.test_cli_runner().invoke(args=["keys", *args])


def test_rotate_puts_every_value_under_the_newest_key(app, old_data, audit_entries):
    assert {key for _, key in old_data.values()} == {"old"}
    orm_updates = []
    spy = lambda _mapper, _connection, target: orm_updates.append(target)  # noqa: E731
    event.listen(db.Model, "before_update", spy, propagate=True)
    try:
        result = run(app, "rotate")
    finally:
        event.remove(db.Model, "before_update", spy)
    # Core updates only: an ORM flush would bump optimistic-lock versions (Handover has one)
    # and make a coordinator's open form fail with a needless conflict.
    assert orm_updates == []
    assert result.exit_code == 0, result.output
    after = snapshot()
    assert after.keys() == old_data.keys()
    assert all(key == "new" for _, key in after.values())
    assert {k: value for k, (value, _) in after.items()} == {
        k: value for k, (value, _) in old_data.items()
    }
    counts = counts_of(result.output)
    assert counts["Client.name"] == (CLIENTS, 0, 0)
    assert counts["Step.text"] == (CLIENTS, 0, 0)
    assert counts["User.totp_secret"] == (1, 0, 0)
    assert sum(rotated for rotated, _, _ in counts.values()) == len(old_data)
    entry = audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.user_id) == ("key_rotation", "success", None)
    assert entry.detail == f"rotated:{len(old_data)}:current:0:unreadable:0"


def test_rotate_again_changes_nothing(app, old_data):
    assert run(app, "rotate").exit_code == 0
    blobs = db.session.execute(select(Client.id, Client._name)).all()
    result = run(app, "rotate")
    assert result.exit_code == 0
    assert counts_of(result.output)["Client.name"] == (0, CLIENTS, 0)
    assert db.session.execute(select(Client.id, Client._name)).all() == blobs


def test_a_run_stopped_after_one_batch_resumes(app, old_data, monkeypatch, audit_entries):
    real_batch = rotation.rotate_batch
    done = []

    def stop_after_first(*args, **kwargs):
        if done:
            raise KeyboardInterrupt  # the operator's Ctrl-C after the first batch with rows
        counts, last = real_batch(*args, **kwargs)
        if last is not None:
            done.append(last)
        return counts, last

    monkeypatch.setattr(rotation, "rotate_batch", stop_after_first)
    stopped = run(app, "rotate")
    assert stopped.exit_code != 0
    halfway = snapshot()
    done_first = {k for k, (_, key) in halfway.items() if key == "new"}
    # The first batch is the first 7 clients (models go by name), all their fields.
    assert {public_id for _, public_id, _ in done_first} == set(
        str(p) for p in db.session.scalars(select(Client.public_id).order_by(Client.id).limit(7))
    )
    first_blobs = dict(db.session.execute(select(Client.id, Client._name)).all())
    assert not any(e.action == "key_rotation" for e in audit_entries())

    monkeypatch.setattr(rotation, "rotate_batch", real_batch)
    resumed = run(app, "rotate")
    assert resumed.exit_code == 0, resumed.output
    counts = counts_of(resumed.output)
    assert counts["Client.name"] == (CLIENTS - 7, 7, 0)
    assert sum(current for _, current, _ in counts.values()) == len(done_first)
    assert sum(r + c for r, c, _ in counts.values()) == len(old_data)
    assert all(key == "new" for _, key in snapshot().values())
    # What the first run did was not written again.
    now = dict(db.session.execute(select(Client.id, Client._name)).all())
    assert [now[i] for i in sorted(now)[:7]] == [first_blobs[i] for i in sorted(first_blobs)[:7]]


def corrupt_one_name() -> Client:
    client = db.session.scalars(select(Client).order_by(Client.id)).first()
    blob = bytearray(client._name)
    blob[-1] ^= 0x01
    db.session.execute(update(Client).where(Client.id == client.id).values(_name=bytes(blob)))
    db.session.commit()
    return client


def test_rotate_leaves_an_unreadable_value_and_exits_1(app, old_data, audit_entries):
    client = corrupt_one_name()
    broken = bytes(client._name)
    result = run(app, "rotate")
    assert result.exit_code == 1
    assert counts_of(result.output)["Client.name"] == (CLIENTS - 1, 0, 1)
    db.session.expire_all()
    assert bytes(db.session.get(Client, client.id)._name) == broken
    assert "Zuzanna" not in result.output
    entry = audit_entries()[-1]
    assert entry.outcome == "failed"
    assert entry.detail.endswith(":unreadable:1")


def test_verify_counts_per_key_and_passes(app, old_data):
    result = run(app, "verify")
    assert result.exit_code == 0, result.output
    assert f"key old: {len(old_data)} values" in result.output
    assert "failures: 0" in result.output
    run(app, "rotate")
    assert f"key new: {len(old_data)} values" in run(app, "verify").output


def test_verify_names_a_tampered_value_but_never_shows_it(app, old_data):
    client = corrupt_one_name()
    result = run(app, "verify")
    assert result.exit_code == 1
    assert f"Client.name row {client.public_id}: authentication failed" in result.output
    assert "failures: 1" in result.output
    assert "Zuzanna" not in result.output


def test_verify_names_values_under_a_key_no_longer_configured(app, old_data, use_keys):
    use_keys(NEW)
    result = run(app, "verify")
    assert result.exit_code == 1
    assert "unknown key id" in result.output
    assert result.output.count("Client.name row ") == CLIENTS


def test_generate_prints_a_usable_key_and_writes_nothing(app, old_data):
    before = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    first, second = run(app, "generate"), run(app, "generate")
    assert first.exit_code == 0
    line = first.stdout.strip()
    [(_key_id, key)] = parse_data_keys("CARECOORD_DATA_KEYS", line)
    assert len(key) == 32
    assert line != second.stdout.strip()
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == before
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Step)) == 2 * CLIENTS
