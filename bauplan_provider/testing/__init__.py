"""The Bauplan emulator: a local gRPC server speaking the ``bauplan`` SDK's wire protocol.

Public names (imported lazily, so ``import bauplan_provider.testing`` — done by the pytest
plugin in every pytest run — stays cheap and works without the ``testing`` extra):

- ``BauplanEmulator`` (``emulator.py``): the in-process server, scripting, faults, journal and
  job control.
- ``JobScript``, ``LogLine``, ``JobRecord`` (``_state.py``): scripted outcomes and job records.
- ``JournalEntry`` (``_journal.py``): one journaled request.
- ``EmulatorAdminClient`` (``admin_client.py``): ``httpx`` client for the standalone
  emulator's admin API.
- ``DEFAULT_API_KEY``: the key the emulator expects unless told otherwise.

The standalone command is ``bauplan-emulator serve`` (``cli.py``); the pytest fixture is
``bauplan_emulator`` (``pytest_plugin.py``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._journal import JournalEntry
    from ._state import JobRecord, JobScript, LogLine
    from .admin_client import EmulatorAdminClient
    from .emulator import DEFAULT_API_KEY, BauplanEmulator

__all__ = [
    "DEFAULT_API_KEY",
    "BauplanEmulator",
    "EmulatorAdminClient",
    "JobRecord",
    "JobScript",
    "JournalEntry",
    "LogLine",
]

_WHERE = {
    "BauplanEmulator": ".emulator",
    "DEFAULT_API_KEY": ".emulator",
    "EmulatorAdminClient": ".admin_client",
    "JobRecord": "._state",
    "JobScript": "._state",
    "LogLine": "._state",
    "JournalEntry": "._journal",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
