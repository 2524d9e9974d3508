"""The gRPC servicer: ``bpln_proto.commander.service.v2.V2CommanderService`` for the SDK.

Every call goes through the same gate — added latency, then an injected status code, then the
bearer-token check — and is journaled with the code answered. Implemented RPCs:
CodeSnapshotRun, TableDataImport, GetJobs, GetLogs, GetJobContext, CancelJob, GetBauplanInfo
and SubscribeLogs (server streaming). Any other method of the service answers UNIMPLEMENTED
(and is journaled too).
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from ._faults import Faults
from ._generated import bauplan_emulator_pb2 as pb
from ._generated import bauplan_emulator_pb2_grpc as pb_grpc
from ._journal import Journal
from ._snapshot import inspect_snapshot
from ._state import KIND_LABEL, JobRecord, JobStore, Submission, TimedEvent

logger = logging.getLogger(__name__)

SERVICE_NAME = "bpln_proto.commander.service.v2.V2CommanderService"
PAGE_CAP = 500
STREAM_POLL_SECONDS = 0.05

_LOG_LEVEL = {
    "ERROR": pb.RuntimeLogEvent.LOG_LEVEL_ERROR,
    "WARNING": pb.RuntimeLogEvent.LOG_LEVEL_WARNING,
    "DEBUG": pb.RuntimeLogEvent.LOG_LEVEL_DEBUG,
    "INFO": pb.RuntimeLogEvent.LOG_LEVEL_INFO,
    "TRACE": pb.RuntimeLogEvent.LOG_LEVEL_TRACE,
}
_STREAM = {
    "stdout": pb.RuntimeLogEvent.OUTPUT_STREAM_STDOUT,
    "stderr": pb.RuntimeLogEvent.OUTPUT_STREAM_STDERR,
}


@dataclass(frozen=True)
class Identity:
    """Who the emulator says the caller is (``GetBauplanInfo``, job ``user``)."""

    username: str = "emulator-user"
    organization: str = "emulator-org"
    server_version: str = "bauplan-emulator"


class _Abort(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Call:
    fields: dict[str, Any] = field(default_factory=dict)
    job_id: str | None = None


def state_name(value: int) -> str:
    return pb.JobStateType.Name(value).removeprefix("JOB_STATE_TYPE_")


def kind_name(value: int) -> str:
    return pb.JobKind.Name(value).removeprefix("JOB_KIND_")


def _ts(seconds: float) -> Any:
    out = Timestamp()
    out.FromNanoseconds(round(seconds * 1e9))
    return out


def _seconds(ts: Any) -> float:
    return float(ts.ToNanoseconds()) / 1e9


def _parameters(params: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in params:
        which = p.WhichOneof("value")
        if which in ("secret_value", "vault_value"):
            out[p.name] = "<secret>"
        elif which is None:
            out[p.name] = None
        else:
            inner = getattr(p, which)
            out[p.name] = inner.value if inner.HasField("value") else None
    return out


def _common(common: Any) -> dict[str, Any]:
    return {
        "args": dict(common.args),
        "priority": common.priority if common.HasField("priority") else None,
    }


def _opt(msg: Any, name: str) -> str | None:
    return getattr(msg, name) if msg.HasField(name) else None


class EmulatorServicer(pb_grpc.V2CommanderServiceServicer):
    """Implements the service over a ``JobStore``, ``Faults`` and ``Journal``."""

    def __init__(
        self,
        *,
        store: JobStore,
        faults: Faults,
        journal: Journal,
        identity: Identity,
        api_key: str | None,
        stopping: threading.Event,
    ) -> None:
        self._store = store
        self._faults = faults
        self._journal = journal
        self._identity = identity
        self._expected = None if api_key is None else f"Bearer {api_key}"
        self._stopping = stopping

    # ---------------------------------------------------------------- plumbing

    def _gate(self, rpc: str, context: grpc.ServicerContext) -> None:
        latency, fault = self._faults.take(rpc)
        if latency > 0:
            self._stopping.wait(latency)
        if fault is not None and fault.code is not None:
            raise _Abort(grpc.StatusCode[fault.code], fault.message)
        if self._expected is None:
            return
        supplied = ""
        for key, value in context.invocation_metadata() or ():
            if key.lower() == "authorization":
                supplied = value if isinstance(value, str) else value.decode("latin-1")
        if not hmac.compare_digest(supplied.encode(), self._expected.encode()):
            reason = "missing" if not supplied else "invalid"
            raise _Abort(
                grpc.StatusCode.UNAUTHENTICATED,
                f"API key {reason}: the Bauplan emulator expects its configured API key.",
            )

    def _unary(
        self,
        rpc: str,
        request: Any,
        context: grpc.ServicerContext,
        describe: Callable[[Any, _Call], None],
        handler: Callable[[Any, _Call], Any],
    ) -> Any:
        received = time.time()
        call = _Call()
        describe(request, call)
        try:
            self._gate(rpc, context)
            response = handler(request, call)
        except _Abort as exc:
            self._record(rpc, received, call, exc.code.name, exc.message)
            context.abort(exc.code, exc.message)
        except Exception as exc:
            logger.exception("Bauplan emulator failed handling %s", rpc)
            message = f"Bauplan emulator error in {rpc}: {exc}"
            self._journal.record(rpc, received, call.fields, "INTERNAL", call.job_id, message)
            context.abort(grpc.StatusCode.INTERNAL, message)
        self._journal.record(rpc, received, call.fields, "OK", call.job_id)
        return response

    def _record(self, rpc: str, received: float, call: _Call, code: str, message: str) -> None:
        self._journal.record(rpc, received, call.fields, code, call.job_id, message)

    def _job_or_abort(self, job_id: str) -> JobRecord:
        rec = self._store.get(job_id)
        if rec is None:
            raise _Abort(grpc.StatusCode.NOT_FOUND, f"job not found: {job_id}")
        return rec

    # ---------------------------------------------------------------- submissions

    def CodeSnapshotRun(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unary(
            "CodeSnapshotRun", request, context, _describe_run, self._code_snapshot_run
        )

    def _code_snapshot_run(self, request: Any, call: _Call) -> Any:
        info = inspect_snapshot(request.zip_file)
        ref = _opt(request, "ref")
        namespace = _opt(request, "namespace")
        rec = self._store.submit(
            Submission(
                kind="CODE_SNAPSHOT_RUN",
                user=self._identity.username,
                project_id=request.project_id or info.project_id,
                project_name=request.project_name or info.project_name,
                ref=ref,
                namespace=namespace,
                args=dict(request.job_request_common.args),
                models=info.models,
                snapshot=bytes(request.zip_file),
            )
        )
        call.job_id = rec.id
        call.fields["models"] = list(info.models)
        return pb.CodeSnapshotRunResponse(
            job_response_common=self._response_common(rec, request),
            snapshot_id=rec.id,
            snapshot_uri=f"emulator://snapshots/{rec.id}.zip",
            ref=ref or "",
            namespace=namespace or "",
            dry_run=request.dry_run == pb.JOB_REQUEST_OPTIONAL_BOOL_TRUE,
            transaction=request.transaction,
            strict=request.strict,
            cache=request.cache,
            preview=request.preview,
            user_branch_prefix=f"{self._identity.username}.",
            project_id=rec.project_id or "",
            parameters=list(request.parameters),
            project_name=rec.project_name or "",
        )

    def TableDataImport(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unary(
            "TableDataImport", request, context, _describe_import, self._table_data_import
        )

    def _table_data_import(self, request: Any, call: _Call) -> Any:
        branch = _opt(request, "branch_name")
        namespace = _opt(request, "namespace")
        rec = self._store.submit(
            Submission(
                kind="TABLE_DATA_IMPORT",
                user=self._identity.username,
                ref=branch,
                namespace=namespace,
                table=request.table_name,
                args=dict(request.job_request_common.args),
            )
        )
        call.job_id = rec.id
        response = pb.TableDataImportResponse(
            job_response_common=self._response_common(rec, request),
            branch_name=branch or "",
            table_name=request.table_name,
            namespace=namespace or "",
            search_string=request.search_string,
            import_duplicate_files=request.import_duplicate_files,
            best_effort=request.best_effort,
            continue_on_error=request.continue_on_error,
            preview=request.preview,
            user_branch_prefix=f"{self._identity.username}.",
        )
        if request.HasField("transformation_query"):
            response.transformation_query = request.transformation_query
        return response

    def _response_common(self, rec: JobRecord, request: Any) -> Any:
        return pb.JobResponseCommon(
            job_id=rec.id,
            username=self._identity.username,
            args=dict(request.job_request_common.args),
        )

    # ---------------------------------------------------------------- queries

    def GetJobs(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unary("GetJobs", request, context, _describe_get_jobs, self._get_jobs)

    def _get_jobs(self, request: Any, call: _Call) -> Any:
        before: int | None = None
        if request.pagination_token:
            try:
                before = int(request.pagination_token)
            except ValueError:
                raise _Abort(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"invalid pagination_token {request.pagination_token!r}",
                ) from None
        limit = request.max_records if 0 < request.max_records <= PAGE_CAP else PAGE_CAP
        predicate = self._job_filter(request)
        jobs, next_seq = self._store.page(before_seq=before, predicate=predicate, limit=limit)
        token = "" if next_seq is None else str(next_seq)
        call.fields["returned"] = len(jobs)
        call.fields["next_pagination_token"] = token
        return pb.GetJobsResponse(jobs=[_job_info(r) for r in jobs], pagination_token=token)

    def _job_filter(self, request: Any) -> Callable[[JobRecord], bool]:
        ids = set(request.job_ids)
        users = set(request.filter_users)
        if not users and not request.all_users:
            users = {self._identity.username}
        kinds = {kind_name(k) for k in request.filter_kinds}
        if request.filter_kind:
            kinds.add(kind_name(request.filter_kind))
        statuses = {state_name(s) for s in request.filter_statuses}
        if request.filter_status:
            statuses.add(state_name(request.filter_status))
        # Compare in whole microseconds: the SDK's filters are datetimes.
        after = (
            request.filter_created_after.ToMicroseconds()
            if request.HasField("filter_created_after")
            else None
        )
        before = (
            request.filter_created_before.ToMicroseconds()
            if request.HasField("filter_created_before")
            else None
        )

        def keep(rec: JobRecord) -> bool:
            return (
                (not ids or rec.id in ids)
                and (not users or rec.user in users)
                and (not kinds or rec.kind in kinds)
                and (not statuses or rec.status in statuses)
                and (after is None or round(rec.created_at * 1e6) >= after)
                and (before is None or round(rec.created_at * 1e6) <= before)
            )

        return keep

    def GetLogs(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unary("GetLogs", request, context, _describe_get_logs, self._get_logs)

    def _get_logs(self, request: Any, call: _Call) -> Any:
        found = self._store.events(request.job_id)
        if found is None:
            raise _Abort(grpc.StatusCode.NOT_FOUND, f"job not found: {request.job_id}")
        _, events = found
        call.fields["returned"] = len(events)
        return pb.GetLogsResponse(events=[_runner_event(request.job_id, e) for e in events])

    def GetJobContext(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unary(
            "GetJobContext", request, context, _describe_context, self._get_job_context
        )

    def _get_job_context(self, request: Any, call: _Call) -> Any:
        response = pb.GetJobContextResponse()
        for job_id in request.job_ids:
            found = self._store.events(job_id)
            if found is None:
                response.errors.append(
                    pb.JobError(
                        job_id=job_id,
                        error_msg=f"job not found: {job_id}",
                        error_code=grpc.StatusCode.NOT_FOUND.value[0],
                        error_type="NOT_FOUND",
                    )
                )
                continue
            rec, events = found
            ctx = pb.JobContext(job_id=rec.id)
            for name in ("project_id", "project_name", "ref", "error_message"):
                value = getattr(rec, name)
                if value is not None:
                    setattr(ctx, name, value)
            if rec.ref is not None:
                ctx.branch = rec.ref
            ctx.models.extend(pb.ModelNode(model_id=m, model_name=m) for m in rec.models)
            if request.include_logs:
                ctx.job_events.extend(_runner_event(rec.id, e) for e in events)
            if request.include_snapshot:
                snapshot = self._store.snapshot_bytes(rec.id)
                if snapshot is not None:
                    ctx.code_snapshot = snapshot
            response.job_contexts.append(ctx)
        call.fields["returned"] = len(response.job_contexts)
        call.fields["not_found"] = [e.job_id for e in response.errors]
        return response

    # ---------------------------------------------------------------- control

    def CancelJob(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unary("CancelJob", request, context, _describe_cancel, self._cancel_job)

    def _cancel_job(self, request: Any, call: _Call) -> Any:
        job_id = request.job_id.id
        try:
            accepted, message = self._store.cancel(job_id, by=self._identity.username)
        except KeyError:
            raise _Abort(grpc.StatusCode.NOT_FOUND, f"job not found: {job_id}") from None
        status = (
            pb.CancelJobResponse.CANCEL_STATUS_SUCCESS
            if accepted
            else pb.CancelJobResponse.CANCEL_STATUS_FAILURE
        )
        call.fields["cancel_status"] = "SUCCESS" if accepted else "FAILURE"
        return pb.CancelJobResponse(status=status, message=message)

    def GetBauplanInfo(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unary("GetBauplanInfo", request, context, _describe_nothing, self._info)

    def _info(self, request: Any, call: _Call) -> Any:
        ident = self._identity
        return pb.GetBauplanInfoResponse(
            runners=[pb.RunnerInfo(hostname=self._store.runner)],
            user=ident.username,
            server_version=ident.server_version,
            organization_info=pb.OrganizationInfo(
                id=f"{ident.organization}-id", name=ident.organization, slug=ident.organization
            ),
            user_info=pb.UserInfo(
                id=f"{ident.username}-id",
                username=ident.username,
                first_name="Emulator",
                last_name="User",
            ),
        )

    # ---------------------------------------------------------------- streaming

    def SubscribeLogs(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        rpc = "SubscribeLogs"
        received = time.time()
        call = _Call(fields={"job_id": request.job_id}, job_id=request.job_id or None)
        try:
            self._gate(rpc, context)
            self._job_or_abort(request.job_id)
        except _Abort as exc:
            self._record(rpc, received, call, exc.code.name, exc.message)
            context.abort(exc.code, exc.message)
        self._journal.record(rpc, received, call.fields, "OK", call.job_id)
        sent = 0
        while True:
            found = self._store.events(request.job_id)
            if found is None:  # evicted while streaming
                return
            rec, events = found
            for event in events[sent:]:
                yield pb.SubscribeLogsResponse(
                    job_id=rec.id, runner_event=_runner_event(rec.id, event)
                )
            sent = len(events)
            if rec.is_terminal or self._stopping.wait(STREAM_POLL_SECONDS):
                return
            if not context.is_active():
                return


# -------------------------------------------------------------------- conversions


def _job_info(rec: JobRecord) -> Any:
    info = pb.JobInfo(
        id=rec.id,
        human_readable_status=rec.human_readable_status,
        kind=KIND_LABEL.get(rec.kind, rec.kind),
        user=rec.user,
        runner=rec.runner,
        status=pb.JobStateType.Value(f"JOB_STATE_TYPE_{rec.status}"),
        kind_type=pb.JobKind.Value(f"JOB_KIND_{rec.kind}"),
        created_at=_ts(rec.created_at),
    )
    if rec.started_at is not None:
        info.started_at.CopyFrom(_ts(rec.started_at))
    if rec.finished_at is not None:
        info.finished_at.CopyFrom(_ts(rec.finished_at))
    if rec.error_message is not None:
        info.error_message = rec.error_message
    return info


def _runner_event(job_id: str, event: TimedEvent) -> Any:
    if event.type == "completion":
        done = pb.JobCompleteEvent(job_id=job_id)
        if event.state == "COMPLETE":
            done.success.msg = event.message
        elif event.state == "FAIL":
            done.failure.component = pb.JobCompleteEvent.Failure.COMPONENT_RUNTIME
            done.failure.error_message = event.message
            done.failure.error_code = pb.JobCompleteEvent.Failure.ERROR_CODE_RUNTIME_TASK_USER_ERROR
        else:
            done.cancellation.reason = event.message
        return pb.RunnerEvent(job_completion=done)
    meta = pb.TaskMetadata(
        level=pb.TaskMetadata.LEVEL_DAG if event.model else pb.TaskMetadata.LEVEL_SYSTEM,
        human_readable_task_type="Model" if event.model else "System",
        task_type="model" if event.model else "system",
    )
    if event.model:
        meta.model_name = event.model
        meta.function_name = event.model
    log = pb.RuntimeLogEvent(
        level=_LOG_LEVEL.get(event.level, pb.RuntimeLogEvent.LOG_LEVEL_INFO),
        output_stream=_STREAM.get(event.stream, pb.RuntimeLogEvent.OUTPUT_STREAM_STDOUT),
        type=pb.RuntimeLogEvent.LOG_TYPE_USER
        if event.type == "user"
        else pb.RuntimeLogEvent.LOG_TYPE_SYSTEM,
        emit_timestamp_ns=int(event.at * 1e9),
        msg=event.message,
        task_metadata=meta,
        job_id=job_id,
    )
    return pb.RunnerEvent(runtime_user_log=log)


# -------------------------------------------------------------------- journal fields


def _describe_run(request: Any, call: _Call) -> None:
    call.fields.update(
        project_id=request.project_id,
        project_name=request.project_name,
        ref=_opt(request, "ref"),
        namespace=_opt(request, "namespace"),
        parameters=_parameters(request.parameters),
        dry_run=pb.JobRequestOptionalBool.Name(request.dry_run).removeprefix(
            "JOB_REQUEST_OPTIONAL_BOOL_"
        ),
        transaction=request.transaction,
        strict=request.strict,
        cache=request.cache,
        preview=request.preview,
        zip_bytes=len(request.zip_file),
        **_common(request.job_request_common),
    )


def _describe_import(request: Any, call: _Call) -> None:
    call.fields.update(
        table=request.table_name,
        branch=_opt(request, "branch_name"),
        ref=_opt(request, "branch_name"),
        namespace=_opt(request, "namespace"),
        search_uri=request.search_string,
        import_duplicate_files=request.import_duplicate_files,
        best_effort=request.best_effort,
        continue_on_error=request.continue_on_error,
        preview=request.preview,
        **_common(request.job_request_common),
    )


def _describe_get_jobs(request: Any, call: _Call) -> None:
    call.fields.update(
        job_ids=list(request.job_ids),
        all_users=request.all_users,
        users=list(request.filter_users),
        kinds=[kind_name(k) for k in request.filter_kinds],
        statuses=[state_name(s) for s in request.filter_statuses],
        created_after=_seconds(request.filter_created_after)
        if request.HasField("filter_created_after")
        else None,
        created_before=_seconds(request.filter_created_before)
        if request.HasField("filter_created_before")
        else None,
        max_records=request.max_records,
        pagination_token=request.pagination_token,
    )
    if len(request.job_ids) == 1:
        call.job_id = request.job_ids[0]


def _describe_get_logs(request: Any, call: _Call) -> None:
    call.fields.update(
        job_id=request.job_id, start=request.start, end=request.end, limit=request.limit
    )
    call.job_id = request.job_id or None


def _describe_context(request: Any, call: _Call) -> None:
    call.fields.update(
        job_ids=list(request.job_ids),
        include_logs=request.include_logs,
        include_snapshot=request.include_snapshot,
    )
    if len(request.job_ids) == 1:
        call.job_id = request.job_ids[0]


def _describe_cancel(request: Any, call: _Call) -> None:
    call.fields["job_id"] = request.job_id.id
    call.job_id = request.job_id.id or None


def _describe_nothing(request: Any, call: _Call) -> None:
    """GetBauplanInfo carries only ``api_key``, which is never journaled."""


# -------------------------------------------------------------------- other methods


class UnimplementedHandler(grpc.GenericRpcHandler):
    """Answers UNIMPLEMENTED (journaled) for any other method of the service."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def service(self, handler_call_details: Any) -> Any:
        method: str = handler_call_details.method
        prefix = f"/{SERVICE_NAME}/"
        if not method.startswith(prefix):
            return None
        rpc = method[len(prefix) :]
        journal = self._journal

        def answer(request: bytes, context: grpc.ServicerContext) -> bytes:
            message = f"{rpc} is not implemented by the Bauplan emulator."
            journal.record(rpc, time.time(), {}, "UNIMPLEMENTED", None, message)
            context.abort(grpc.StatusCode.UNIMPLEMENTED, message)
            return b""

        return grpc.unary_unary_rpc_method_handler(answer)
