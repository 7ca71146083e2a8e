"""Where the machine's CPU went during a measurement: gunicorn, the load generator, or other
processes. On a shared 2-core machine a busy neighbour halves the server's throughput, and
ratios measured a few seconds apart stop being comparable; this makes that visible.

Linux only (reads /proc); elsewhere every figure is None and nothing breaks.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Snapshot:
    at: float  # time.monotonic()
    busy: float  # CPU seconds all cores spent on anything but idle and I/O wait
    server: float  # CPU seconds of the gunicorn master, its live and its reaped workers


@dataclass
class Usage:
    """Average cores busy over an interval (1.0 = one core the whole time)."""

    server: float
    other: float  # neither gunicorn nor the load generator


def _system_busy() -> float:
    fields = (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(value) for value in fields[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / TICKS


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat from field 3 (state) on: the command name may contain spaces."""
    text = (PROC / str(pid) / "stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def _process_seconds(pid: int, *, reaped_children: bool) -> float:
    fields = _stat_fields(pid)  # fields[11:15] = utime stime cutime cstime
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def _children(pid: int) -> list[int]:
    children = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == pid:
                    children.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # the process ended while we looked
    return children


def _server_seconds(master: int) -> float:
    total = _process_seconds(master, reaped_children=True)
    for child in _children(master):
        try:
            total += _process_seconds(child, reaped_children=False)
        except (OSError, ValueError, IndexError):
            continue
    return total


def snapshot(server_pid: int) -> Snapshot | None:
    try:
        return Snapshot(time.monotonic(), _system_busy(), _server_seconds(server_pid))
    except (OSError, ValueError, IndexError):
        return None


def usage(before: Snapshot | None, after: Snapshot | None, client_cores: float) -> Usage | None:
    """CPU use between two snapshots, given what the load generator itself used."""
    if before is None or after is None or after.at <= before.at:
        return None
    elapsed = after.at - before.at
    server = (after.server - before.server) / elapsed
    other = (after.busy - before.busy) / elapsed - server - client_cores
    return Usage(server=server, other=max(0.0, other))


def background(server_pid: int, seconds: float = 1.0) -> Usage | None:
    """CPU busy while nothing is being loaded: what other processes use."""
    before = snapshot(server_pid)
    time.sleep(seconds)
    return usage(before, snapshot(server_pid), client_cores=0.0)
