"""Worker-slot time per job: deferrable vs in-worker waiting, with the real operator methods.

A worker slot is held while ``BauplanRunOperator.execute()`` runs (submit, first status
check, then either deferral or the whole wait) and, for a deferred task, again while
``execute_complete()`` runs (resume, log pull, outcome). The trigger's wait in between runs
in the triggerer and holds no worker slot; here it is the real ``BauplanJobTrigger.run()``.

    python benchmarks/worker_slot.py           # jobs of 10 s and 60 s (poll 2 s -> 10 s)
    python benchmarks/worker_slot.py --quick   # jobs of 2 s and 5 s
    python benchmarks/worker_slot.py --smoke   # jobs of 1 s and 2 s, poll 0.5 s (CI smoke)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "dags_examples" / "taxi_daily"


class BenchTaskInstance:
    """Just enough of a task instance for ``execute()``: it records XCom pushes."""

    def __init__(self) -> None:
        self.xcom: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcom[key] = value


POLL = {"poll_interval": 2.0, "max_poll_interval": 10.0}


def operator(deferrable: bool) -> Any:
    from bauplan_provider.airflow import BauplanRunOperator

    return BauplanRunOperator(
        task_id="bench",
        project_dir=str(PROJECT),
        parameters={"run_date": "2026-12-01"},
        deferrable=deferrable,
        poll_interval=POLL["poll_interval"],
        max_poll_interval=POLL["max_poll_interval"],
    )


def deferrable_slot_seconds() -> float:
    from airflow.exceptions import TaskDeferred

    op = operator(deferrable=True)
    context: Any = {"ti": BenchTaskInstance()}
    started = time.perf_counter()
    try:
        op.execute(context)
    except TaskDeferred as deferred:
        held = time.perf_counter() - started
        trigger = deferred.trigger
    else:
        raise RuntimeError("the operator did not defer")

    async def wait() -> dict[str, Any]:
        async for event in trigger.run():
            return dict(event.payload)
        raise RuntimeError("the trigger fired no event")

    payload = asyncio.run(wait())  # in the triggerer: no worker slot
    started = time.perf_counter()
    op.execute_complete(context, payload)
    return held + (time.perf_counter() - started)


def in_worker_slot_seconds() -> float:
    op = operator(deferrable=False)
    context: Any = {"ti": BenchTaskInstance()}
    started = time.perf_counter()
    op.execute(context)
    return time.perf_counter() - started


def quiet_task_logs() -> TextIO:
    """Send the task logs (printed on stdout outside a task runner) to /dev/null; return a
    stream on the real stdout for the figures."""
    out = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="jobs of 2 s and 5 s")
    parser.add_argument("--smoke", action="store_true", help="jobs of 1 s and 2 s (CI smoke)")
    args = parser.parse_args()
    lengths = [1.0, 2.0] if args.smoke else [2.0, 5.0] if args.quick else [10.0, 60.0]
    if args.smoke:
        POLL.update(poll_interval=0.5, max_poll_interval=1.0)

    from bauplan_provider.testing import BauplanEmulator, JobScript

    with tempfile.TemporaryDirectory(prefix="bauplan-bench-") as tmp, BauplanEmulator() as emu:
        os.environ.update(
            AIRFLOW_HOME=tmp,
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW_CONN_BAUPLAN_DEFAULT=json.dumps(
                {
                    "conn_type": "bauplan",
                    "password": emu.api_key,
                    "extra": {"api_endpoint": emu.endpoint},
                }
            ),
        )
        out = quiet_task_logs()
        print(
            f"worker-slot time per job: python {sys.version.split()[0]}, "
            f"{os.cpu_count()} cores, emulator on loopback, poll "
            f"{POLL['poll_interval']:g} s backing off to {POLL['max_poll_interval']:g} s",
            file=out,
        )
        header = f"  {'job length':>10s} {'deferrable':>12s} {'in-worker':>12s} {'ratio':>8s}"
        print(header, file=out, flush=True)
        for length in lengths:
            emu.script(JobScript(duration=length))
            deferred = deferrable_slot_seconds()
            in_worker = in_worker_slot_seconds()
            print(
                f"  {length:>9.0f}s {deferred:>11.2f}s {in_worker:>11.2f}s "
                f"{in_worker / deferred:>7.1f}x",
                file=out,
                flush=True,
            )
        print(
            "  (deferrable = execute() until deferral + execute_complete(); "
            "in-worker = the whole execute())",
            file=out,
        )


if __name__ == "__main__":
    main()
