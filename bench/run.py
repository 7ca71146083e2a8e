"""Load-test Patternwise with wrk under gunicorn, against a bare Django view in the same run.

`make bench` runs `.venv/bin/python bench/run.py`. It prepares an isolated site (bench/
stack.py: a temporary SQLite database, or BENCH_DATABASE_URL and BENCH_REDIS_URL, migrated
and imported), starts gunicorn (a sync worker per core and one more, DEBUG off) on a free
loopback port, prepares guests over HTTP (bench/guests.py, untimed), then loads with wrk
and bench/replay.lua, one load after the other: the bare view /ping/, the catalogue, the
lesson page for a new visitor, the lesson page and /me/ for guests with history, the
question page, and answer POSTs alone, without htmx (303) and with `HX-Request: true`
(200). It prints requests/s, p50/p90/p99 latency, the ratios to /ping/ next to their
budgets, and the CPU used by gunicorn, wrk and other processes. Only ratios from the same
run mean anything.

The whole sequence runs several times (--rounds): on a shared machine the bare view's own
rate drifts by a third from one minute to the next, so each load with a budget is measured
right after a bare view of its own, its ratio is to that one, and the verdicts go by the
median round.

Exit status: 1 if a request got an unexpected status or no response or the server logged
an error, 2 if the site could not be prepared; a ratio below its budget is only reported.
"""

import argparse
import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cpu
import guests
import report
import stack

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("replay.lua")
LESSON = "production-readiness"  # the lesson page measured; the first lesson if it is gone
THREADS = 2
# A sync worker per core, and one more: a worker waiting on its answer's commit or session
# read leaves its core idle, and the extra worker uses it meanwhile (README, "Workers").
WORKERS = min((os.cpu_count() or 1) + 1, 16)
BARE, NEW_VISITOR, LEARNER = None, 0.5, 0.25  # budgets: throughput as a ratio to /ping/
# (a new visitor's lesson page: to a static file served by WhiteNoise through gunicorn)
STATIC_LABEL = "GET static file (WhiteNoise)"
BARE_LABEL, NEXT_BARE_LABEL = "GET /ping/ (bare view)", "GET /ping/, for the next row"


@dataclass
class Load:
    """One wrk run: what to send, how, and what every response must be."""

    label: str
    lines: list[tuple[str, str, str, str]]  # (method, path, cookie, body)
    budget: float | None
    expect: int = 200
    once: bool = False  # each line sent once: answer forms
    headers: tuple[str, ...] = ()
    versus: str | None = None  # the label of the load the budget compares to (the bare view)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per page (5)")
    parser.add_argument("--bare-duration", type=int, default=3,
                        help="seconds of the bare view before each budgeted load (3)")  # fmt: skip
    parser.add_argument(
        "--answer-duration", type=int, default=5, help="seconds per answer POST load (5)"
    )
    parser.add_argument(
        "--guests", type=int, default=800, help="guests with a test open per lesson: "
        "the answer POSTs available to each answer load (800, x the lessons: some 4 s of "
        "answers; with 400, some 2 s, and a round's ratio swung by 0.05)",
    )  # fmt: skip
    parser.add_argument("--history", type=int, default=8, help="guests with history (8)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn sync "
                        f"workers (the cores and one more, at most 16: {WORKERS})")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3, help="times the whole sequence "
                        "runs; verdicts go by the median round (3, at most 4)")  # fmt: skip
    args = parser.parse_args(argv)
    limits = {"duration": 600, "bare_duration": 600, "answer_duration": 600, "guests": 5000,
              "history": 100, "workers": 16, "rounds": report.MAX_ROUNDS}  # fmt: skip
    for name, high in {**limits, "connections": 256}.items():
        low = 1 if name == "rounds" else 2
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be between {low} and {high}")
    return args


def run_wrk(site: stack.Site, load: Load, seconds: int, connections: int) -> report.Row:
    lines = load.lines * -(-THREADS // len(load.lines))  # every thread needs a line
    requests = site.tmp / "requests.tsv"
    requests.write_text("".join("\t".join(line) + "\n" for line in lines))
    command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(SCRIPT), *(f"-H{header}" for header in load.headers),
               f"http://{stack.HOST}:{site.port}", "--", str(requests),
               "once" if load.once else "cycle", str(load.expect), str(THREADS)]  # fmt: skip
    print(f"  {load.label}: {len(load.lines)} prepared, {seconds} s ...", flush=True)
    before = cpu.snapshot(site.pid, site.services)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)  # noqa: S603
    used = cpu.usage(before, cpu.snapshot(site.pid, site.services))
    found = [line[6:] for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    measured = json.loads(found[0])
    if load.once and used:  # the answers may run out before wrk stops: cores while answering
        used = dataclasses.replace(used, seconds=min(used.seconds, measured["seconds"]))
    return report.Row(load.label, measured, load.budget, len(load.lines) * load.once, used)


STYLESHEET = re.compile(r'href="(/static/[^"]+\.css)"')


def prepare(port: int, args: argparse.Namespace) -> tuple[str, list, list]:
    """The lesson measured, guests with history, and guests with open tests (untimed)."""
    slugs = guests.lesson_slugs(port)
    if not slugs:
        raise guests.PageError("the catalogue links to no lesson")
    lesson = LESSON if LESSON in slugs else slugs[0]
    print(f"  preparing {args.history} guests with history, {args.guests} with open tests ...")
    veterans = guests.in_parallel(
        lambda _: guests.new_guest(port, slugs, lesson), [None] * args.history
    )
    learners = guests.in_parallel(lambda _: guests.new_guest(port, slugs), [None] * args.guests)
    return lesson, veterans, learners


def measure(site: stack.Site, args: argparse.Namespace) -> list[list[report.Row]]:
    """Every round's rows. Each round answers the next question of every open test."""
    lesson, veterans, learners = prepare(site.port, args)
    page = f"/patterns/{lesson}/"
    static = STYLESHEET.search(veterans[0].visit(page))[1]
    print(f"  the lesson page: {page}; the static file: {static}")
    rounds = []
    for number in range(1, args.rounds + 1):
        print(f"  round {number} of {args.rounds}:", flush=True)
        rounds.append(measure_round(site, args, page, static, veterans, learners))
    return rounds


def measure_round(site: stack.Site, args: argparse.Namespace, page: str, static: str,
                  veterans: list, learners: list) -> list[report.Row]:  # fmt: skip

    def anyone(path: str) -> list:
        return [("GET", path, "", "")]

    def each(path: str) -> list:
        return [("GET", path, guest.cookie, "") for guest in veterans]

    pages = [
        Load(BARE_LABEL, anyone("/ping/"), BARE),
        Load(STATIC_LABEL, anyone(static), None),
        Load("GET / (catalogue)", anyone("/"), None),
        Load("GET lesson page, new visitor", anyone(page), NEW_VISITOR, versus=STATIC_LABEL),
        Load("GET lesson page, guest with history", each(page), LEARNER),
        Load("GET /me/, guest with history", each("/me/"), LEARNER),
        Load("GET /tests/<id>/ (question page)",
             [("GET", test, g.cookie, "") for g in veterans for test in g.tests], LEARNER),
    ]  # fmt: skip
    rows: list[report.Row] = []

    def run(load: Load, seconds: int) -> None:
        """The load; when its budget is a ratio to the bare view, right after a bare view
        of its own, which the ratio is to: a machine's speed drifts within a round too."""
        versus = next((row for row in rows if row.label == load.versus), None)
        if load.budget and not load.versus and rows:
            versus = run_wrk(site, Load(NEXT_BARE_LABEL, anyone("/ping/"), None),
                             args.bare_duration, args.connections)  # fmt: skip
            rows.append(versus)
        row = run_wrk(site, load, seconds, args.connections)
        row.versus, row.versus_static = versus, load.versus == STATIC_LABEL
        rows.append(row)

    for load in pages:
        run(load, args.duration)
    htmx = ("HX-Request: true",)
    for label, expect, headers in (("POST answer, no htmx (303)", 303, ()),
                                   ("POST answer, htmx (200)", 200, htmx)):  # fmt: skip
        answers = guests.answer_requests(learners)  # each open test's current question
        run(Load(label, answers, LEARNER, expect, once=True, headers=headers),
            args.answer_duration)  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        print("!!! bench needs wrk: `apt-get install -y wrk` (`make bench` does it as root).")
        return 2
    # `kill` or a CI timeout must still reach the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    setup = (f"wrk, {THREADS} threads x {args.connections} connections; {args.rounds} "
             f"rounds; {args.duration} s per page, <= {args.answer_duration} s per answer "
             "load")  # fmt: skip
    print(f"Preparing an isolated site and starting gunicorn; {setup}", flush=True)
    try:
        with stack.running_site(ROOT, workers=args.workers) as site:
            idle = cpu.background(site.pid, site.services)
            rounds = measure(site, args)
    except (stack.SetupError, guests.PageError, OSError, RuntimeError) as error:
        print(f"!!! Benchmark setup failed: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted: gunicorn stopped, temporary files removed.", file=sys.stderr)
        return 130
    return 1 if report.print_report(site, setup, rounds, idle) else 0


if __name__ == "__main__":
    sys.exit(main())
