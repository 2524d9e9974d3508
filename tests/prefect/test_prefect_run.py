"""bauplan_run / bauplan_import in sync and async flows, against the emulator and a real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect import flow
from prefect_helpers import flow_run_artifacts, flow_run_logs

from bauplan_provider.core import JobStatus
from bauplan_provider.prefect import BauplanJobResult, bauplan_run
from bauplan_provider.testing import BauplanEmulator

pytestmark = pytest.mark.bauplan_emulator(default_duration=0.3)

FAST = {"poll_interval": 0.1, "max_poll_interval": 0.5}


@flow
def run_flow(project_dir: str) -> BauplanJobResult:
    return bauplan_run(project_dir, ref="main", **FAST)


def test_sync_flow_direct_call(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    state = run_flow(str(bauplan_project_dir), return_state=True)
    assert state.is_completed(), state.message
    result = state.result()
    assert isinstance(result, BauplanJobResult)
    assert result.job.status is JobStatus.COMPLETE
    assert bauplan_emulator.count("CodeSnapshotRun", code="OK") == 1
    flow_run_id = state.state_details.flow_run_id
    logs = flow_run_logs(flow_run_id)
    assert "[stdout] INFO: Running model trips_clean." in logs
    assert any(f"Bauplan job {result.job_id}" in line for line in logs)
    artifacts = flow_run_artifacts(flow_run_id)
    assert [a.key for a in artifacts] == [f"bauplan-job-{result.job_id.lower()}"]
    assert result.job_id in artifacts[0].data
