"""Count the CPU instructions one page costs, under callgrind: a figure that does not drift.

`make instructions PAGE=answer-htmx` (or any page of `make hotspots`) prepares the same
isolated site and requests as `make hotspots`, then runs the site's WSGI application in a
child process under `valgrind --tool=callgrind`: `--warm` requests first (imports, compiled
statements, caches), then `--requests` more, and prints the instructions per request of
those alone. On a shared machine the same code's requests per second drift by a tenth
from one minute to the next; its instruction count repeats to within 0.1 %, so a change
of 1 % shows. Only this process is counted: the database's and Redis's own work is not.

The measured requests run inside `itertools.starmap`, and callgrind collects only while
starmap's `next` runs (`--toggle-collect`): nothing in Django or the site uses starmap.
"""

import argparse
import collections
import io
import itertools
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import hotspots
import stack

ROOT = Path(__file__).resolve().parent.parent


def measure(batch: Path) -> None:
    """In the child, under callgrind: run the prepared requests (see the docstring)."""
    env, environs, warm = pickle.loads(batch.read_bytes())  # noqa: S301 - written by count()
    application = hotspots.application_for(env)
    statuses = collections.Counter()

    def start_response(status, headers, exc_info=None):
        statuses[status.split()[0]] += 1

    def send(environ: dict) -> None:
        streams = {"wsgi.input": io.BytesIO(environ.pop("body")), "wsgi.errors": sys.stderr}
        b"".join(application(environ | streams, start_response))

    for environ in environs[:warm]:
        send(environ)
    statuses.clear()
    collections.deque(itertools.starmap(send, ((e,) for e in environs[warm:])), maxlen=0)
    print(f"statuses: {dict(statuses)}", file=sys.stderr)


def count(site: stack.Site, environs: list[dict], warm: int) -> int:
    """Instructions of the requests after the first `warm`, counted in a child process."""
    with tempfile.TemporaryDirectory(prefix="patternwise-instructions-") as tmp:
        batch, out = Path(tmp) / "batch.pickle", Path(tmp) / "callgrind.out"
        streams = ("wsgi.input", "wsgi.errors")  # not picklable: the body is sent as bytes
        plain = [{k: v for k, v in e.items() if k not in streams}
                 | {"body": e["wsgi.input"].getvalue()} for e in environs]  # fmt: skip
        batch.write_bytes(pickle.dumps((site.env, plain, warm)))
        command = ["valgrind", "--tool=callgrind", "--toggle-collect=starmap_next",
                   f"--callgrind-out-file={out}", sys.executable, __file__, "--measure",
                   str(batch)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
        found = re.search(r"^totals: (\d+)", out.read_text(), re.M) if out.exists() else None
        if done.returncode != 0 or not found:
            raise RuntimeError(f"callgrind failed ({done.returncode}): {done.stderr[-2000:]}")
        print(*re.findall(r"^statuses: .*$", done.stderr, re.M), flush=True)
        return int(found[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", choices=hotspots.PAGES)
    parser.add_argument("--requests", type=int, default=300, help="requests counted (300)")
    parser.add_argument("--warm", type=int, default=400,
                        help="requests before them, uncounted (400: an answer's cards for "
                        "each question are rendered once per process)")  # fmt: skip
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.measure)
        return 0
    if not args.page:
        parser.error("name the page to count")
    if not shutil.which("valgrind"):
        parser.error("needs valgrind: sudo apt-get install valgrind")
    with stack.running_site(ROOT, workers=1) as site:
        environs = hotspots.requests_for(args.page, site, args.warm + args.requests)
        total = count(site, environs, args.warm)
    print(f"{args.page}: {total / args.requests:,.0f} instructions per request "
          f"({args.requests} requests after {args.warm}; {site.database})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
