"""The README's parameter reference matches the code: every name, every default, no gaps.

Each reference table (header ``Parameter | Default | Description`` or ``Field | ...``) is
attributed to the backticked names of the heading above it (or to a ``<!-- reference: X -->``
comment right before it) and compared with ``inspect.signature`` of the operator, sensor,
trigger or task (``task.fn``), or with a block's pydantic ``model_fields``.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
REQUIRED = "required"
_TABLE_HEADERS = ("| Parameter | Default | Description |", "| Field | Default | Description |")


class _Required:
    def __repr__(self) -> str:
        return REQUIRED


#: What the code says: name -> default, or ``MISSING`` for a required parameter.
MISSING: Any = _Required()


def documented_tables(text: str) -> dict[str, dict[str, str]]:
    """``{object name: {parameter: default cell}}`` for every reference table in ``text``."""
    tables: dict[str, dict[str, str]] = {}
    names: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#"):
            names = re.findall(r"`([\w.]+)`", line)
        marker = re.fullmatch(r"<!-- reference: ([\w, ]+) -->", line.strip())
        if marker:
            names = [n.strip() for n in marker.group(1).split(",")]
        if line.strip() not in _TABLE_HEADERS:
            continue
        rows: dict[str, str] = {}
        for row in lines[i + 2 :]:
            if not row.startswith("|"):
                break
            cells = [c.strip() for c in row.strip("|").split("|")]
            (name,) = re.fullmatch(r"`(\w+)`", cells[0]).groups()  # type: ignore[union-attr]
            assert name not in rows, f"{name} twice in the table for {names}"
            rows[name] = cells[1]
        assert names, f"a reference table (line {i + 1}) has no object name above it"
        for name in names:
            assert name not in tables, f"{name} has two reference tables"
            tables[name] = rows
    return tables


def parse_default(cell: str) -> Any:
    if cell == REQUIRED:
        return MISSING
    match = re.fullmatch(r"`([^`]+)`", cell)
    assert match, f"a default must be `literal` or {REQUIRED!r}, got {cell!r}"
    return ast.literal_eval(match.group(1))


def signature_defaults(func: Callable[..., Any]) -> dict[str, Any]:
    """Named parameters of ``func`` (no self, no ``*args`` / ``**kwargs``) and their defaults."""
    return {
        p.name: MISSING if p.default is inspect.Parameter.empty else p.default
        for p in inspect.signature(func).parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }


def block_defaults(block: Any) -> dict[str, Any]:
    return {
        name: MISSING if field.is_required() else field.default
        for name, field in block.model_fields.items()
    }


def code_reference() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """``{name: (parameters that must be documented, parameters that may be)}``."""
    from airflow.sdk import BaseSensorOperator

    from bauplan_provider import prefect as bp
    from bauplan_provider.airflow import (
        BaseBauplanJobOperator,
        BauplanImportOperator,
        BauplanJobSensor,
        BauplanJobTrigger,
        BauplanRunOperator,
    )
    from bauplan_provider.airflow.provider_info import get_provider_info

    (conn_type,) = get_provider_info()["connection-types"]
    connection = {"password": None, **dict.fromkeys(conn_type["conn-fields"])}
    sensor_base = signature_defaults(BaseSensorOperator.__init__)
    reference: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        "connection": (connection, {}),
        "BauplanRunOperator": (signature_defaults(BauplanRunOperator.__init__), {}),
        "BauplanImportOperator": (signature_defaults(BauplanImportOperator.__init__), {}),
        "BaseBauplanJobOperator": (signature_defaults(BaseBauplanJobOperator.__init__), {}),
        "BauplanJobSensor": (signature_defaults(BauplanJobSensor.__init__), sensor_base),
        "BauplanJobTrigger": (signature_defaults(BauplanJobTrigger.__init__), {}),
    }
    for name in bp.__all__:
        obj = getattr(bp, name)
        if hasattr(obj, "fn"):  # a Prefect task: document the function it wraps
            reference[name] = (signature_defaults(obj.fn), {})
    for block in (bp.BauplanCredentials, bp.BauplanRun, bp.BauplanImport):
        reference[block.__name__] = (block_defaults(block), {})
    return reference


DOCUMENTED = documented_tables(README)
CODE = code_reference()


def test_every_operator_sensor_trigger_task_and_block_has_a_reference_table() -> None:
    assert set(DOCUMENTED) == set(CODE)
    tasks = {"bauplan_run", "abauplan_run", "wait_for_bauplan_job", "await_for_bauplan_job"}
    assert tasks <= set(DOCUMENTED)  # the async twins included


@pytest.mark.parametrize("name", sorted(CODE))
def test_reference_table_matches_the_code(name: str) -> None:
    must, may = CODE[name]
    documented = {param: parse_default(cell) for param, cell in DOCUMENTED[name].items()}
    missing = set(must) - set(documented)
    unknown = set(documented) - set(must) - set(may)
    assert not missing, f"{name}: parameters in the code but not in the README: {missing}"
    assert not unknown, f"{name}: parameters in the README but not in the code: {unknown}"
    for param, default in documented.items():
        actual = {**may, **must}[param]
        assert default == actual and type(default) is type(actual), (
            f"{name}.{param}: README says {default!r}, the code says {actual!r}"
        )


def test_readme_keeps_the_two_commands_and_the_public_trigger_classpath() -> None:
    from bauplan_provider.airflow import BauplanJobTrigger
    from bauplan_provider.airflow.triggers import CLASSPATH

    commands = re.findall(r"```bash\n(.*?)\n```", README, re.DOTALL)
    assert commands[:2] == ["bash scripts/main.sh", "bash scripts/test.sh"]
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()
    assert CLASSPATH == "bauplan_provider.airflow.triggers.BauplanJobTrigger"
    assert f"{BauplanJobTrigger.__module__}.{BauplanJobTrigger.__qualname__}" == CLASSPATH
    assert f"`{CLASSPATH}`" in README
    for twin in ("await abauplan_run(", "await abauplan_import(", "await await_for_bauplan_job("):
        assert twin in README
