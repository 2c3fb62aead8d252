"""A browser as the app servers see it behind the TLS proxy: plain HTTP on loopback, with the
headers the proxy adds, its own cookie jar, and forms submitted with their CSRF token."""

from __future__ import annotations

import copy
import html
import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

# The public name of the service: the proxy forwards it as Host to every app server, so a
# cookie and a form from one server are at home on the other.
PUBLIC_HOST = "carecoord.test"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TIMEOUT_S = 60


@dataclass(frozen=True)
class Page:
    status: int
    location: str
    text: str

    @property
    def asks_to_sign_in(self) -> bool:
        return self.status == 302 and self.location.startswith("/sign-in")


class Browser:
    """One person's browser. Requests go to whichever server `base` names, as a load balancer
    would send them; the session cookie is sent along even though it is marked Secure, as the
    proxy that ended TLS does."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookies: dict[str, str] = {}

    def twin(self) -> Browser:
        """A second window with the same cookies (from here on each keeps its own)."""
        return copy.deepcopy(self)

    def get(self, base: str, path: str) -> Page:
        return self._request(base, "GET", path)

    def submit(self, base: str, path: str, fields: dict[str, str], form_page: str = "") -> Page:
        """Open the page with the form (`path` unless `form_page`), then post it back to `path`
        with the page's CSRF token, both through `base`."""
        return self.post(base, path, fields, self.csrf_token(base, form_page or path))

    def csrf_token(self, base: str, form_page: str) -> str:
        page = self.get(base, form_page)
        match = CSRF_FIELD.search(page.text)
        assert match, f"no form on {form_page} ({page.status} {page.location})"
        return html.unescape(match.group(1))

    def post(self, base: str, path: str, fields: dict[str, str], token: str) -> Page:
        body = urlencode({**fields, "csrf_token": token})
        return self._request(base, "POST", path, body)

    def _request(self, base: str, method: str, path: str, body: str | None = None) -> Page:
        server = urlsplit(base)
        headers = {
            "Host": PUBLIC_HOST,
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            # Over HTTPS Flask-WTF also checks that a form comes from our own origin.
            "Referer": f"https://{PUBLIC_HOST}{path}",
            "User-Agent": "carecoord-topology-test",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(server.hostname, server.port, timeout=TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return Page(response.status, response.headers.get("Location", ""), text)
        finally:
            connection.close()

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
