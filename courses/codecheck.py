"""Run an authored code snippet to check what it prints — never at request time.

Used when content is saved or imported, so a code-output question cannot ship an answer
the code does not print. The snippet runs in a separate Python process with a CPU and
wall-clock limit, a memory cap, an output cap, an empty environment, a scratch working
directory, and an audit hook that refuses network, subprocess and file writes.
"""

import resource
import subprocess
import sys
import tempfile

CPU_SECONDS = 2
WALL_SECONDS = 5
MEMORY_BYTES = 512 * 1024 * 1024
OUTPUT_BYTES = 64 * 1024

# Runs before the snippet; audit hooks cannot be removed once added.
PRELUDE = r"""
import os, sys
_BLOCKED = ("socket.", "subprocess.", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
            "os.system", "os.kill", "os.remove", "os.rename", "os.rmdir", "os.chmod",
            "os.chown", "os.link", "os.symlink", "os.truncate", "os.mkdir", "shutil.",
            "ctypes.", "urllib.", "webbrowser.")
def _guard(event, args):
    if event.startswith(_BLOCKED):
        raise PermissionError(f"{event} is not allowed in lesson code")
    if event == "open" and (
        (isinstance(args[1], str) and set(args[1]) & set("wax+"))
        or (isinstance(args[2], int) and args[2] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    ):
        raise PermissionError("writing files is not allowed in lesson code")
sys.addaudithook(_guard)
del _guard
source = sys.stdin.read()
exec(compile(source, "<lesson code>", "exec"), {"__name__": "__main__"})
"""


class CodeCheckError(Exception):
    pass


def _limit_resources():  # pragma: no cover - runs in the child process
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_BYTES, OUTPUT_BYTES))


def run_snippet(code: str) -> str:
    """Return what `code` prints to stdout; raise CodeCheckError if it fails or misbehaves."""
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile(dir=scratch) as out:
        try:
            process = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
                [sys.executable, "-I", "-B", "-c", PRELUDE],
                input=code.encode(),
                stdout=out,
                stderr=subprocess.PIPE,
                cwd=scratch,
                env={"PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"},
                timeout=WALL_SECONDS,
                preexec_fn=_limit_resources,  # noqa: PLW1509 - no threads hold locks here
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise CodeCheckError(f"it ran for more than {WALL_SECONDS} seconds") from error
        out.seek(0)
        printed = out.read(OUTPUT_BYTES + 1)
    if process.returncode != 0:
        last_line = process.stderr.decode(errors="replace").strip().splitlines()[-1:] or [
            f"exit status {process.returncode}"
        ]
        if process.returncode < 0 or len(printed) >= OUTPUT_BYTES:
            last_line = ["it was stopped for using too much time, memory or output"]
        raise CodeCheckError(last_line[0])
    return printed.decode("utf-8", errors="replace")
