"""BauplanRunOperator through ``dag.test()`` (trigger run inline) against the emulator."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from airflow_support import (
    CONN_ENV,
    SECRET_KEY,
    TRIGGER_INLINE,
    connection_json,
    line_time,
    rendered_fields,
    ti_state,
    when,
    xcom_value,
)

from bauplan_provider.testing import JobScript

MODEL_LOG_LINES = (
    "[stdout] INFO: Running model trips_clean.",
    "[stdout] INFO: Running model trips_daily.",
    "[stdout] INFO: Running model zones.",
)


def run_task(project: Path, **options: Any) -> str:
    """The body of a one-task DAG running ``project`` with fast polling."""
    options.setdefault("poll_interval", 0.2)
    options.setdefault("max_poll_interval", 0.5)
    args = "".join(f", {key}={value!r}" for key, value in options.items())
    return f'BauplanRunOperator(task_id="run", project_dir={str(project)!r}{args})\n'


def test_deferred_run_succeeds_with_logs_xcom_and_a_real_trigger(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="COMPLETE", duration=1.5))
    dr = dags.run(run_task(bauplan_project_dir))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "success"
    (submission,) = emulator.calls("CodeSnapshotRun")
    job_id = submission.job_id
    assert xcom_value(dr, "run") == job_id
    assert xcom_value(dr, "run", "job_id") == job_id
    # The trigger really ran: it was started, polled the API after that and logged.
    trigger_start = line_time(out, TRIGGER_INLINE)
    polls_after = [e for e in emulator.calls("GetJobs") if e.time > trigger_start]
    assert polls_after and all(e.job_id == job_id for e in polls_after)
    assert f"Waiting for Bauplan job {job_id}" in out
    assert f"Bauplan job {job_id} is COMPLETE" in out
    # The Bauplan job's own log lines, one task-log line each, after the trigger.
    for line in MODEL_LOG_LINES:
        assert line in out
    assert out.index(MODEL_LOG_LINES[0]) > out.index(TRIGGER_INLINE)
    assert emulator.count("CodeSnapshotRun") == 1
    assert emulator.count("CancelJob") == 0


def test_deferred_run_failure_carries_the_bauplan_error_and_logs(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(
        JobScript(final_state="FAIL", duration=1.0, error_message="model trips_daily: no rows")
    )
    dr = dags.run(run_task(bauplan_project_dir))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "failed"
    assert "BauplanJobFailedError" in out
    assert "failed: model trips_daily: no rows" in out
    assert MODEL_LOG_LINES[0] in out
    assert xcom_value(dr, "run", "job_id") == emulator.calls("CodeSnapshotRun")[0].job_id
    assert emulator.count("CancelJob") == 0


def test_external_abort_fails_as_cancelled_in_bauplan(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="ABORT", duration=1.0))
    dr = dags.run(run_task(bauplan_project_dir))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "failed"
    assert "BauplanJobCancelledError" in out
    assert "was cancelled in Bauplan (ABORT)" in out
    assert emulator.count("CancelJob") == 0


@pytest.mark.parametrize(("final_state", "state"), [("COMPLETE", "success"), ("FAIL", "failed")])
def test_worker_wait_without_triggerer(
    emulator: Any,
    dags: Any,
    bauplan_project_dir: Path,
    capfd: Any,
    final_state: str,
    state: str,
) -> None:
    emulator.script(JobScript(final_state=final_state, duration=1.0, error_message="bad input"))
    dr = dags.run(run_task(bauplan_project_dir, deferrable=False))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == state
    assert TRIGGER_INLINE not in out
    job_id = emulator.calls("CodeSnapshotRun")[0].job_id
    assert f"Bauplan job {job_id} is {final_state}" in out
    assert MODEL_LOG_LINES[0] in out
    assert emulator.count("GetJobs") >= 2
    if final_state == "FAIL":
        assert "failed: bad input" in out
    else:
        assert xcom_value(dr, "run") == job_id


def test_transient_faults_while_deferred_are_survived_with_one_submission(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="COMPLETE", duration=2.0))
    # Break GetJobs right after the operator's own status check: only the trigger sees it.
    when(
        lambda: emulator.count("GetJobs") >= 1,
        lambda: emulator.inject_fault("GetJobs", code="UNAVAILABLE", count=3),
    )
    dr = dags.run(run_task(bauplan_project_dir, poll_interval=0.1, max_poll_interval=0.2))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "success"
    errors = emulator.calls("GetJobs", code="UNAVAILABLE")
    assert len(errors) == 3
    assert min(e.time for e in errors) > line_time(out, TRIGGER_INLINE)
    assert "Transient Bauplan API error" in out
    assert emulator.count("CodeSnapshotRun") == 1


def test_rejected_key_fails_before_waiting_without_leaking_it(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv(CONN_ENV, connection_json(emulator.endpoint, SECRET_KEY))
    dr = dags.run(run_task(bauplan_project_dir))
    captured = capfd.readouterr()

    assert ti_state(dr, "run") == "failed"
    assert "rejected the API key" in captured.out
    assert [e.code for e in emulator.calls("CodeSnapshotRun")] == ["UNAUTHENTICATED"]
    assert emulator.count("GetJobs") == 0
    assert TRIGGER_INLINE not in captured.out
    assert SECRET_KEY not in captured.out + captured.err


def test_log_fetch_failure_after_complete_is_a_warning(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="COMPLETE", duration=0.5))
    emulator.inject_fault("GetLogs", code="UNAVAILABLE", count=None)
    dr = dags.run(run_task(bauplan_project_dir))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "success"
    assert emulator.count("GetLogs", code="UNAVAILABLE") >= 1
    assert "Could not fetch the logs of Bauplan job" in out
    assert "the job's outcome is unchanged" in out


def test_long_logs_keep_the_tail_and_say_so(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    lines = [("stdout", "INFO", f"row batch {i:03d}") for i in range(30)]
    emulator.script(JobScript(final_state="COMPLETE", duration=0.3, logs=lines))
    dr = dags.run(run_task(bauplan_project_dir, max_log_lines=5))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "success"
    assert "(25 earlier line(s) not shown" in out
    assert "[stdout] INFO: row batch 029" in out
    assert "row batch 024" not in out


def test_templated_fields_render_from_params_and_context(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="COMPLETE", duration=0.3))
    body = """
    BauplanRunOperator(
        task_id="run",
        project_dir="{{ params.project }}",
        ref="{{ params.branch }}",
        namespace="ns_{{ params.suffix }}",
        parameters={"run_date": "{{ ds }}"},
        priority="{{ params.priority }}",
        args={"tag": "{{ dag.dag_id }}"},
        deferrable=False,
        poll_interval=0.1,
    )
    """
    params = {
        "project": str(bauplan_project_dir),
        "branch": "alice.feature",
        "suffix": "x1",
        "priority": 7,
    }
    dr = dags.run(body, params=params)
    capfd.readouterr()

    assert ti_state(dr, "run") == "success"
    (submission,) = emulator.calls("CodeSnapshotRun")
    fields = submission.fields
    assert fields["ref"] == "alice.feature"
    assert fields["namespace"] == "ns_x1"
    assert fields["priority"] == 7
    assert fields["args"] == {"tag": dr.dag_id}
    logical = dr.logical_date.strftime("%Y-%m-%d")
    assert logical in str(fields["parameters"])
    rendered = rendered_fields(dr, "run")
    assert rendered["project_dir"] == str(bauplan_project_dir)
    assert rendered["ref"] == "alice.feature"
    assert rendered["parameters"] == {"run_date": logical}


def test_relative_project_dir_resolves_against_the_dag_folder(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    name = f"project_{uuid.uuid4().hex[:8]}"
    project = dags.folder / name
    shutil.copytree(bauplan_project_dir, project)
    (project / ".airflowignore").write_text(".*\n")
    emulator.script(JobScript(final_state="COMPLETE", duration=0.3))
    try:
        dr = dags.run(run_task(Path(name)))
    finally:
        shutil.rmtree(project)
    out = capfd.readouterr().out
    assert ti_state(dr, "run") == "success"
    assert f"Submitting a Bauplan run of {project}" in out
    assert emulator.count("CodeSnapshotRun", code="OK") == 1


def test_job_link_comes_from_the_connection_template(
    emulator: Any, dags: Any, bauplan_project_dir: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv(
        CONN_ENV,
        connection_json(
            emulator.endpoint, emulator.api_key, job_url_template="https://app.test/jobs/{job_id}"
        ),
    )
    emulator.script(JobScript(final_state="COMPLETE", duration=0.3))
    dr = dags.run(run_task(bauplan_project_dir))
    job_id = emulator.calls("CodeSnapshotRun")[0].job_id
    assert xcom_value(dr, "run", "_link_BauplanJobLink") == f"https://app.test/jobs/{job_id}"


def test_no_template_means_an_empty_link(
    emulator: Any, dags: Any, bauplan_project_dir: Path
) -> None:
    emulator.script(JobScript(final_state="COMPLETE", duration=0.3))
    dr = dags.run(run_task(bauplan_project_dir, deferrable=False))
    assert xcom_value(dr, "run", "_link_BauplanJobLink") == ""


def test_wait_for_completion_false_returns_the_id_at_once(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="NEVER"))
    dr = dags.run(run_task(bauplan_project_dir, wait_for_completion=False))
    out = capfd.readouterr().out
    job_id = emulator.calls("CodeSnapshotRun")[0].job_id
    assert ti_state(dr, "run") == "success"
    assert xcom_value(dr, "run") == job_id
    assert emulator.job(job_id).status in ("NOT_STARTED", "RUNNING")
    assert emulator.count("GetJobs") == 0
    assert emulator.count("CancelJob") == 0
    assert "keeps running on its own" in out
