"""The Dutch catalogue is complete, compiled, keeps every placeholder, and the app speaks it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, get_locale, refresh
from markupsafe import escape

from carecoord.web import ERROR_TEXTS, render_error
from tests.conftest import post

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "carecoord" / "translations"
# %(name)s, %(n)d, %s and the literal %%: a translation must carry exactly the msgid's.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
REDO = "run `make extract-messages`, translate in nl/LC_MESSAGES/messages.po, `make translations`"


def catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def forms(message: Message) -> list[tuple[str, str]]:
    """(msgid, msgstr) per plural form; msgstr[0] answers the singular, the rest the plural."""
    if not message.pluralizable:
        return [(message.id, message.string)]
    singular, plural = message.id
    return [(singular if i == 0 else plural, text) for i, text in enumerate(message.string)]


def hashable(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """An id or string; read_mo gives plural ones as lists, read_po as tuples."""
    return value if isinstance(value, str) else tuple(value)


def makefile_keywords() -> list[str]:
    """The `-k` options of `make extract-messages`, so the test extracts as the Makefile does."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    extract = [line for line in lines if "pybabel extract" in line]
    assert len(extract) == 1, "the Makefile should have one `pybabel extract` line"
    return re.findall(r"-k\s+(\S+)", extract[0])


def test_dutch_catalogue_has_no_untranslated_or_fuzzy_entry():
    dutch = catalogue("nl")
    assert dutch.num_plurals == 2
    assert dutch.plural_expr.replace(" ", "") == "(n!=1)"
    assert not dutch.fuzzy
    fuzzy = [message.id for message in entries(dutch) if message.fuzzy]
    untranslated = [
        message.id
        for message in entries(dutch)
        if not all(text.strip() for _msgid, text in forms(message))
        or (message.pluralizable and len(forms(message)) != dutch.num_plurals)
    ]
    assert fuzzy == [], f"fuzzy entries in nl: {fuzzy}"
    assert untranslated == [], f"untranslated entries in nl ({REDO}): {untranslated}"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_translations_keep_every_placeholder(language):
    wrong = [
        (msgid, text)
        for message in entries(catalogue(language))
        for msgid, text in forms(message)
        if text and sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []


def test_every_message_in_the_code_is_in_both_catalogues(tmp_path):
    pot = tmp_path / "messages.pot"
    keywords = [arg for keyword in makefile_keywords() for arg in ("-k", keyword)]
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract"]
    # pybabel skips `_*` folders by default; templates/_macros holds messages too.
    command += ["-F", str(ROOT / "babel.cfg"), "--ignore-dirs", ".* .venv"]
    command += [*keywords, "-o", str(pot), str(ROOT)]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, timeout=120)  # noqa: S603
    with pot.open("rb") as template:
        in_code = {message.id for message in entries(read_po(template))}
    assert len(in_code) > 100, "the extraction found next to nothing: check babel.cfg"
    for language in ("nl", "en"):
        known = {message.id for message in entries(catalogue(language))}
        missing = sorted(map(str, in_code - known))
        assert missing == [], f"not in the {language} catalogue ({REDO}): {missing}"


def test_makefile_extracts_every_gettext_alias_the_code_uses():
    # The default keywords of pybabel, plus the Makefile's: an alias outside them is never
    # extracted, so its strings would silently stay English.
    known = {"_", "gettext", "ngettext", "N_", "pgettext", "npgettext", *makefile_keywords()}
    known = {keyword.split(":")[0] for keyword in known}
    imported = re.compile(r"from flask_babel import ([^\n(]+)")
    used = set()
    for path in (ROOT / "carecoord").rglob("*.py"):
        for names in imported.findall(path.read_text(encoding="utf-8")):
            for name in names.split(","):
                original, _sep, alias = name.strip().partition(" as ")
                if "gettext" in original:
                    used.add(alias or original)
    assert used, "no gettext import found: the pattern is stale"
    assert used <= known, f"add to `make extract-messages`: {sorted(used - known)}"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_compiled_catalogue_matches_the_po(language):
    mo_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), "run `make translations`"
    with mo_path.open("rb") as mo:
        compiled = {hashable(m.id): hashable(m.string) for m in entries(read_mo(mo))}
    written = {
        hashable(message.id): hashable(message.string)
        for message in entries(catalogue(language))
        if all(text for _msgid, text in forms(message))
    }
    stale = sorted(str(msgid) for msgid in written if compiled.get(msgid) != written[msgid])
    assert stale == [], f"messages.mo is older than messages.po: run `make translations` {stale}"


def headline(page: str, pattern: re.Pattern[str] = H1) -> str:
    match = pattern.search(page)
    assert match, page[:300]
    return " ".join(match.group(1).split())


def page_text(response, pattern: re.Pattern[str] = H1) -> str:
    return headline(response.get_data(as_text=True), pattern)


def test_sign_in_page_is_dutch_until_the_language_button_switches_to_english(dutch, client):
    dutch = client.get("/sign-in")
    assert dutch.status_code == 200
    assert 'lang="nl"' in dutch.get_data(as_text=True)
    assert page_text(dutch) == "Inloggen"
    assert 'value="en"' in dutch.get_data(as_text=True)  # the header's button

    switched = post(client, "/language", {"language": "en", "next": "/sign-in"})
    assert switched.status_code == 302
    assert switched.location.endswith("/sign-in")
    english = client.get("/sign-in")
    assert 'lang="en"' in english.get_data(as_text=True)
    assert page_text(english) == "Sign in"
    assert "Inloggen" not in english.get_data(as_text=True)

    post(client, "/language", {"language": "nl", "next": "/sign-in"})
    assert page_text(client.get("/sign-in")) == "Inloggen"


def test_language_switch_without_csrf_token_changes_nothing(dutch, client):
    client.get("/sign-in")
    refused = client.post("/language", data={"language": "en", "next": "/sign-in"})
    assert refused.status_code == 400
    assert page_text(client.get("/sign-in")) == "Inloggen"


def test_unknown_page_has_a_dutch_title(dutch, client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert page_text(response) == "Pagina niet gevonden"
    assert page_text(response, TITLE).startswith("Pagina niet gevonden")
    assert "Foutcode: 404" in response.get_data(as_text=True)


@pytest.mark.parametrize("code", sorted(ERROR_TEXTS))
def test_every_error_page_is_dutch(dutch, app, code):
    dutch = catalogue("nl")
    title, text = ERROR_TEXTS[code]
    with app.test_request_context(f"/error/{code}"):
        refresh()  # the test shares one app context: no locale cached from before
        assert str(get_locale()) == "nl"
        body, status = render_error(code)
        with force_locale("en"):
            english_body, _status = render_error(code)
    assert status == code
    assert headline(body) == dutch.get(title).string != title
    assert str(escape(dutch.get(text).string)) in body
    assert dutch.get(text).string != text
    assert headline(english_body) == title


def test_a_constant_code_label_follows_the_language_of_each_request(dutch, app):
    with app.test_request_context("/"):
        refresh()
        with force_locale("nl"):
            template = app.jinja_env.from_string('{{ "assistance"|label("Phase") }}')
            dutch = template.render()
        with force_locale("en"):
            english = template.render()
    assert (dutch, english) == ("hulpverlening", "assistance")
