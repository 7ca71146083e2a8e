"""A lesson snippet cannot outlast or outgrow the sandbox: CPU, wall clock, processes, memory
and output are limited, nothing it starts survives, and without bubblewrap nothing runs
unless a development setting allows it."""

import resource
import subprocess
import time

import pytest
from django.core.checks.registry import registry

from courses import sandbox
from tests.sandbox.helpers import NOBODY, run  # noqa: F401 - fixtures

# Processes and time ----------------------------------------------------------------------


def test_infinite_loop_ends_at_the_cpu_limit(isolated, no_leftovers):
    started = time.monotonic()
    with pytest.raises(sandbox.SandboxError, match=r"^it ran for more than \d+ seconds$"):
        run(isolated, "while True:\n    pass")
    assert time.monotonic() - started < sandbox.WALL_SECONDS + 1


def test_sleeping_forever_ends_at_the_wall_clock_deadline(isolated, monkeypatch, no_leftovers):
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(sandbox.SandboxError, match="^it ran for more than 1 seconds$"):
        run(isolated, "import time\ntime.sleep(60)")
    assert time.monotonic() - started < 3


def test_process_count_is_limited(isolated, no_leftovers):
    printed = run(
        isolated,
        """
        import os, time
        children = 0
        try:
            for _ in range(500):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                children += 1
        except OSError as error:
            print("stopped", error.errno)
        print(children)
        """,
    )
    lines = printed.split()
    assert lines[:2] == ["stopped", "11"]  # EAGAIN
    assert int(lines[2]) < sandbox.MAX_PROCESSES


def test_fork_bomb_is_contained_and_ends(isolated, monkeypatch, no_leftovers):
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 2)
    started = time.monotonic()
    with pytest.raises(sandbox.SandboxError, match="^it ran for more than"):
        run(
            isolated,
            """
            import os
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
            """,
        )
    assert time.monotonic() - started < 4


def test_daemonised_children_do_not_survive(isolated, no_leftovers):
    printed = run(
        isolated,
        """
        import os, subprocess, sys, time
        subprocess.Popen([sys.executable, "-S", "-c", "import time; time.sleep(60)"],
                         start_new_session=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        if os.fork() == 0:  # the classic double fork
            os.setsid()
            if os.fork() == 0:
                os.close(1); os.close(2)
                time.sleep(60)
            os._exit(0)
        time.sleep(0.2)
        print("parent done")
        """,
    )
    assert printed == "parent done\n"


def test_daemonised_children_of_a_snippet_past_its_deadline_do_not_survive(
    isolated, monkeypatch, no_leftovers
):
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 1)
    with pytest.raises(sandbox.SandboxError, match="^it ran for more than 1 seconds$"):
        run(
            isolated,
            """
            import os, time
            if os.fork() == 0:
                os.setsid()
                time.sleep(60)
            time.sleep(60)
            """,
        )


def test_killing_everything_it_can_see_hurts_no_host_process(isolated, no_leftovers):
    sentinel = subprocess.Popen(["sleep", "30"], user=NOBODY, group=NOBODY, extra_groups=[])
    try:
        printed = run(
            isolated,
            """
            import os, signal
            for target in (os.getppid(), 1, -1):
                try:
                    os.kill(target, signal.SIGKILL)
                    print(target, "sent")
                except OSError as error:
                    print(target, "refused", error.errno)
            """,
        )
        assert sentinel.poll() is None  # same uid, other PID namespace: out of reach
    finally:
        sentinel.kill()
        sentinel.wait()
    assert "1 refused" in printed  # bwrap's init runs as root


# Memory and output -----------------------------------------------------------------------


def test_memory_bomb_hits_the_address_space_limit(isolated):
    with pytest.raises(sandbox.SandboxError, match="^it used too much memory$"):
        run(isolated, "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 1024 * 1024))")


def max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_output_flood_is_capped_while_read(isolated, stream, no_leftovers):
    before = max_rss_bytes()
    with pytest.raises(sandbox.SandboxError, match=r"^it printed more than \d+ KB$"):
        run(
            isolated,
            f"""
            import sys
            chunk = "x" * (1024 * 1024)
            for _ in range(2000):
                sys.{stream}.write(chunk)
            """,
        )
    assert max_rss_bytes() - before < 50 * 1024 * 1024


def test_output_just_under_the_cap_is_returned(isolated):
    size = sandbox.OUTPUT_BYTES - 1
    assert run(isolated, f"print('y' * {size - 1})") == "y" * (size - 1) + "\n"


# Without bubblewrap ----------------------------------------------------------------------


@pytest.fixture
def without_bwrap(monkeypatch):
    monkeypatch.setattr(sandbox, "isolation_available", lambda: False)


def test_missing_isolation_is_refused_clearly(without_bwrap, settings):
    settings.CODE_CHECK_ALLOW_UNISOLATED = False
    with pytest.raises(sandbox.SandboxUnavailable, match=r"apt-get install bubblewrap"):
        sandbox.run_snippet("print(1)")


def test_refusal_is_a_code_check_error_for_existing_callers(without_bwrap):
    with pytest.raises(sandbox.CodeCheckError):
        sandbox.run_snippet("print(1)", allow_unisolated=False)


def test_development_setting_runs_unisolated_with_limits(without_bwrap, settings):
    settings.CODE_CHECK_ALLOW_UNISOLATED = True
    assert sandbox.run_snippet("import sys\nprint(sys.flags.hash_randomization)") == "0\n"
    with pytest.raises(sandbox.SandboxError, match="printed more than"):
        sandbox.run_snippet("print('x' * 10**7)")


def test_unisolated_run_can_be_allowed_by_argument(without_bwrap, settings):
    settings.CODE_CHECK_ALLOW_UNISOLATED = False
    assert sandbox.run_snippet("print('é')", allow_unisolated=True) == "é\n"


def test_deploy_check_warns_when_unisolated_runs_are_allowed(settings):
    settings.CODE_CHECK_ALLOW_UNISOLATED = True
    assert [message.id for message in sandbox.check_sandbox_setting()] == ["courses.W001"]
    settings.CODE_CHECK_ALLOW_UNISOLATED = False
    assert sandbox.check_sandbox_setting() == []


def test_deploy_check_is_registered_for_deployment_only():
    assert sandbox.check_sandbox_setting in registry.get_checks(include_deployment_checks=True)
    assert sandbox.check_sandbox_setting not in registry.get_checks()
