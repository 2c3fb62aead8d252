"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app

try:
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse
except (ImportError, OSError):  # not installed, or its Pango libraries are missing
    weasyprint = None
    URLFetcher = object  # type: ignore[assignment,misc]
    URLFetcherResponse = None  # type: ignore[assignment,misc]

CONTENT_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the system libraries it needs) is not installed."""


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc,valid-type]
    """Serves files under one folder; every other URL (http, data, file elsewhere) fails.

    A document about a client must never make the server reach out: an external URL in it
    would leak that the document was made (and when) and could probe the internal network.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self._folder = folder.resolve()

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError("only the app's static files are fetched")
        path = Path(url2pathname(parts.path)).resolve()
        suffix = path.suffix.lower()
        if not path.is_relative_to(self._folder) or suffix not in CONTENT_TYPES:
            raise ValueError("only the app's static files are fetched")
        if not path.is_file():
            raise FileNotFoundError("no such static file")
        return URLFetcherResponse(
            url, path.read_bytes(), headers={"Content-Type": CONTENT_TYPES[suffix]}
        )


def pdf_available() -> bool:
    return weasyprint is not None


def render_pdf(html: str, static_folder: str | Path | None = None) -> bytes:
    """The PDF of `html`; relative links resolve against, and only reach, the static folder
    (the app's own unless `static_folder` names another). Raises PdfUnavailable."""
    if weasyprint is None:
        raise PdfUnavailable
    folder = Path(static_folder or current_app.static_folder or "").resolve()
    document = weasyprint.HTML(
        string=html,
        base_url=folder.as_uri() + "/",
        url_fetcher=StaticOnlyFetcher(folder),
    )
    return document.write_pdf()
