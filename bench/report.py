"""The printed outcome: one table of throughput and latency, ratios against the bare view
measured in the same run next to the budgets from QUALITY.md, then any warnings.

The answer POST budget is checked against the POST-only phase (bench/answers.py); the
attempt flow's rows are an end-to-end figure with no budget of their own."""

import math
import re
from collections import Counter
from dataclasses import dataclass

from answers import AnswerResult
from attempts import STEPS, FlowResult
from cpu import Usage
from httpclient import percentile
from loadgen import Measurement

# QUALITY.md "Performance budgets": throughput as a ratio to the bare view, same run.
BUDGETS = {"lesson": 0.5, "answer": 0.25}
BUSY_CLIENT = 0.7  # cores: above this the load generator visibly competes with the server
BUSY_OTHER = 0.3  # cores used by other processes: above this the ratios are unreliable
STEP_LABELS = {
    "lesson": "  GET lesson page",
    "start": "  POST start test",
    "question": "  GET question",
    "answer": "  POST answer",
    "result": "  GET result",
}
ERROR_START = r"Internal Server Error: |WORKER TIMEOUT|\[ERROR\]"
SERIOUS = {
    "server errors (500)": r"Internal Server Error: ",
    "tracebacks": r"^Traceback ",
    "worker timeouts": r"WORKER TIMEOUT",
}
CLIENT_4XX = r"^(Bad Request|Not Found|Forbidden|Conflict|Too Many Requests): "
LABEL_WIDTH = 36
FLOW_HEADING = "attempt flow (GET question + POST answer):"


@dataclass
class Row:
    label: str
    figures: Measurement
    ratio: bool = True  # show the ratio to the bare view
    budget_key: str | None = None
    cpu: Usage | None = None  # cores used by the server and by others during the measurement


def flow_rows(flow: FlowResult) -> list[Row]:
    """One row per step of the attempt flow, the answer POST first (it carries the
    phase's CPU figures and transport errors, which belong to no single step). Its ratio
    is shown, but the budget applies to the POST-only row."""
    rows = []
    for step in ("answer", *[s for s in STEPS if s != "answer"]):
        latencies = sorted(flow.stats.ms[step])
        is_answer = step == "answer"
        figures = Measurement(
            name=step,
            tool="python",
            requests=len(latencies),
            rate=len(latencies) / flow.seconds,
            p50=percentile(latencies, 50),
            p90=percentile(latencies, 90),
            p99=percentile(latencies, 99),
            bad=sum(n for (name, _), n in flow.stats.unexpected.items() if name == step),
            errors=flow.stats.errors if is_answer else 0,
            client_cpu=flow.client_cpu if is_answer else None,
        )
        cpu = flow.cpu if is_answer else None
        rows.append(Row(STEP_LABELS[step], figures, is_answer, None, cpu))
    return rows


def answer_row(answers: AnswerResult) -> list[Row]:
    """The POST-only answers: the row the answer POST budget applies to (none if the
    phase could not be prepared)."""
    if answers.figures is None:
        return []
    return [Row(answers.figures.name, answers.figures, True, "answer", answers.cpu)]


# --- The table --------------------------------------------------------------------------
HEADER = (
    f"{'':{LABEL_WIDTH}} {'tool':6} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7}  "
    f"{'/bare':>5} {'budget':>7} {'verdict':7}  {'req/CPU-s':>9} {'/bare':>5}  "
    f"{'bad':>4} {'errs':>4}  {'CPU srv/load/other':>18}"
)


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def _cores(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"


def per_server_cpu(row: Row) -> float | None:
    """Requests per CPU-second of gunicorn: throughput with the neighbours' noise removed."""
    if row.cpu is None or row.cpu.server <= 0:
        return None
    return row.figures.rate / row.cpu.server


def _ratio(value: float | None, bare: float | None) -> str:
    return f"{value / bare:.2f}" if value is not None and bare else "?"


def _verdict_cells(row: Row, bare: Row) -> tuple[str, str, str]:
    if not row.ratio:
        return "", "", ""
    ratio = _ratio(row.figures.rate, bare.figures.rate)
    if not row.budget_key:
        return ratio, "", ""
    budget = BUDGETS[row.budget_key]
    verdict = "PASS" if row.figures.rate / bare.figures.rate >= budget else "BELOW"
    return ratio, f">= {budget:.2f}", verdict


def _efficiency_cells(row: Row, bare: Row) -> tuple[str, str]:
    if row.figures.client_cpu is None:  # a step of the attempt flow: no figures of its own
        return "", ""
    per_cpu = per_server_cpu(row)
    per_cpu_text = "?" if per_cpu is None else f"{per_cpu:.0f}"
    return per_cpu_text, _ratio(per_cpu, per_server_cpu(bare)) if row.ratio else ""


def _cpu_cell(row: Row) -> str:
    if row.figures.client_cpu is None:
        return ""
    server, other = (row.cpu.server, row.cpu.other) if row.cpu else (None, None)
    return f"{_cores(server)}/{_cores(row.figures.client_cpu)}/{_cores(other)}"


def format_row(row: Row, bare: Row) -> str:
    f = row.figures
    ratio, budget, verdict = _verdict_cells(row, bare)
    per_cpu, per_cpu_ratio = _efficiency_cells(row, bare)
    return (
        f"{row.label:{LABEL_WIDTH}} {f.tool:6} {f.rate:7.1f} {_ms(f.p50):>7} {_ms(f.p90):>7} "
        f"{_ms(f.p99):>7}  {ratio:>5} {budget:>7} {verdict:7}  {per_cpu:>9} {per_cpu_ratio:>5}  "
        f"{f.bad:4d} {f.errors:4d}  {_cpu_cell(row):>18}"
    )


# --- Warnings ---------------------------------------------------------------------------
def first_error_lines(log: str, limit: int = 12) -> list[str]:
    """The first logged server error and the last lines of what was logged with it."""
    lines = log.splitlines()
    starts = [i for i, line in enumerate(lines) if re.search(ERROR_START, line)]
    if not starts:
        return []
    first = starts[0]
    following = starts[1] if len(starts) > 1 else len(lines)
    block = lines[first + 1 : min(following, first + 200)]
    skipped = ["..."] if len(block) > limit else []
    return [lines[first], *skipped, *block[-limit:]]


def answers_warnings(answers: AnswerResult) -> list[str]:
    out = []
    if answers.figures is None:
        out.append("!!! WARNING: the POST-only answer phase measured nothing.")
    elif answers.figures.bad or answers.figures.errors:
        wrong = ", ".join(
            f"{n} x HTTP {s}" for s, n in sorted(answers.statuses.items()) if s != 303
        )
        out.append(
            f"!!! WARNING: POST-only answers: {answers.figures.bad} did not answer 303 "
            f"({wrong or 'none'}) and {answers.figures.errors} got no response."
        )
    elif answers.problems:
        out.append("!!! WARNING: POST-only answers: some sessions could not be prepared.")
    return [*out, *(f"    e.g. {problem}" for problem in answers.problems)]


def request_warnings(rows: list[Row], flow: FlowResult) -> list[str]:
    bad = sum(row.figures.bad for row in rows)
    errors = sum(row.figures.errors for row in rows)
    if not bad and not errors:
        return []
    out = [
        f"!!! WARNING: {bad} unexpected HTTP responses (non-2xx/3xx, or the wrong status in "
        f"the attempt flow) and {errors} transport errors. These figures are not trustworthy."
    ]
    for (step, status), count in sorted(flow.stats.unexpected.items()):
        out.append(f"    attempt flow, {step}: {count} x HTTP {status}")
    out.extend(f"    e.g. {problem}" for problem in flow.stats.problems)
    return out


def log_warnings(log: str) -> list[str]:
    found = Counter({label: len(re.findall(p, log, re.MULTILINE)) for label, p in SERIOUS.items()})
    if sum(found.values()):
        summary = ", ".join(f"{n} {label}" for label, n in found.items() if n)
        return [
            f"!!! WARNING: gunicorn logged {summary}. The first one:",
            *(f"    {line}" for line in first_error_lines(log)),
        ]
    client_errors = len(re.findall(CLIENT_4XX, log, re.MULTILINE))
    return [f"Note: gunicorn logged {client_errors} 4xx warnings."] if client_errors else []


def cpu_warnings(rows: list[Row], idle: Usage | None) -> list[str]:
    out = []
    if idle and idle.other > BUSY_OTHER:
        out.append(
            f"!!! WARNING: other processes kept {idle.other:.2f} of the 2 cores busy before the "
            "run: the machine is not idle, so rates are low and ratios unreliable."
        )
    for row in rows:
        name = row.label.strip()
        if row.cpu and row.cpu.other > BUSY_OTHER:
            out.append(
                f"Note: other processes used {row.cpu.other:.2f} cores during '{name}': "
                "its rate is understated and ratios against it are skewed."
            )
        if (row.figures.client_cpu or 0) > BUSY_CLIENT:
            out.append(
                f"Note: the load generator used {row.figures.client_cpu:.2f} cores during "
                f"'{name}', so its rate understates the server."
            )
    return out


# --- Everything -------------------------------------------------------------------------
def answers_summary(answers: AnswerResult) -> str:
    if answers.figures is None:
        return "POST-only answers: not measured (see below)."
    sent = answers.figures.requests
    ran_out = " (all prepared answers sent)" if sent >= answers.prepared else ""
    return (
        f"POST-only answers: {answers.sessions} guest sessions x {answers.lessons} lessons = "
        f"{answers.attempts} attempts, {answers.prepared} answers (~70% right) prepared in "
        f"{answers.prepare_seconds:.1f} s, not timed; {sent} POSTed in {answers.seconds:.1f} s"
        f"{ran_out}, each expecting 303, with no GET in between: the answer POST budget "
        "applies to this row."
    )


def print_report(
    site,
    setup: str,
    rows: list[Row],
    flow: FlowResult,
    answers: AnswerResult,
    idle: Usage | None = None,
) -> bool:
    """Print everything; True if a request failed or the server logged an error.

    `rows` are the single-URL targets, the bare view first; the POST-only answers and the
    attempt flow's rows follow. `idle` is the CPU other processes used while nothing was
    being loaded.
    """
    targets, steps = rows, flow_rows(flow)
    single = [*targets, *answer_row(answers)]
    rows = [*single, *steps]
    bare = rows[0]
    flow_answers = len(flow.stats.ms["answer"])
    background = f"{idle.other:.2f} cores" if idle else "unknown"
    print()
    print(f"Patternwise benchmark: gunicorn, {site.workers} sync workers on 127.0.0.1:{site.port}")
    print(f"database: {site.database}; cache: {site.cache}")
    print(f"{setup}; other processes' CPU before the run: {background}")
    print()
    print(HEADER)
    print("-" * len(HEADER))
    for row in single:
        print(format_row(row, bare))
    print(FLOW_HEADING)
    for row in steps:
        print(format_row(row, bare))
    print()
    print(answers_summary(answers))
    print(
        f"Attempt flow: {flow.users} users for {flow.seconds:.1f} s, {flow.stats.completed} "
        f"completed attempts, {flow_answers} answer POSTs ({flow_answers / flow.seconds:.1f}/s "
        "in all). Each answer POST comes with a GET of its question (and every 10, a lesson "
        "page, a start and a result): an end-to-end figure, not the one the budget applies to."
    )
    print(
        "req/CPU-s: requests per CPU-second of gunicorn, and its ratio to the bare view's: the "
        "same comparison with other processes' load factored out."
    )
    print(
        "bad: non-2xx/3xx (POST only: not 303; attempt flow: any unexpected status); errs: "
        "no response; CPU: "
        "cores used by gunicorn / the load generator / other processes."
    )
    failures = [
        *answers_warnings(answers),  # the POST-only row's own warnings, with their causes
        *request_warnings([*targets, *steps], flow),
        *log_warnings(site.log),
    ]
    notes = cpu_warnings(rows, idle)
    if failures or notes:
        print()
        print("\n".join([*failures, *notes]))
    return any(line.startswith("!!!") for line in failures)
