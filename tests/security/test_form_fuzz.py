"""Hostile form data on every state-changing route: never a 500, never a traceback (issue 5, 9).

Each route of the URL map that takes a POST is fuzzed by a user allowed on it, on a real client
file (`world`), with a valid CSRF token so that the data reaches the view. The field names come
from the form the page shows (plus random extra names); the values are text in every script,
NUL and other control characters, bidi overrides, emoji, combining marks, numbers, dates in odd
formats, several values for one name, and now and then a body larger than MAX_CONTENT_LENGTH.
The examples of one route share one database, so later examples meet the state earlier ones left.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token
from tests.security.routes import (
    form_posting_to,
    is_public,
    params,
    routes_with,
    url_of,
    user_role,
    world_fixture,  # noqa: F401 (the `world` fixture)
)

EXAMPLES_PER_ROUTE = 15
TOO_LARGE = "x" * (1024 * 1024 + 1)  # over MAX_CONTENT_LENGTH (1 MiB)
ODD_DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "30-02-2026",
    "2026/01/01",
    "1-1-1",
    "２０２６-０１-０１",  # full-width digits
    "2026-01-01T00:00:00Z",
    "-1",
    "1e308",
    "today",
    "",
]
SPECIAL_TEXT = [
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",  # right-to-left override
    "فاطمة الزهراء",
    "שלום",
    "Zoe\u0308 \u0301\u0301\u0301",
    "👩\u200d👩\u200d👧 🏳️\u200d🌈",
    "<script>alert(1)</script>",
    "'; DROP TABLE clients; --",
    "{{ 7*7 }}",
    "%s%n%x",
    "\r\n\t",
    '=HYPERLINK("http://x")',
    " ",
]
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
DATES = st.one_of(
    st.sampled_from(ODD_DATES),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d-%m-%Y")),
)
TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(SPECIAL_TEXT),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
)


def scalar(choices: list[str]) -> st.SearchStrategy[str]:
    known = [st.sampled_from(choices)] if choices else []
    return st.one_of(*known, TEXT, NUMBERS, DATES)


def value(choices: list[str]) -> st.SearchStrategy[object]:
    """One field's value: a scalar, or several values for one name."""
    one = scalar(choices)
    return st.one_of(one, st.lists(one, min_size=2, max_size=4))


def form_data(fields: dict[str, list[str]]) -> st.SearchStrategy[dict[str, object]]:
    """The page's fields (each may be left out), a few names the page never had, and about one
    time in ten a field far over MAX_CONTENT_LENGTH."""
    known = st.fixed_dictionaries(
        {}, optional={name: value(choices) for name, choices in fields.items()}
    )
    extra = st.dictionaries(st.text(min_size=1, max_size=20), value([]), max_size=3)
    too_large = st.sampled_from([False] * 9 + [True])
    names = sorted(fields) or ["unknown"]

    def combine(known: dict, extra: dict, large: bool, name: str) -> dict[str, object]:
        data = {**extra, **known}
        if large:
            data[name] = TOO_LARGE
        return data

    return st.builds(combine, known, extra, too_large, st.sampled_from(names))


@pytest.fixture(autouse=True)
def _sqlite_only(database_url):
    if database_url.startswith("postgresql"):
        pytest.skip("fuzzing runs on SQLite only, for time; the sweeps run on both databases")


@pytest.mark.parametrize("route", params(routes_with("POST")))
def test_no_form_data_gives_a_server_error(app, client, login_as, world, route):
    if not is_public(route):
        login_as(user_role(app, route), region=world.objects["region"].name)
    path = url_of(app, route, world)
    form = form_posting_to(client, path)
    fields = dict(form.fields) if form else {}
    token_fields = [name for name in fields if name.endswith("csrf_token")] + ["csrf_token"]
    for name in token_fields:
        fields.pop(name, None)
    # One token for the session (a route that signs out makes later examples anonymous: fine).
    token = csrf_token(client)
    seen: list[int] = []

    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(fields))
    def post_hostile(data: dict[str, object]) -> None:
        payload = {**data, **{name: token for name in token_fields}}
        response = client.post(path, data=payload)
        body = response.get_data(as_text=True)
        seen.append(response.status_code)
        assert response.status_code < 500, (path, response.status_code, sorted(data))
        assert "Traceback" not in body and 'File "' not in body

    post_hostile()
    assert seen, "no example was run"
