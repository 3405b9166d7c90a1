"""CPU time by process family, read from Linux's /proc: what one request of a kind costs the app
servers, the database and the proxy in the load test (`manage.py load_test`), a cost that holds
from one machine to the next better than requests a second do."""

import os
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def snapshot(sessions):
    """{family: CPU seconds so far} for the processes of each session of `sessions` ({session
    id: family}) and PostgreSQL's processes on this machine ("database"), or {} without /proc.

    A process's own time plus that of its children it has reaped: a gunicorn worker replaced or a
    database connection closed between two snapshots still counts, in its parent's."""
    if not PROC.is_dir():
        return {}
    totals = dict.fromkeys([*sessions.values(), "database"], 0.0)
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        # After the name: state, ppid, pgrp, session, ..., utime (11), stime, cutime, cstime.
        fields = stat[stat.rindex(")") + 2 :].split()
        family = sessions.get(int(fields[3])) or ("database" if name == "postgres" else None)
        if family:
            totals[family] += sum(int(value) for value in fields[11:15]) / TICKS
    return totals


def per_request(before, after, requests):
    """{family: CPU milliseconds per request} between two snapshots."""
    if not before or not requests:
        return {}
    return {name: 1000 * (after[name] - before[name]) / requests for name in before}
