"""Guest visitors prepared for the load: what their browsers hold (cookies, the CSRF token)
and the answer form of each open test's current question, read from the pages' HTML over
HTTP as a browser would, so the benchmark depends on the site's URLs and markup only.

An answer form is valid once: it carries the signed position of the question, and the
site refuses a replay (409). So every answer POST the load sends comes from its own open
test, prepared here with a GET of that test's question page.
"""

import html
import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from stack import HOST

LESSON_LINK = re.compile(r'href="/patterns/([\w-]+)/"')
CSRF_HEADER = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')  # <body hx-headers='{...}'>
ATTEMPT_URL = re.compile(r"^(?:https?://[^/]+)?(/tests/\d+/)$")
ANSWER_FORM = re.compile(r'<form[^>]*\baction="(/tests/\d+/answer/)".*?</form>', re.DOTALL)
FIELD = re.compile(r"<(input|textarea)\b([^>]*)>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
MAX_QUESTIONS = 50  # bounds one test's question loop whatever the pages say


class PageError(Exception):
    """The site answered something a visitor could not go on from."""


@dataclass
class Guest:
    """One visitor: a cookie jar, the page's CSRF token and the tests it has open."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    tests: list[str] = field(default_factory=list)  # /tests/<id>/, one per lesson

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """One request; returns status, Location and body, and keeps any cookie set."""
        headers = {"Cookie": self.cookie}
        body = urlencode(form, doseq=True) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body, headers)
            reply = connection.getresponse()
            text = reply.read().decode(errors="replace")
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return reply.status, reply.getheader("Location", ""), text

    def visit(self, path: str) -> str:
        status, _, page = self.send("GET", path)
        if status != 200 or not (token := CSRF_HEADER.search(page)):
            raise PageError(f"GET {path} -> {status} without a CSRF token")
        self.csrf = token[1]
        return page

    def start_test(self, slug: str) -> str:
        path = f"/patterns/{slug}/test/"
        status, location, _ = self.send("POST", path, {"csrfmiddlewaretoken": self.csrf})
        if status != 303 or not (test := ATTEMPT_URL.match(location)):
            raise PageError(f"POST {path} -> {status} {location!r}")
        self.tests.append(test[1])
        return test[1]

    def answer_form(self, test: str) -> tuple[str, dict] | None:
        """Where to POST the current question's answer and its fields (the first option,
        or a typed guess); None once the test is finished."""
        status, location, page = self.send("GET", test)
        if status == 302 and location.endswith("result/"):
            return None
        form = ANSWER_FORM.search(page)
        if status != 200 or not form:
            raise PageError(f"GET {test} -> {status} without an answer form")
        fields: dict[str, str] = {}
        for tag, attributes in FIELD.findall(form[0]):
            attrs = dict(ATTRIBUTE.findall(attributes))
            name = attrs.get("name", "")
            if tag == "textarea":
                fields[name] = "a guess"
            elif name and name not in fields:  # hidden fields, then the first option
                fields[name] = html.unescape(attrs.get("value", ""))
        return form[1], fields

    def take_test(self, slug: str) -> None:
        """Start a test and answer it to the end: the guest then has a history."""
        test = self.start_test(slug)
        for _ in range(MAX_QUESTIONS):
            if (form := self.answer_form(test)) is None:
                return
            status, _, _ = self.send("POST", *form)
            if status != 303:
                raise PageError(f"POST {form[0]} -> {status}")
        raise PageError(f"{test} still open after {MAX_QUESTIONS} answers")


def lesson_slugs(port: int) -> list[str]:
    """The lessons the catalogue links to, in page order."""
    status, _, page = Guest(port).send("GET", "/")
    if status != 200:
        raise PageError(f"GET / -> {status}")
    return list(dict.fromkeys(LESSON_LINK.findall(page)))


def new_guest(port: int, slugs: list[str], finish: str | None = None) -> Guest:
    """A guest with a test open in every lesson; with `finish`, one finished test of
    that lesson first."""
    guest = Guest(port)
    guest.visit(f"/patterns/{slugs[0]}/")
    if finish:
        guest.take_test(finish)
        guest.tests.clear()
    for slug in slugs:
        guest.start_test(slug)
    return guest


def in_parallel(function, items: list, threads: int = 8) -> list:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(function, items))


def answer_requests(guests: list[Guest]) -> list[tuple[str, str, str, str]]:
    """One answer POST per open test, as (method, path, cookie, body) lines for wrk."""

    def forms(guest: Guest) -> list[tuple[str, str, str, str]]:
        found = [guest.answer_form(test) for test in guest.tests]
        return [("POST", path, guest.cookie, urlencode(form)) for path, form in filter(None, found)]

    return [line for lines in in_parallel(forms, guests) for line in lines]
