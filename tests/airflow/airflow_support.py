"""Helpers for the Airflow tests: DAG files run with ``dag.test()``, result readers."""

from __future__ import annotations

import json
import os
import textwrap
import uuid
from pathlib import Path
from typing import Any

# A distinctive API key: tests search every output for it.
SECRET_KEY = "bpk-SECRET-" + uuid.uuid4().hex
CONN_ENV = "AIRFLOW_CONN_BAUPLAN_DEFAULT"

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


def connection_json(endpoint: str, api_key: str | None, **extra: Any) -> str:
    """An ``AIRFLOW_CONN_*`` value for a ``bauplan`` connection."""
    data: dict[str, Any] = {"conn_type": "bauplan", "extra": {"api_endpoint": endpoint, **extra}}
    if api_key is not None:
        data["password"] = api_key
    return json.dumps(data)


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


def ti_state(dr: Any, task_id: str) -> str | None:
    """The final state of one task instance of a DagRun."""
    ti = dr.get_task_instance(task_id)
    return None if ti is None or ti.state is None else str(ti.state)


def xcom_value(dr: Any, task_id: str, key: str = "return_value") -> Any:
    """An XCom value (deserialized) of a task of a DagRun, or None."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter_by(dag_id=dr.dag_id, run_id=dr.run_id, task_id=task_id, key=key)
            .one_or_none()
        )
        return None if row is None else XComModel.deserialize_value(row)


def line_time(output: str, marker: str) -> float:
    """Epoch seconds of the first log line of ``output`` containing ``marker``."""
    from datetime import datetime

    for line in output.splitlines():
        if marker in line:
            stamp = line.split(" ", 1)[0]
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    raise AssertionError(f"no log line contains {marker!r}")


TRIGGER_INLINE = "[DAG TEST] running trigger in line"


def when(condition: Any, action: Any, timeout: float = 30.0) -> Any:
    """Run ``action()`` in a background thread as soon as ``condition()`` is true."""
    import threading
    import time

    def watch() -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition():
                action()
                return
            time.sleep(0.005)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


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
