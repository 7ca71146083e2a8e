"""`make bench-scale`: p50/p95 of learners' pages at production size, timed in-process.

Run it against a database filled by `manage.py seed_scale` (DATABASE_URL, PostgreSQL;
REDIS_URL as in production). It picks learners WITH history from the seeded data, gives
each a session as a browser would hold it, and times requests through Django's test
Client with DEBUG off: the whole middleware stack, the view and the template, as the app
sees them, without a network or a web server. Pages: the dashboard, spaced review, the
lesson page of a lesson the learner has taken, the question page of a test the learner
has open, and answer POSTs without and with htmx (each from the question page's own
form, as a browser sends it); then the item-analysis report of a lesson. It also prints
each page's query count (one untimed request), so a query that grows with the data shows.
Exit status 1 if a p95 is over its budget.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ["DEBUG"] = "0"

PAGE_BUDGET_MS = 50
REPORT_BUDGET_MS = 1000


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=40, help="learners sampled (40)")
    parser.add_argument("--samples", type=int, default=200, help="requests per page (200)")
    parser.add_argument("--seed", type=int, default=12)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench-scale needs the seeded PostgreSQL: DATABASE_URL=postgres://... "
              "(fill it with `manage.py seed_scale`)", file=sys.stderr)  # fmt: skip
        return 2
    import scale_pages

    rng = random.Random(args.seed)
    learners = scale_pages.learners_with_history(args.learners, rng)
    if not learners:
        print("No learner with history: run `manage.py seed_scale` first.", file=sys.stderr)
        return 2
    print(f"{scale_pages.describe_data()}; {len(learners)} learners sampled")
    timings, queries = scale_pages.measure(learners, args.samples, rng)
    report_ms = scale_pages.item_analysis_timings(rng)
    return print_table(timings, queries, report_ms)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_table(timings: dict, queries: dict, report_ms: list[float]) -> int:
    over = 0
    print(f"{'page':28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  budget")
    rows = [(label, values, queries.get(label, ""), PAGE_BUDGET_MS)
            for label, values in timings.items()]  # fmt: skip
    rows.append(("item-analysis report", report_ms, "", REPORT_BUDGET_MS))
    for label, values, count, budget in rows:
        p95 = percentile(values, 0.95)
        verdict = "ok" if p95 <= budget else "OVER"
        over += p95 > budget
        print(f"{label:28} {len(values):5} {statistics.median(values):8.1f} {p95:8.1f} "
              f"{max(values):8.1f} {count!s:>8}  p95 ≤ {budget} ms {verdict}")  # fmt: skip
    return 1 if over else 0


if __name__ == "__main__":
    t0 = time.monotonic()
    status = main()
    print(f"({time.monotonic() - t0:.0f} s)")
    sys.exit(status)
