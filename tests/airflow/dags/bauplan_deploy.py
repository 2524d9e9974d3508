"""DAGs run by tests/airflow/test_deployment.py in a real Airflow deployment.

``bauplan_deploy`` waits in the triggerer (deferrable, the default); ``bauplan_deploy_worker``
waits in the worker. The Bauplan project ships inside the DAG folder and is found through a
relative path; the run's ``ref`` comes from the DAG run's conf, so each scenario scripts its
own job.
"""

from __future__ import annotations

import datetime

from airflow.sdk import DAG

from bauplan_provider.airflow import BauplanRunOperator

for dag_id, deferrable in (("bauplan_deploy", True), ("bauplan_deploy_worker", False)):
    with DAG(
        dag_id=dag_id,
        schedule=None,
        start_date=datetime.datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=3,
    ) as dag:
        BauplanRunOperator(
            task_id="run",
            project_dir="deploy_project",
            ref="{{ dag_run.conf['ref'] }}",
            parameters={"run_date": "{{ dag_run.conf.get('run_date', '2026-01-01') }}"},
            deferrable=deferrable,
            poll_interval=0.5,
            max_poll_interval=1.0,
        )
    globals()[dag_id] = dag
