from __future__ import annotations

from pathlib import Path

import pytest

from bauplan_provider.core import BauplanConfigError, WaitPolicy, deadline_from_timeout
from bauplan_provider.core._validation import (
    validate_args,
    validate_parameters,
    validate_priority,
    validate_project_dir,
    validate_required_text,
)


def test_project_dir_checks(tmp_path: Path, bauplan_project_dir: Path) -> None:
    assert validate_project_dir(bauplan_project_dir) == bauplan_project_dir.resolve()
    cases = {
        tmp_path / "missing": "does not exist",
        tmp_path: "no bauplan_project.yml",
        bauplan_project_dir / "models.py": "not a directory",
    }
    for path, text in cases.items():
        with pytest.raises(BauplanConfigError, match=text) as info:
            validate_project_dir(path)
        assert info.value.field == "project_dir"


def test_yaml_extension_accepted(tmp_path: Path) -> None:
    (tmp_path / "bauplan_project.yaml").write_text("project: {id: x, name: y}\n")
    assert validate_project_dir(tmp_path) == tmp_path.resolve()


@pytest.mark.parametrize("bad", [0, 11, -1, 2.5, "high", True])
def test_priority_out_of_range(bad: object) -> None:
    with pytest.raises(BauplanConfigError, match="priority") as info:
        validate_priority(bad)
    assert info.value.field == "priority"


@pytest.mark.parametrize("good", [None, 1, 10, "5"])
def test_priority_ok(good: object) -> None:
    validate_priority(good)


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_required_text(bad: object) -> None:
    with pytest.raises(BauplanConfigError, match="table") as info:
        validate_required_text(bad, "table")
    assert info.value.field == "table"


def test_parameter_values() -> None:
    assert validate_parameters({"a": 1, "b": "x", "c": 1.5, "d": True, "e": None}) is not None
    with pytest.raises(BauplanConfigError, match=r"parameters\['a'\]"):
        validate_parameters({"a": [1, 2]})
    with pytest.raises(BauplanConfigError, match="args"):
        validate_args({"a": [1]})


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"poll_interval": 0}, "poll_interval"),
        ({"poll_interval": 5, "max_poll_interval": 1}, "max_poll_interval"),
        ({"backoff": 0.5}, "backoff"),
        ({"transient_error_window": -1}, "transient_error_window"),
    ],
)
def test_wait_policy_validation(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(BauplanConfigError) as info:
        WaitPolicy(**kwargs)
    assert info.value.field == field


def test_deadline_from_timeout() -> None:
    from datetime import timedelta

    assert deadline_from_timeout(None) is None
    assert deadline_from_timeout(10, now=100.0) == 110.0
    assert deadline_from_timeout(timedelta(minutes=1), now=0.0) == 60.0
    with pytest.raises(BauplanConfigError, match="timeout"):
        deadline_from_timeout(0)
