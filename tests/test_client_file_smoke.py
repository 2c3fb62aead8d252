"""A coordinator opens a client file of her region; another region's file is a 404."""


def test_own_region_file_shows_the_name(client, login_as, make_trajectory):
    t = make_trajectory(name="Ana Popescu")
    login_as("coordinator")
    response = client.get(f"/trajectories/{t.public_id}")
    assert response.status_code == 200
    assert "Ana Popescu" in response.get_data(as_text=True)


def test_other_region_file_is_404_and_audited(client, login_as, make_trajectory, audit_entries):
    t = make_trajectory(region="Rotterdam-Rijnmond")
    login_as("coordinator", region="Gooi en Vechtstreek")
    assert client.get(f"/trajectories/{t.public_id}").status_code == 404
    assert audit_entries()[-1].outcome == "denied"
