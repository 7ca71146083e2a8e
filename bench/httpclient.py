"""A small HTTP/1.1 client for the benchmark: one connection, an optional cookie jar, timings.

It never follows redirects, so every request is timed on its own. Gunicorn's sync workers
close the connection after each response; `http.client` reconnects on the next request.
"""

import http.client
import math
import time
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"  # the benchmark only ever targets the loopback interface


class TransportError(Exception):
    """The request got no HTTP response: refused, reset, timed out."""


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    ms: float

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One connection to 127.0.0.1:port; with `cookies=True`, its own cookie jar."""

    def __init__(self, port: int, *, cookies: bool = False, timeout: float = 15.0):
        self.port = port
        self.timeout = timeout
        self.keeps_cookies = cookies
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Reply:
        return self.request("POST", path, form)

    def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        body = urlencode(form, doseq=True).encode() if form is not None else None
        headers = {"Accept": "text/html"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = self._connect()
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise TransportError(f"{method} {path}: {type(error).__name__}: {error}") from error
        ms = (time.perf_counter() - started) * 1000
        if self.keeps_cookies:
            self._store_cookies(response.headers)
        return Reply(response.status, response.headers, content, ms)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        return self._connection

    def _store_cookies(self, headers: http.client.HTTPMessage) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value


def percentile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank q-th percentile of already sorted values (NaN when empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]
