"""The shared PDF renderer: our own static files only, nothing from the network."""

from __future__ import annotations

import pytest

from carecoord import pdf

pytest.importorskip("weasyprint", reason="WeasyPrint is not installed")


def test_the_fetcher_serves_static_files_and_refuses_everything_else(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "print.css").write_text("h1 { color: #123456; }")
    (tmp_path / "secret.css").write_text("h1 { color: red; }")
    fetcher = pdf.StaticOnlyFetcher(static)

    assert fetcher.fetch((static / "print.css").as_uri()).read() == b"h1 { color: #123456; }"
    for refused in (
        (tmp_path / "secret.css").as_uri(),
        (static / ".." / "secret.css").as_uri(),
        (static / "print.py").as_uri(),
        "http://example.org/x.png",
        "https://example.org/print.css",
        "file://example.org/etc/passwd.css",
        "data:text/css,h1{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def test_an_external_image_is_never_fetched(app, monkeypatch):
    asked: list[str] = []
    original = pdf.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer opened a network connection")

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", spy)
    monkeypatch.setattr("socket.create_connection", no_network)
    monkeypatch.setattr("urllib.request.urlopen", no_network)
    html = '<h1>Document</h1><img src="http://example.org/x.png" alt="">'

    content = pdf.render_pdf(html)

    assert content.startswith(b"%PDF")
    assert asked == ["http://example.org/x.png"]  # asked of our fetcher, which refused it


def test_relative_links_reach_the_apps_own_static_folder(app, monkeypatch):
    served: list[str] = []
    original = pdf.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        response = original(self, url, headers)
        served.append(url)
        return response

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", spy)

    content = pdf.render_pdf('<link rel="stylesheet" href="print.css"><p>Vertrouwelijk</p>')

    assert content.startswith(b"%PDF")
    assert len(served) == 1 and served[0].endswith("/carecoord/static/print.css")


def test_without_weasyprint_no_pdf(app, monkeypatch):
    monkeypatch.setattr(pdf, "weasyprint", None)
    assert not pdf.pdf_available()
    with pytest.raises(pdf.PdfUnavailable):
        pdf.render_pdf("<p>x</p>")
