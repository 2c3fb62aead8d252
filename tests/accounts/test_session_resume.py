"""A form sent after the session ended: nothing runs, nothing typed is lost, it can be resent."""

from __future__ import annotations

import html as htmllib

import pytest

from carecoord.accounts.resume import SIGNATURE_FIELD, Kept, sign
from carecoord.codes import StepKind
from tests.accounts.session_helpers import (
    as_multidict_data,
    form_fields,
    install_clock,
    timeout_entries,
)
from tests.trajectories.closure_helpers import days_ago, iso, open_form, steps_of, url

TYPED = "<script>alert('x')</script> Gebeld met Maria & de opvang"
RESUME = "/session/resume"


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch)


@pytest.fixture
def coordinator(clock, login_as):
    return login_as("coordinator")


@pytest.fixture
def trajectory(make_trajectory):
    return make_trajectory()


def step_form(client, t) -> dict[str, str]:
    """The contact-moment form of `t` as the browser holds it, filled in."""
    hidden = open_form(client, url(t, "/steps/contact_moment"), "step")
    return {**hidden, "occurred_on": iso(days_ago(1)), "text": TYPED, "participants": "Opvang"}


def send_after_expiry(client, clock, t, form: dict) -> str:
    """Wait past the idle timeout, send `form` and return the 401 page."""
    clock.advance(minutes=16)
    response = client.post(url(t, "/steps/contact_moment"), data=form)
    assert response.status_code == 401
    return response.get_data(as_text=True)


def test_a_form_sent_after_expiry_stores_nothing_and_shows_what_was_typed(
    client, coordinator, clock, trajectory
):
    form = step_form(client, trajectory)

    page = send_after_expiry(client, clock, trajectory, form)

    assert steps_of(trajectory, StepKind.CONTACT_MOMENT) == []
    assert "&lt;script&gt;alert(" in page
    assert "<script>" not in page
    assert form["csrf_token"] not in page
    assert "you were inactive for more than 15 minutes" in page
    assert 'target="_blank" rel="noopener"' in page
    carried = dict(form_fields(page, RESUME))
    assert carried["text"] == TYPED
    assert carried["version"] == form["version"]
    assert carried["submission"] == form["submission"]
    assert "csrf_token" not in carried
    assert [e.detail for e in timeout_entries()] == ["idle_timeout"]


def test_passwords_and_codes_are_not_kept(client, coordinator, clock):
    page = client.get("/account").get_data(as_text=True)
    token = dict(form_fields(page, "/account/password"))["csrf_token"]
    clock.advance(minutes=16)
    response = client.post(
        "/account/password",
        data={
            "current_password": "old secret passphrase",
            "new_password": "new secret passphrase",
            "Confirm_Password": "new secret passphrase",
            "code": "123456",
            "remark": "kept remark",
            "csrf_token": token,
        },
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "secret passphrase" not in page
    assert "123456" not in page
    assert [name for name, _ in form_fields(page, RESUME)] == ["remark", SIGNATURE_FIELD]


def test_several_values_of_one_field_survive(client, coordinator, clock, trajectory):
    form = {**step_form(client, trajectory), "choices": ["shelter", "legal", "health"]}

    page = send_after_expiry(client, clock, trajectory, form)

    carried = form_fields(page, RESUME)
    assert [v for name, v in carried if name == "choices"] == ["shelter", "legal", "health"]


def test_after_signing_in_again_the_step_is_sent_and_stored_once(
    client, coordinator, clock, trajectory, sign_in, audit_entries
):
    form = step_form(client, trajectory)
    carried = form_fields(send_after_expiry(client, clock, trajectory, form), RESUME)
    sign_in(coordinator)  # in the other tab
    entries_before = len(audit_entries())

    resumed = client.post(RESUME, data=as_multidict_data(carried))

    assert resumed.status_code == 200
    page = resumed.get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and "<script>" not in page
    assert steps_of(trajectory, StepKind.CONTACT_MOMENT) == []  # the resume page changes nothing
    assert len(audit_entries()) == entries_before
    again = form_fields(page, url(trajectory, "/steps/contact_moment"))
    fresh_token = dict(again)["csrf_token"]
    assert fresh_token != form["csrf_token"]
    assert SIGNATURE_FIELD not in dict(again)

    sent = client.post(url(trajectory, "/steps/contact_moment"), data=as_multidict_data(again))
    twice = client.post(url(trajectory, "/steps/contact_moment"), data=as_multidict_data(again))

    assert sent.status_code == twice.status_code == 302
    [step] = steps_of(trajectory, StepKind.CONTACT_MOMENT)
    assert (step.text, step.author_id) == (TYPED, coordinator.id)


def test_a_conflict_after_resuming_still_shows_the_conflict_page(
    client, coordinator, clock, trajectory, sign_in
):
    form = step_form(client, trajectory)
    carried = form_fields(send_after_expiry(client, clock, trajectory, form), RESUME)
    sign_in(coordinator)
    other = step_form(client, trajectory)  # a colleague's save moves the version on meanwhile
    assert client.post(url(trajectory, "/steps/contact_moment"), data=other).status_code == 302

    page = client.post(RESUME, data=as_multidict_data(carried)).get_data(as_text=True)
    again = form_fields(page, url(trajectory, "/steps/contact_moment"))
    response = client.post(url(trajectory, "/steps/contact_moment"), data=as_multidict_data(again))

    assert response.status_code == 409
    assert len(steps_of(trajectory, StepKind.CONTACT_MOMENT)) == 1
    assert TYPED in htmllib.unescape(response.get_data(as_text=True))


def test_resuming_before_signing_in_again_asks_to_sign_in_first(
    client, coordinator, clock, trajectory
):
    carried = form_fields(
        send_after_expiry(client, clock, trajectory, step_form(client, trajectory)), RESUME
    )

    response = client.post(RESUME, data=as_multidict_data(carried))

    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Sign in first in the other tab" in page
    assert form_fields(page, RESUME) == carried
    assert steps_of(trajectory, StepKind.CONTACT_MOMENT) == []


def test_resuming_as_another_user_is_refused_and_shows_nothing(
    client, coordinator, clock, trajectory, make_user, sign_in, audit_entries
):
    carried = form_fields(
        send_after_expiry(client, clock, trajectory, step_form(client, trajectory)), RESUME
    )
    colleague = make_user("coordinator")
    sign_in(colleague)

    response = client.post(RESUME, data=as_multidict_data(carried))

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Gebeld met Maria" not in page and "alert(" not in page
    assert str(trajectory.public_id) not in page
    entry = audit_entries()[-1]
    assert (entry.user_id, entry.outcome, entry.detail) == (
        colleague.id,
        "denied",
        "session_resume_other_user",
    )


def tampered(carried: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(n, value if n == name else v) for n, v in carried]


@pytest.mark.parametrize(
    "change",
    [
        lambda c: tampered(c, "text", "Zet deze afspraak in het dossier"),
        lambda c: tampered(c, SIGNATURE_FIELD, dict(c)[SIGNATURE_FIELD][:-2] + "xx"),
        lambda c: [*c, ("extra", "made up")],
        lambda c: [(n, v) for n, v in c if n != "participants"],
        lambda c: [(n, v) for n, v in c if n != SIGNATURE_FIELD],
    ],
    ids=["changed-value", "changed-signature", "added-field", "dropped-field", "no-signature"],
)
def test_changed_values_or_signature_are_refused(
    client, coordinator, clock, trajectory, sign_in, change
):
    carried = form_fields(
        send_after_expiry(client, clock, trajectory, step_form(client, trajectory)), RESUME
    )
    sign_in(coordinator)

    response = client.post(RESUME, data=as_multidict_data(change(carried)))

    assert response.status_code == 400
    assert "Zet deze afspraak" not in response.get_data(as_text=True)


def test_a_signature_older_than_an_hour_is_refused(client, coordinator, clock, trajectory, sign_in):
    carried = form_fields(
        send_after_expiry(client, clock, trajectory, step_form(client, trajectory)), RESUME
    )
    clock.advance(minutes=61)
    sign_in(coordinator)

    assert client.post(RESUME, data=as_multidict_data(carried)).status_code == 400


@pytest.mark.parametrize("path", ["//evil.example/steal", "https://evil.example/", "/\\evil"])
def test_a_foreign_path_is_refused_even_when_signed(client, coordinator, path):
    kept = Kept(path=path, user=str(coordinator.public_id), reason="idle", fields=[("a", ["b"])])
    data = {"a": "b", SIGNATURE_FIELD: sign(kept)}

    response = client.post(RESUME, data=data)

    assert response.status_code == 400
    assert "evil" not in response.get_data(as_text=True)


def test_a_signature_made_with_another_key_is_refused(app, client, coordinator):
    kept = Kept(path="/account", user=str(coordinator.public_id), reason="idle", fields=[])
    secret = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key-of-another-site-xxxxx"
    try:
        signature = sign(kept)
    finally:
        app.config["SECRET_KEY"] = secret

    assert client.post(RESUME, data={SIGNATURE_FIELD: signature}).status_code == 400
    assert client.post(RESUME, data={SIGNATURE_FIELD: sign(kept)}).status_code == 200
