"""The pure identity rules: the BSN eleven test and the refused control characters."""

from __future__ import annotations

import pytest

from carecoord.clients.rules import bsn_is_valid, has_forbidden_characters


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "759842905"])
def test_valid_bsns_pass_the_eleven_test(bsn):
    assert bsn_is_valid(bsn)


@pytest.mark.parametrize(
    "bsn",
    [
        "123456789",
        "111222334",
        "000000000",
        "12345678",
        "1234567820",
        "",
        "11122233a",
        "１１１２２２３３３",
    ],
)
def test_invalid_bsns_fail(bsn):
    assert not bsn_is_valid(bsn)


@pytest.mark.parametrize(
    "text", ["a\x00b", "\u202a", "\u202b", "\u202c", "\u202d", "x\u202e", "\u2066", "\u2069"]
)
def test_nul_and_bidi_controls_are_forbidden(text):
    assert has_forbidden_characters(text)


@pytest.mark.parametrize(
    "text",
    ["فاطمة", "Nguyễn", "Мария", "🌸", "Zoe\u0308", "\u200f", "\u200e", "\u061c", "a\tb\r\nc"],
)
def test_scripts_marks_and_directional_marks_are_allowed(text):
    assert not has_forbidden_characters(text)
