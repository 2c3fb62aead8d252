"""The monitor as PDF: headers, content without any client's identity, audit, no WeasyPrint."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from carecoord import pdf
from carecoord.audit.models import Action, Outcome
from carecoord.codes import Role
from tests.reporting.monitor_helpers import CANARY, CANARY_TEXT, seed_two_years

weasyprint = pytest.importorskip("weasyprint", reason="WeasyPrint is not installed")


def _pdf_text(content: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text cannot be read")
    source = tmp_path / "monitor.pdf"
    source.write_bytes(content)
    # A fixed program and our own temporary file: no untrusted input reaches the command.
    result = subprocess.run(  # noqa: S603
        [pdftotext, "-layout", str(source), "-"], capture_output=True, check=True, timeout=60
    )
    return " ".join(result.stdout.decode("utf-8").split())


def test_pdf_download(client, login_as, make_trajectory, audit_entries, tmp_path):
    year = seed_two_years(make_trajectory, shown=6, small=3)
    user = login_as(Role.CHAIN_DIRECTOR)
    response = client.get(f"/monitor/{year}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="mensenhandelmonitor-GV-{year}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    content = response.data
    assert content.startswith(b"%PDF")
    for secret in (CANARY, CANARY_TEXT):
        assert secret.encode() not in content
    text = _pdf_text(content, tmp_path)
    assert f"Regional trafficking monitor Gooi en Vechtstreek {year}" in text
    assert "dark number" in text
    assert "new notifications" in text
    assert CANARY not in text and CANARY_TEXT not in text
    assert user.name not in text
    entries = [e for e in audit_entries() if e.object_type == "monitor"]
    assert [(e.user_id, e.action, e.object_id, e.outcome) for e in entries] == [
        (user.id, Action.PRINT.value, f"GV-{year}", Outcome.SUCCESS.value)
    ]


def test_without_weasyprint_the_pdf_is_unavailable(
    client, login_as, make_trajectory, audit_entries, monkeypatch
):
    year = seed_two_years(make_trajectory)
    login_as(Role.CHAIN_DIRECTOR)
    monkeypatch.setattr(pdf, "weasyprint", None)
    response = client.get(f"/monitor/{year}.pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "WeasyPrint is not installed" in page and "Traceback" not in page
    assert response.headers["Content-Type"].startswith("text/html")
    # The print page stays, without a link to a PDF that cannot be made.
    page = client.get(f"/monitor/{year}").get_data(as_text=True)
    assert f"/monitor/{year}.pdf" not in page
    assert not [e for e in audit_entries() if e.action == Action.PRINT.value]


def test_the_pdf_fetches_only_static_files(app, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "monitor.css").write_text("h1 { color: #123456; }")
    secret = tmp_path / "secret.css"
    secret.write_text("h1 { color: red; }")
    fetcher = pdf.StaticOnlyFetcher(static)
    assert fetcher.fetch((static / "monitor.css").as_uri()).read() == b"h1 { color: #123456; }"
    for url in (
        secret.as_uri(),
        (static / ".." / "secret.css").as_uri(),
        "http://example.org/monitor.css",
        "https://example.org/x.png",
        "data:text/css,h1{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    html = '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><h1>Monitor</h1>'
    assert pdf.render_pdf(html, static).startswith(b"%PDF")
