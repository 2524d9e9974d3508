"""tests/examples: the shipped DAGs and flows, the main job and the README, run for real.

A private ``AIRFLOW_HOME`` is chosen here, at import time, before any test module can import
airflow (``setdefault``: when tests/airflow runs in the same process, its choice stands).
Nothing here imports airflow or prefect: tests/examples/flows also runs in the Prefect-only
venv (no airflow installed), where these variables are simply unused.
"""

from __future__ import annotations

from airflow_setup import use_private_airflow_home

use_private_airflow_home("bauplan-examples-airflow-")
