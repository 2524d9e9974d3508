"""Every SDK call the provider uses, driven with the real ``bauplan`` SDK against the emulator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import bauplan
import pytest
from bauplan.exceptions import BauplanError
from bauplan.schema import JobKind, JobState
from emulator_helpers import state, wait_terminal

from bauplan_provider.testing import BauplanEmulator, JobScript


def test_detached_run_completes_with_one_log_per_model(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    run = client.run(
        str(project_dir),
        ref="main",
        namespace="bronze",
        parameters={"run_date": "2024-02-02"},
        args={"team": "data"},
        priority=3,
        detach=True,
    )

    job = wait_terminal(client, run.job_id)

    assert state(job) == "COMPLETE"
    assert job.id == run.job_id
    assert job.user == "emulator-user"
    assert job.runner == "emulator-runner"
    assert job.error_message is None
    assert job.created_at <= job.started_at <= job.finished_at
    assert [e.message for e in client.get_job_logs(run.job_id)] == [
        "Running model clean_orders.",
        "Running model order_stats.",
        "Running model trips.",
    ]
    (entry,) = emu.calls("CodeSnapshotRun")
    assert entry.code == "OK"
    assert entry.job_id == run.job_id
    assert entry.fields["project_name"] == "demo_project"
    assert entry.fields["ref"] == "main"
    assert entry.fields["namespace"] == "bronze"
    assert entry.fields["parameters"] == {"run_date": "2024-02-02"}
    assert entry.fields["args"] == {"team": "data"}
    assert entry.fields["priority"] == 3


def test_job_goes_through_not_started_and_running(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    emu.script(JobScript(queue_delay=0.5, duration=0.5))
    run = client.run(str(project_dir), ref="main", detach=True)

    seen = [state(client.get_job(run.job_id))]
    while seen[-1] not in ("COMPLETE", "FAIL", "ABORT"):
        current = state(client.get_job(run.job_id))
        if current != seen[-1]:
            seen.append(current)

    assert seen == ["NOT_STARTED", "RUNNING", "COMPLETE"]
    job = client.get_job(run.job_id)
    assert job.started_at - job.created_at >= dt.timedelta(seconds=0.49)


def test_attached_run_streams_subscribe_logs(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    result = client.run(str(project_dir), ref="main")

    assert result.job_status == "SUCCESS"
    assert emu.count("SubscribeLogs", code="OK") == 1
    assert state(client.get_job(result.job_id)) == "COMPLETE"


def test_attached_run_reports_scripted_failure(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    emu.script(JobScript(final_state="FAIL", error_message="boom"), project_name="demo_project")

    result = client.run(str(project_dir), ref="main")

    assert result.job_status == "FAILED"
    assert "boom" in result.error


def test_detached_import(emu: BauplanEmulator, client: Any) -> None:
    started = client.import_data(
        "trips",
        "s3://bucket/trips/*.parquet",
        branch="alice.dev",
        namespace="raw",
        best_effort=True,
        detach=True,
    )

    job = wait_terminal(client, started.job_id)

    assert state(job) == "COMPLETE"
    assert job.kind == JobKind.TABLE_IMPORT
    (entry,) = emu.calls("TableDataImport")
    assert entry.job_id == started.job_id
    assert entry.fields["table"] == "trips"
    assert entry.fields["branch"] == "alice.dev"
    assert entry.fields["search_uri"] == "s3://bucket/trips/*.parquet"
    assert entry.fields["best_effort"] is True
    assert emu.job(started.job_id).table == "trips"


def test_get_job_unknown_id_is_not_found(emu: BauplanEmulator, client: Any) -> None:
    with pytest.raises(BauplanError, match="job not found: nope"):
        client.get_job("nope")
    (entry,) = emu.calls("GetJobs")
    assert entry.fields["job_ids"] == ["nope"]
    assert entry.fields["all_users"] is True
    assert entry.fields["returned"] == 0


def test_get_jobs_filters(emu: BauplanEmulator, client: Any, project_dir: Path) -> None:
    run = client.run(str(project_dir), ref="main", detach=True)
    imp = client.import_data("t", "s3://b/*.csv", detach=True)
    other = emu.create_job(user="bob", script=JobScript(final_state="FAIL"))
    never = emu.create_job(script=JobScript(final_state="NEVER"))
    for job_id in (run.job_id, imp.job_id, other.id):
        emu.wait_for_job(job_id)

    def ids(**kwargs: Any) -> set[str]:
        return {j.id for j in client.get_jobs(**kwargs)}

    mine = {run.job_id, imp.job_id, never.id}
    assert ids() == mine
    assert ids(filter_by_current_user=False) == mine | {other.id}
    assert ids(filter_by_current_user=False, filter_by_users="bob") == {other.id}
    assert ids(filter_by_ids=[run.job_id, other.id]) == {run.job_id}
    assert ids(filter_by_kinds=JobKind.TABLE_IMPORT) == {imp.job_id}
    assert ids(filter_by_statuses=JobState.RUNNING) == {never.id}
    assert ids(filter_by_current_user=False, filter_by_statuses=[JobState.FAIL]) == {other.id}
    created = emu.job(imp.job_id).created_at
    boundary = dt.datetime.fromtimestamp(created, tz=dt.timezone.utc)
    assert ids(filter_by_created_after=boundary) == {imp.job_id, never.id}
    assert ids(filter_by_created_before=boundary) == {run.job_id, imp.job_id}
    assert len(list(client.get_jobs(limit=2))) == 2
    last = emu.calls("GetJobs")[-1]
    assert last.fields["max_records"] == 2


def test_get_jobs_pages_past_500(emu: BauplanEmulator, client: Any) -> None:
    seeded = {emu.create_job(script=JobScript(duration=0)).id for _ in range(1203)}

    listed = [j.id for j in client.get_jobs()]

    assert len(listed) == 1203
    assert set(listed) == seeded
    pages = emu.calls("GetJobs")
    assert [e.fields["returned"] for e in pages] == [500, 500, 203]
    assert [e.fields["max_records"] for e in pages] == [0, 0, 0]
    assert pages[0].fields["pagination_token"] == ""
    assert pages[1].fields["pagination_token"] == pages[0].fields["next_pagination_token"] != ""


def test_get_jobs_limit_above_page_cap(emu: BauplanEmulator, client: Any) -> None:
    for _ in range(620):
        emu.create_job(script=JobScript(duration=0))

    listed = list(client.get_jobs(limit=600))

    assert len(listed) == 600
    assert all(e.fields["returned"] <= 500 for e in emu.calls("GetJobs"))


def test_get_job_context_with_logs_and_snapshot(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    emu.script(JobScript(final_state="FAIL", error_message="model order_stats failed"))
    run = client.run(str(project_dir), ref="alice.feature", detach=True)
    wait_terminal(client, run.job_id)

    ctx = client.get_job_context(run.job_id, include_logs=True, include_snapshot=True)

    assert ctx.id == run.job_id
    assert ctx.project_id == "5f1c0a3e-0000-4000-8000-000000000001"
    assert ctx.project_name == "demo_project"
    assert ctx.ref == "alice.feature"
    assert ctx.error_message == "model order_stats failed"
    assert sorted(n.name for n in ctx.dag_nodes) == ["clean_orders", "order_stats", "trips"]
    messages = [e.message for e in ctx.logs]
    assert "Running model trips." in messages
    assert "model order_stats failed" in messages
    assert set(ctx.snapshot_dict) == {"bauplan_project.yml", "models.py", "trips.sql"}
    (entry,) = emu.calls("GetJobContext")
    assert entry.fields["include_logs"] is True
    assert entry.job_id == run.job_id


def test_get_job_context_without_logs(emu: BauplanEmulator, client: Any, project_dir: Path) -> None:
    run = client.run(str(project_dir), ref="main", detach=True)
    ctx = client.get_job_context(run.job_id)
    assert ctx.logs == []
    assert ctx.snapshot_dict == {}


def test_cancel_reaches_abort(emu: BauplanEmulator, client: Any, project_dir: Path) -> None:
    emu.script(JobScript(final_state="NEVER"))
    run = client.run(str(project_dir), ref="main", detach=True)

    client.cancel_job(run.job_id)
    job = wait_terminal(client, run.job_id)

    assert state(job) == "ABORT"
    assert job.finished_at is not None
    (entry,) = emu.calls("CancelJob")
    assert entry.job_id == run.job_id
    assert entry.fields["cancel_status"] == "SUCCESS"


def test_info(emu: BauplanEmulator, client: Any) -> None:
    info = client.info()
    assert info.user.username == "emulator-user"
    assert info.organization.name == "emulator-org"
    (entry,) = emu.calls("GetBauplanInfo")
    assert entry.code == "OK"
    assert emu.api_key not in repr(entry.to_dict())


def test_snapshot_uploaded_zip_is_the_project(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    run = client.run(str(project_dir), ref="main", detach=True)
    ctx = client.get_job_context(run.job_id, include_snapshot=True)
    assert "def clean_orders" in ctx.snapshot_dict["models.py"]
    assert "name: demo_project" in ctx.snapshot_dict["bauplan_project.yml"]


def test_client_helper_ignores_environment(
    emu: BauplanEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAUPLAN_API_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("BAUPLAN_API_KEY", "wrong")
    assert emu.client().info().user.username == "emulator-user"
    assert isinstance(emu.client(), bauplan.Client)
