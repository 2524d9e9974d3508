"""Log ingestion: a 100,000-line Bauplan job log into the Airflow task log and a Prefect run log.

The SDK hands over a job's whole log at once, as one list. What the provider controls is
the writing side: one log call per line, the tail kept, no second copy of the log and no
giant joined string. Each target runs in a fresh child process and reports lines per second
and peak memory growth next to the log's own size.

The log is built in memory as the SDK would hand it over: ``bauplan`` 0.3.5 cannot receive a
``GetLogs`` answer above gRPC's 4 MB default (``decoded message length too large``), so a
100,000-line log cannot come through the emulator in one call. Everything after that hand-
over is the real code path:

* ``airflow``: ``BauplanRunOperator.execute_complete()`` for a finished job — the event
  check, ``BauplanClient.conclude_job`` and the task logger (outside a task runner the task
  log goes to stdout; it is written to a file here and its lines counted);
* ``prefect``: the Prefect tasks' finishing step (``finish_job``) inside a flow run, through
  ``get_run_logger()`` to a local Prefect server (the test harness); the clock stops when
  every line is in the server's database (counted there);
* ``prefect-console``: the same with ``PREFECT_LOGGING_TO_API_ENABLED=false``, so Prefect
  only prints the run log on the console: what the provider's writing side costs without
  Prefect's API log queue (the lines are counted in the console output).

    python benchmarks/log_ingestion.py            # 100,000 lines, 1% of them 10 kB
    python benchmarks/log_ingestion.py --quick    # 10,000 lines
    python benchmarks/log_ingestion.py --smoke    # 2,000 lines (CI smoke)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TARGETS = ("airflow", "prefect", "prefect-console")
# Prefect's console handler prints a Bauplan line as "... | Flow run 'x' - [stdout] INFO: ...".
CONSOLE_MARKS = (" - [stdout] ", " - [stderr] ")


def make_logs(n: int) -> list[Any]:
    from bauplan_provider.core import LogLine

    lines = []
    for i in range(n):
        if i % 100 == 99:
            message = f"row dump {i}: " + "x" * 10_000
        else:
            message = f"model trips_daily_by_zone: processed batch {i} of {n} (12,345 rows)"
        lines.append(LogLine("stderr" if i % 50 == 0 else "stdout", "INFO", message))
    return lines


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def reset_peak_rss() -> None:
    """Reset the kernel's high-water mark (VmHWM) so the peak measured is this step's."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def client_handing_over(lines: Sequence[Any]) -> Any:
    """The core client, with the SDK's hand-over of the whole log replaced by ``lines``."""
    from bauplan_provider.core import BauplanClient

    class HandOverClient(BauplanClient):
        def get_logs(self, job_id: str) -> Sequence[Any]:
            return lines

    return HandOverClient(
        api_key=os.environ["BENCH_API_KEY"], api_endpoint=os.environ["BENCH_ENDPOINT"]
    )


# ----- children ------------------------------------------------------------------------


def child_airflow(n: int, job_id: str) -> dict[str, float]:
    from bauplan_provider.airflow import BauplanRunOperator, hooks
    from bauplan_provider.airflow.events import JobEvent

    before = current_rss_mb()
    lines = make_logs(n)
    held = current_rss_mb() - before
    client = client_handing_over(lines)
    job = client.get_job(job_id)
    hooks.BauplanHook.get_conn = lambda self: client  # type: ignore[method-assign]
    payload = JobEvent(status="success", job_id=job_id, job=job.to_dict()).to_payload()
    op = BauplanRunOperator(task_id="bench", project_dir="/tmp", max_log_lines=n)
    log_path = Path(os.environ["BENCH_TASK_LOG"])
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log_fd, 1)
    reset_peak_rss()
    base = current_rss_mb()
    started = time.perf_counter()
    op.execute_complete({}, payload)
    sys.stdout.flush()
    took = time.perf_counter() - started
    peak = peak_rss_mb()
    with log_path.open(errors="replace") as task_log:
        written = sum(1 for line in task_log if "INFO: " in line)
    return {
        "write_seconds": took,
        "seconds": took,
        "held_mb": held,
        "base_mb": base,
        "peak_mb": peak,
        "written": written,
    }


def child_prefect(n: int, job_id: str) -> dict[str, float]:
    from prefect import flow
    from prefect.context import get_run_context
    from prefect.logging import get_run_logger
    from prefect.logging.handlers import APILogWorker
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL
    from prefect.testing.utilities import prefect_test_harness

    from bauplan_provider.prefect._execution import FollowSettings, finish_job

    before = current_rss_mb()
    lines = make_logs(n)
    measured: dict[str, float] = {"held_mb": current_rss_mb() - before}
    client = client_handing_over(lines)

    @flow(name="log-ingestion-bench")
    def ingest() -> str:
        job = client.get_job(job_id)
        settings = FollowSettings.build(max_log_lines=n)
        reset_peak_rss()
        measured["base_mb"] = current_rss_mb()
        measured["started"] = time.perf_counter()
        finish_job(client, job, settings, get_run_logger())
        measured["write_seconds"] = time.perf_counter() - measured["started"]
        return str(get_run_context().flow_run.id)  # type: ignore[union-attr]

    with prefect_test_harness(server_startup_timeout=120):
        flow_run_id = ingest()
        # No timeout (APILogHandler.flush gives up after 5 s): every line is on the server
        # when the clock stops, and the count below proves it.
        APILogWorker.drain_all(timeout=None)
        measured["seconds"] = time.perf_counter() - measured.pop("started")
        measured["peak_mb"] = peak_rss_mb()
        if os.environ.get("PREFECT_LOGGING_TO_API_ENABLED") == "false":
            measured["written"] = -1  # on the console only: the parent counts them there
        else:
            measured["written"] = lines_on_server(
                PREFECT_API_DATABASE_CONNECTION_URL.value(), flow_run_id
            )
    return measured


def lines_on_server(database_url: str, flow_run_id: str) -> int:
    """Bauplan log lines of the flow run stored by the Prefect server (its SQLite file)."""
    import sqlite3

    path = database_url.split(":///", 1)[1]
    with sqlite3.connect(path) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM log WHERE flow_run_id = ? AND message LIKE '[std%'",
            (flow_run_id,),
        ).fetchone()
    return int(count)


# ----- parent --------------------------------------------------------------------------


def run_child(target: str, n: int, job_id: str, emu: Any, tmp: Path) -> dict[str, Any]:
    """Run one target in a fresh process; its result, or ``{"error": ...}``."""
    result_file, stderr_file = Path(tmp) / f"{target}.json", Path(tmp) / f"{target}.stderr"
    env = dict(os.environ)
    env.update(
        BENCH_API_KEY=emu.api_key,
        BENCH_ENDPOINT=emu.endpoint,
        BENCH_TASK_LOG=str(Path(tmp) / "task.log"),
        AIRFLOW_HOME=str(Path(tmp) / "airflow"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        PREFECT_HOME=str(Path(tmp) / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_MEMO_STORE_PATH=str(Path(tmp) / "prefect" / "memo_store.toml"),
    )
    env.pop("PREFECT_API_URL", None)
    if target == "prefect-console":
        env["PREFECT_LOGGING_TO_API_ENABLED"] = "false"
    child = "airflow" if target == "airflow" else "prefect"
    command = [sys.executable, __file__, "--child", child, "--lines", str(n)]
    command += ["--job-id", job_id, "--result-file", str(result_file)]
    # Prefect also prints every run-log line on the console: a file takes it cheaply.
    with stderr_file.open("w") as stderr:
        completed = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    if completed.returncode != 0:
        tail = stderr_file.read_text(errors="replace")[-2000:]
        return {"error": f"exit code {completed.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(result_file.read_text())
    if result["written"] == -1:
        with stderr_file.open(errors="replace") as console:
            result["written"] = sum(1 for line in console if any(m in line for m in CONSOLE_MARKS))
    if result["written"] != n:
        return {"error": f"{result['written']} of {n} lines reached the log"}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 lines")
    parser.add_argument("--smoke", action="store_true", help="2,000 lines (CI smoke)")
    parser.add_argument("--target", choices=TARGETS, action="append", help="default: all")
    parser.add_argument("--child", choices=("airflow", "prefect"), help=argparse.SUPPRESS)
    parser.add_argument("--lines", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--job-id", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = child_airflow if args.child == "airflow" else child_prefect
        Path(args.result_file).write_text(json.dumps(run(args.lines, args.job_id)))
        sys.stdout.flush()
        # Prefect's at-exit log drain can hang once the harness server is gone; every
        # figure is written, so skip interpreter shutdown.
        os._exit(0)

    from bauplan_provider.testing import BauplanEmulator

    n = 2_000 if args.smoke else 10_000 if args.quick else 100_000
    log_mb = sum(len(line.message) for line in make_logs(n)) / 2**20
    print(
        f"log ingestion: {n:,} lines ({n // 100:,} of 10 kB), {log_mb:.1f} MB of text; python "
        f"{sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    print(
        f"  {'target':16s} {'write s':>8s} {'total s':>8s} {'lines/s':>9s} {'log held':>9s} "
        f"{'peak growth':>12s} {'x log text':>11s}"
    )
    failed = False
    with BauplanEmulator() as emu, tempfile.TemporaryDirectory(prefix="bauplan-bench-") as tmp:
        job = emu.create_job(project_name="bench")
        emu.complete_job(job.id)
        # The smoke run skips a second Prefect server start: it only shows the script runs.
        for target in args.target or (TARGETS[:2] if args.smoke else TARGETS):
            result = run_child(target, n, job.id, emu, Path(tmp))
            if "error" in result:
                print(f"  {target:16s} FAILED: {result['error']}", flush=True)
                failed = True
                continue
            growth = result["peak_mb"] - result["base_mb"]
            print(
                f"  {target:16s} {result['write_seconds']:>8.2f} {result['seconds']:>8.2f} "
                f"{n / result['seconds']:>9,.0f} {result['held_mb']:>7.1f}MB "
                f"{growth:>10.1f}MB {growth / log_mb:>10.1f}x",
                flush=True,
            )
    print(
        "  (write s = until the provider's last log call returned; total s = until every line\n"
        "   is in the target (task-log file, Prefect server database, console), lines/s from\n"
        "   total s; log held = RSS taken by the log as the SDK hands it over; peak growth =\n"
        "   peak RSS while writing minus RSS just before, with the log already held)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
