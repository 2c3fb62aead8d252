"""A purged client's pages: a notice instead of data, no "could not be decrypted", no error."""

from __future__ import annotations

from datetime import UTC, date, datetime

from carecoord.retention import purge
from tests.conftest import post
from tests.retention.conftest import TODAY, YEARS

NOTICE = "Removed (retention period) on"


def purge_now() -> None:
    purge.run(today=TODAY, years=YEARS, now=datetime(2026, 11, 29, 3, tzinfo=UTC), dry_run=False)


def test_the_file_of_a_purged_client_shows_the_notice_and_no_data(client, login_as, make_file):
    f = make_file(
        "QXPAGE", (date(2012, 1, 10), date(2013, 2, 1)), (date(2015, 3, 1), date(2016, 5, 2))
    )
    kept = make_file("QXKEPT", (date(2024, 1, 10), date(2025, 2, 1)))
    login_as("coordinator")
    purge_now()

    for t in f.trajectories:
        response = client.get(f"/trajectories/{t.public_id}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert NOTICE in page and "November 29, 2026" in page
        assert "The coded facts remain for statistics." in page
        assert "could not be decrypted" not in page
        assert f.tag not in page and f.born.strftime("%Y") not in page
        # The coded facts are still shown.
        assert t.case_number in page and "declines help" in page

    page = client.get(f"/trajectories/{kept.trajectories[0].public_id}").get_data(as_text=True)
    assert NOTICE not in page and "Naam QXKEPT" in page


def test_caseload_and_search_still_work_for_a_purged_client(client, login_as, make_file):
    f = make_file("QXLIST", (date(2012, 1, 10), date(2013, 2, 1)))
    login_as("coordinator")
    purge_now()
    number = f.trajectories[0].case_number

    listing = client.get("/trajectories/?closed=y")
    assert listing.status_code == 200
    assert number in listing.get_data(as_text=True)

    by_number = post(client, "/trajectories/search", {"case_number": number})
    assert by_number.status_code == 200
    assert number in by_number.get_data(as_text=True)
    by_name = post(client, "/trajectories/search", {"name": "Naam QXLIST"})
    assert by_name.status_code == 200
    assert number not in by_name.get_data(as_text=True)


def test_the_subject_access_document_of_a_purged_client_holds_no_identity(
    client, login_as, make_file
):
    f = make_file("QXSAR", (date(2012, 1, 10), date(2013, 2, 1)))
    login_as("coordinator")
    purge_now()
    response = client.get(f"/trajectories/{f.trajectories[0].public_id}/subject-access")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f.trajectories[0].case_number in page
    assert f.tag not in page and "unreadable" not in page
