"""Where the CPU went during a load: gunicorn, wrk, the services the site calls (PostgreSQL
and Redis), or other processes. On a shared 2-core machine a busy neighbour halves the
server's throughput; this makes that visible, without counting the site's own database
as a neighbour. Linux only (reads /proc); elsewhere every figure is None and nothing
breaks."""

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Usage:
    """CPU seconds over an interval of `seconds`."""

    seconds: float
    server: float  # the gunicorn master and its workers
    client: float  # wrk (our finished child processes)
    services: float  # the site's PostgreSQL's and Redis's processes: its own work
    other: float  # everything else that kept a core busy

    def cores(self, cpu_seconds: float) -> float:
        return cpu_seconds / self.seconds if self.seconds > 0 else 0.0


def _system_busy() -> float:
    fields = (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(value) for value in fields[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / TICKS


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat from field 3 (state) on: the command name may contain spaces."""
    text = (PROC / str(pid) / "stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def _server_and_services(master: int, names: frozenset[str]) -> tuple[float, float]:
    """CPU seconds of gunicorn (the master, its reaped workers and its live workers) and
    of the services' processes (`names`), in one pass over /proc."""
    fields = _stat(master)  # fields[11:15] = utime stime cutime cstime
    server, services = sum(int(value) for value in fields[11:15]), 0
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            child = _stat(int(entry.name))
            if int(child[1]) == master:
                server += int(child[11]) + int(child[12])
            elif names and (entry / "comm").read_text().strip() in names:
                services += int(child[11]) + int(child[12])
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
    return server / TICKS, services / TICKS


def snapshot(server_pid: int, services: frozenset[str] = frozenset()) -> tuple[float, ...] | None:
    wrk = resource.getrusage(resource.RUSAGE_CHILDREN)  # our finished children: wrk
    try:
        return (time.monotonic(), _system_busy(), *_server_and_services(server_pid, services),
                wrk.ru_utime + wrk.ru_stime)  # fmt: skip
    except (OSError, ValueError, IndexError):
        return None


def usage(before: tuple | None, after: tuple | None) -> Usage | None:
    if before is None or after is None:
        return None
    seconds, busy, server, services, client = (b - a for a, b in zip(before, after, strict=True))
    return Usage(seconds, server, client, services, max(0.0, busy - server - client - services))


def background(server_pid: int, services: frozenset[str] = frozenset(),
               seconds: float = 1.0) -> Usage | None:  # fmt: skip
    """CPU busy while nothing is being loaded: what other processes use."""
    before = snapshot(server_pid, services)
    time.sleep(seconds)
    return usage(before, snapshot(server_pid, services))
