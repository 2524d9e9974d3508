"""Apache Airflow 3 integration: hook, operators, deferrable trigger, sensor and job link.

``from bauplan_provider.airflow import BauplanRunOperator`` is all a DAG needs. Names are
imported lazily, so importing this package (Airflow does it to read the provider metadata)
stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .hooks import BauplanHook
    from .links import BauplanJobLink
    from .operators import BaseBauplanJobOperator, BauplanImportOperator, BauplanRunOperator
    from .sensors import BauplanJobSensor
    from .triggers import BauplanJobTrigger

__all__ = [
    "BaseBauplanJobOperator",
    "BauplanHook",
    "BauplanImportOperator",
    "BauplanJobLink",
    "BauplanJobSensor",
    "BauplanJobTrigger",
    "BauplanRunOperator",
]

_WHERE = {
    "BaseBauplanJobOperator": ".operators",
    "BauplanHook": ".hooks",
    "BauplanImportOperator": ".operators",
    "BauplanJobLink": ".links",
    "BauplanJobSensor": ".sensors",
    "BauplanJobTrigger": ".triggers",
    "BauplanRunOperator": ".operators",
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
