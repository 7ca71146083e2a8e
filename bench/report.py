"""The printed outcome: one table of throughput and latency, each rate as a ratio to the
bare view measured in the same run next to its budget, then what went wrong, if anything.
"""

import re
from dataclasses import dataclass

from cpu import Usage

BUSY_CLIENT = 0.7  # cores: above this wrk visibly competes with the server
BUSY_OTHER = 0.3  # cores used by other processes: above this the ratios are unreliable
SERIOUS = {
    "server errors (500)": r"Internal Server Error: ",
    "tracebacks": r"^Traceback ",
    "worker timeouts": r"WORKER TIMEOUT",
}
WIDTH = 36


@dataclass
class Row:
    label: str
    wrk: dict  # what replay.lua's done() printed: ok, bad, errors, seconds, p50, ...
    budget: float | None  # minimum ratio to the bare view; None: no budget
    prepared: int  # answer forms given to wrk, each sent once (0 for pages)
    cpu: Usage | None

    @property
    def rate(self) -> float:
        answered = self.wrk["ok"] + self.wrk["bad"]
        return answered / self.wrk["seconds"] if self.wrk["seconds"] > 0 else 0.0

    @property
    def per_server_cpu(self) -> float | None:
        """Requests per CPU-second of gunicorn: throughput with the neighbours' noise removed."""
        if self.cpu is None or self.cpu.server <= 0:
            return None
        return (self.wrk["ok"] + self.wrk["bad"]) / self.cpu.server


HEADER = (
    f"{'':{WIDTH}} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7}  {'/bare':>5} "
    f"{'budget':>7} {'verdict':7}  {'req/CPU-s':>9} {'/bare':>5}  {'bad':>4} {'errs':>4}  "
    f"{'CPU srv/wrk/other':>17}"
)


def _ratio(value: float | None, bare: float | None) -> str:
    return f"{value / bare:.2f}" if value is not None and bare else "?"


def format_row(row: Row, bare: Row) -> str:
    w, is_bare = row.wrk, row is bare
    ratio = "" if is_bare else _ratio(row.rate, bare.rate)
    budget = f">= {row.budget:.2f}" if row.budget else ""
    verdict = ("PASS" if row.rate >= row.budget * bare.rate else "BELOW") if row.budget else ""
    per_cpu = row.per_server_cpu
    cpu_ratio = "" if is_bare else _ratio(per_cpu, bare.per_server_cpu)
    cores = "?"
    if row.cpu:
        c = row.cpu
        cores = f"{c.cores(c.server):.2f}/{c.cores(c.client):.2f}/{c.cores(c.other):.2f}"
    return (
        f"{row.label:{WIDTH}} {row.rate:7.1f} {w['p50']:7.1f} {w['p90']:7.1f} {w['p99']:7.1f}  "
        f"{ratio:>5} {budget:>7} {verdict:7}  {per_cpu or 0:9.0f} {cpu_ratio:>5}  "
        f"{w['bad']:4d} {w['errors']:4d}  {cores:>17}"
    )


def failures(rows: list[Row], log: str) -> list[str]:
    out = []
    for row in rows:
        if row.wrk["bad"] or row.wrk["errors"]:
            out.append(
                f"!!! {row.label}: {row.wrk['bad']} unexpected statuses, {row.wrk['errors']} "
                f"without a response; e.g. {row.wrk['example'] or '-'}"
            )
    found = {label: len(re.findall(p, log, re.MULTILINE)) for label, p in SERIOUS.items()}
    if any(found.values()):
        first = next(
            m for m in re.finditer(r"Internal Server Error: .*|Traceback.*|.*WORKER TIMEOUT.*", log)
        )
        summary = ", ".join(f"{n} {label}" for label, n in found.items() if n)
        out.append(f"!!! gunicorn logged {summary}; the first: {first[0]}")
    return out


def notes(rows: list[Row], idle: Usage | None) -> list[str]:
    out = []
    if idle and idle.cores(idle.other) > BUSY_OTHER:
        out.append(
            f"Note: other processes kept {idle.cores(idle.other):.2f} cores busy before the "
            "run: the machine is not idle, so rates are low and ratios unreliable."
        )
    for row in rows:
        if row.prepared and row.wrk["sent"] >= row.prepared:
            out.append(
                f"Note: {row.label}: all {row.prepared} prepared answers were sent in "
                f"{row.wrk['seconds']:.1f} s; more --guests give a longer window."
            )
        if row.cpu and row.cpu.cores(row.cpu.other) > BUSY_OTHER:
            out.append(
                f"Note: other processes used {row.cpu.cores(row.cpu.other):.2f} cores during "
                f"'{row.label}': its rate is understated and ratios against it are skewed."
            )
        if row.cpu and row.cpu.cores(row.cpu.client) > BUSY_CLIENT:
            out.append(
                f"Note: wrk used {row.cpu.cores(row.cpu.client):.2f} cores during '{row.label}'."
            )
    return out


def print_report(site, setup: str, rows: list[Row], idle: Usage | None) -> bool:
    """Print everything, the bare view first; True if a request or the server failed."""
    bare = rows[0]
    background = f"{idle.cores(idle.other):.2f} cores" if idle else "unknown"
    print()
    print(f"Patternwise benchmark: gunicorn, {site.workers} sync workers on 127.0.0.1:{site.port}")
    print(f"database: {site.database}; cache: {site.cache}")
    print(f"{setup}; other processes' CPU before the run: {background}")
    print()
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(format_row(row, bare))
    print()
    print(
        "Answer POSTs: one per open test, from the test's own question page (a form is valid "
        "once), POSTed with no GET in between; rates run from the first request to the last "
        "response.\nreq/CPU-s: requests per CPU-second of gunicorn, and its ratio to the bare "
        "view's. bad: not the expected status (200; answers without htmx 303); errs: no "
        "response. CPU: cores used by gunicorn / wrk / other processes."
    )
    failed = failures(rows, site.log)
    extra = notes(rows, idle)
    if failed or extra:
        print()
        print("\n".join([*failed, *extra]))
    return bool(failed)
