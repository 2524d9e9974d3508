"""Every flow in ``flows_examples/`` runs to success under a real local Prefect server.

The flows run as shipped (the real tasks and the real SDK against the emulator); the tests
only make task retries immediate, and where the wait is not the point, the emulated jobs end
at once (``default_duration=0``). The scheduled deployment is checked by registering it with
the server (a served deployment would also run it; the harness runs no scheduler).
"""

from __future__ import annotations

import ast
from datetime import date, timedelta
from typing import Any

import pytest
from flow_example_support import FLOWS, MODEL_LINES, flow_run_logs, load_example, read_flow_run

from bauplan_provider.core import BauplanJobFailedError, JobStatus
from bauplan_provider.prefect import BauplanCredentials, BauplanJobResult
from bauplan_provider.testing import BauplanEmulator, JobScript

SECRET = "bpk-example-flows-SECRET-91c4"
DAY = date(2026, 12, 1)

pytestmark = pytest.mark.bauplan_emulator(api_key=SECRET, default_duration=0.3)
#: Jobs that are over by the first poll: for tests about something other than the wait.
instant_jobs = pytest.mark.bauplan_emulator(default_duration=0)


@pytest.fixture
def block_only(bauplan_emulator: BauplanEmulator, monkeypatch: pytest.MonkeyPatch) -> str:
    """Save a ``bauplan`` BauplanCredentials block for the emulator; drop the SDK's env.

    A passing flow then proves that the block carried the endpoint and the key.
    """
    monkeypatch.delenv("BAUPLAN_API_ENDPOINT", raising=False)
    monkeypatch.delenv("BAUPLAN_API_KEY", raising=False)
    BauplanCredentials(api_key=SECRET, api_endpoint=bauplan_emulator.endpoint).save(
        "bauplan", overwrite=True
    )
    return "bauplan"


def _completed(state: Any) -> tuple[Any, list[str]]:
    assert state.is_completed(), state.message
    flow_run_id = state.state_details.flow_run_id
    logs = flow_run_logs(flow_run_id)
    assert not any(SECRET in line for line in logs)
    return state.result(), logs


# ----- the scheduled pipeline -------------------------------------------------------------


def test_pipeline_flow_runs_with_the_credentials_block(
    bauplan_emulator: BauplanEmulator, block_only: str
) -> None:
    example = load_example("taxi_daily_flow")
    state = example.taxi_daily_flow(run_date=DAY, credentials_block=block_only, return_state=True)
    result, logs = _completed(state)

    assert isinstance(result, BauplanJobResult) and result.status is JobStatus.COMPLETE
    (submission,) = bauplan_emulator.calls("CodeSnapshotRun")
    assert result.job_id == submission.job_id
    assert submission.fields["project_name"] == "taxi_daily"
    assert submission.fields["ref"] == "main"
    assert submission.fields["parameters"] == {"run_date": "2026-12-01", "min_trip_miles": 0.1}
    for line in MODEL_LINES:
        assert line in logs
    assert f"Bauplan job {result.job_id} completed." in logs


@instant_jobs
def test_pipeline_flow_defaults_to_the_day_before_its_scheduled_time(
    bauplan_emulator: BauplanEmulator, block_only: str
) -> None:
    example = load_example("taxi_daily_flow")
    state = example.taxi_daily_flow(return_state=True)
    _completed(state)

    scheduled = read_flow_run(state.state_details.flow_run_id).expected_start_time
    (submission,) = bauplan_emulator.calls("CodeSnapshotRun")
    day_before = (scheduled.date() - timedelta(days=1)).isoformat()
    assert submission.fields["parameters"]["run_date"] == day_before


@instant_jobs
def test_pipeline_flow_failure_fails_the_flow_with_the_bauplan_message(
    bauplan_emulator: BauplanEmulator, block_only: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bauplan_emulator.script(
        JobScript(final_state="FAIL", error_message="trips_daily_by_zone: no trips on 2026-12-01"),
        project_name="taxi_daily",
    )
    example = load_example("taxi_daily_flow")
    retries = example.run_pipeline.retries
    monkeypatch.setattr(
        example, "run_pipeline", example.run_pipeline.with_options(retry_delay_seconds=0)
    )

    state = example.taxi_daily_flow(run_date=DAY, return_state=True)

    assert state.is_failed()
    with pytest.raises(BauplanJobFailedError, match="no trips on 2026-12-01"):
        state.result()
    logs = flow_run_logs(state.state_details.flow_run_id)
    assert any("trips_daily_by_zone: no trips on 2026-12-01" in line for line in logs)
    assert MODEL_LINES[0] in logs  # the failed job's logs are in the run log too
    # Each try resubmitted the pipeline: the first run plus the task's retries.
    assert retries == 2
    assert bauplan_emulator.count("CodeSnapshotRun", code="OK") == 1 + retries
    assert not any(SECRET in line for line in logs)


@instant_jobs
def test_pipeline_deployment_is_a_daily_cron_served_behind_a_main_guard(
    bauplan_emulator: BauplanEmulator,
) -> None:
    from prefect.client.orchestration import get_client

    example = load_example("taxi_daily_flow")
    deployment = example.taxi_daily_flow.to_deployment(**example.DEPLOYMENT)
    deployment_id = deployment.apply()
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
    assert stored.name == "taxi-daily"
    assert [s.schedule.cron for s in stored.schedules] == ["0 6 * * *"]
    assert stored.parameters == {"branch": "main", "credentials_block": "bauplan"}

    # `python taxi_daily_flow.py` serves exactly that deployment, and only then.
    tree = ast.parse((FLOWS / "taxi_daily_flow.py").read_text())
    (guard,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'"
    ]
    assert [ast.unparse(stmt) for stmt in guard.body] == ["taxi_daily_flow.serve(**DEPLOYMENT)"]


# ----- import then run --------------------------------------------------------------------


@instant_jobs
def test_import_then_run_flow_imports_then_runs_on_the_branch(
    bauplan_emulator: BauplanEmulator, block_only: str
) -> None:
    example = load_example("import_then_run_flow")
    state = example.import_then_run_flow(DAY, branch="ingest_taxi", return_state=True)
    result, logs = _completed(state)

    (load,) = bauplan_emulator.calls("TableDataImport")
    (run,) = bauplan_emulator.calls("CodeSnapshotRun")
    assert load.fields["table"] == "taxi_fhvhv"
    assert load.fields["search_uri"] == "s3://taxi-landing/fhvhv/2026-12-01/*.parquet"
    assert load.fields["branch"] == "ingest_taxi"
    assert load.fields["import_duplicate_files"] is False
    assert run.fields["ref"] == "ingest_taxi"
    assert run.fields["parameters"]["run_date"] == "2026-12-01"
    # The pipeline was submitted only once the import had completed.
    assert run.time > bauplan_emulator.job(load.job_id).finished_at
    assert result.job_id == run.job_id
    assert "[stdout] INFO: Importing files into table taxi_fhvhv." in logs
    assert MODEL_LINES[-1] in logs


@instant_jobs
def test_import_failure_fails_the_flow_before_the_pipeline(
    bauplan_emulator: BauplanEmulator, block_only: str
) -> None:
    bauplan_emulator.script(
        JobScript(final_state="FAIL", error_message="fhvhv_2026-12-01.parquet: bad schema"),
        table="taxi_fhvhv",
    )
    example = load_example("import_then_run_flow")
    state = example.import_then_run_flow(DAY, return_state=True)

    assert state.is_failed()
    assert "fhvhv_2026-12-01.parquet: bad schema" in str(state.message)
    assert bauplan_emulator.count("CodeSnapshotRun") == 0


# ----- submit, then wait --------------------------------------------------------------------


def test_submit_and_wait_flow_uses_the_sdk_env_and_reports_the_job(
    bauplan_emulator: BauplanEmulator,
) -> None:
    # No block: credentials_block=None leaves them to the SDK (the fixture's BAUPLAN_* env).
    example = load_example("submit_and_wait_flow")
    state = example.submit_and_wait_flow(DAY, return_state=True)
    summary, logs = _completed(state)

    (submission,) = bauplan_emulator.calls("CodeSnapshotRun")
    job_id = submission.job_id
    assert summary.startswith(f"Bauplan job {job_id} ended COMPLETE")
    assert summary in logs
    assert f"Submitted Bauplan run {job_id} for project {FLOWS / 'taxi_daily'}." in logs
    assert MODEL_LINES[0] in logs
    assert bauplan_emulator.count("CancelJob") == 0
