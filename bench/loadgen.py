"""Closed-loop load on one URL: `wrk` when installed, else a threaded Python client.

Both report the same figures (requests/s, p50/p90/p99 latency, responses that were not
2xx/3xx, transport errors) plus the CPU the load generator itself burned, which on a
2-core machine is CPU the server did not get.
"""

import re
import resource
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

from httpclient import HOST, Client, TransportError, percentile


@dataclass
class Measurement:
    """Throughput and latency of one benchmarked thing."""

    name: str
    tool: str
    requests: int
    rate: float  # requests per second
    p50: float  # milliseconds
    p90: float
    p99: float
    bad: int = 0  # responses that were not 2xx/3xx
    errors: int = 0  # no response at all: refused, reset, timed out
    client_cpu: float | None = None  # load generator CPU, in cores (1.0 = one core busy)


def find_wrk() -> str | None:
    return shutil.which("wrk")


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- wrk --------------------------------------------------------------------------------
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match[1]) * UNITS_MS[match[2]]


def parse_wrk(name: str, output: str) -> Measurement:
    """Read the figures out of `wrk --latency` output."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rate or not total:
        raise ValueError(f"could not parse wrk output:\n{output}")
    latencies = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.MULTILINE))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Measurement(
        name=name,
        tool="wrk",
        requests=int(total[1]),
        rate=float(rate[1]),
        p50=_duration_ms(latencies["50"]),
        p90=_duration_ms(latencies["90"]),
        p99=_duration_ms(latencies["99"]),
        bad=int(bad[1]) if bad else 0,
        errors=sum(int(count) for count in sockets.groups()) if sockets else 0,
    )


def run_wrk(wrk: str, name: str, url: str, connections: int, seconds: int) -> Measurement:
    command = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
               "--timeout", "10s", "--latency", url]  # fmt: skip
    cpu_before = children_cpu_seconds()
    done = subprocess.run(  # noqa: S603 - fixed argv, loopback URL
        command, capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    measurement = parse_wrk(name, done.stdout)
    measurement.client_cpu = (children_cpu_seconds() - cpu_before) / seconds
    return measurement


# --- Python fallback --------------------------------------------------------------------
@dataclass
class _Worker:
    """One connection's share of a Python load run."""

    latencies: list[float]
    bad: int = 0
    errors: int = 0


def _hammer(port: int, path: str, deadline: float, worker: _Worker) -> None:
    client = Client(port)
    try:
        while time.monotonic() < deadline:
            try:
                reply = client.get(path)
            except TransportError:
                worker.errors += 1
                time.sleep(0.01)
                continue
            worker.latencies.append(reply.ms)
            if not 200 <= reply.status < 400:
                worker.bad += 1
    finally:
        client.close()


def run_python(name: str, port: int, path: str, connections: int, seconds: int) -> Measurement:
    """The same closed loop as wrk: `connections` threads, each one request at a time."""
    workers = [_Worker([]) for _ in range(connections)]
    cpu_before = time.process_time()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=_hammer, args=(port, path, deadline, worker), daemon=True)
        for worker in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - started
    latencies = sorted(ms for worker in workers for ms in worker.latencies)
    return Measurement(
        name=name,
        tool="python",
        requests=len(latencies),
        rate=len(latencies) / elapsed,
        p50=percentile(latencies, 50),
        p90=percentile(latencies, 90),
        p99=percentile(latencies, 99),
        bad=sum(worker.bad for worker in workers),
        errors=sum(worker.errors for worker in workers),
        client_cpu=(time.process_time() - cpu_before) / elapsed,
    )


def measure(name: str, port: int, path: str, connections: int, seconds: int, wrk: str | None):
    """Load `path` for `seconds` with wrk if given, else with the Python client."""
    if wrk:
        return run_wrk(wrk, name, f"http://{HOST}:{port}{path}", connections, seconds)
    return run_python(name, port, path, connections, seconds)
