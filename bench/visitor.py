"""A visitor over real HTTP, as a browser without JavaScript: a cookie jar, the page's CSRF
token, and the answer form of a test's current question read from the HTML. It knows the
site only by its URLs and markup. The benchmark prepares its guests with it, and the
deployment tests drive learners through nginx with it (`from bench.visitor import ...`)."""

import html
import http.client
import re
import ssl
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_HEADER = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')  # <body hx-headers='{...}'>
ATTEMPT_URL = re.compile(r"^(?:https?://[^/]+)?(/tests/\d+/)$")
ANSWER_FORM = re.compile(r'<form[^>]*\baction="(/tests/\d+/answer/)".*?</form>', re.DOTALL)
FIELD = re.compile(r"<(input|textarea)\b([^>]*)>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


class PageError(Exception):
    """The site answered something a visitor could not go on from."""


class Visitor:
    """`source`: the loopback address the visitor's connections come from (127.0.0.0/8), so
    many visitors can look like many clients to a proxy and to per-address limits."""

    def __init__(self, port: int, host_header: str = "127.0.0.1", tls: bool = False,
                 source: str = ""):  # fmt: skip
        self.port, self.host_header, self.tls = port, host_header, tls
        self.source = (source, 0) if source else None
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def send(self, method: str, path: str, form: dict | None = None, timeout: float = 15):
        """One request on a new connection; returns (status, Location, body)."""
        headers = {"Host": self.host_header}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(form, doseq=True) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # As a browser sends it; over HTTPS Django's CSRF check requires it (or a Referer).
            headers["Origin"] = f"{'https' if self.tls else 'http'}://{self.host_header}"
        if self.tls:
            context = ssl._create_unverified_context()  # noqa: S323 - the test's own certificate
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=timeout, context=context,
                source_address=self.source,
            )  # fmt: skip
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=timeout, source_address=self.source
            )
        try:
            connection.request(method, path, body, headers)
            reply = connection.getresponse()
            text = reply.read().decode(errors="replace")
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        if token := CSRF_HEADER.search(text):
            self.csrf = token[1]
        return reply.status, reply.getheader("Location", ""), text

    def start_test(self, slug: str) -> str:
        status, _, _ = self.send("GET", f"/patterns/{slug}/")
        if status != 200:  # without the page's token the POST would only say "CSRF"
            raise PageError(f"GET /patterns/{slug}/ -> {status}")
        path = f"/patterns/{slug}/test/"
        status, location, _ = self.send("POST", path, {"csrfmiddlewaretoken": self.csrf})
        match = ATTEMPT_URL.match(location)
        if status != 303 or not match:
            raise PageError(f"POST {path} -> {status} {location!r}")
        return match[1]

    def answer_form(self, test: str, choose=None) -> tuple[str, dict] | None:
        """The current question's form with the option `choose(values)` picks (default:
        the first; a guess in a text field); None once the test is finished."""
        status, location, page = self.send("GET", test)
        if status == 302 and location.endswith("result/"):
            return None
        form = ANSWER_FORM.search(page)
        if status != 200 or not form:
            raise PageError(f"GET {test} -> {status} without an answer form")
        fields: dict[str, str] = {}
        options: dict[str, list[str]] = {}
        for tag, attributes in FIELD.findall(form[0]):
            attrs = dict(ATTRIBUTE.findall(attributes))
            name = attrs.get("name", "")
            if tag == "textarea" or attrs.get("type") == "text":
                fields[name] = "a guess"
            elif attrs.get("type") in {"radio", "checkbox"}:
                options.setdefault(name, []).append(html.unescape(attrs.get("value", "")))
            elif name:
                fields[name] = html.unescape(attrs.get("value", ""))
        for name, values in options.items():
            fields[name] = choose(values) if choose else values[0]
        return form[1], fields
