"""Run an authored Python snippet in an OS-isolated sandbox and return what it prints.

This module owns the isolation of lesson code: content import and the admin run a
code-output question's snippet here to check that it prints the expected answer (never at
request time). It imports nothing from the project's apps, so any layer may use it.

The snippet runs under bubblewrap (`bwrap`):

- new PID, network, IPC, UTS and cgroup namespaces: no network (only its own loopback), no
  view of the host's processes, and everything it started dies with it;
- an empty root: only the base Python runtime (stdlib, no site-packages) and the system
  shared libraries are mounted, read-only; no /etc, no /tmp, no project, no database; the
  working directory is a small tmpfs; /proc is the sandbox's own;
- an empty environment except PYTHONHASHSEED=0 and PYTHONIOENCODING=utf-8, set inside the
  sandbox; `bwrap` itself is started with an empty environment, because inside the sandbox
  /proc/1/environ is bwrap's;
- the snippet runs as uid/gid 65534 (nobody) on the host, with no capabilities and
  no_new_privs, under rlimits for CPU time, address space, file size, open files and number
  of processes.

Why not `--unshare-user --uid 65534`: started by root, bwrap maps the sandbox uid onto host
uid 0, and the kernel never applies RLIMIT_NPROC to host uid 0, so a fork bomb would only be
stopped by the deadline. Instead bwrap runs privileged (it drops every capability but
CAP_SETUID/CAP_SETGID), and a fixed prelude switches to 65534 before reading the snippet.

The parent reads stdout and stderr with a cap while they are produced and kills the
sandbox when a cap or the wall-clock deadline is exceeded, so a flood never grows the
calling process's memory.

Where bubblewrap is missing, snippets are refused with SandboxUnavailable, unless a
developer allows an unisolated run (rlimits and capped output only) with the setting
CODE_CHECK_ALLOW_UNISOLATED; the deploy checks warn when that setting is on.
"""

import contextlib
import functools
import json
import os
import re
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning

CPU_SECONDS = 2
WALL_SECONDS = 5
MEMORY_BYTES = 512 * 1024 * 1024
OUTPUT_BYTES = 64 * 1024
FILE_BYTES = 1024 * 1024
SCRATCH_BYTES = 8 * 1024 * 1024
MAX_PROCESSES = 32
MAX_OPEN_FILES = 64

SANDBOX_UID = 65534
SCRATCH_DIR = "/sandbox"
SNIPPET_NAME = "<lesson code>"
ENVIRONMENT = {"PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"}
UNAVAILABLE_MESSAGE = (
    "Code checks need bubblewrap (apt-get install bubblewrap) and a kernel that lets it "
    "create namespaces; set CODE_CHECK_ALLOW_UNISOLATED = True only on a development machine "
    "to run them without isolation."
)

# Runs as root inside the sandbox (with only CAP_SETUID and CAP_SETGID), drops to nobody for
# good, then reads the snippet from stdin. Nothing of the caller is in its namespace.
PRELUDE = f"""
import os, sys
os.setgroups([])
os.setresgid({SANDBOX_UID}, {SANDBOX_UID}, {SANDBOX_UID})
os.setresuid({SANDBOX_UID}, {SANDBOX_UID}, {SANDBOX_UID})
source = sys.stdin.read()
del os, sys
exec(compile(source, {SNIPPET_NAME!r}, "exec"), {{"__name__": "__main__"}})
"""

# The unisolated development fallback runs as the caller's user; it cannot switch users.
UNISOLATED_PRELUDE = f"""
import sys
source = sys.stdin.read()
del sys
exec(compile(source, {SNIPPET_NAME!r}, "exec"), {{"__name__": "__main__"}})
"""

# -s -S: no user or system site-packages; -P: no script directory on sys.path; -B: no .pyc.
# Not -I/-E: they would ignore PYTHONHASHSEED, and the sandbox's environment is ours anyway.
PYTHON_FLAGS = ["-s", "-S", "-P", "-B"]


class SandboxError(Exception):
    """The snippet failed or misbehaved; the message says how, for the content author."""


class SandboxUnavailable(SandboxError):
    """This machine cannot isolate snippets, and running them unisolated is not allowed."""

    def __init__(self, message: str = UNAVAILABLE_MESSAGE):
        super().__init__(message)


# Callers written against the old runner catch CodeCheckError.
CodeCheckError = SandboxError


def run_snippet(code: str, *, allow_unisolated: bool | None = None) -> str:
    """Return what `code` prints to stdout; raise SandboxError if it fails or misbehaves.

    `allow_unisolated` defaults to the CODE_CHECK_ALLOW_UNISOLATED setting.
    """
    if isolation_available():
        command, preexec = bwrap_command(), _limit_sandbox
        cwd, prelude_env = None, {}
    else:
        if not (unisolated_allowed() if allow_unisolated is None else allow_unisolated):
            raise SandboxUnavailable
        command, preexec = [base_python(), *PYTHON_FLAGS, "-c", UNISOLATED_PRELUDE], _limit_plain
        cwd, prelude_env = tempfile.mkdtemp(prefix="snippet-"), ENVIRONMENT
    try:
        returncode, stdout, stderr = _run_capped(command, code, preexec, cwd, prelude_env)
    finally:
        if cwd:
            shutil.rmtree(cwd, ignore_errors=True)
    if returncode != 0:
        raise SandboxError(_failure_message(returncode, stderr))
    return stdout.decode("utf-8", errors="replace")


@functools.cache
def isolation_available() -> bool:
    """Whether bwrap is installed and can build the sandbox here (tried once, then cached)."""
    if not bwrap_path():
        return False
    try:
        returncode, stdout, _ = _run_capped(
            bwrap_command(), "print('ok')", _limit_sandbox, None, {}
        )
    except (OSError, SandboxError):
        return False
    return returncode == 0 and stdout == b"ok\n"


def unisolated_allowed() -> bool:
    """The development-only setting CODE_CHECK_ALLOW_UNISOLATED (False without Django)."""
    from django.conf import settings

    if not settings.configured:
        return False
    return bool(getattr(settings, "CODE_CHECK_ALLOW_UNISOLATED", False))


@register(Tags.security, deploy=True)
def check_sandbox_setting(app_configs=None, **kwargs):
    """Deploy check: lesson code must never run unisolated in production."""
    if unisolated_allowed():
        return [
            CheckWarning(
                "CODE_CHECK_ALLOW_UNISOLATED is True: lesson code may run without the "
                "bubblewrap sandbox, with access to the environment, files and network.",
                hint="Install bubblewrap and remove CODE_CHECK_ALLOW_UNISOLATED.",
                id="courses.W001",
            )
        ]
    return []


def bwrap_path() -> str | None:
    return shutil.which("bwrap") or shutil.which("bwrap", path="/usr/bin:/usr/local/bin:/bin")


def base_python() -> str:
    """The interpreter a virtualenv was made from: the snippet sees no venv, no project."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidate = Path(sys.base_prefix) / "bin" / version
    if candidate.is_file():
        return str(candidate)
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def bwrap_command() -> list[str]:
    """The full bwrap command line: namespaces, mounts, environment, then the prelude."""
    return [
        bwrap_path() or "bwrap",
        *("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"),
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        *[arg for name, value in ENVIRONMENT.items() for arg in ("--setenv", name, value)],
        *("--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"),
        *("--tmpfs", "/"),
        *_runtime_mounts(),
        *("--proc", "/proc"),
        *("--dev", "/dev"),
        *("--size", str(SCRATCH_BYTES), "--perms", "1777", "--tmpfs", SCRATCH_DIR),
        *("--chdir", SCRATCH_DIR),
        *("--remount-ro", "/"),
        base_python(),
        *PYTHON_FLAGS,
        "-c",
        PRELUDE,
    ]


@functools.cache
def _runtime_mounts() -> tuple[str, ...]:
    """Read-only binds of the Python runtime and the shared libraries it loads, nothing else.

    The runtime is mounted at its own path (its RUNPATH to libpython is absolute); its
    site-packages is hidden under an empty tmpfs.
    """
    prefix = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if prefix == Path("/usr"):  # a system Python: its stdlib, not the whole of /usr
        runtime = [Path(base_python()), Path(sysconfig.get_path("stdlib"))]
        runtime.append(Path(sysconfig.get_path("platstdlib")))
    else:
        runtime = [prefix]
    mounts: list[str] = []
    for path in dict.fromkeys(runtime):
        mounts += _ro_bind(str(path))
    site_packages = prefix / "lib" / version / "site-packages"
    if site_packages.is_dir():
        mounts += ["--tmpfs", str(site_packages)]
    return tuple(mounts + _library_mounts())


def _ro_bind(path: str) -> list[str]:
    """Bind `path` read-only at the same place, its parents created 0755 first: left to
    bwrap they would be 0700 (like /root), and the snippet, running as nobody, could not
    reach the mount."""
    parents = reversed(Path(path).parents[:-1])  # without "/"
    made = [arg for parent in parents for arg in ("--perms", "0755", "--dir", str(parent))]
    return [*made, "--ro-bind", path, path]


def _library_mounts() -> list[str]:
    """The dynamic loader and the multiarch library directory (libc, libssl, libz, ...).

    On a merged-/usr system /lib and /lib64 are symlinks into /usr and are recreated as such.
    """
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    mounts: list[str] = []
    for top in ("/lib", "/lib64"):
        if os.path.islink(top):
            target = os.readlink(top)
            mounts += ["--symlink", target, top]
            top = os.path.normpath(os.path.join("/", target))
        directory = os.path.join(top, multiarch) if top.endswith("/lib") and multiarch else top
        if os.path.isdir(directory):
            mounts += _ro_bind(directory)
    usr_lib = os.path.join("/usr/lib", multiarch)
    if multiarch and os.path.isdir(usr_lib) and usr_lib not in mounts:
        mounts += _ro_bind(usr_lib)
    return mounts


def _limit_sandbox():  # pragma: no cover - runs in the child before exec
    """Limits inherited by bwrap and, after its switch to nobody, by the snippet.

    RLIMIT_NPROC does not bind bwrap (root) but binds the snippet's uid 65534.
    """
    _limit_common()
    resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))


def _limit_plain():  # pragma: no cover - runs in the child before exec
    _limit_common()


def _limit_common():  # pragma: no cover - runs in the child before exec
    # SIGXCPU at the soft limit ends the interpreter; the hard limit's SIGKILL is a backstop.
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_NOFILE, (MAX_OPEN_FILES, MAX_OPEN_FILES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class _Stopped(Exception):
    """The parent stopped the sandbox; the message is the reason shown to the author."""


def _run_capped(command, code, preexec, cwd, env) -> tuple[int, bytes, bytes]:
    """Run `command` with `code` on stdin; return (returncode, stdout, stderr).

    Output is read as it comes, at most OUTPUT_BYTES per stream; past that, or past the
    deadline, the whole process group is killed and SandboxError says why. For bwrap, the
    sandbox's PID namespace is gone when this returns, whatever the snippet left running.
    """
    snippet = os.memfd_create("snippet", os.MFD_CLOEXEC)
    info_read, info_write = os.pipe()
    if Path(command[0]).name == "bwrap":  # bwrap reports the namespace init's host pid
        command = [command[0], "--info-fd", str(info_write), *command[1:]]
    try:
        os.write(snippet, code.encode())
        os.lseek(snippet, 0, os.SEEK_SET)
        process = subprocess.Popen(  # noqa: S603 - fixed command line built above
            command,
            pass_fds=(info_write,),
            stdin=snippet,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            preexec_fn=preexec,  # noqa: PLW1509 - only setrlimit, no locks taken
            start_new_session=True,
        )
    finally:
        os.close(snippet)
        os.close(info_write)
    deadline = time.monotonic() + WALL_SECONDS
    info = open(info_read, "rb")  # noqa: SIM115 - closed in the finally below
    chunks = {process.stdout: bytearray(), process.stderr: bytearray(), info: bytearray()}
    try:
        _read_capped(chunks, deadline, limited=(process.stdout, process.stderr))
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except (_Stopped, subprocess.TimeoutExpired) as stop:
        _kill(process)
        reason = str(stop) if isinstance(stop, _Stopped) else _deadline_message()
        raise SandboxError(reason) from None
    finally:
        _end_namespace(chunks[info])
        for stream in chunks:
            stream.close()
    return process.returncode, bytes(chunks[process.stdout]), bytes(chunks[process.stderr])


def _read_capped(chunks, deadline, limited):
    """Read every stream into its buffer until all are closed; stop past a cap or deadline."""
    with selectors.DefaultSelector() as selector:
        for stream in chunks:
            os.set_blocking(stream.fileno(), False)
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                raise _Stopped(_deadline_message())
            for key, _ in selector.select(timeout):
                data = os.read(key.fileobj.fileno(), OUTPUT_BYTES + 1)
                if not data:
                    selector.unregister(key.fileobj)
                    continue
                buffer = chunks[key.fileobj]
                buffer += data
                if len(buffer) > OUTPUT_BYTES and key.fileobj in limited:
                    raise _Stopped(f"it printed more than {OUTPUT_BYTES // 1024} KB")
                if len(buffer) > OUTPUT_BYTES:  # bwrap's info: a few bytes of JSON
                    selector.unregister(key.fileobj)


def _deadline_message() -> str:
    return f"it ran for more than {WALL_SECONDS} seconds"


def _kill(process):
    """Kill the process group and every descendant, and wait until they are gone.

    bwrap's PID-namespace init is killed with it; the kernel then kills everything left in
    the namespace (daemonised or setsid children included) before that init is reaped.
    """
    family = _descendants(process.pid)
    for pid in family:
        _signal(pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    give_up = time.monotonic() + 2
    while any(_alive(pid) for pid in family) and time.monotonic() < give_up:
        time.sleep(0.005)


def _end_namespace(info: bytes):
    """Kill bwrap's PID-namespace init if it is still there, and wait until it is gone.

    bwrap may exit as soon as the snippet does, while its init is still tearing the
    namespace down (the kernel kills every process left in it, daemons included, before
    that init becomes a zombie), so the caller waits for that here.
    """
    try:
        init = int(json.loads(info)["child-pid"])
    except (ValueError, KeyError, TypeError):
        return
    if not _in_other_pid_namespace(init):  # gone, and the pid perhaps already reused
        return
    _signal(init)
    give_up = time.monotonic() + 2
    while _alive(init) and time.monotonic() < give_up:
        time.sleep(0.002)


def _in_other_pid_namespace(pid: int) -> bool:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid") != os.readlink("/proc/self/ns/pid")
    except OSError:
        return False


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        for task in _listdir(f"/proc/{parent}/task"):
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.append(child)
                    pending.append(child)
    return found


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _signal(pid: int):
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie waiting to be reaped by someone else."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.rpartition(")")[2].split()[0] != "Z"


def _failure_message(returncode: int, stderr: bytes) -> str:
    """What went wrong, in the author's terms: a limit, or the traceback's last line."""
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()
    last = lines[-1] if lines else ""
    killed_by = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if killed_by in (signal.SIGXCPU, signal.SIGKILL):  # RLIMIT_CPU's soft, then hard limit
        return f"it ran for more than {CPU_SECONDS} seconds"
    if last.startswith("MemoryError"):
        return "it used too much memory"
    if last.startswith(("SyntaxError", "IndentationError", "TabError")):
        # Python 3.13 prints the line above the message, not in it.
        places = re.findall(rf'File "{re.escape(SNIPPET_NAME)}", line (\d+)', "\n".join(lines))
        if places and f"line {places[-1]}" not in last:
            return f"{last} (line {places[-1]})"
    return last or f"it stopped with exit status {returncode}"
