from __future__ import annotations

from typing import Any

from airflow_support import ti_state, xcom_value

from bauplan_provider.testing import JobScript


def test_run_deferred_complete(
    emulator: Any, dags: Any, bauplan_project_dir: Any, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="COMPLETE", duration=1.5))
    dr = dags.run(
        f"""
        BauplanRunOperator(
            task_id="run", project_dir={str(bauplan_project_dir)!r}, poll_interval=0.2
        )
        """
    )
    out = capfd.readouterr()
    print(out.out[-6000:])
    print(out.err[-3000:])
    assert ti_state(dr, "run") == "success"
    job_id = xcom_value(dr, "run")
    assert job_id
    assert xcom_value(dr, "run", "job_id") == job_id


def test_second(emulator: Any, dags: Any, bauplan_project_dir: Any) -> None:
    emulator.script(JobScript(final_state="COMPLETE", duration=0.5))
    dr = dags.run(
        f"""
        BauplanRunOperator(
            task_id="run", project_dir={str(bauplan_project_dir)!r}, poll_interval=0.2
        )
        """
    )
    assert ti_state(dr, "run") == "success"
