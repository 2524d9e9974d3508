"""Acceptance test in a real Airflow 3 deployment: api-server, scheduler, dag-processor and
triggerer as separate processes on a database set up here, against the in-process emulator.

Scenarios (one deployment for all, ~1 minute):
- a deferred BauplanRunOperator goes through ``deferred``, the triggerer polls, the task
  resumes and succeeds; the task's log files hold the trigger's status lines and the job's
  log lines;
- restarting the triggerer mid-job does not cancel the job: the run succeeds with one
  submission;
- marking the deferred task failed through the REST API cancels the job (trigger on_kill);
- the connection's distinctive API key is nowhere: trigger rows, XCom, rendered fields,
  log files, the metadata DB.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from airflow_support import SECRET_KEY

from bauplan_provider.testing import BauplanEmulator, JobScript

pytestmark = pytest.mark.deployment

DAG_ID = "bauplan_deploy"
WORKER_DAG_ID = "bauplan_deploy_worker"
TASK_ID = "run"
DAGS_SOURCE = Path(__file__).with_name("dags")
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
START_TIMEOUT = 120.0
RUN_TIMEOUT = 90.0
JOB_URL_TEMPLATE = "https://app.bauplan.example/jobs/{job_id}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, before exec: get SIGKILL if the pytest process dies (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _wait_for(what: str, check: Callable[[], Any], timeout: float, every: float = 0.25) -> Any:
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class Deployment:
    """Four Airflow components as process groups, their logs, and a REST client."""

    def __init__(self, home: Path, emulator: BauplanEmulator) -> None:
        self.home = home
        self.emulator = emulator
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.fernet_key = _fernet_key()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.generation: dict[str, int] = {}
        self.env = self._environment()
        self.http = httpx.Client(base_url=self.base, timeout=10.0)

    def _environment(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AIRFLOW", "BAUPLAN_", "PYTEST"))
        }
        conn = {
            "conn_type": "bauplan",
            "password": self.emulator.api_key,
            "extra": {
                "api_endpoint": self.emulator.endpoint,
                "job_url_template": JOB_URL_TEMPLATE,
            },
        }
        env.update(
            {
                "AIRFLOW_HOME": str(self.home),
                "AIRFLOW__CORE__DAGS_FOLDER": str(self.home / "dags"),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__PARALLELISM": "2",
                "AIRFLOW__CORE__FERNET_KEY": self.fernet_key,
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base}/execution/",
                "AIRFLOW__API__HOST": "127.0.0.1",
                "AIRFLOW__API__PORT": str(self.port),
                "AIRFLOW__API__WORKERS": "1",
                "AIRFLOW__API__BASE_URL": self.base,
                "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
                "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(64),
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
                "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": "5",
                "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "1",
                "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
                "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
                "AIRFLOW_CONN_BAUPLAN_DEFAULT": json.dumps(conn),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        return env

    # ----- processes --------------------------------------------------------------------

    def migrate(self) -> None:
        result = subprocess.run(
            [AIRFLOW, "db", "migrate"], env=self.env, capture_output=True, timeout=180
        )
        assert result.returncode == 0, result.stderr.decode()[-3000:]

    def start(self, name: str) -> None:
        generation = self.generation.get(name, 0) + 1
        self.generation[name] = generation
        log = open(self.home / f"{name}.{generation}.out", "wb")  # noqa: SIM115
        self.procs[name] = subprocess.Popen(
            [AIRFLOW, name],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()

    def stop(self, names: tuple[str, ...], grace: float) -> None:
        """SIGTERM the components' process groups, then SIGKILL what is left after grace."""
        procs = [self.procs[n] for n in names if n in self.procs]
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        end = time.monotonic() + grace
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, end - time.monotonic()))
        for proc in procs:
            # The whole group: LocalExecutor workers and log servers live there too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"airflow {name} exited with {proc.returncode}")

    def wait_healthy(self) -> None:
        def healthy() -> bool:
            self.check_alive()
            try:
                body = self.http.get("/api/v2/monitor/health").json()
            except (httpx.HTTPError, ValueError):
                return False
            parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
            return all((body.get(p) or {}).get("status") == "healthy" for p in parts)

        _wait_for("a healthy deployment", healthy, START_TIMEOUT)

    def component_logs(self, tail: int = 60) -> str:
        chunks = []
        for path in sorted(self.home.glob("*.out")):
            lines = path.read_text(errors="replace").splitlines()[-tail:]
            chunks.append(f"===== {path.name} (last {len(lines)} lines) =====\n" + "\n".join(lines))
        return "\n".join(chunks)

    @contextlib.contextmanager
    def explain(self) -> Iterator[None]:
        """On failure, print every component's log tail and the emulator's journal."""
        try:
            yield
        except BaseException:
            print(self.component_logs())
            print("===== emulator journal =====")
            for entry in self.emulator.journal[-80:]:
                print(entry.rpc, entry.code, entry.job_id, f"{entry.time:.2f}")
            raise

    # ----- REST API ---------------------------------------------------------------------

    def login(self) -> None:
        token = self.http.get("/auth/token").json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def wait_for_dag(self, dag_id: str) -> None:
        _wait_for(
            f"the DAG {dag_id} to be parsed",
            lambda: self.check_alive() or self.http.get(f"/api/v2/dags/{dag_id}").is_success,
            START_TIMEOUT,
        )
        response = self.http.patch(f"/api/v2/dags/{dag_id}", json={"is_paused": False})
        assert response.status_code == 200, response.text

    def warm_up(self) -> None:
        """The execution API's first request is slow (~7 s here): a worker's first call would
        time out (5 s) and retry, so make that first request now."""
        self.http.get("/execution/health", timeout=60)

    def trigger(self, ref: str, dag_id: str = DAG_ID) -> str:
        response = self.http.post(
            f"/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": {"ref": ref}}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["dag_run_id"])

    def ti(self, run_id: str, dag_id: str = DAG_ID) -> dict[str, Any]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{TASK_ID}"
        response = self.http.get(path)
        return dict(response.json()) if response.status_code == 200 else {}

    def wait_state(
        self,
        run_id: str,
        states: set[str],
        seen: set[str] | None = None,
        dag_id: str = DAG_ID,
    ) -> str:
        def reached() -> str | None:
            self.check_alive()
            state = self.ti(run_id, dag_id).get("state")
            if seen is not None and state:
                seen.add(state)
            return state if state in states else None

        return str(_wait_for(f"task state in {states}", reached, RUN_TIMEOUT))

    def extra_links(self, run_id: str, dag_id: str = DAG_ID) -> dict[str, Any]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{TASK_ID}/links"
        response = self.http.get(path)
        assert response.status_code == 200, response.text
        return dict(response.json()["extra_links"])

    def mark_failed(self, run_id: str, dag_id: str = DAG_ID) -> None:
        response = self.http.patch(
            f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{TASK_ID}",
            json={"new_state": "failed"},
        )
        assert response.status_code == 200, response.text

    # ----- what Airflow stored ----------------------------------------------------------

    def task_logs(self, run_id: str, dag_id: str = DAG_ID) -> tuple[str, str]:
        """(worker part, trigger part) of attempt 1's log files, as the ``event`` texts."""
        folder = self.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={TASK_ID}"
        worker = _events(folder / "attempt=1.log")
        trigger = "\n".join(_events(p) for p in sorted(folder.glob("attempt=1.log.trigger.*.log")))
        return worker, trigger

    def wait_trigger_line(self, run_id: str, text: str, count: int = 1) -> str:
        """Wait until the trigger part of the task log holds ``text`` (``count`` times)."""

        def found() -> str | None:
            self.check_alive()
            trigger = self.task_logs(run_id)[1]
            return trigger if trigger.count(text) >= count else None

        return str(_wait_for(f"{text!r} in the trigger log", found, RUN_TIMEOUT))

    def db_rows(self, query: str) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.home / "airflow.db")) as db:
            return list(db.execute(query))

    def trigger_kwargs(self) -> list[str]:
        """Every trigger row's kwargs, decrypted with the deployment's Fernet key."""
        from cryptography.fernet import Fernet

        fernet = Fernet(self.fernet_key.encode())
        out = []
        for (stored,) in self.db_rows("SELECT kwargs FROM trigger"):
            text = str(stored)
            out.append(text if text.startswith("{") else fernet.decrypt(text.encode()).decode())
        return out


def _events(path: Path) -> str:
    if not path.exists():
        return ""
    texts = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            texts.append(str(json.loads(line).get("event", "")))
        except ValueError:
            texts.append(line)
    return "\n".join(texts)


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    home = tmp_path_factory.mktemp("airflow-deployment")
    shutil.copytree(DAGS_SOURCE, home / "dags")
    with BauplanEmulator(api_key=SECRET_KEY, default_duration=1.0) as emulator:
        dep = Deployment(home, emulator)
        try:
            dep.migrate()
            for name in COMPONENTS:
                dep.start(name)
            with dep.explain():
                dep.wait_healthy()
                dep.login()
                dep.warm_up()
                dep.wait_for_dag(DAG_ID)
                dep.wait_for_dag(WORKER_DAG_ID)
            yield dep
        finally:
            dep.stop(("scheduler", "triggerer", "dag-processor"), grace=5)
            dep.stop(("api-server",), grace=5)
            dep.http.close()


def _job_of(emulator: BauplanEmulator, ref: str) -> str:
    def find() -> str | None:
        for entry in emulator.calls("CodeSnapshotRun", code="OK"):
            if entry.fields.get("ref") == ref:
                return entry.job_id
        return None

    return str(_wait_for(f"the submission of ref {ref}", find, RUN_TIMEOUT))


def _polled_since(emulator: BauplanEmulator, job_id: str, since: float) -> bool:
    return any(
        job_id in (e.fields.get("job_ids") or [e.job_id]) and e.time > since
        for e in emulator.calls("GetJobs")
    )


def test_deferred_run_succeeds_with_trigger_and_job_logs(deployment: Deployment) -> None:
    dep, emu = deployment, deployment.emulator
    # Short: the job ends before the scheduler has registered the deferral, which Airflow
    # 3.3 answers by failing the resumed task unless the trigger holds its event back
    # ([bauplan] resume_delay_seconds, 15 s by default, in force here).
    emu.script(JobScript(final_state="COMPLETE", duration=2.0), ref="plain")
    with dep.explain():
        run_id = dep.trigger("plain")
        seen: set[str] = set()
        state = dep.wait_state(run_id, {"success", "failed"}, seen)
        assert state == "success"
        assert "deferred" in seen
        job_id = _job_of(emu, "plain")
        worker, trigger = dep.task_logs(run_id)
        assert f"Submitted Bauplan run: job {job_id}" in worker
        assert f"Waiting for Bauplan job {job_id}" in trigger
        assert f"Bauplan job {job_id} is COMPLETE" in trigger
        assert f"Bauplan job {job_id} ended right after the deferral" in trigger
        assert "[stdout] INFO: Running model trips_clean." in worker
        assert "[stdout] INFO: Running model trips_daily." in worker
        # The relative project_dir resolved inside the DAG folder of this deployment.
        assert str(dep.home / "dags" / "deploy_project") in worker
        assert emu.count("CancelJob") == 0
        # The api-server builds the "Bauplan job" button from what the task stored.
        links = dep.extra_links(run_id)
        assert links == {"Bauplan job": JOB_URL_TEMPLATE.replace("{job_id}", job_id)}


def test_triggerer_restart_does_not_cancel_the_job(deployment: Deployment) -> None:
    dep, emu = deployment, deployment.emulator
    emu.script(JobScript(final_state="NEVER"), ref="restart")
    with dep.explain():
        run_id = dep.trigger("restart")
        dep.wait_state(run_id, {"deferred"})
        job_id = _job_of(emu, "restart")
        dep.wait_trigger_line(run_id, f"Bauplan job {job_id} is RUNNING")

        dep.stop(("triggerer",), grace=20)
        restarted_at = time.time()
        dep.start("triggerer")
        dep.wait_trigger_line(run_id, f"Bauplan job {job_id} is RUNNING", count=2)
        assert _polled_since(emu, job_id, restarted_at)
        assert emu.count("CancelJob") == 0
        assert emu.job(job_id).status == "RUNNING"

        emu.complete_job(job_id)
        assert dep.wait_state(run_id, {"success", "failed"}) == "success"
        assert (
            len([e for e in emu.calls("CodeSnapshotRun") if e.fields.get("ref") == "restart"]) == 1
        )
        assert emu.count("CancelJob") == 0
        _, trigger = dep.task_logs(run_id)
        folder = dep.home / "logs" / f"dag_id={DAG_ID}" / f"run_id={run_id}" / f"task_id={TASK_ID}"
        names = sorted(p.name for p in folder.iterdir())
        assert trigger.count(f"Waiting for Bauplan job {job_id}") == 2, (names, trigger)


def test_marking_the_deferred_task_failed_cancels_the_job(deployment: Deployment) -> None:
    dep, emu = deployment, deployment.emulator
    emu.script(JobScript(final_state="NEVER"), ref="markfail")
    with dep.explain():
        run_id = dep.trigger("markfail")
        dep.wait_state(run_id, {"deferred"})
        job_id = _job_of(emu, "markfail")
        dep.wait_trigger_line(run_id, f"Bauplan job {job_id} is RUNNING")

        dep.mark_failed(run_id)
        _wait_for(
            "a CancelJob for the job",
            lambda: [e for e in emu.calls("CancelJob") if e.job_id == job_id],
            RUN_TIMEOUT,
        )
        assert emu.wait_for_job(job_id, timeout=10).status == "ABORT"
        assert dep.ti(run_id).get("state") == "failed"
        assert [e.job_id for e in emu.calls("CancelJob")] == [job_id]
        trigger = dep.wait_trigger_line(
            run_id, f"Task was stopped by a user: cancelling Bauplan job {job_id}"
        )
        assert f"Cancelled Bauplan job {job_id}" in trigger


def test_marking_a_task_waiting_in_the_worker_failed_cancels_the_job(
    deployment: Deployment,
) -> None:
    """Without deferral: Airflow stops the task process and its on_kill cancels the job."""
    dep, emu = deployment, deployment.emulator
    emu.script(JobScript(final_state="NEVER"), ref="workerkill")
    with dep.explain():
        run_id = dep.trigger("workerkill", WORKER_DAG_ID)
        dep.wait_state(run_id, {"running"}, dag_id=WORKER_DAG_ID)
        job_id = _job_of(emu, "workerkill")
        _wait_for(
            "the worker's second poll",
            lambda: len([e for e in emu.calls("GetJobs") if e.job_id == job_id]) >= 2,
            RUN_TIMEOUT,
        )
        dep.mark_failed(run_id, WORKER_DAG_ID)
        _wait_for(
            "a CancelJob for the job",
            lambda: [e for e in emu.calls("CancelJob") if e.job_id == job_id],
            RUN_TIMEOUT,
        )
        assert emu.wait_for_job(job_id, timeout=10).status == "ABORT"
        assert dep.ti(run_id, WORKER_DAG_ID).get("state") == "failed"
        worker = _wait_for(
            "the on_kill lines",
            lambda: (lambda text: text if "Cancelled Bauplan job" in text else None)(
                dep.task_logs(run_id, WORKER_DAG_ID)[0]
            ),
            30,
        )
        assert f"Task is being killed: cancelling Bauplan job {job_id}" in worker
        assert f"Cancelled Bauplan job {job_id}" in worker


def test_the_api_key_is_nowhere_in_what_airflow_stored(deployment: Deployment) -> None:
    dep, emu = deployment, deployment.emulator
    emu.script(JobScript(final_state="NEVER"), ref="secrets")
    with dep.explain():
        run_id = dep.trigger("secrets")
        dep.wait_state(run_id, {"deferred"})
        job_id = _job_of(emu, "secrets")
        # While deferred: the trigger row holds only ids and settings.
        rows = dep.trigger_kwargs()
        assert any(job_id in row for row in rows)
        assert not any(SECRET_KEY in row for row in rows)
        emu.complete_job(job_id)
        assert dep.wait_state(run_id, {"success", "failed"}) == "success"

        key = SECRET_KEY.encode()
        for table in ("xcom", "rendered_task_instance_fields", "task_instance", "log"):
            for row in dep.db_rows(f"SELECT * FROM {table}"):
                assert key not in repr(row).encode(), table
        leaked = [
            path for path in dep.home.rglob("*") if path.is_file() and key in path.read_bytes()
        ]
        assert leaked == []
        worker, trigger = dep.task_logs(run_id)
        assert worker and trigger
        assert SECRET_KEY not in worker + trigger
