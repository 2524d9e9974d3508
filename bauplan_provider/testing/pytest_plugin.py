"""pytest plugin (entry point ``pytest11: bauplan_emulator``): the ``bauplan_emulator`` fixture.

The fixture starts a fresh ``BauplanEmulator`` for one test, points the ``bauplan`` SDK at it
(sets ``BAUPLAN_API_ENDPOINT`` and ``BAUPLAN_API_KEY``; removes every other ``BAUPLAN_*``
variable, such as ``BAUPLAN_PROFILE`` or ``BAUPLAN_CONFIG_PATH``, that could send the SDK
elsewhere), yields it, and stops it after the test::

    def test_pipeline(bauplan_emulator):
        job = bauplan.Client().run("my_project", ref="main", detach=True)
        assert bauplan_emulator.count("CodeSnapshotRun") == 1

Emulator options come from the ``bauplan_emulator`` marker, e.g.
``@pytest.mark.bauplan_emulator(default_duration=0.1, username="alice")`` (any
``BauplanEmulator`` keyword argument).

This module is imported by every pytest run of anyone who installed the package, so it
imports nothing heavy at import time: grpc and the emulator are imported inside the fixture,
which fails with an explanation when the ``testing`` extra is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .emulator import BauplanEmulator

MARKER = "bauplan_emulator"
_KEEP = ("BAUPLAN_API_ENDPOINT", "BAUPLAN_API_KEY")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**kwargs): options for the bauplan_emulator fixture's BauplanEmulator.",
    )


@pytest.fixture
def bauplan_emulator(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BauplanEmulator]:
    """A running Bauplan emulator the SDK is pointed at for this test (see module docs)."""
    try:
        from .emulator import BauplanEmulator
    except ImportError as exc:
        missing = str(exc)
    else:
        missing = ""
    if missing:
        pytest.fail(
            "The bauplan_emulator fixture needs the emulator's dependencies: "
            f"pip install 'bauplan-provider[testing]' ({missing}).",
            pytrace=False,
        )
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        options.update(marker.kwargs)
    emulator = BauplanEmulator(**options)
    emulator.start()
    try:
        for name in list(os.environ):
            if name.startswith("BAUPLAN_") and name not in _KEEP:
                monkeypatch.delenv(name, raising=False)
        for name, value in emulator.env.items():
            monkeypatch.setenv(name, value)
        yield emulator
    finally:
        emulator.close()
