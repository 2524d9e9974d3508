"""``BauplanEmulator``: an in-process, local Bauplan server for the real ``bauplan`` SDK.

Usage::

    from bauplan_provider.testing import BauplanEmulator, JobScript

    with BauplanEmulator(default_duration=0.2) as emu:
        os.environ.update(emu.env)          # or emu.client()
        emu.script(JobScript(final_state="FAIL", error_message="boom"), project_name="etl")
        emu.inject_fault("GetJobs", code="UNAVAILABLE", count=3)
        ...  # drive bauplan.Client() as usual
        assert emu.count("CodeSnapshotRun", code="OK") == 1

Public surface (all methods thread-safe):

- Construction: ``BauplanEmulator(*, api_key=DEFAULT_API_KEY, host="127.0.0.1", port=0,
  default_duration=1.0, default_queue_delay=0.0, username="emulator-user",
  organization="emulator-org", runner="emulator-runner", check_auth=True,
  max_jobs=10_000, max_journal_entries=100_000, max_workers=64)``.
- Server: ``start()``, ``stop(grace=0.5)``, ``restart()``, context manager; ``running``;
  ``endpoint`` (``"http://127.0.0.1:PORT"``), ``port``, ``host``, ``api_key``, ``env``
  (``BAUPLAN_API_ENDPOINT`` / ``BAUPLAN_API_KEY``), ``client(**kwargs)`` (a
  ``bauplan.Client`` pointed here through a private config file, no env needed). ``stop()``
  then ``start()`` rebinds the same port and keeps jobs, scripts, faults and the journal.
- Scripting: ``script(JobScript, *, project_name=None, ref=None, table=None, kind=None,
  args=None) -> rule id``; the most recently added matching script wins. ``unscript(id)``,
  ``clear_scripts()``, ``scripts()``.
- Faults: ``inject_fault(rpc, code="UNAVAILABLE", count=1, message=None) -> rule id``,
  ``add_latency(rpc, seconds, count=None) -> rule id`` (``rpc="*"`` = every RPC;
  ``count=None`` = until cleared), ``remove_fault(id)``, ``clear_faults(rpc=None)``,
  ``faults()``.
- Journal: ``journal`` (list of ``JournalEntry``), ``calls(rpc=None, code=None)``,
  ``count(rpc=None, code=None)`` (``code="error"`` = every non-OK answer), ``clear_journal()``.
- Jobs: ``job(id) -> JobRecord`` (KeyError if unknown), ``jobs()`` (newest first),
  ``complete_job(id)``, ``fail_job(id, message=None)``, ``abort_job(id, message=None)``
  (ValueError if already finished), ``create_job(...)`` to seed jobs without the SDK,
  ``wait_for_job(id, timeout=10.0)`` (until terminal).
- Admin HTTP API: ``start_admin(port=0) -> url``; ``admin_url`` (see ``_admin_http``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any

import grpc

from ._faults import FaultRule, Faults
from ._generated import bauplan_emulator_pb2_grpc as pb_grpc
from ._journal import DEFAULT_MAX_ENTRIES, Journal, JournalEntry
from ._service import EmulatorServicer, Identity, UnimplementedHandler
from ._state import MIN_MAX_JOBS, JobRecord, JobScript, JobStore, ScriptRule, Submission

DEFAULT_API_KEY = "emulator-secret-key"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
REBIND_TIMEOUT_SECONDS = 5.0


class BauplanEmulator:
    """A local gRPC server speaking the ``bauplan`` SDK's job protocol (see module docs)."""

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_API_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
        default_duration: float = 1.0,
        default_queue_delay: float = 0.0,
        username: str = "emulator-user",
        organization: str = "emulator-org",
        runner: str = "emulator-runner",
        check_auth: bool = True,
        max_jobs: int = MIN_MAX_JOBS,
        max_journal_entries: int = DEFAULT_MAX_ENTRIES,
        max_workers: int = 64,
    ) -> None:
        if not api_key:
            raise ValueError("api_key must be a non-empty string (the SDK always sends one).")
        self._api_key = api_key
        self._host = host
        self._port = port
        self._check_auth = check_auth
        self._max_workers = max_workers
        self._identity = Identity(username=username, organization=organization)
        self._store = JobStore(
            default_duration=default_duration,
            default_queue_delay=default_queue_delay,
            runner=runner,
            max_jobs=max_jobs,
        )
        self._faults = Faults()
        self._journal = Journal(max_journal_entries)
        self._lock = threading.RLock()
        self._server: Any = None
        self._executor: ThreadPoolExecutor | None = None
        self._stopping = threading.Event()
        self._config_dir: str | None = None
        self._admin: Any = None
        self._started_once = False

    # ---------------------------------------------------------------- server

    def start(self) -> BauplanEmulator:
        """Start serving (idempotent). Returns self."""
        with self._lock:
            if self._server is not None:
                return self
            self._stopping.clear()
            executor = ThreadPoolExecutor(
                max_workers=self._max_workers, thread_name_prefix="bauplan-emulator"
            )
            server = grpc.server(
                executor,
                options=[
                    ("grpc.so_reuseport", 0),
                    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ],
            )
            servicer = EmulatorServicer(
                store=self._store,
                faults=self._faults,
                journal=self._journal,
                identity=self._identity,
                api_key=self._api_key if self._check_auth else None,
                stopping=self._stopping,
            )
            pb_grpc.add_V2CommanderServiceServicer_to_server(servicer, server)
            server.add_generic_rpc_handlers((UnimplementedHandler(self._journal),))
            try:
                self._port = self._bind(server)
            except BaseException:
                executor.shutdown(wait=False)
                raise
            server.start()
            self._server, self._executor = server, executor
            self._started_once = True
            return self

    def _bind(self, server: Any) -> int:
        address = f"{_bracket(self._host)}:{self._port}"
        # Only a restart retries: the port was ours a moment ago and may linger briefly.
        deadline = time.monotonic() + (REBIND_TIMEOUT_SECONDS if self._started_once else 0)
        while True:
            try:
                port = int(server.add_insecure_port(address))
            except RuntimeError:
                port = 0
            if port:
                return port
            if time.monotonic() >= deadline:
                raise OSError(f"Bauplan emulator could not bind {address} (port in use?).")
            time.sleep(0.05)

    def stop(self, grace: float | None = 0.5) -> None:
        """Stop serving; jobs, scripts, faults and journal are kept for a later ``start()``."""
        with self._lock:
            server, executor = self._server, self._executor
            self._server = self._executor = None
            if server is None:
                return
            self._stopping.set()
            server.stop(grace).wait()
            if executor is not None:
                executor.shutdown(wait=False)

    def restart(self) -> BauplanEmulator:
        """``stop()`` then ``start()`` on the same port."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop the gRPC server and the admin API, and remove the private config file."""
        self.stop()
        self.stop_admin()
        with self._lock:
            if self._config_dir is not None:
                shutil.rmtree(self._config_dir, ignore_errors=True)
                self._config_dir = None

    def __enter__(self) -> BauplanEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (0 before the first ``start()`` when constructed with port=0)."""
        return self._port

    @property
    def endpoint(self) -> str:
        host = self._host if self._host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        return f"http://{_bracket(host)}:{self._port}"

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def username(self) -> str:
        return self._identity.username

    @property
    def env(self) -> dict[str, str]:
        """Environment that points the SDK at this emulator."""
        return {"BAUPLAN_API_ENDPOINT": self.endpoint, "BAUPLAN_API_KEY": self._api_key}

    def config_file(self) -> str:
        """Path of a private SDK config file whose default profile targets this emulator.

        With ``bauplan.Client(api_key=emu.api_key, config_file_path=path)`` the SDK ignores
        ``BAUPLAN_*`` environment variables (bauplan-wire.md).
        """
        with self._lock:
            if self._config_dir is None:
                self._config_dir = tempfile.mkdtemp(prefix="bauplan-emulator-")
            path = os.path.join(self._config_dir, "config.yaml")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(f"profiles:\n  default:\n    api_endpoint: {self.endpoint}\n")
            return path

    def client(self, **kwargs: Any) -> Any:
        """A ``bauplan.Client`` for this emulator, independent of the environment."""
        import bauplan

        kwargs.setdefault("api_key", self._api_key)
        kwargs.setdefault("config_file_path", self.config_file())
        return bauplan.Client(**kwargs)

    # ---------------------------------------------------------------- scripting

    def script(
        self,
        script: JobScript,
        *,
        project_name: str | None = None,
        ref: str | None = None,
        table: str | None = None,
        kind: str | None = None,
        args: Mapping[str, str] | None = None,
    ) -> str:
        """Script the outcome of matching submissions; returns the rule id.

        Matching: every given field must equal the submission's (``ref`` is the run's ref or
        the import's branch; ``kind`` is CODE_SNAPSHOT_RUN or TABLE_DATA_IMPORT; ``args``
        must all be present in the request's ``args``). The most recently added matching
        script wins.
        """
        return self._store.add_script(
            script, project_name=project_name, ref=ref, table=table, kind=kind, args=args
        )

    def unscript(self, rule_id: str) -> bool:
        return self._store.remove_script(rule_id)

    def clear_scripts(self) -> None:
        self._store.clear_scripts()

    def scripts(self) -> list[ScriptRule]:
        """Active script rules, most recent (highest priority) first."""
        return self._store.scripts()

    # ---------------------------------------------------------------- faults

    def inject_fault(
        self,
        rpc: str,
        code: str = "UNAVAILABLE",
        count: int | None = 1,
        message: str | None = None,
    ) -> str:
        """Answer the next ``count`` calls of ``rpc`` (``"*"`` = any) with gRPC ``code``."""
        return self._faults.inject(rpc, code, count=count, message=message)

    def add_latency(self, rpc: str, seconds: float, count: int | None = None) -> str:
        """Delay the next ``count`` calls of ``rpc`` (``None`` = all until cleared)."""
        return self._faults.add_latency(rpc, seconds, count=count)

    def remove_fault(self, rule_id: str) -> bool:
        return self._faults.remove(rule_id)

    def clear_faults(self, rpc: str | None = None) -> None:
        self._faults.clear(rpc)

    def faults(self) -> list[FaultRule]:
        return self._faults.rules()

    # ---------------------------------------------------------------- journal

    @property
    def journal(self) -> list[JournalEntry]:
        return self._journal.entries()

    def calls(self, rpc: str | None = None, code: str | None = None) -> list[JournalEntry]:
        """Journal entries for one RPC and/or answered code (``"error"`` = not OK)."""
        return self._journal.entries(rpc, code)

    def count(self, rpc: str | None = None, code: str | None = None) -> int:
        return len(self._journal.entries(rpc, code))

    def clear_journal(self) -> None:
        self._journal.clear()

    # ---------------------------------------------------------------- jobs

    def job(self, job_id: str) -> JobRecord:
        rec = self._store.get(job_id)
        if rec is None:
            raise KeyError(f"no such job in the emulator: {job_id}")
        return rec

    def jobs(self) -> list[JobRecord]:
        """Every stored job, newest first."""
        return self._store.records()

    def complete_job(self, job_id: str) -> JobRecord:
        return self._store.finish_now(job_id, "COMPLETE")

    def fail_job(self, job_id: str, message: str | None = None) -> JobRecord:
        return self._store.finish_now(job_id, "FAIL", message=message)

    def abort_job(self, job_id: str, message: str | None = None) -> JobRecord:
        return self._store.finish_now(job_id, "ABORT", message=message)

    def create_job(
        self,
        *,
        kind: str = "CODE_SNAPSHOT_RUN",
        user: str | None = None,
        script: JobScript | None = None,
        project_name: str | None = None,
        ref: str | None = None,
        table: str | None = None,
        args: Mapping[str, str] | None = None,
    ) -> JobRecord:
        """Seed a job as if someone submitted it (no RPC, not journaled).

        ``script=None`` applies the matching scripts like a real submission would.
        """
        if kind not in ("CODE_SNAPSHOT_RUN", "TABLE_DATA_IMPORT"):
            raise ValueError(f"kind must be CODE_SNAPSHOT_RUN or TABLE_DATA_IMPORT, not {kind!r}")
        sub = Submission(
            kind=kind,
            user=user or self._identity.username,
            project_name=project_name,
            ref=ref,
            table=table,
            args=dict(args or {}),
        )
        return self._store.submit(sub, script=script)

    def wait_for_job(self, job_id: str, timeout: float = 10.0) -> JobRecord:
        """Block until the job is terminal; TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            rec = self.job(job_id)
            if rec.is_terminal:
                return rec
            if time.monotonic() >= deadline:
                raise TimeoutError(f"job {job_id} still {rec.status} after {timeout}s")
            time.sleep(0.02)

    # ---------------------------------------------------------------- admin API

    def start_admin(self, port: int = 0, host: str | None = None) -> str:
        """Serve the JSON admin API (see ``_admin_http``); returns its base URL."""
        from ._admin_http import AdminServer

        with self._lock:
            if self._admin is None:
                self._admin = AdminServer(self, host=host or self._host, port=port)
                self._admin.start()
            return str(self._admin.url)

    def stop_admin(self) -> None:
        with self._lock:
            admin, self._admin = self._admin, None
        if admin is not None:
            admin.stop()

    @property
    def admin_url(self) -> str | None:
        return None if self._admin is None else str(self._admin.url)


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
