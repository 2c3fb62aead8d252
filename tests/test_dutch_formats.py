"""Dates and numbers the Dutch way in Dutch ("3 maart 2026", "1.234"), else the English way."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string, session

FORMATS = "{{ day|nldate }} | {{ count|number }} | {{ mark|number }}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "3 maart 2026 | 12.345 | x"), ("en", "March 3, 2026 | 12,345 | x")],
)
def test_dates_and_counts_follow_the_language(app, language, expected):
    with app.test_request_context("/"):
        session["language"] = language
        rendered = render_template_string(FORMATS, day=date(2026, 3, 3), count=12345, mark="x")
    assert rendered == expected


def test_the_dashboard_cell_text_is_formatted_as_a_number(app):
    with app.test_request_context("/"):
        session["language"] = "nl"
        assert render_template_string("{{ '2040'|number }}") == "2.040"
        assert render_template_string("{{ none|number }}", none=None) == ""
