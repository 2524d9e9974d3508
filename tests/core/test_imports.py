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
