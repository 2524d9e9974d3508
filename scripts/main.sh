#!/usr/bin/env bash
# The main job: set up .venv, start the bundled Bauplan emulator and run the example
# pipeline through it (no credentials, no network): the Airflow DAG under dag.test() and the
# Prefect flow under a local Prefect server, showing the Bauplan job logs from each task log.
# Extra args pick parts: airflow prefect core (default: airflow prefect).
set -eu
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv .venv dev
exec .venv/bin/python scripts/main_job.py "$@"
