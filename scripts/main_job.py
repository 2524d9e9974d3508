"""The main job: run the example pipeline in Airflow and in Prefect against the bundled emulator.

Starts a local Bauplan emulator (no credentials, no network), then runs the scheduled
``taxi_daily`` pipeline, each part showing the Bauplan job's log lines as the orchestrator
logged them:

* ``airflow`` — the example DAG ``bauplan_taxi_daily`` under ``dag.test()`` (default);
* ``prefect`` — the example flow ``taxi-daily`` against a local Prefect server (default);
* ``core``    — the core client alone: submit detached, wait, print the job's logs.

Each orchestrator runs in its own subprocess with its own AIRFLOW_HOME / PREFECT_HOME in a
temp dir; they run at the same time and their output is shown one part after the other.
Ends with one result line per run; exits non-zero if any run failed.

    python scripts/main_job.py [airflow] [prefect] [core]
"""

from __future__ import annotations

import argparse
import os
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from main_job_support import API_KEY_ENV, ENDPOINT_ENV, REPO, PartResult, say

PROJECT = REPO / "dags_examples" / "taxi_daily"
RUN_DATE = "2026-12-01"
PARTS = ("airflow", "prefect", "core")
#: How long each emulated Bauplan job runs: long enough to see the wait.
JOB_SECONDS = 3.0


def run_core(endpoint: str, api_key: str) -> PartResult:
    """Submit the example project with the core client and print its logs."""
    from bauplan_provider.core import BauplanClient, WaitPolicy, describe_job

    client = BauplanClient(api_key=api_key, api_endpoint=endpoint)
    job_id = client.submit_run(PROJECT, ref="main", parameters={"run_date": RUN_DATE})
    say(f"core: submitted Bauplan job {job_id} (detached)")
    job = client.wait_for_job(
        job_id,
        policy=WaitPolicy(poll_interval=0.5, max_poll_interval=2.0),
        on_status_change=lambda j: say("  | " + describe_job(j)),
    )
    job = client.conclude_job(job, lambda line: say("  | " + line))
    return PartResult(ok=True, summary=f"Bauplan job {job.id}", job_ids=[job.id])


class Child:
    """One orchestrator part running in its own process, with its own home directory.

    The parts run at the same time (each mostly waits: on its server's startup, on the
    job); their output is buffered by a reader thread and shown part by part, in order.
    """

    def __init__(self, part: str, endpoint: str, api_key: str, home: Path) -> None:
        self.part = part
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update({ENDPOINT_ENV: endpoint, API_KEY_ENV: api_key, "PYTHONUNBUFFERED": "1"})
        self.script = REPO / "scripts" / f"main_job_{part}.py"
        self.started = time.monotonic()
        self.ended = self.started
        self.process = subprocess.Popen(
            [sys.executable, str(self.script), str(home)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.process.wait()
        self.ended = time.monotonic()
        self.lines.put(None)

    def show_and_wait(self) -> PartResult:
        """Print the part's output as it comes; return its result once it has exited."""
        for line in iter(self.lines.get, None):
            say(line)
        code = self.process.wait()
        result = PartResult.read(self.home)
        if result is None:
            return PartResult(ok=False, summary=f"{self.script.name} exited {code}, no result")
        result.ok = result.ok and code == 0
        return result


def check_jobs(result: PartResult, emu: Any) -> PartResult:
    """Confirm with the emulator that every job the part reported really ran to COMPLETE."""
    if result.ok and not result.job_ids:
        result.ok = False
        result.summary += " (but no Bauplan job id was reported)"
    for job_id in result.job_ids:
        record = emu.job(job_id)
        ran = (record.finished_at or time.time()) - (record.started_at or record.created_at)
        error = f": {record.error_message}" if record.error_message else ""
        result.summary += f" (emulator: {record.status} after {ran:.1f} s{error})"
        result.ok = result.ok and record.status == "COMPLETE"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="PART", help="airflow, prefect or core")
    parts: list[str] = parser.parse_args(argv).parts or ["airflow", "prefect"]
    for part in parts:
        if part not in PARTS:
            parser.error(f"unknown part {part!r}: choose from {', '.join(PARTS)}")

    from bauplan_provider.testing import BauplanEmulator

    started_all = time.monotonic()
    results: list[tuple[str, PartResult, float]] = []
    # A fresh random key, checked by the emulator: the parts must carry it to Bauplan
    # through their own credentials setup (and never print it).
    api_key = "bpk-main-job-" + secrets.token_hex(16)
    with (
        BauplanEmulator(api_key=api_key, default_duration=JOB_SECONDS) as emu,
        tempfile.TemporaryDirectory(prefix="bauplan-main-job-") as tmp,
    ):
        say(f"Bauplan emulator listening on {emu.endpoint} (each job runs {JOB_SECONDS:g} s)")
        children = {
            part: Child(part, emu.endpoint, api_key, Path(tmp) / part)
            for part in parts
            if part != "core"
        }
        for part in parts:
            say(f"\n========== {part} ==========")
            started = time.monotonic()
            child = children.get(part)
            if child is not None:
                result = child.show_and_wait()
                took = child.ended - child.started
            else:
                try:
                    result = run_core(emu.endpoint, api_key)
                except Exception as exc:  # the demo reports every failure as a result line
                    result = PartResult(ok=False, summary=f"{type(exc).__name__}: {exc}")
                took = time.monotonic() - started
            results.append((part, check_jobs(result, emu), took))
    say("\n========== results ==========")
    for part, result, took in results:
        say(f"{'OK  ' if result.ok else 'FAIL'} {part:8s} {result.summary} [{took:.0f} s]")
    say(f"main job took {time.monotonic() - started_all:.0f} s")
    return 0 if all(result.ok for _, result, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
