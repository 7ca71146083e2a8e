"""Load-test Patternwise under gunicorn and compare it with a bare Django view, same run.

`make bench` runs this as `.venv/bin/python bench/run.py`. In one run it:

1. prepares an isolated site in a temporary directory: a fresh SQLite database, migrated
   and loaded with `import_content`, and static files collected for the production storage
   (DATABASE_URL and REDIS_URL, if set, are used instead, e.g. PostgreSQL and Redis: that
   database is migrated and imported into, and keeps the learners and attempts of the run);
2. starts gunicorn with 2 sync workers (DEBUG off) on a free port of 127.0.0.1 and waits
   for /healthz/;
3. loads the bare view /ping/, the catalogue / and the lesson page with wrk (or, without
   wrk, a threaded Python client), one after the other for --duration seconds each;
4. POST-only answers (bench/answers.py): untimed, --answer-sessions guest sessions each
   start a test of every lesson and every answer is planned (token signed with the site's
   SECRET_KEY, ~70% right); then --connections threads POST only those answers, each
   expecting 303, for at most --answer-duration seconds. The answer POST budget applies
   to this figure;
5. the attempt flow (GET question + POST answer): --users virtual learners, each with its
   own session, take the lesson's test through the no-JavaScript flow for
   --attempt-duration seconds, timing every request: an end-to-end figure;
6. prints requests/s and p50/p90/p99 latency for each, the ratios to the bare view next to
   the budgets in QUALITY.md (lesson page >= 0.5, answer POST >= 0.25), and any failed
   request or server error, with the CPU used by gunicorn, the load generator and other
   processes (on a shared 2-core machine a busy neighbour skews everything).

Only ratios measured in the same run mean anything: absolute figures vary from machine to
machine and run to run. The exit status is 1 if a request failed or the server logged an
error; a ratio below its budget is reported, not enforced.
"""

import argparse
import signal
import sys
from pathlib import Path
from typing import NamedTuple

import answers
import attempts
import cpu
import httpclient
import loadgen
import report
import stack

ROOT = Path(__file__).resolve().parent.parent
LESSON = "production-readiness"


class Target(NamedTuple):
    label: str
    path: str
    ratio: bool  # show its ratio to the bare view
    budget: str | None  # a key of report.BUDGETS


TARGETS = (  # the bare view first: it is the yardstick
    Target("GET /ping/ (bare view)", "/ping/", ratio=False, budget=None),
    Target("GET / (catalogue)", "/", ratio=True, budget=None),
    Target(f"GET /patterns/{LESSON}/", f"/patterns/{LESSON}/", ratio=True, budget="lesson"),
)
PREFLIGHT_REQUESTS = 4  # per target: warms both workers and checks the page answers 200
ANSWERS_LABEL = "POST /tests/<id>/answer/ (POST only)"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (10)")
    parser.add_argument(
        "--attempt-duration", type=int, default=20, help="seconds of test attempts (20)"
    )
    parser.add_argument("--users", type=int, default=8, help="virtual learners (8)")
    parser.add_argument(
        "--answer-duration", type=int, default=15, help="seconds of POST-only answers (15)"
    )
    parser.add_argument(
        "--answer-sessions",
        type=int,
        default=200,
        help="guest sessions prepared for POST-only answers, one attempt per lesson (200)",
    )
    parser.add_argument("--connections", type=int, default=8, help="connections per URL (8)")
    parser.add_argument("--python-client", action="store_true", help="don't use wrk")
    args = parser.parse_args(argv)
    names = ("duration", "attempt_duration", "users", "connections", "answer_duration")
    for name in (*names, "answer_sessions"):
        if not 1 <= getattr(args, name) <= 600:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 600")
    return args


def preflight(port: int, path: str) -> None:
    """A few plain GETs: the page must answer 200 before it is worth loading."""
    client = httpclient.Client(port)
    try:
        for _ in range(PREFLIGHT_REQUESTS):
            reply = client.get(path)
            if reply.status != 200:
                print(f"!!! WARNING: GET {path} answered {reply.status} before the load began.")
                return
    except httpclient.TransportError as error:
        print(f"!!! WARNING: {error}")
    finally:
        client.close()


def measure_targets(
    site: stack.Site, args: argparse.Namespace, wrk: str | None
) -> list[report.Row]:
    """Load each URL in turn; one report row per URL, the bare view first."""
    rows = []
    for target in TARGETS:
        preflight(site.port, target.path)
        print(f"  {target.label}: {args.duration} s ...", flush=True)
        before = cpu.snapshot(site.pid)
        figures = loadgen.measure(
            target.label, site.port, target.path, args.connections, args.duration, wrk
        )
        used = cpu.usage(before, cpu.snapshot(site.pid), figures.client_cpu or 0.0)
        rows.append(report.Row(target.label, figures, target.ratio, target.budget, used))
    return rows


def post_answers(site: stack.Site, args: argparse.Namespace) -> answers.AnswerResult:
    print(
        f"  POST-only answers: preparing {args.answer_sessions} sessions, then "
        f"{args.connections} connections for at most {args.answer_duration} s ...",
        flush=True,
    )
    return answers.run(
        site, ANSWERS_LABEL, args.answer_sessions, args.connections, args.answer_duration
    )


def take_tests(site: stack.Site, args: argparse.Namespace) -> attempts.FlowResult:
    print(f"  attempt flow: {args.users} users, {args.attempt_duration} s ...", flush=True)
    before = cpu.snapshot(site.pid)
    flow = attempts.run_attempts(site.port, LESSON, args.users, args.attempt_duration)
    flow.cpu = cpu.usage(before, cpu.snapshot(site.pid), flow.client_cpu)
    return flow


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # `kill` or a CI timeout must still reach the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    wrk = None if args.python_client else loadgen.find_wrk()
    why = "--python-client" if args.python_client else "wrk not found"
    client = f"wrk ({wrk})" if wrk else f"a threaded Python client ({why})"
    setup = (
        f"load: {client}, {args.connections} connections x {args.duration} s per URL; "
        f"POST-only answers: {args.connections} connections x <= {args.answer_duration} s; "
        f"attempt flow: {args.users} users x {args.attempt_duration} s"
    )
    print(f"Preparing an isolated site and starting gunicorn; {setup}", flush=True)
    try:
        with stack.running_site(ROOT, workers=2) as site:
            idle = cpu.background(site.pid)
            rows = measure_targets(site, args, wrk)
            answered = post_answers(site, args)
            flow = take_tests(site, args)
    except stack.SetupError as error:
        print(f"!!! Benchmark setup failed: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted: gunicorn stopped, temporary files removed.", file=sys.stderr)
        return 130
    failed = report.print_report(site, setup, rows, flow, answered, idle)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
