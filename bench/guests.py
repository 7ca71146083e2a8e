"""Guest visitors prepared for the load: what their browsers hold (cookies, the CSRF token)
and the answer form of each open test's current question, read from the pages' HTML over
HTTP as a browser would, so the benchmark depends on the site's URLs and markup only.

An answer form is valid once: it carries the signed position of the question, and the
site refuses a replay (409). So every answer POST the load sends comes from its own open
test, prepared here with a GET of that test's question page.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from visitor import PageError, Visitor

LESSON_LINK = re.compile(r'href="/patterns/([\w-]+)/"')
MAX_QUESTIONS = 50  # bounds one test's question loop whatever the pages say


class Guest(Visitor):
    """One visitor of the load, with the tests it has open (/tests/<id>/, one per lesson)."""

    def __init__(self, port: int):
        super().__init__(port)
        self.tests: list[str] = []

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def visit(self, path: str) -> str:
        status, _, page = self.send("GET", path)
        if status != 200 or not self.csrf:
            raise PageError(f"GET {path} -> {status} without a CSRF token")
        return page

    def open_test(self, slug: str) -> str:
        test = self.start_test(slug)
        self.tests.append(test)
        return test

    def take_test(self, slug: str) -> None:
        """Start a test and answer it to the end: the guest then has a history."""
        test = self.open_test(slug)
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
        guest.open_test(slug)
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
