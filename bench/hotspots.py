"""Profile one page as a learner with history gets it: where its CPU goes, by function.

`make hotspots PAGE=lesson` (or dashboard, question, answer, answer-htmx, visitor, ping)
prepares the same isolated site as `make bench` (bench/stack.py) and a guest with a
finished test, then calls the site's WSGI application in this process N times with that
guest's cookie under cProfile, and prints the functions with the most cumulative and own
time. Requests go through every middleware, the session store and the shared cache as
under gunicorn; only the HTTP server is left out, so the figures are the application's.
"""

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
from pathlib import Path

import guests
import stack

ROOT = Path(__file__).resolve().parent.parent
LESSON = "production-readiness"
PAGES = ("ping", "visitor", "lesson", "dashboard", "question", "answer", "answer-htmx")


def wsgi_environ(method: str, path: str, cookie: str, body: str = "", htmx: bool = False):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": stack.HOST, "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": stack.HOST, "REMOTE_ADDR": stack.HOST, "HTTP_COOKIE": cookie,
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body.encode()),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.version": (1, 0),
    }  # fmt: skip
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["HTTP_ORIGIN"] = f"http://{stack.HOST}"
    if htmx:
        environ["HTTP_HX_REQUEST"] = "true"
    return environ


def requests_for(page: str, site: stack.Site, count: int) -> list[dict]:
    """`count` WSGI environs for the page: the same GET repeated, or one answer per test."""
    slugs = guests.lesson_slugs(site.port)
    lesson = LESSON if LESSON in slugs else slugs[0]
    if page in ("ping", "visitor"):
        path = "/ping/" if page == "ping" else f"/patterns/{lesson}/"
        guests.Guest(site.port).send("GET", path)  # fills the anonymous page cache
        return [wsgi_environ("GET", path, "") for _ in range(count)]
    veteran = guests.new_guest(site.port, slugs, lesson)
    if page in ("lesson", "dashboard", "question"):
        path = {"lesson": f"/patterns/{lesson}/", "dashboard": "/me/",
                "question": veteran.tests[0]}[page]  # fmt: skip
        return [wsgi_environ("GET", path, veteran.cookie) for _ in range(count)]
    learners = guests.in_parallel(lambda _: guests.new_guest(site.port, slugs), [None] * count)
    answers = guests.answer_requests(learners)[:count]
    return [wsgi_environ(method, path, cookie, body, htmx=page == "answer-htmx")
            for method, path, cookie, body in answers]  # fmt: skip


def application_for(env: dict[str, str]):
    """The site's WSGI application, loaded in this process with the site's environment."""
    os.environ.update(env)
    sys.path[:0] = env["PYTHONPATH"].split(os.pathsep)  # the settings shim, the repository
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    # The request log's line is written (its cost counts) but not printed over the figures.
    logging.getLogger("patternwise.requests").handlers = [logging.NullHandler()]
    logging.getLogger("patternwise.requests").propagate = False
    return application


def profile(site: stack.Site, environs: list[dict], top: int) -> str:
    application = application_for(site.env)
    statuses = set()

    def start_response(status, headers, exc_info=None):
        statuses.add(status.split()[0])

    for environ in environs[:3]:  # warm the process: imports, compiled statements, caches
        b"".join(application(environ, start_response))
    statuses.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    for environ in environs[3:]:
        b"".join(application(environ, start_response))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return f"statuses: {sorted(statuses)}\n{out.getvalue()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", choices=PAGES)
    parser.add_argument("--requests", type=int, default=300, help="requests profiled (300)")
    parser.add_argument("--top", type=int, default=35, help="functions listed (35)")
    args = parser.parse_args(argv)
    with stack.running_site(ROOT, workers=1) as site:
        print(profile(site, requests_for(args.page, site, args.requests + 3), args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
