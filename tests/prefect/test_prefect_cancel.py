"""Prefect stops a wait -> the Bauplan job is cancelled (CancelJob) and the run ends right."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run
from prefect.states import Cancelling
from prefect_helpers import flow_run_logs, read_flow_run, wait_until

from bauplan_provider.prefect import bauplan_run
from bauplan_provider.testing import BauplanEmulator, JobScript

FAST = {"poll_interval": 0.1, "max_poll_interval": 0.5}
STARTED: dict[str, str] = {}


@flow
def direct_flow(project_dir: str, key: str) -> Any:
    STARTED[key] = str(flow_run.get_id())
    return bauplan_run(project_dir, **FAST)


@flow
def submitting_flow(project_dir: str, key: str) -> Any:
    STARTED[key] = str(flow_run.get_id())
    return bauplan_run.submit(project_dir, **FAST).result()


def _cancel_flow_run(flow_run_id: str) -> None:
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(flow_run_id, Cancelling(), force=True)


@pytest.mark.parametrize("which", ["direct", "submit"])
def test_flow_run_cancelled_through_the_api(
    which: str, bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="NEVER"))
    target = direct_flow if which == "direct" else submitting_flow
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["state"] = target(str(bauplan_project_dir), which, return_state=True)
        except BaseException as exc:
            outcome["raised"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    wait_until(lambda: bauplan_emulator.count("CodeSnapshotRun", code="OK"), 30, "submission")
    job_id = bauplan_emulator.jobs()[0].id
    flow_run_id = wait_until(lambda: STARTED.get(which), 10, "flow run id")
    _cancel_flow_run(flow_run_id)
    wait_until(lambda: bauplan_emulator.count("CancelJob"), 15, "CancelJob")
    assert bauplan_emulator.calls("CancelJob")[0].job_id == job_id
    thread.join(30)
    assert not thread.is_alive()
    final = read_flow_run(flow_run_id)
    assert final.state.is_cancelled(), final.state
    logs = flow_run_logs(flow_run_id)
    assert any(f"Cancelled Bauplan job {job_id}" in line for line in logs), logs


@flow(timeout_seconds=2)
def timed_direct_flow(project_dir: str) -> Any:
    return bauplan_run(project_dir, **FAST)


@flow(timeout_seconds=2)
def timed_submit_flow(project_dir: str) -> Any:
    return bauplan_run.submit(project_dir, **FAST).result()


@pytest.fixture(params=["alarm-free", "alarm-taken"])
def sigalrm(request: pytest.FixtureRequest) -> Iterator[str]:
    """SIGALRM as a flow process normally has it (free: Prefect times a sync flow out with an
    alarm), or taken by another handler (pytest-timeout's signal mode, a web server...): then
    Prefect falls back to a watcher thread that cannot interrupt a blocked main thread."""
    previous = signal.getsignal(signal.SIGALRM)
    if request.param == "alarm-free":
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    else:
        signal.signal(signal.SIGALRM, lambda *_: None)
    yield str(request.param)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("which", ["direct", "submit"])
def test_flow_timeout_cancels_the_job(
    which: str, sigalrm: str, bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    """A flow's timeout_seconds reaches a wait on the main thread as an exception; a wait in a
    task-runner thread sees the flow run TimedOut, or, when Prefect cannot deliver the
    timeout, stops by itself a little after it: every way, the job is cancelled."""
    bauplan_emulator.script(JobScript(final_state="NEVER"))
    target = timed_direct_flow if which == "direct" else timed_submit_flow
    state = target(str(bauplan_project_dir), return_state=True)
    assert state.is_failed() and state.name == "TimedOut", state
    wait_until(lambda: bauplan_emulator.count("CancelJob"), 15, "CancelJob")
    job_id = bauplan_emulator.jobs()[0].id
    assert [c.job_id for c in bauplan_emulator.calls("CancelJob")] == [job_id]
    assert bauplan_emulator.wait_for_job(job_id, timeout=10).status == "ABORT"
