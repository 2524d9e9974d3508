"""Inspect an uploaded project snapshot (the zip the SDK sends with ``CodeSnapshotRun``).

Only what the emulator needs: the project id and name from ``bauplan_project.yml`` (or
``.yaml``), and the models — Python functions decorated with ``@bauplan.model`` (also
``@bauplan.model(...)`` and a bare ``@model`` imported from bauplan) and ``.sql`` files (the
model is the file's stem). A snapshot that cannot be read yields an empty result instead of an
error: the emulator must keep serving whatever a client uploads.
"""

from __future__ import annotations

import ast
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import yaml

PROJECT_FILES = ("bauplan_project.yml", "bauplan_project.yaml")


@dataclass(frozen=True)
class SnapshotInfo:
    """What the emulator learned from a project zip."""

    project_id: str | None = None
    project_name: str | None = None
    models: tuple[str, ...] = field(default_factory=tuple)


def inspect_snapshot(data: bytes) -> SnapshotInfo:
    """Return the project id/name and model names found in a zip (empty if unreadable)."""
    if not data:
        return SnapshotInfo()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _inspect(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return SnapshotInfo()


def _inspect(archive: zipfile.ZipFile) -> SnapshotInfo:
    project_id: str | None = None
    project_name: str | None = None
    python_models: list[str] = []
    sql_models: list[str] = []
    for name in sorted(archive.namelist()):
        base = name.rsplit("/", 1)[-1]
        if base in PROJECT_FILES and project_id is None and project_name is None:
            project_id, project_name = _project_identity(archive.read(name))
        elif base.endswith(".py"):
            python_models.extend(_python_models(archive.read(name)))
        elif base.endswith(".sql"):
            sql_models.append(base[: -len(".sql")])
    return SnapshotInfo(project_id, project_name, tuple(python_models + sql_models))


def _project_identity(raw: bytes) -> tuple[str | None, str | None]:
    try:
        doc: Any = yaml.safe_load(raw)
    except yaml.YAMLError:
        return None, None
    project = doc.get("project") if isinstance(doc, dict) else None
    if not isinstance(project, dict):
        return None, None
    pid, pname = project.get("id"), project.get("name")
    return (None if pid is None else str(pid)), (None if pname is None else str(pname))


def _python_models(raw: bytes) -> list[str]:
    try:
        tree = ast.parse(raw)
    except (SyntaxError, ValueError):
        return []
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(_is_model_decorator(d) for d in node.decorator_list)
    ]


def _is_model_decorator(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr == "model" and isinstance(node.value, ast.Name)
    return isinstance(node, ast.Name) and node.id == "model"
