"""The printed outcome: one table of throughput and latency, ratios against the bare view
measured in the same run with the budgets from QUALITY.md, then any warnings."""

import math
import re
from collections import Counter
from dataclasses import dataclass

from attempts import STEPS, FlowResult
from httpclient import percentile
from loadgen import Measurement

# QUALITY.md "Performance budgets": throughput as a ratio to the bare view, same run.
BUDGETS = {"lesson": 0.5, "answer": 0.25}
BUSY_CLIENT = 0.7  # cores: above this the load generator visibly competes with the server
STEP_LABELS = {
    "lesson": "  GET lesson (attempt flow)",
    "start": "  POST start test",
    "question": "  GET question",
    "answer": "answer POST (attempt flow)",
    "result": "  GET result",
}
ERROR_START = r"Internal Server Error: |WORKER TIMEOUT|\[ERROR\]"
LOG_PATTERNS = {
    "server errors (500)": r"Internal Server Error: ",
    "tracebacks": r"^Traceback ",
    "worker timeouts": r"WORKER TIMEOUT",
    "4xx warnings": r"^(Bad Request|Not Found|Forbidden|Conflict|Too Many Requests): ",
}


@dataclass
class Row:
    label: str
    figures: Measurement
    ratio: bool = True  # show the ratio to the bare view
    budget_key: str | None = None


def flow_rows(flow: FlowResult) -> list[Row]:
    """One row per step of the attempt flow, the answer POST first."""
    rows = []
    for step in ("answer", *[s for s in STEPS if s != "answer"]):
        latencies = sorted(flow.stats.ms[step])
        bad = sum(n for (name, _), n in flow.stats.unexpected.items() if name == step)
        figures = Measurement(
            name=step,
            tool="python",
            requests=len(latencies),
            rate=len(latencies) / flow.seconds,
            p50=percentile(latencies, 50),
            p90=percentile(latencies, 90),
            p99=percentile(latencies, 99),
            bad=bad,
            client_cpu=flow.client_cpu if step == "answer" else None,
        )
        is_answer = step == "answer"
        budget = "answer" if is_answer else None
        rows.append(Row(STEP_LABELS[step], figures, ratio=is_answer, budget_key=budget))
    if flow.stats.errors:
        rows[0].figures.errors = flow.stats.errors  # transport errors are not per step
    return rows


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def _ratio_cells(row: Row, bare_rate: float) -> tuple[str, str, str]:
    if not row.ratio:
        return "", "", ""
    ratio = row.figures.rate / bare_rate if bare_rate else math.nan
    if not row.budget_key:
        return f"{ratio:.2f}", "", ""
    budget = BUDGETS[row.budget_key]
    verdict = "PASS" if ratio >= budget else "BELOW"
    return f"{ratio:.2f}", f">= {budget:.2f}", verdict


HEADER = (
    f"{'':34} {'tool':6} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}  "
    f"{'/bare':>5} {'budget':>7} {'verdict':7} {'bad':>4} {'errs':>4} {'client CPU':>10}"
)


def format_row(row: Row, bare_rate: float) -> str:
    f = row.figures
    ratio, budget, verdict = _ratio_cells(row, bare_rate)
    cpu = f"{f.client_cpu:.2f} cores" if f.client_cpu is not None else ""
    return (
        f"{row.label:34} {f.tool:6} {f.rate:8.1f} {_ms(f.p50):>8} {_ms(f.p90):>8} "
        f"{_ms(f.p99):>8}  {ratio:>5} {budget:>7} {verdict:7} {f.bad:4d} {f.errors:4d} {cpu:>10}"
    )


def log_findings(log: str) -> Counter:
    found = Counter()
    for label, pattern in LOG_PATTERNS.items():
        found[label] = len(re.findall(pattern, log, re.MULTILINE))
    return found


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


def warnings(rows: list[Row], flow: FlowResult, log: str) -> list[str]:
    out = []
    bad = sum(row.figures.bad for row in rows)
    errors = sum(row.figures.errors for row in rows)
    if bad or errors:
        out.append(
            f"!!! WARNING: {bad} unexpected HTTP responses (non-2xx/3xx, or the wrong status "
            f"in the attempt flow) and {errors} transport errors. Figures are not trustworthy."
        )
        for (step, status), count in sorted(flow.stats.unexpected.items()):
            out.append(f"    attempt flow, {step}: {count} x HTTP {status}")
        out.extend(f"    e.g. {problem}" for problem in flow.stats.problems)
    findings = log_findings(log)
    if any(findings[label] for label in ("server errors (500)", "tracebacks", "worker timeouts")):
        summary = ", ".join(f"{n} {label}" for label, n in findings.items() if n)
        out.append(f"!!! WARNING: gunicorn logged {summary}. First one:")
        out.extend(f"    {line}" for line in first_error_lines(log))
    elif findings["4xx warnings"]:
        out.append(f"Note: gunicorn logged {findings['4xx warnings']} 4xx warnings.")
    busy = [row for row in rows if (row.figures.client_cpu or 0) > BUSY_CLIENT]
    for row in busy:
        out.append(
            f"Note: the load generator for '{row.label.strip()}' used "
            f"{row.figures.client_cpu:.2f} of the 2 cores, so its rate understates the server."
        )
    return out


def print_report(site, settings: str, rows: list[Row], flow: FlowResult) -> bool:
    """Print everything; True if a request failed or the server logged an error.

    `rows` are the single-URL targets, the bare view first; the attempt flow's rows follow.
    """
    rows = [*rows, *flow_rows(flow)]
    bare_rate = rows[0].figures.rate
    stats = flow.stats
    answers = len(stats.ms["answer"])
    print()
    print(f"Patternwise benchmark: gunicorn, {site.workers} sync workers on 127.0.0.1:{site.port}")
    print(f"database: {site.database}; cache: {site.cache}; {settings}")
    print()
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(format_row(row, bare_rate))
    print()
    print(
        f"Attempt flow: {flow.users} users for {flow.seconds:.1f} s; {stats.completed} completed "
        f"attempts; {answers} answer POSTs ({answers / flow.seconds:.1f}/s across all users)."
    )
    print(
        "The answer POST rate is counted inside the whole flow (each answer also needs a GET "
        "of its question), so its ratio is conservative."
    )
    print("bad = non-2xx/3xx responses (attempt flow: any unexpected status); errs = no response.")
    problems = warnings(rows, flow, site.log)
    if problems:
        print()
        print("\n".join(problems))
    return any(line.startswith("!!!") for line in problems)
