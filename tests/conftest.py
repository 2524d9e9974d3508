"""Shared fixtures: a small Bauplan project on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_files import write_project


@pytest.fixture
def bauplan_project_dir(tmp_path: Path) -> Path:
    """A Bauplan project named ``test_project`` in a temp dir."""
    return write_project(tmp_path / "project")
