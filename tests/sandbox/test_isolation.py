"""A lesson snippet run by courses.sandbox cannot reach the host: its secrets, programs,
network or files. Each test is an escape that worked against the old in-process audit-hook
runner, or one like it."""

import os
import socket
from pathlib import Path

import pytest

from courses import sandbox
from tests.sandbox.helpers import NOBODY, PROJECT, run  # noqa: F401 - fixtures

# The normal case -------------------------------------------------------------------------


def test_prints_what_the_snippet_prints(isolated):
    assert run(isolated, "print(sum(range(10)))\nprint('done')") == "45\ndone\n"


def test_unicode_output(isolated):
    assert run(isolated, "print('naïve café — ✓ λ 🐍')") == "naïve café — ✓ λ 🐍\n"


def test_hash_seed_and_environment_are_set_inside(isolated):
    code = """
        import os, sys
        print(sys.flags.hash_randomization, hash("patternwise"))
        print(sorted(os.environ))
        """
    printed = run(isolated, code)
    assert printed == run(isolated, code)  # string hashes do not change between runs
    assert printed.startswith("0 ")
    assert printed.endswith("['PWD', 'PYTHONHASHSEED', 'PYTHONIOENCODING']\n")


def test_runs_as_nobody_without_capabilities(isolated):
    printed = run(
        isolated,
        """
        import os
        status = dict(l.split(":", 1) for l in open("/proc/self/status"))
        print(os.getresuid(), os.getresgid(), os.getgroups())
        print(status["CapEff"].strip(), status["CapPrm"].strip(), status["NoNewPrivs"].strip())
        """,
    )
    assert printed == (
        f"({NOBODY}, {NOBODY}, {NOBODY}) ({NOBODY}, {NOBODY}, {NOBODY}) []\n"
        "0000000000000000 0000000000000000 1\n"
    )


def test_stdlib_modules_with_shared_libraries_import(isolated):
    code = "import ssl, sqlite3, decimal, zlib, json, hashlib\nprint(hashlib.sha256(b'').hexdigest()[:8])"
    assert run(isolated, code) == "e3b0c442\n"


def test_syntax_error_is_reported_by_its_last_traceback_line(isolated):
    with pytest.raises(sandbox.SandboxError, match=r"^SyntaxError: .*line 2"):
        run(isolated, "x = 1\ndef broken(:\n")


def test_runtime_error_is_reported_by_its_last_traceback_line(isolated):
    with pytest.raises(sandbox.CodeCheckError, match="^ZeroDivisionError: division by zero$"):
        run(isolated, "print('before')\n1 / 0")


# Secrets in the environment --------------------------------------------------------------


def test_no_environment_of_the_host_is_visible(isolated, monkeypatch):
    secret = "pw-fake-secret-5f0c1d"
    monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.setenv("REDIS_URL", f"redis://{secret}@127.0.0.1/11")
    printed = run(
        isolated,
        """
        import os
        print(dict(os.environ))
        for pid in ["self", "1", str(os.getppid())] + [p for p in os.listdir("/proc") if p.isdigit()]:
            try:
                print(pid, open(f"/proc/{pid}/environ", "rb").read())
            except OSError as error:
                print(pid, "refused", error.errno)
        """,
    )
    assert secret not in printed
    assert "SECRET_KEY" not in printed and "REDIS_URL" not in printed
    assert printed.splitlines()[1].startswith("self ")  # the reads did run


def test_host_processes_are_not_visible(isolated):
    printed = run(
        isolated,
        """
        import os
        for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
            print(pid, open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")[0])
        """,
    )
    pids = [line.split()[0] for line in printed.splitlines()]
    assert pids == ["1", "2"]  # bwrap's init and the snippet itself
    assert "pytest" not in printed


# Starting programs ------------------------------------------------------------------------

SHELLS = ["/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/sh", "/usr/bin/env"]


def test_no_shell_exists_inside(isolated):
    printed = run(isolated, f"import os\nprint([p for p in {SHELLS!r} if os.path.exists(p)])")
    assert printed == "[]\n"


def test_spawning_a_shell_fails_every_way(isolated, tmp_path, no_leftovers):
    marker = tmp_path / "escaped"
    command = f"touch {marker}"
    printed = run(
        isolated,
        f"""
        import os, subprocess, _posixsubprocess
        def attempt(name, start):
            try:
                print(name, start())
            except OSError as error:
                print(name, "failed", type(error).__name__)
        attempt("system", lambda: os.system({command!r}))
        attempt("subprocess", lambda: subprocess.run(["/bin/sh", "-c", {command!r}]).returncode)
        attempt("posix_spawn", lambda: os.posix_spawn("/bin/sh", ["sh", "-c", {command!r}], {{}}))
        def fork_exec():
            errpipe_read, errpipe_write = os.pipe()
            pid = _posixsubprocess.fork_exec(
                [b"/bin/sh", b"-c", {command.encode()!r}], [b"/bin/sh"], True, (errpipe_write,),
                None, [], -1, -1, -1, -1, -1, -1, errpipe_read, errpipe_write,
                False, False, -1, None, None, None, -1, None, True)
            os.close(errpipe_write)
            error = os.read(errpipe_read, 100)
            return os.waitpid(pid, 0)[1], error
        attempt("fork_exec", fork_exec)
        """,
    )
    assert printed.splitlines()[0] != "system 0"
    assert "subprocess failed FileNotFoundError" in printed
    assert "posix_spawn failed FileNotFoundError" in printed
    assert "fork_exec" in printed and "OSError:2" in printed  # exec failed: ENOENT
    assert not marker.exists()


# Network ---------------------------------------------------------------------------------


def test_cannot_reach_a_port_on_the_host(isolated):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        listener.settimeout(0.5)
        printed = run(
            isolated,
            f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"leak")
                print("connected")
            except OSError as error:
                print("refused", error.errno)
            """,
        )
        with pytest.raises(TimeoutError):
            listener.accept()
    assert printed.startswith("refused")


def test_has_no_network_interface_but_loopback(isolated):
    printed = run(isolated, "import socket\nprint(sorted(n for _, n in socket.if_nameindex()))")
    assert printed == "['lo']\n"


# Files -----------------------------------------------------------------------------------


def test_host_files_are_not_visible(isolated, tmp_path):
    host_tmp_file = Path("/tmp") / f"pw-sandbox-{os.getpid()}.txt"  # noqa: S108
    host_tmp_file.write_text("host secret")
    try:
        paths = [
            str(PROJECT / "manage.py"),
            str(PROJECT / "db.sqlite3"),
            str(PROJECT),
            str(host_tmp_file),
            str(tmp_path),
            "/tmp",  # noqa: S108
            "/etc/passwd",
            "/etc/shadow",
            "/etc",
            "/root/.ssh",
            "/root/.bash_history",
            "/work",
            "/home",
            "/sys",
            "/var",
        ]
        printed = run(
            isolated,
            f"""
            import os
            for path in {paths!r}:
                print(path, "visible" if os.path.lexists(path) else "hidden")
            """,
        )
    finally:
        host_tmp_file.unlink()
    assert printed.split() == [word for path in paths for word in (path, "hidden")]


def test_root_holds_only_the_runtime_libraries_and_scratch(isolated):
    printed = run(isolated, "import os\nprint(sorted(os.listdir('/')), os.getcwd())")
    assert printed == "['dev', 'lib', 'lib64', 'proc', 'root', 'sandbox', 'usr'] /sandbox\n"


def test_runtime_site_packages_are_hidden(isolated):
    printed = run(
        isolated, "import sys, os\nprint(sys.path, os.listdir(sys.path[-1] + '/../site-packages'))"
    )
    assert "site-packages" not in printed.split("]")[0]
    assert printed.endswith(" []\n")


def test_database_cannot_be_opened(isolated):
    database = PROJECT / "db.sqlite3"
    printed = run(
        isolated,
        """
        import sqlite3
        try:
            rows = sqlite3.connect("file:DATABASE?mode=ro", uri=True).execute(
                "select password from auth_user").fetchall()
            print("read", rows)
        except sqlite3.Error as error:
            print("refused", error)
        """.replace("DATABASE", str(database)),
    )
    assert printed.startswith("refused")


def test_writing_outside_the_scratch_directory_fails(isolated):
    runtime = sandbox.base_python()
    targets = ["/escaped", "/usr/lib/escaped", f"{runtime}.escaped", "/proc/escaped"]
    targets.append("/tmp/escaped")  # noqa: S108 - must not appear in the host's /tmp
    printed = run(
        isolated,
        f"""
        for path in {targets!r}:
            try:
                open(path, "w").write("x")
                print(path, "written")
            except OSError:
                print(path, "refused")
        open("scratch.txt", "w").write("fine")
        print(open("scratch.txt").read())
        """,
    )
    assert printed.split() == [w for path in targets for w in (path, "refused")] + ["fine"]
    assert not any(Path(path).exists() for path in targets)


def test_file_size_and_scratch_space_are_limited(isolated):
    with pytest.raises(sandbox.SandboxError, match="File too large"):
        run(isolated, "open('big', 'wb').write(b'x' * (2 * 1024 * 1024))")
