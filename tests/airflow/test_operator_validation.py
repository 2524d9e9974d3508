"""Bad input fails the task before anything is submitted, with a message naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from airflow_support import ti_state

CASES = {
    "missing project dir": (
        'BauplanRunOperator(task_id="t", project_dir="/nonexistent/bauplan/project")',
        "project_dir '/nonexistent/bauplan/project' does not exist",
    ),
    "not a project": (
        'BauplanRunOperator(task_id="t", project_dir={empty!r})',
        "holds no bauplan_project.yml",
    ),
    "bad priority": (
        'BauplanRunOperator(task_id="t", project_dir={project!r}, priority=11)',
        "priority must be from 1 to 10",
    ),
    "unknown parameter": (
        'BauplanRunOperator(task_id="t", project_dir={project!r}, parameters={{"nope": 1}})',
        "unknown parameter",
    ),
    "bad flag": (
        'BauplanRunOperator(task_id="t", project_dir={project!r}, cache="sometimes")',
        "cache must be True or False",
    ),
    "bad poll interval": (
        'BauplanRunOperator(task_id="t", project_dir={project!r}, poll_interval=0)',
        "poll_interval must be greater than 0",
    ),
    "bad timeout": (
        'BauplanRunOperator(task_id="t", project_dir={project!r}, timeout=-5)',
        "timeout must be a positive number",
    ),
    "empty table": (
        'BauplanImportOperator(task_id="t", table=" ", search_uri="s3://b/*.parquet")',
        "table must be a non-empty string",
    ),
    "empty search uri": (
        'BauplanImportOperator(task_id="t", table="trips", search_uri="")',
        "search_uri must be a non-empty string",
    ),
    "unknown connection": (
        'BauplanRunOperator(task_id="t", project_dir={project!r}, bauplan_conn_id="nope_conn")',
        "bauplan_conn_id: the Airflow connection 'nope_conn' does not exist",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_before_submission(
    case: str,
    emulator: Any,
    dags: Any,
    bauplan_project_dir: Path,
    tmp_path: Path,
    capfd: Any,
) -> None:
    template, expected = CASES[case]
    empty = tmp_path / "empty"
    empty.mkdir()
    dr = dags.run(template.format(project=str(bauplan_project_dir), empty=str(empty)) + "\n")
    out = capfd.readouterr().out

    assert ti_state(dr, "t") == "failed"
    assert "BauplanConfigError" in out
    assert expected in out
    submissions = emulator.count("CodeSnapshotRun") + emulator.count("TableDataImport")
    assert submissions == 0
    assert emulator.count("GetJobs") == 0
