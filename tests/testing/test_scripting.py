"""Scripted outcomes as the SDK sees them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from bauplan.exceptions import BauplanError
from emulator_helpers import make_project, state, wait_terminal

from bauplan_provider.testing import BauplanEmulator, JobScript, LogLine


def test_scripted_failure_in_status_error_and_logs(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    emu.script(JobScript(final_state="FAIL", error_message="division by zero in order_stats"))
    run = client.run(str(project_dir), ref="main", detach=True)

    job = wait_terminal(client, run.job_id)

    assert state(job) == "FAIL"
    assert job.error_message == "division by zero in order_stats"
    logs = client.get_job_logs(run.job_id)
    assert logs[-1].message == "division by zero in order_stats"
    assert str(logs[-1].stream) == str(type(logs[-1].stream).STDERR)
    assert str(logs[-1].level) == str(type(logs[-1].level).ERROR)


def test_external_abort_reads_abort(emu: BauplanEmulator, client: Any, project_dir: Path) -> None:
    emu.script(JobScript(final_state="ABORT", duration=0.1))
    run = client.run(str(project_dir), ref="main", detach=True)

    assert state(wait_terminal(client, run.job_id)) == "ABORT"
    assert emu.count("CancelJob") == 0


def test_other_then_complete(emu: BauplanEmulator, client: Any, project_dir: Path) -> None:
    emu.script(JobScript(final_state="OTHER_THEN_COMPLETE", duration=0.8))
    run = client.run(str(project_dir), ref="main", detach=True)

    seen = []
    while not seen or seen[-1] != "COMPLETE":
        current = state(client.get_job(run.job_id))
        if not seen or current != seen[-1]:
            seen.append(current)
        time.sleep(0.01)

    assert seen == ["RUNNING", "OTHER", "COMPLETE"]


def test_never_ending_job_until_job_control(emu: BauplanEmulator, client: Any) -> None:
    emu.script(JobScript(final_state="NEVER", duration=0.0))
    started = client.import_data("t", "s3://b/*.parquet", detach=True)
    time.sleep(0.1)
    assert state(client.get_job(started.job_id)) == "RUNNING"

    emu.fail_job(started.job_id, message="operator killed it")

    job = client.get_job(started.job_id)
    assert state(job) == "FAIL"
    assert job.error_message == "operator killed it"
    with pytest.raises(ValueError, match="already finished"):
        emu.complete_job(started.job_id)


@pytest.mark.parametrize(("action", "expected"), [("complete", "COMPLETE"), ("abort", "ABORT")])
def test_job_control(emu: BauplanEmulator, client: Any, action: str, expected: str) -> None:
    rec = emu.create_job(script=JobScript(final_state="NEVER"))
    getattr(emu, f"{action}_job")(rec.id)
    assert state(client.get_job(rec.id)) == expected


def test_custom_log_lines(emu: BauplanEmulator, client: Any, project_dir: Path) -> None:
    emu.script(
        JobScript(
            duration=0.05,
            logs=[
                ("stdout", "INFO", "loaded 10 rows"),
                LogLine("schema drift detected", stream="stderr", level="WARNING"),
                {"message": "done", "level": "debug"},
            ],
        )
    )
    run = client.run(str(project_dir), ref="main", detach=True)
    wait_terminal(client, run.job_id)

    logs = client.get_job_logs(run.job_id)

    assert [e.message for e in logs] == ["loaded 10 rows", "schema drift detected", "done"]
    assert [str(e.level) for e in logs] == [
        str(type(logs[0].level).INFO),
        str(type(logs[0].level).WARN),
        str(type(logs[0].level).DEBUG),
    ]


def test_logs_accumulate_while_running(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    emu.script(JobScript(queue_delay=0.5, duration=0.2))
    run = client.run(str(project_dir), ref="main", detach=True)
    assert client.get_job_logs(run.job_id) == []
    wait_terminal(client, run.job_id)
    assert len(client.get_job_logs(run.job_id)) == 3


def test_cancel_delay_keeps_job_running_for_a_while(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    emu.script(JobScript(final_state="NEVER", cancel_delay=0.8))
    run = client.run(str(project_dir), ref="main", detach=True)

    client.cancel_job(run.job_id)

    assert state(client.get_job(run.job_id)) == "RUNNING"
    assert emu.job(run.job_id).cancel_requested
    assert state(wait_terminal(client, run.job_id)) == "ABORT"


def test_cancel_failure_raises_in_sdk(emu: BauplanEmulator, client: Any, project_dir: Path) -> None:
    emu.script(JobScript(final_state="NEVER", cancel_fails=True, cancel_message="runner busy"))
    run = client.run(str(project_dir), ref="main", detach=True)

    with pytest.raises(BauplanError, match="runner busy"):
        client.cancel_job(run.job_id)

    assert state(client.get_job(run.job_id)) == "RUNNING"
    (entry,) = emu.calls("CancelJob")
    assert entry.fields["cancel_status"] == "FAILURE"


def test_cancel_of_finished_job_fails(emu: BauplanEmulator, client: Any) -> None:
    rec = emu.create_job(script=JobScript(duration=0))
    with pytest.raises(BauplanError):
        client.cancel_job(rec.id)
    assert state(client.get_job(rec.id)) == "COMPLETE"


def test_cancel_unknown_job_is_not_found(emu: BauplanEmulator, client: Any) -> None:
    with pytest.raises(BauplanError, match="Some requested entity was not found"):
        client.cancel_job("no-such-job")
    assert emu.calls("CancelJob")[0].code == "NOT_FOUND"


def test_matching_by_project_ref_table_and_args(
    emu: BauplanEmulator, client: Any, tmp_path: Path
) -> None:
    alpha = make_project(tmp_path / "alpha", name="alpha")
    beta = make_project(tmp_path / "beta", name="beta")
    emu.script(JobScript(final_state="FAIL", error_message="alpha"), project_name="alpha")
    emu.script(JobScript(final_state="FAIL", error_message="on prod"), ref="prod")
    emu.script(JobScript(final_state="FAIL", error_message="table t"), table="t")
    emu.script(JobScript(final_state="FAIL", error_message="args"), args={"mode": "x"})

    def outcome(job_id: str) -> str | None:
        job = wait_terminal(client, job_id)
        return None if state(job) == "COMPLETE" else job.error_message

    assert outcome(client.run(str(alpha), ref="main", detach=True).job_id) == "alpha"
    assert outcome(client.run(str(beta), ref="main", detach=True).job_id) is None
    assert outcome(client.run(str(beta), ref="prod", detach=True).job_id) == "on prod"
    # Most recent script first: the args rule was added after the project rule.
    run = client.run(str(alpha), ref="main", args={"mode": "x", "other": "1"}, detach=True)
    assert outcome(run.job_id) == "args"
    assert outcome(client.import_data("t", "s3://b/*", detach=True).job_id) == "table t"
    assert outcome(client.import_data("u", "s3://b/*", branch="prod", detach=True).job_id) == (
        "on prod"
    )


def test_script_times_then_default(emu: BauplanEmulator, client: Any, project_dir: Path) -> None:
    rule = emu.script(JobScript(final_state="FAIL", times=1))
    assert [r.id for r in emu.scripts()] == [rule]
    first = client.run(str(project_dir), ref="main", detach=True)
    second = client.run(str(project_dir), ref="main", detach=True)
    assert state(wait_terminal(client, first.job_id)) == "FAIL"
    assert state(wait_terminal(client, second.job_id)) == "COMPLETE"
    assert emu.scripts() == []


def test_invalid_scripts_are_rejected() -> None:
    with pytest.raises(ValueError, match="final_state"):
        JobScript(final_state="DONE")
    with pytest.raises(ValueError, match="duration"):
        JobScript(duration=-1)
    with pytest.raises(ValueError, match="log level"):
        JobScript(logs=[("stdout", "LOUD", "x")])
    with pytest.raises(ValueError, match="unknown JobScript"):
        JobScript.from_dict({"final": "FAIL"})
