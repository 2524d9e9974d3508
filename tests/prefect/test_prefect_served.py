"""A served deployment (a runner in another process, as users run flows) cancelled through the
Prefect API while ``bauplan_run`` waits: the Bauplan job is cancelled and the run ends Cancelled.

One serving process and one emulator for the module; each scenario scripts its own ``ref``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.states import Cancelling
from prefect_helpers import flow_run_logs, read_flow_run, wait_until
from prefect_setup import subprocess_env
from project_files import write_project

from bauplan_provider.testing import BauplanEmulator, JobScript

SERVE_SCRIPT = Path(__file__).with_name("served") / "serve_bauplan_flows.py"
READY_LINE = "being served and polling"
START_TIMEOUT = 90.0


@pytest.fixture(scope="module")
def served(
    prefect_server: str, prefect_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BauplanEmulator, Path]]:
    """The emulator, and a ``prefect.serve`` process pointed at it and at the harness."""
    project = write_project(tmp_path_factory.mktemp("served") / "project")
    out = tmp_path_factory.mktemp("served-logs") / "serve.out"
    with BauplanEmulator(default_duration=0.3) as emulator:
        env = subprocess_env(prefect_server, prefect_home, PYTHONUNBUFFERED="1")
        env = {k: v for k, v in env.items() if not k.startswith("BAUPLAN_")}
        env.update(emulator.env)
        with open(out, "wb") as sink:
            proc = subprocess.Popen(
                [sys.executable, str(SERVE_SCRIPT)],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:

            def ready() -> bool:
                if proc.poll() is not None:
                    raise AssertionError(f"serve exited {proc.returncode}:\n{out.read_text()}")
                return READY_LINE in out.read_text(errors="replace")

            wait_until(ready, START_TIMEOUT, "the deployments to be served", interval=0.25)
            yield emulator, project
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            if sys.exc_info()[0] is not None:
                print(out.read_text(errors="replace")[-5000:])


def _job_submitted_for(emulator: BauplanEmulator, ref: str) -> str | None:
    for entry in emulator.calls("CodeSnapshotRun", code="OK"):
        if entry.fields.get("ref") == ref and entry.job_id:
            return entry.job_id
    return None


@pytest.mark.parametrize("variant", ["direct", "submit"])
def test_cancelling_a_served_run_cancels_the_bauplan_job(
    variant: str, served: tuple[BauplanEmulator, Path]
) -> None:
    emulator, project = served
    ref = f"served-{variant}"
    emulator.script(JobScript(final_state="NEVER"), ref=ref)
    flow_run = run_deployment(
        f"served-bauplan-{variant}/served",
        parameters={"project_dir": str(project), "ref": ref},
        timeout=0,
    )
    job_id: str = wait_until(lambda: _job_submitted_for(emulator, ref), 60, "the submission")
    wait_until(lambda: emulator.job(job_id).status == "RUNNING", 30, "the job to run", interval=0.2)
    asked_at = time.monotonic()
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(flow_run.id, Cancelling())

    wait_until(
        lambda: [e for e in emulator.calls("CancelJob") if e.job_id == job_id], 30, "CancelJob"
    )
    assert emulator.wait_for_job(job_id, timeout=10).status == "ABORT"
    print(f"{variant}: CancelJob {time.monotonic() - asked_at:.2f} s after the cancel request")

    final: Any = wait_until(
        lambda: (lambda run: run if run.state.is_final() else None)(read_flow_run(flow_run.id)),
        60,
        "the flow run to end",
        interval=0.5,
    )
    assert final.state.is_cancelled(), final.state
    logs = flow_run_logs(flow_run.id)
    assert any(f"Cancelled Bauplan job {job_id}" in line for line in logs), logs
    assert len([e for e in emulator.calls("CodeSnapshotRun") if e.fields.get("ref") == ref]) == 1
