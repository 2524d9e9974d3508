"""Every benchmark still runs: each script's ``--smoke`` mode exits 0 and prints its figures.

No figure is judged here (benchmarks print numbers; tests never assert speed): this only
keeps the scripts from rotting between the runs recorded in ``benchmarks/README.md``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

EXPECTED = {
    "triggerer_scale.py": [
        "GetJobs calls / interval (max)",
        "event loop worst lag (ms)",
        "CPU seconds",
        "peak RSS (MB)",
        "detection latency p50 (s)",
        "detection latency p99 (s)",
        "events: per-trigger {'success': 20}, batched {'success': 20}",
    ],
    "worker_slot.py": ["deferrable", "in-worker", "1s", "2s"],
    "log_ingestion.py": ["lines/s", "peak growth", "airflow", "prefect"],
}


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_benchmark_smoke_mode_runs_and_prints_its_figures(script: str) -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--smoke"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for label in EXPECTED[script]:
        assert label in completed.stdout, completed.stdout
    assert "FAILED" not in completed.stdout
    assert "nan" not in completed.stdout
