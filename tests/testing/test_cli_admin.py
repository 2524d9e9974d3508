"""The standalone ``bauplan-emulator serve`` command, its admin API and EmulatorAdminClient."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from emulator_helpers import make_project

from bauplan_provider.testing import EmulatorAdminClient, JobScript
from bauplan_provider.testing.admin_client import EmulatorAdminError

API_KEY = "standalone-key"


@dataclass
class Served:
    process: subprocess.Popen[str]
    endpoint: str
    admin_url: str


@contextlib.contextmanager
def _serve() -> Iterator[Served]:
    cmd = [
        sys.executable, "-m", "bauplan_provider.testing.cli", "serve",
        "--api-key", API_KEY, "--default-duration", "0.1",
    ]  # fmt: skip
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = dict(process.stdout.readline().strip().split("=", 1) for _ in range(2))
        yield Served(process, lines["BAUPLAN_API_ENDPOINT"], lines["BAUPLAN_EMULATOR_ADMIN_URL"])
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def shared_server() -> Iterator[Served]:
    with _serve() as served:
        yield served


@pytest.fixture
def served(shared_server: Served) -> Served:
    """The module's standalone emulator, with scripts, faults and journal reset."""
    with EmulatorAdminClient(shared_server.admin_url) as admin:
        admin.clear_scripts()
        admin.clear_faults()
        admin.clear_journal()
    return shared_server


def _sdk(served: Served, code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run SDK code in yet another process, pointed at the standalone emulator."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAUPLAN_")}
    env.update(BAUPLAN_API_ENDPOINT=served.endpoint, BAUPLAN_API_KEY=API_KEY)
    script = "import time, bauplan\nclient = bauplan.Client()\n" + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
        cwd=tmp_path,
    )  # fmt: skip


def test_serves_sdk_from_another_process_and_admin_scripts_it(
    served: Served, tmp_path: Path
) -> None:
    assert served.endpoint.startswith("http://127.0.0.1:")
    project = make_project(tmp_path / "proj", name="nightly")
    with EmulatorAdminClient(served.admin_url) as admin:
        assert admin.health()["status"] == "ok"
        admin.script(JobScript(final_state="FAIL", error_message="boom"), project_name="nightly")
        admin.inject_fault("GetJobs", code="UNAVAILABLE", count=2)

        result = _sdk(
            served,
            f"""
            job_id = client.run({str(project)!r}, ref="main", detach=True).job_id
            errors = 0
            while True:
                try:
                    job = client.get_job(job_id)
                except Exception as exc:
                    errors += 1
                    assert "The service is currently unavailable" in str(exc), exc
                    continue
                if job.status.__int__() in (3, 4, 5):
                    break
                time.sleep(0.02)
            print(job_id, errors, int(job.status), job.error_message)
            """,
            tmp_path,
        )

        assert result.returncode == 0, result.stderr
        job_id, errors, status, message = result.stdout.split(maxsplit=3)
        assert (errors, status, message.strip()) == ("2", "5", "boom")
        assert admin.count("GetJobs", code="UNAVAILABLE") == 2
        assert admin.count("CodeSnapshotRun", code="OK") == 1
        (run,) = admin.calls("CodeSnapshotRun")
        assert run.job_id == job_id
        assert run.fields["project_name"] == "nightly"
        assert admin.job(job_id)["status"] == "FAIL"


def test_wrong_key_against_standalone(served: Served, tmp_path: Path) -> None:
    result = _sdk(served, "client = bauplan.Client(api_key='nope'); client.info()", tmp_path)
    assert result.returncode != 0
    assert "The request does not have valid authentication credentials" in result.stderr
    with EmulatorAdminClient(served.admin_url) as admin:
        assert admin.count("GetBauplanInfo", code="UNAUTHENTICATED") == 1


def test_admin_job_control_and_journal(served: Served) -> None:
    with EmulatorAdminClient(served.admin_url) as admin:
        job = admin.create_job(script={"final_state": "NEVER"}, user="bob")
        assert job["status"] == "RUNNING"
        assert admin.abort_job(job["id"])["status"] == "ABORT"
        with pytest.raises(EmulatorAdminError) as conflict:
            admin.complete_job(job["id"])
        assert conflict.value.status_code == 409
        other = admin.create_job(script=JobScript(final_state="NEVER"))
        assert admin.fail_job(other["id"], "stop")["error_message"] == "stop"
        assert [j["id"] for j in admin.jobs()][:2] == [other["id"], job["id"]]
        rule = admin.add_latency("GetLogs", 0.01, count=None)
        assert [f["id"] for f in admin.faults()] == [rule]
        admin.clear_faults()
        assert admin.faults() == []
        script_id = admin.script({"final_state": "FAIL"}, args={"a": "b"})
        assert admin.scripts()[0]["match"]["args"] == {"a": "b"}
        admin.unscript(script_id)
        assert admin.scripts() == []
        admin.clear_journal()
        assert admin.journal() == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "fragment"),
    [
        ("POST", "/scripts", b"{not json", 400, "not valid JSON"),
        ("POST", "/scripts", b'{"script": {"final_state": "DONE"}}', 400, "final_state"),
        ("POST", "/scripts", b'{"script": {}, "match": {"colour": "red"}}', 400, "colour"),
        ("POST", "/scripts", b"[1, 2]", 400, "JSON object"),
        ("POST", "/faults", b'{"rpc": "GetJobs", "code": "NOPE"}', 400, "NOPE"),
        ("POST", "/faults", b'{"rpc": "GetJobs", "code": "UNAVAILABLE", "count": 0}', 400, "count"),
        ("POST", "/faults", b'{"rpc": "GetJobs"}', 400, "exactly one"),
        ("POST", "/faults", b'{"code": "INTERNAL"}', 400, "rpc is required"),
        ("POST", "/faults", b'{"rpc": "GetJobs", "latency": "slow"}', 400, "seconds"),
        ("GET", "/journal?since=abc", b"", 400, "since"),
        ("GET", "/jobs/nope", b"", 404, "no job"),
        ("POST", "/jobs/nope/complete", b"{}", 404, "no job"),
        ("GET", "/nowhere", b"", 404, "no route"),
    ],
)
def test_malformed_admin_requests_get_errors_and_server_keeps_serving(
    served: Served, method: str, path: str, body: bytes, status: int, fragment: str
) -> None:
    response = httpx.request(method, served.admin_url + path, content=body)
    assert response.status_code == status
    assert fragment in response.json()["error"]
    assert httpx.get(served.admin_url + "/health").json()["status"] == "ok"


def test_sigterm_stops_cleanly() -> None:
    with _serve() as served:
        assert httpx.get(served.admin_url + "/health").status_code == 200
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=10) == 0
        assert served.process.stderr is not None
        assert served.process.stderr.read() == ""


def test_entry_points_are_declared() -> None:
    from importlib.metadata import entry_points

    from bauplan_provider.testing import cli, pytest_plugin

    (script,) = entry_points(group="console_scripts", name="bauplan-emulator")
    assert script.load() is cli.main
    (plugin,) = entry_points(group="pytest11", name="bauplan_emulator")
    assert plugin.load() is pytest_plugin


def test_port_in_use_is_reported(shared_server: Served) -> None:
    port = shared_server.endpoint.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "bauplan_provider.testing.cli", "serve", "--port", port],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 1
    assert "could not bind" in result.stderr
