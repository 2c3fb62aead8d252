"""The pure rules of a provider's name and contact details, without an app."""

from __future__ import annotations

import pytest

from carecoord.providers.rules import (
    has_control_characters,
    is_email_address,
    is_phone_number,
    name_key,
    web_address,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.org",
        "http://example.org/opvang?regio=gooi#contact",
        "HTTPS://EXAMPLE.ORG",
        "https://example.org:8443/",
        "https://xn--bcher-kva.example/",
    ],
)
def test_web_addresses_that_may_be_links(url):
    assert web_address(url) == url


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "JAVASCRIPT:alert(document.cookie)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "mailto:a@example.org",
        "www.example.org",
        "/providers/new",
        "//evil.example/",
        "https://",
        "https:///path-only",
        "https://user:secret@example.org/",
        "https://trusted.example@evil.example/",
        "https://example.org:0/",
        "https://example.org:99999/",
        "https://exa mple.org/",
        "https://example.org/\nSet-Cookie:x",
        "https://[::1/",
    ],
)
def test_everything_else_is_no_link(url):
    assert web_address(url) is None


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("intake@example.org", True),
        ("j.de.vries+opvang@zorg.gemeente.nl", True),
        ("INFO@EXAMPLE.NL", True),
        ("not an address", False),
        ("@example.org", False),
        ("info@", False),
        ("info@example", False),
        ("info@@example.org", False),
        ("a@b@example.org", False),
        (".info@example.org", False),
        ("info..x@example.org", False),
        ("info@-example.org", False),
        ("info@example.org\n", False),
        ("info @example.org", False),
        ('"quoted"@example.org', False),
        ("x" * 65 + "@example.org", False),
        ("<script>@example.org", False),
    ],
)
def test_email_addresses(value, valid):
    assert is_email_address(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("035 123 45 67", True),
        ("+31 (0)35-123 45 67", True),
        ("0800-1234", True),
        ("112", True),
        ("+", False),
        ("call us", False),
        ("035 123 45 67 ext. 2", False),
        ("٠٣٥١٢٣", False),
    ],
)
def test_phone_numbers(value, valid):
    assert is_phone_number(value) is valid


def test_control_characters_refused_but_line_breaks_allowed_where_multiline():
    assert has_control_characters("Opvang\x00Noord")
    assert has_control_characters("Opvang\x1bNoord")
    assert has_control_characters("Straat 1\nHilversum")
    assert not has_control_characters("Straat 1\r\nHilversum", multiline=True)
    assert has_control_characters("Straat 1\x07", multiline=True)
    assert not has_control_characters("Zorg één 🏠 مركز")


def test_name_key_ignores_case_and_spacing_but_not_letters():
    assert name_key("  De   Opvang ") == name_key("de opvang")
    assert name_key("STRASSE") == name_key("straße")
    assert name_key("De Opvang") != name_key("De Opvang Noord")
    assert name_key("Zorg e\u0301e\u0301n") == name_key("Zorg één")
