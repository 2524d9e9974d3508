"""A tiny Bauplan project written to disk for tests (2 Python models, 1 SQL model)."""

from __future__ import annotations

from pathlib import Path

PROJECT_YML = """\
project:
  id: 5f1c2b9e-1d7a-4c59-9a51-3c1f5e0d8a11
  name: {name}
parameters:
  run_date:
    type: str
    default: "2026-01-01"
  min_trips:
    type: int
    default: 1
"""

MODELS_PY = """\
import bauplan


@bauplan.model()
@bauplan.python("3.11")
def trips_clean(data=bauplan.Model("taxi_fhvhv")):
    return data


@bauplan.model(materialization_strategy="REPLACE")
@bauplan.python("3.11")
def trips_daily(data=bauplan.Model("trips_clean")):
    return data
"""

ZONES_SQL = "SELECT zone_id, borough FROM taxi_zones\n"


def write_project(root: Path, name: str = "test_project") -> Path:
    """Write a tiny Bauplan project (2 Python models, 1 SQL model) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "bauplan_project.yml").write_text(PROJECT_YML.format(name=name))
    (root / "models.py").write_text(MODELS_PY)
    (root / "zones.sql").write_text(ZONES_SQL)
    return root
