"""Fixtures: a small Bauplan project on disk and an emulator the SDK points at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bauplan
import pytest
from emulator_helpers import make_project

from bauplan_provider.testing import BauplanEmulator


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[BauplanEmulator]:
    with BauplanEmulator(default_duration=0.2) as emulator:
        monkeypatch.delenv("BAUPLAN_PROFILE", raising=False)
        for name, value in emulator.env.items():
            monkeypatch.setenv(name, value)
        yield emulator


@pytest.fixture
def client(emu: BauplanEmulator) -> Any:
    return bauplan.Client()
