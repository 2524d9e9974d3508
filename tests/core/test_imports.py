"""``import bauplan_provider`` must stay orchestrator-free."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_orchestrator() -> None:
    code = (
        "import sys, bauplan_provider, bauplan_provider.core;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'airflow', 'prefect', 'grpc'});"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_provider_metadata_needs_no_airflow() -> None:
    """Every Airflow process calls the entry point; a Prefect-only install must not break on it
    either (``airflow`` is made unimportable here, as in a venv without the extra)."""
    code = (
        "import sys; sys.modules['airflow'] = None;"
        "from importlib.metadata import entry_points;"
        "(ep,) = [e for e in entry_points(group='apache_airflow_provider')"
        " if e.value.startswith('bauplan_provider')];"
        "info = ep.load()();"
        "assert info['package-name'] == 'bauplan-provider', info;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in"
        " {'prefect', 'grpc', 'bauplan'} or m.startswith('bauplan_provider.airflow.hooks'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
