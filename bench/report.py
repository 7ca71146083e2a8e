"""The printed outcome: a table of throughput and latency for each round, each rate as a
ratio to the bare view measured in the same round next to its budget; then each budgeted
ratio by round and the median round's, which gives the verdict; then what went wrong."""

import re
import statistics
from dataclasses import dataclass

from cpu import Usage

BUSY_OTHER = 0.3  # cores used by other processes: above this the ratios are unreliable
SERVER_ERRORS = r"^(Internal Server Error: |Traceback |.*WORKER TIMEOUT).*"
WIDTH = 36
MAX_ROUNDS = 4  # each round answers one more question of every open test (a test has 10)


@dataclass
class Row:
    label: str
    wrk: dict  # what replay.lua's done() printed: ok, bad, errors, seconds, p50, ...
    budget: float | None  # minimum ratio to the bare view; None: no budget
    prepared: int  # answer forms given to wrk, each sent once (0 for pages)
    cpu: Usage | None
    # The row the ratios are to: the bare view measured just before this one, or the static
    # file (versus_static: a budget marked *); None: the round's first bare view.
    versus: "Row | None" = None
    versus_static: bool = False

    @property
    def rate(self) -> float:
        answered = self.wrk["ok"] + self.wrk["bad"]
        return answered / self.wrk["seconds"] if self.wrk["seconds"] > 0 else 0.0

    @property
    def per_server_cpu(self) -> float:
        """Requests per CPU-second of gunicorn: the rate with the neighbours' load removed."""
        served = self.cpu.server if self.cpu else 0
        return (self.wrk["ok"] + self.wrk["bad"]) / served if served > 0 else 0.0

    def against(self, bare: "Row") -> float:
        """The rate as a ratio to what its budget compares it with: the `versus` row's (the
        bare view measured just before it, or the static file), else the round's bare view."""
        base = self.versus.rate if self.versus else bare.rate
        return self.rate / base if base else 0.0

    def budget_cell(self) -> str:
        return f">={self.budget:.2f}{'*' if self.versus_static else ' '}"

    def cells(self, bare: "Row") -> str:
        w = self.wrk
        base = self.versus if self.versus and not self.versus_static else bare
        ratio = self.rate / base.rate if base.rate else 0.0
        budget, verdict = "", ""
        if self.budget:
            budget = self.budget_cell()
            verdict = "PASS" if self.against(bare) >= self.budget else "BELOW"
        per_cpu = self.per_server_cpu / base.per_server_cpu if base.per_server_cpu else 0.0
        cores = "?"
        if c := self.cpu:
            cores = "/".join(f"{c.cores(part):.2f}" for part in (c.server, c.client, c.services,
                                                                 c.other))  # fmt: skip
        return (
            f"{self.label:{WIDTH}} {self.rate:7.1f} {w['p50']:7.1f} {w['p90']:7.1f} "
            f"{w['p99']:7.1f}  {'' if self is base else f'{ratio:.2f}':>5} {budget:>7} "
            f"{verdict:7} {self.per_server_cpu:9.0f} {'' if self is base else f'{per_cpu:.2f}':>5}"
            f"  {w['bad']:4d} {w['errors']:4d}  {cores:>22}"
        )


HEADER = (
    f"{'':{WIDTH}} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7}  {'/bare':>5} "
    f"{'budget':>7} {'verdict':7} {'req/CPU-s':>9} {'/bare':>5}  {'bad':>4} {'errs':>4}  "
    f"{'CPU srv/wrk/db/other':>22}"
)
LEGEND = """\
Pages cycle through their sessions (one per guest); answer POSTs are sent once each, one per
open test, built from that test's question page, with no GET in between. Rates run from the
first request to the last response. bad: not the expected status (answers without htmx:
303, everything else: 200); errs: no response. req/CPU-s: requests per CPU-second of
gunicorn, and its ratio to the bare view's: the same comparison with other processes'
load factored out. CPU: cores used by gunicorn / wrk / PostgreSQL and Redis (if given) /
other processes, while the load ran (answers: until the last one). A load with a budget is
measured right after a bare view of its own ("for the next row"), and its ratios are to
that one; a budget marked * is a ratio to the static file's rate (WhiteNoise through the
same gunicorn)."""


def problems(rows: list[Row], log: str) -> list[str]:
    out = [
        f"!!! {row.label}: {row.wrk['bad']} unexpected statuses, {row.wrk['errors']} without "
        f"a response; e.g. {row.wrk['example'] or '-'}"
        for row in rows
        if row.wrk["bad"] or row.wrk["errors"]
    ]
    if errors := re.findall(SERVER_ERRORS, log, re.MULTILINE):
        out.append(f"!!! gunicorn logged {len(errors)} errors; the first: {errors[0]}")
    return out


def notes(rows: list[Row], idle: Usage | None) -> list[str]:
    out = []
    if idle and idle.cores(idle.other) > BUSY_OTHER:
        out.append(f"Note: other processes kept {idle.cores(idle.other):.2f} cores busy before.")
    busy = [row.label for row in rows if row.cpu and row.cpu.cores(row.cpu.other) > BUSY_OTHER]
    if busy:
        out.append(
            f"Note: other processes used over {BUSY_OTHER} cores during {len(busy)} of the "
            f"{len(rows)} loads ({', '.join(busy)}): those rates are understated and their "
            "ratios skewed; run again on a quieter machine."
        )
    for row in rows:
        if row.prepared and row.wrk["sent"] >= row.prepared:
            out.append(
                f"Note: {row.label}: all {row.prepared} prepared answers were sent in "
                f"{row.wrk['seconds']:.1f} s (more --guests make a longer window)."
            )
    return out


def verdicts(rounds: list[list[Row]]) -> str:
    """Each budgeted ratio in every round (against the bare view measured just before it,
    or the round's static file) and the median, which the verdict compares with the
    budget."""
    head = "".join(f"{f'round {n}':>9}" for n in range(1, len(rounds) + 1))
    lines = [f"{'':{WIDTH}}{head}  {'median':>7} {'budget':>7} verdict"]
    for at, row in enumerate(rounds[0]):
        if not row.budget:
            continue
        ratios = [rows[at].against(rows[0]) for rows in rounds]
        median = statistics.median(ratios)
        cells = "".join(f"{ratio:9.2f}" for ratio in ratios)
        verdict = "PASS" if median >= row.budget else "BELOW"
        lines.append(f"{row.label:{WIDTH}}{cells}  {median:7.2f} {row.budget_cell():>7} {verdict}")
    return "\n".join(lines)


def print_report(site, setup: str, rounds: list[list[Row]], idle: Usage | None) -> bool:
    """Print everything, the bare view first; True if a request or the server failed."""
    other = f"{idle.cores(idle.other):.2f} cores" if idle else "unknown"
    print(f"\nPatternwise benchmark: gunicorn, {site.workers} sync workers on 127.0.0.1")
    print(f"database: {site.database}; cache: {site.cache}")
    print(f"{setup}; other processes' CPU before the run: {other}")
    for number, rows in enumerate(rounds, 1):
        print(f"\nRound {number} of {len(rounds)}\n{HEADER}\n{'-' * len(HEADER)}")
        print("\n".join(row.cells(rows[0]) for row in rows))
    print(
        f"\nRatios by round; the median decides (* of the static file, else of the bare "
        f"view):\n{verdicts(rounds)}"
    )
    print(f"\n{LEGEND}")
    rows = [row for rows in rounds for row in rows]
    failed, extra = problems(rows, site.log), notes(rows, idle)
    if failed or extra:
        print("\n" + "\n".join([*failed, *extra]))
    return bool(failed)
