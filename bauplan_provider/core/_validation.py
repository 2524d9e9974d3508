"""Checks run before anything is submitted; each failure names the field and what was wrong."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._errors import BauplanConfigError

__all__ = [
    "PROJECT_FILES",
    "validate_args",
    "validate_parameters",
    "validate_priority",
    "validate_project_dir",
    "validate_required_text",
]

PROJECT_FILES = ("bauplan_project.yml", "bauplan_project.yaml")
_PARAMETER_TYPES = (str, int, float, bool, type(None))


def validate_project_dir(project_dir: str | Path) -> Path:
    """Return ``project_dir`` as an absolute path after checking it holds a Bauplan project."""
    if project_dir is None or str(project_dir).strip() == "":
        raise BauplanConfigError(
            "project_dir is empty: give the folder of a Bauplan project.", field="project_dir"
        )
    path = Path(project_dir).expanduser()
    if not path.exists():
        raise BauplanConfigError(f"project_dir {str(path)!r} does not exist.", field="project_dir")
    if not path.is_dir():
        raise BauplanConfigError(
            f"project_dir {str(path)!r} is not a directory.", field="project_dir"
        )
    if not any((path / name).is_file() for name in PROJECT_FILES):
        raise BauplanConfigError(
            f"project_dir {str(path)!r} holds no bauplan_project.yml (or .yaml): "
            "it is not a Bauplan project.",
            field="project_dir",
        )
    return path.resolve()


def validate_priority(priority: Any) -> int | None:
    """Priority is optional; when given, an integer from 1 to 10."""
    if priority is None:
        return None
    if isinstance(priority, bool) or not isinstance(priority, int):
        try:
            if isinstance(priority, str) and priority.strip().lstrip("-").isdigit():
                priority = int(priority.strip())
            else:
                raise TypeError
        except TypeError:
            raise BauplanConfigError(
                f"priority must be an integer from 1 to 10, got {priority!r}.", field="priority"
            ) from None
    if not 1 <= priority <= 10:
        raise BauplanConfigError(
            f"priority must be from 1 to 10, got {priority}.", field="priority"
        )
    return int(priority)


def validate_required_text(value: Any, field: str) -> str:
    """A required, non-blank string such as ``table`` or ``search_uri``."""
    if not isinstance(value, str) or not value.strip():
        raise BauplanConfigError(f"{field} must be a non-empty string, got {value!r}.", field=field)
    return value.strip()


def validate_parameters(parameters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Parameter values must be str, int, float, bool or None."""
    if parameters is None:
        return None
    if not isinstance(parameters, Mapping):
        raise BauplanConfigError(
            f"parameters must be a mapping of name to value, got {type(parameters).__name__}.",
            field="parameters",
        )
    for name, value in parameters.items():
        if not isinstance(name, str) or not name:
            raise BauplanConfigError(
                f"parameters has an invalid name {name!r}.", field="parameters"
            )
        if not isinstance(value, _PARAMETER_TYPES):
            raise BauplanConfigError(
                f"parameters[{name!r}] must be str, int, float, bool or None, "
                f"got {type(value).__name__}.",
                field="parameters",
            )
    return dict(parameters)


def validate_args(args: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Extra backend args: a mapping of strings to strings."""
    if args is None:
        return None
    if not isinstance(args, Mapping):
        raise BauplanConfigError(f"args must be a mapping of strings, got {args!r}.", field="args")
    out: dict[str, str] = {}
    for key, value in args.items():
        if not isinstance(key, str) or not isinstance(value, (str, int, float, bool)):
            raise BauplanConfigError(
                f"args[{key!r}] must map a string to a string, got {value!r}.", field="args"
            )
        out[key] = str(value)
    return out
