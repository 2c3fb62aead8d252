"""The app starts, signs a user in and sends each role to its home page."""

import pytest

from carecoord.codes import Role


def test_sign_in_page_is_dutch_by_default(dutch, client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.COORDINATOR, "/trajectories/"),
        (Role.CHAIN_DIRECTOR, "/dashboard/"),
        (Role.ADMIN, "/admin/"),
    ],
)
def test_each_role_lands_on_its_home(client, login_as, role, home):
    login_as(role)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location == home
    assert client.get(home).status_code == 200
