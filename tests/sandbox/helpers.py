"""Helpers shared by the isolation tests."""

import os
import textwrap
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
NOBODY = 65534


def run(module, code: str) -> str:
    return module.run_snippet(textwrap.dedent(code))


def sandbox_processes() -> set[tuple[int, str]]:
    """Host processes that a snippet could have left: uid nobody, or children of this test."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if int(fields["Uid"].split()[0]) == NOBODY or int(fields["PPid"]) == os.getpid():
            found.add((int(entry), fields["Name"]))
    return found
