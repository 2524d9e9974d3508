"""The main job: run the example pipeline against the bundled emulator and show its logs.

Starts a local Bauplan emulator (no credentials, no network), then runs the scheduled
``taxi_daily`` pipeline:

* ``core``    — submit detached with the core client, wait, print the job's logs;
* ``airflow`` — the example DAG ``bauplan_taxi_daily`` under ``dag.test()``;
* ``prefect`` — the example flow ``taxi_daily_flow`` under a local Prefect server.

Each orchestrator runs in its own subprocess (its own AIRFLOW_HOME / PREFECT_HOME in a temp
dir). Ends with one result line per run; exits non-zero if any run failed.

    python scripts/main_job.py [core|airflow|prefect ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "dags_examples" / "taxi_daily"
RUN_DATE = "2026-12-01"


def run_core(endpoint: str, api_key: str) -> str:
    """Submit the example project with the core client and print its logs."""
    from bauplan_provider.core import BauplanClient, WaitPolicy, describe_job

    client = BauplanClient(api_key=api_key, api_endpoint=endpoint)
    job_id = client.submit_run(PROJECT, ref="main", parameters={"run_date": RUN_DATE})
    print(f"submitted Bauplan job {job_id} (detached)")
    job = client.wait_for_job(
        job_id,
        policy=WaitPolicy(poll_interval=0.5, max_poll_interval=2.0),
        on_status_change=lambda j: print(describe_job(j)),
    )
    job = client.conclude_job(job, print)
    return f"job {job.id} {job.status.value} in {job.duration_seconds or 0:.1f} s"


def _child(part: str, endpoint: str, api_key: str, workdir: Path) -> int:
    """Run one orchestrator part in a subprocess with its own home directories."""
    env = dict(os.environ)
    env.update(
        {
            "BAUPLAN_MAIN_JOB_ENDPOINT": endpoint,
            "BAUPLAN_MAIN_JOB_API_KEY": api_key,
            "PYTHONUNBUFFERED": "1",
        }
    )
    home = workdir / part
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.call(
        [sys.executable, str(REPO / "scripts" / f"main_job_{part}.py"), str(home)], env=env
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "parts", nargs="*", default=["core"], choices=["core", "airflow", "prefect"]
    )
    args = parser.parse_args(argv)

    from bauplan_provider.testing import BauplanEmulator

    results: list[tuple[str, bool, str]] = []
    with (
        BauplanEmulator(default_duration=3.0) as emu,
        tempfile.TemporaryDirectory(prefix="bauplan-main-job-") as tmp,
    ):
        print(f"Bauplan emulator listening on {emu.endpoint}")
        for part in args.parts:
            print(f"\n========== {part} ==========", flush=True)
            started = time.monotonic()
            if part == "core":
                try:
                    results.append((part, True, run_core(emu.endpoint, emu.api_key)))
                except Exception as exc:  # the demo reports every failure as a result line
                    results.append((part, False, f"{type(exc).__name__}: {exc}"))
                continue
            rc = _child(part, emu.endpoint, emu.api_key, Path(tmp))
            took = time.monotonic() - started
            runs = [e for e in emu.calls("CodeSnapshotRun") if e.code == "OK"]
            job_id = runs[-1].job_id if runs else None
            status = emu.job(job_id).status if job_id else "no job submitted"
            ok = rc == 0 and status == "COMPLETE"
            results.append((part, ok, f"job {job_id} {status}, {took:.0f} s (exit code {rc})"))
    print("\n========== results ==========")
    for part, ok, text in results:
        print(f"{'OK  ' if ok else 'FAIL'} {part:8s} {text}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
