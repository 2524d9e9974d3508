#!/usr/bin/env bash
# The main job: set up .venv, start the bundled Bauplan emulator and run the example
# pipeline through it (no credentials, no network). Extra args pick parts: core airflow prefect.
set -eu
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv .venv dev
exec .venv/bin/python scripts/main_job.py "$@"
