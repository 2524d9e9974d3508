"""The ``bauplan_emulator`` fixture as a user gets it: through the pytest11 entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from emulator_helpers import make_project

USER_TEST = """
import os

import bauplan
import pytest


def test_run_against_emulator(bauplan_emulator):
    assert os.environ["BAUPLAN_API_ENDPOINT"] == bauplan_emulator.endpoint
    assert "BAUPLAN_PROFILE" not in os.environ
    assert "BAUPLAN_CONFIG_PATH" not in os.environ
    client = bauplan.Client()
    job_id = client.run({project!r}, ref="main", detach=True).job_id
    job = client.get_job(job_id)
    assert job.id == job_id
    assert bauplan_emulator.count("CodeSnapshotRun", code="OK") == 1


@pytest.mark.bauplan_emulator(username="alice", default_duration=0.05)
def test_marker_options(bauplan_emulator):
    assert bauplan.Client().info().user.username == "alice"


def test_fresh_emulator_per_test(bauplan_emulator):
    assert bauplan_emulator.journal == []
    assert bauplan_emulator.jobs() == []


def test_not_using_the_fixture():
    assert True
"""


def _run_pytest(tmp_path: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(extra_env)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fixture_in_a_users_fresh_test_module(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj")
    (tmp_path / "test_user.py").write_text(USER_TEST.format(project=str(project)))
    # Settings that would send the SDK elsewhere: the fixture must override or clear them.
    home = tmp_path / "home"
    (home / ".bauplan").mkdir(parents=True)
    (home / ".bauplan" / "config.yaml").write_text(
        "profiles:\n  default:\n    api_key: home-key\n    api_endpoint: http://127.0.0.1:9\n"
    )
    env = {
        "HOME": str(home),
        "BAUPLAN_PROFILE": "prod",
        "BAUPLAN_CONFIG_PATH": str(tmp_path / "missing.yaml"),
        "BAUPLAN_API_ENDPOINT": "http://127.0.0.1:9",
        "BAUPLAN_API_KEY": "real-production-key",
    }

    result = _run_pytest(tmp_path, env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_plugin_import_is_light() -> None:
    code = textwrap.dedent(
        """
        import sys
        import bauplan_provider.testing.pytest_plugin
        heavy = [m for m in ("grpc", "google.protobuf", "httpx", "yaml", "bauplan")
                 if m in sys.modules]
        print(heavy)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_without_testing_extra_only_the_fixture_fails(tmp_path: Path) -> None:
    # Shadow grpc with a package that cannot be imported, as if the extra were not installed.
    blocker = tmp_path / "blocked" / "grpc"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named grpc')\n")
    (tmp_path / "test_user.py").write_text(
        "def test_uses_fixture(bauplan_emulator):\n    pass\n\n"
        "def test_plain():\n    assert 1 + 1 == 2\n"
    )

    result = _run_pytest(tmp_path, {"PYTHONPATH": str(tmp_path / "blocked")})

    # A fixture failure is a setup error of the test using it; everything else runs.
    assert "1 passed, 1 error" in result.stdout, result.stdout + result.stderr
    assert "pip install 'bauplan-provider[testing]'" in result.stdout
