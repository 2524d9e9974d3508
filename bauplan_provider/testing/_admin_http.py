"""The emulator's JSON admin API (stdlib ``http.server`` in a thread).

Unauthenticated: it binds the emulator's host, loopback by default. Routes (JSON in and out):

====== ============================ ==========================================================
GET    /health                      ``{"status": "ok", "endpoint", "jobs", "running"}``
GET    /scripts                     active script rules, highest priority first
POST   /scripts                     ``{"script": {JobScript fields}, "match": {"project_name",
                                    "ref", "table", "kind", "args"}}`` → ``{"id"}``
DELETE /scripts[/ID]                remove one rule / all rules
GET    /faults                      active fault rules
POST   /faults                      ``{"rpc", "code", "count", "message"}`` or
                                    ``{"rpc", "latency", "count"}`` → ``{"id"}``
DELETE /faults[/ID][?rpc=NAME]      remove one rule / all rules (of one RPC)
GET    /journal[?rpc=&code=&since=] ``{"entries": [...]}``; ``code=error`` = not OK;
                                    ``since`` = entries with a larger ``seq``
DELETE /journal                     clear the journal
GET    /jobs                        ``{"jobs": [...]}`` newest first
POST   /jobs                        seed a job: ``{"kind", "user", "script", "project_name",
                                    "ref", "table", "args"}``
GET    /jobs/ID                     one job
POST   /jobs/ID/complete|fail|abort ``{"message"}`` optional; end the job now
====== ============================ ==========================================================

Errors: 400 for a malformed request (bad JSON, unknown or invalid field), 404 for an unknown
route or job, 409 when the job has already finished; always ``{"error": "<sentence>"}``. A bad
request never stops the server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from ._state import JobScript

if TYPE_CHECKING:
    from .emulator import BauplanEmulator

MAX_BODY_BYTES = 1024 * 1024


class AdminError(Exception):
    """An HTTP error answer with a message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _bad(message: str) -> AdminError:
    return AdminError(HTTPStatus.BAD_REQUEST, message)


def _optional_str(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise _bad(f"{name} must be a string or null")
    return value


def _args(body: Mapping[str, Any]) -> dict[str, str] | None:
    value = body.get("args")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _bad("args must be an object of string values")
    return value


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(f"{what} must be a JSON object")
    return value


class AdminApp:
    """Routes admin requests to a ``BauplanEmulator``."""

    def __init__(self, emulator: BauplanEmulator) -> None:
        self.emu = emulator

    def handle(self, method: str, path: str, query: dict[str, str], body: Any) -> Any:
        parts = [p for p in path.split("/") if p]
        route: Callable[..., Any] | None = None
        if parts == ["health"] and method == "GET":
            return self.health()
        if parts and parts[0] in ("scripts", "faults", "journal", "jobs"):
            route = getattr(self, f"{parts[0]}_{method.lower()}", None)
        if route is None:
            raise AdminError(HTTPStatus.NOT_FOUND, f"no route for {method} {path}")
        return route(parts[1:], query, body)

    def health(self) -> dict[str, Any]:
        emu = self.emu
        return {
            "status": "ok",
            "endpoint": emu.endpoint,
            "running": emu.running,
            "jobs": len(emu.jobs()),
        }

    # scripts
    def scripts_get(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        return {"scripts": [r.to_dict() for r in self.emu.scripts()]}

    def scripts_post(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        body = _object(body, "request body")
        unknown = set(body) - {"script", "match"}
        if unknown or rest:
            raise _bad(f"unknown field(s) {sorted(unknown)}; expected 'script' and 'match'")
        try:
            script = JobScript.from_dict(_object(body.get("script", {}), "script"))
        except (TypeError, ValueError) as exc:
            raise _bad(f"invalid script: {exc}") from None
        match = _object(body.get("match") or {}, "match")
        unknown = set(match) - {"project_name", "ref", "table", "kind", "args"}
        if unknown:
            raise _bad(f"unknown match field(s): {sorted(unknown)}")
        try:
            rule_id = self.emu.script(
                script,
                project_name=_optional_str(match, "project_name"),
                ref=_optional_str(match, "ref"),
                table=_optional_str(match, "table"),
                kind=_optional_str(match, "kind"),
                args=_args(match),
            )
        except ValueError as exc:
            raise _bad(str(exc)) from None
        return {"id": rule_id}

    def scripts_delete(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        if rest:
            if not self.emu.unscript(rest[0]):
                raise AdminError(HTTPStatus.NOT_FOUND, f"no script rule {rest[0]}")
            return {"removed": rest[0]}
        self.emu.clear_scripts()
        return {"removed": "all"}

    # faults
    def faults_get(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        return {"faults": [r.to_dict() for r in self.emu.faults()]}

    def faults_post(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        body = _object(body, "request body")
        unknown = set(body) - {"rpc", "code", "count", "message", "latency"}
        if unknown:
            raise _bad(f"unknown fault field(s): {sorted(unknown)}")
        rpc = body.get("rpc")
        if not isinstance(rpc, str) or not rpc:
            raise _bad("rpc is required: an RPC name such as 'GetJobs', or '*'")
        if ("code" in body) == ("latency" in body):
            raise _bad("give exactly one of 'code' (a gRPC status name) or 'latency' (seconds)")
        try:
            if "code" in body:
                if not isinstance(body["code"], str):
                    raise ValueError("code must be a gRPC status code name")
                rule_id = self.emu.inject_fault(
                    rpc,
                    body["code"],
                    count=body.get("count", 1),
                    message=_optional_str(body, "message"),
                )
            else:
                rule_id = self.emu.add_latency(rpc, body["latency"], count=body.get("count"))
        except ValueError as exc:
            raise _bad(str(exc)) from None
        return {"id": rule_id}

    def faults_delete(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        if rest:
            if not self.emu.remove_fault(rest[0]):
                raise AdminError(HTTPStatus.NOT_FOUND, f"no fault rule {rest[0]}")
            return {"removed": rest[0]}
        self.emu.clear_faults(query.get("rpc"))
        return {"removed": query.get("rpc", "all")}

    # journal
    def journal_get(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        try:
            since = int(query.get("since", "0"))
        except ValueError:
            raise _bad("since must be an integer journal seq") from None
        entries = self.emu.calls(query.get("rpc"), query.get("code"))
        return {"entries": [e.to_dict() for e in entries if e.seq > since]}

    def journal_delete(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        self.emu.clear_journal()
        return {"removed": "all"}

    # jobs
    def jobs_get(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        if not rest:
            return {"jobs": [j.to_dict() for j in self.emu.jobs()]}
        try:
            return self.emu.job(rest[0]).to_dict()
        except KeyError:
            raise AdminError(HTTPStatus.NOT_FOUND, f"no job {rest[0]}") from None

    def jobs_post(self, rest: list[str], query: dict[str, str], body: Any) -> Any:
        body = _object(body if body is not None else {}, "request body")
        if not rest:
            return self._create_job(body)
        if len(rest) != 2 or rest[1] not in ("complete", "fail", "abort"):
            raise AdminError(HTTPStatus.NOT_FOUND, "use POST /jobs/ID/complete|fail|abort")
        job_id, action = rest
        message = _optional_str(body, "message")
        try:
            if action == "complete":
                rec = self.emu.complete_job(job_id)
            elif action == "fail":
                rec = self.emu.fail_job(job_id, message)
            else:
                rec = self.emu.abort_job(job_id, message)
        except KeyError:
            raise AdminError(HTTPStatus.NOT_FOUND, f"no job {job_id}") from None
        except ValueError as exc:
            raise AdminError(HTTPStatus.CONFLICT, str(exc)) from None
        return rec.to_dict()

    def _create_job(self, body: dict[str, Any]) -> Any:
        allowed = {"kind", "user", "script", "project_name", "ref", "table", "args"}
        unknown = set(body) - allowed
        if unknown:
            raise _bad(f"unknown job field(s): {sorted(unknown)}")
        try:
            script = (
                None
                if body.get("script") is None
                else JobScript.from_dict(_object(body["script"], "script"))
            )
            rec = self.emu.create_job(
                kind=_optional_str(body, "kind") or "CODE_SNAPSHOT_RUN",
                user=_optional_str(body, "user"),
                script=script,
                project_name=_optional_str(body, "project_name"),
                ref=_optional_str(body, "ref"),
                table=_optional_str(body, "table"),
                args=_args(body),
            )
        except (TypeError, ValueError) as exc:
            raise _bad(str(exc)) from None
        return rec.to_dict()


class _Handler(BaseHTTPRequestHandler):
    app: AdminApp  # set on the subclass built by AdminServer
    server_version = "bauplan-emulator-admin"

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        return

    def _serve(self, method: str) -> None:
        try:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            body = self._read_body()
            result = self.app.handle(method, url.path, query, body)
            self._send(HTTPStatus.OK, result)
        except AdminError as exc:
            self._send(exc.status, {"error": exc.message})
        except Exception as exc:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"admin API error: {exc}"})

    def _read_body(self) -> Any:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _bad("invalid Content-Length") from None
        if length < 0 or length > MAX_BODY_BYTES:
            raise _bad(f"request body must be between 0 and {MAX_BODY_BYTES} bytes")
        if not length:
            return None
        raw = self.rfile.read(length)
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _bad(f"request body is not valid JSON: {exc}") from None

    def _send(self, status: HTTPStatus, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")


class AdminServer:
    """Runs the admin API in a daemon thread."""

    def __init__(self, emulator: BauplanEmulator, *, host: str = "127.0.0.1", port: int = 0):
        handler = type("AdminHandler", (_Handler,), {"app": AdminApp(emulator)})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll interval
            name="bauplan-emulator-admin",
            daemon=True,
        )
        bound_host = host if host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        bound_host = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.url = f"http://{bound_host}:{self._httpd.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
