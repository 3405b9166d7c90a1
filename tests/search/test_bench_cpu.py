"""The load test's CPU time by process family (search/bench/cpu.py), read from /proc."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.bench import cpu

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux's /proc")

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def test_a_session_s_cpu_time_counts_its_processes_and_the_children_they_reaped():
    # A session whose leader starts a child that burns 0.3 s of CPU and is reaped, then burns
    # 0.2 s itself: 0.5 s in all, the child's in its parent's reaped time once it is gone.
    code = (
        "import subprocess, sys\n"
        f"subprocess.run([sys.executable, '-c', {BURN.format(seconds=0.3)!r}], check=True)\n"
        + BURN.format(seconds=0.2)
        + "import time; time.sleep(30)\n"
    )
    leader = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    try:
        sessions = {leader.pid: "app"}
        deadline = time.monotonic() + 20
        while cpu.snapshot(sessions)["app"] < 0.5 and time.monotonic() < deadline:
            time.sleep(0.05)
        spent = cpu.snapshot(sessions)["app"]
        assert 0.5 <= spent < 1.5
        # Nothing else counts as the app: this test's own process is not in that session.
        assert cpu.snapshot({}).keys() == {"database"}
    finally:
        leader.kill()
        leader.wait()


def test_the_cost_of_a_request_is_the_time_between_two_snapshots_over_the_requests():
    before = {"app": 1.0, "database": 2.0}
    after = {"app": 1.5, "database": 2.25}
    assert cpu.per_request(before, after, 50) == {"app": 10.0, "database": 5.0}
    assert cpu.per_request({}, after, 50) == {}  # no /proc: nothing measured
    assert cpu.per_request(before, after, 0) == {}
