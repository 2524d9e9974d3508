"""``EmulatorAdminClient``: drive a standalone emulator's admin API (``httpx``).

::

    with EmulatorAdminClient("http://127.0.0.1:8765") as admin:
        admin.script(JobScript(final_state="FAIL", error_message="boom"), project_name="etl")
        admin.inject_fault("GetJobs", code="UNAVAILABLE", count=3)
        assert admin.count("GetJobs", code="UNAVAILABLE") == 3

Methods mirror ``BauplanEmulator``: ``health()``, ``script(...)``, ``unscript(id)``,
``clear_scripts()``, ``scripts()``, ``inject_fault(...)``, ``add_latency(...)``,
``remove_fault(id)``, ``clear_faults(rpc=None)``, ``faults()``, ``journal(rpc=None,
code=None, since=0)``, ``calls(...)`` (same), ``count(...)``, ``clear_journal()``, ``jobs()``,
``job(id)``, ``create_job(...)``, ``complete_job(id)``, ``fail_job(id, message=None)``,
``abort_job(id, message=None)``. Jobs and rules come back as plain dicts (``JobRecord.to_dict``
shape); journal entries as ``JournalEntry``. An error answer raises ``EmulatorAdminError``
carrying the HTTP status and the server's message.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from ._journal import JournalEntry
from ._state import JobScript


class EmulatorAdminError(Exception):
    """The admin API answered an error (``status_code`` and the server's ``message``)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(f"emulator admin API answered {status_code}: {message}")
        self.status_code = status_code
        self.message = message


class EmulatorAdminClient:
    """A small synchronous client for the admin API at ``base_url``."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> EmulatorAdminClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        response = self._http.request(method, path, json=json, params=clean)
        try:
            payload = response.json()
        except ValueError:
            payload = {"error": response.text}
        if response.status_code >= 400:
            raise EmulatorAdminError(response.status_code, str(payload.get("error", payload)))
        return payload

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/health"))

    # scripts
    def script(
        self,
        script: JobScript | Mapping[str, Any],
        *,
        project_name: str | None = None,
        ref: str | None = None,
        table: str | None = None,
        kind: str | None = None,
        args: Mapping[str, str] | None = None,
    ) -> str:
        body = script.to_dict() if isinstance(script, JobScript) else dict(script)
        match = {"project_name": project_name, "ref": ref, "table": table, "kind": kind}
        match_body: dict[str, Any] = {k: v for k, v in match.items() if v is not None}
        if args is not None:
            match_body["args"] = dict(args)
        return str(self._call("POST", "/scripts", json={"script": body, "match": match_body})["id"])

    def unscript(self, rule_id: str) -> None:
        self._call("DELETE", f"/scripts/{rule_id}")

    def clear_scripts(self) -> None:
        self._call("DELETE", "/scripts")

    def scripts(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/scripts")["scripts"])

    # faults
    def inject_fault(
        self,
        rpc: str,
        code: str = "UNAVAILABLE",
        count: int | None = 1,
        message: str | None = None,
    ) -> str:
        body: dict[str, Any] = {"rpc": rpc, "code": code, "count": count}
        if message is not None:
            body["message"] = message
        return str(self._call("POST", "/faults", json=body)["id"])

    def add_latency(self, rpc: str, seconds: float, count: int | None = None) -> str:
        body = {"rpc": rpc, "latency": seconds, "count": count}
        return str(self._call("POST", "/faults", json=body)["id"])

    def remove_fault(self, rule_id: str) -> None:
        self._call("DELETE", f"/faults/{rule_id}")

    def clear_faults(self, rpc: str | None = None) -> None:
        self._call("DELETE", "/faults", params={"rpc": rpc})

    def faults(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/faults")["faults"])

    # journal
    def journal(
        self, rpc: str | None = None, code: str | None = None, since: int = 0
    ) -> list[JournalEntry]:
        params = {"rpc": rpc, "code": code, "since": since or None}
        entries = self._call("GET", "/journal", params=params)["entries"]
        return [JournalEntry(**e) for e in entries]

    def calls(self, rpc: str | None = None, code: str | None = None) -> list[JournalEntry]:
        return self.journal(rpc, code)

    def count(self, rpc: str | None = None, code: str | None = None) -> int:
        return len(self.journal(rpc, code))

    def clear_journal(self) -> None:
        self._call("DELETE", "/journal")

    # jobs
    def jobs(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/jobs")["jobs"])

    def job(self, job_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/jobs/{job_id}"))

    def create_job(
        self,
        *,
        kind: str = "CODE_SNAPSHOT_RUN",
        user: str | None = None,
        script: JobScript | Mapping[str, Any] | None = None,
        project_name: str | None = None,
        ref: str | None = None,
        table: str | None = None,
        args: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": kind,
            "user": user,
            "project_name": project_name,
            "ref": ref,
            "table": table,
            "args": None if args is None else dict(args),
        }
        if script is not None:
            body["script"] = script.to_dict() if isinstance(script, JobScript) else dict(script)
        return dict(self._call("POST", "/jobs", json=body))

    def complete_job(self, job_id: str) -> dict[str, Any]:
        return dict(self._call("POST", f"/jobs/{job_id}/complete", json={}))

    def fail_job(self, job_id: str, message: str | None = None) -> dict[str, Any]:
        return dict(self._call("POST", f"/jobs/{job_id}/fail", json={"message": message}))

    def abort_job(self, job_id: str, message: str | None = None) -> dict[str, Any]:
        return dict(self._call("POST", f"/jobs/{job_id}/abort", json={"message": message}))
