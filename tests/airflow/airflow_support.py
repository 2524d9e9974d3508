"""Helpers for the Airflow tests: DAG files run with ``dag.test()``, result readers.

The helpers shared with tests/examples live in ``tests/airflow_setup.py`` (re-exported here).
"""

from __future__ import annotations

import os
import textwrap
import uuid
from pathlib import Path
from typing import Any

from airflow_setup import CONN_ENV, connection_json, ti_state, when, xcom_value

# A distinctive API key: tests search every output for it.
SECRET_KEY = "bpk-SECRET-" + uuid.uuid4().hex

DAG_TEMPLATE = """\
from __future__ import annotations

import datetime

from airflow.sdk import DAG

from bauplan_provider.airflow import (
    BauplanImportOperator,
    BauplanJobSensor,
    BauplanRunOperator,
)

with DAG(
    dag_id={dag_id!r},
    schedule=None,
    start_date=datetime.datetime(2026, 1, 1),
    catchup=False,
    params={params!r},
) as dag:
{body}
"""


class DagRunner:
    """Writes a DAG file into the DAGs folder, runs ``dag.test()`` and reads the results."""

    def __init__(self) -> None:
        self.folder = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
        self.files: list[Path] = []

    def write(self, body: str, *, params: dict[str, Any] | None = None) -> tuple[str, Path]:
        dag_id = f"bauplan_test_{uuid.uuid4().hex[:10]}"
        path = self.folder / f"{dag_id}.py"
        code = DAG_TEMPLATE.format(
            dag_id=dag_id, params=params or {}, body=textwrap.indent(textwrap.dedent(body), "    ")
        )
        path.write_text(code)
        self.files.append(path)
        return dag_id, path

    def load(self, path: Path) -> Any:
        import importlib.util

        spec = importlib.util.spec_from_file_location(f"bauplan_dag_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.dag

    def run(
        self, body: str, *, params: dict[str, Any] | None = None, conf: dict[str, Any] | None = None
    ) -> Any:
        """Write, load and ``dag.test()`` a DAG; returns the DagRun."""
        _, path = self.write(body, params=params)
        dag = self.load(path)
        return dag.test(run_conf=conf)

    def cleanup(self) -> None:
        for path in self.files:
            path.unlink(missing_ok=True)


def line_time(output: str, marker: str) -> float:
    """Epoch seconds of the first log line of ``output`` containing ``marker``."""
    from datetime import datetime

    for line in output.splitlines():
        if marker in line:
            stamp = line.split(" ", 1)[0]
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    raise AssertionError(f"no log line contains {marker!r}")


TRIGGER_INLINE = "[DAG TEST] running trigger in line"


def rendered_fields(dr: Any, task_id: str) -> dict[str, Any]:
    """The rendered template fields Airflow stored for a task of a DagRun."""
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(RenderedTaskInstanceFields)
            .filter_by(dag_id=dr.dag_id, run_id=dr.run_id, task_id=task_id)
            .one()
        )
        return dict(row.rendered_fields)


def all_xcom_rows(dr: Any) -> list[tuple[str, str, Any]]:
    """(task_id, key, raw stored value) of every XCom of a DagRun."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(XComModel).filter_by(dag_id=dr.dag_id, run_id=dr.run_id).all()
        return [(r.task_id, r.key, r.value) for r in rows]


__all__ = [
    "CONN_ENV",
    "SECRET_KEY",
    "TRIGGER_INLINE",
    "DagRunner",
    "all_xcom_rows",
    "connection_json",
    "line_time",
    "rendered_fields",
    "ti_state",
    "when",
    "xcom_value",
]
