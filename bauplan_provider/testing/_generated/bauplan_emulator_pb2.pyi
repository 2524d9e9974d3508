import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobStateType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_TYPE_UNSPECIFIED: _ClassVar[JobStateType]
    JOB_STATE_TYPE_NOT_STARTED: _ClassVar[JobStateType]
    JOB_STATE_TYPE_RUNNING: _ClassVar[JobStateType]
    JOB_STATE_TYPE_COMPLETE: _ClassVar[JobStateType]
    JOB_STATE_TYPE_ABORT: _ClassVar[JobStateType]
    JOB_STATE_TYPE_FAIL: _ClassVar[JobStateType]
    JOB_STATE_TYPE_OTHER: _ClassVar[JobStateType]

class JobKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_KIND_UNSPECIFIED: _ClassVar[JobKind]
    JOB_KIND_CODE_SNAPSHOT_RUN: _ClassVar[JobKind]
    JOB_KIND_QUERY_RUN: _ClassVar[JobKind]
    JOB_KIND_IMPORT_PLAN_CREATE: _ClassVar[JobKind]
    JOB_KIND_IMPORT_PLAN_APPLY: _ClassVar[JobKind]
    JOB_KIND_TABLE_PLAN_CREATE: _ClassVar[JobKind]
    JOB_KIND_TABLE_PLAN_CREATE_APPLY: _ClassVar[JobKind]
    JOB_KIND_TABLE_DATA_IMPORT: _ClassVar[JobKind]
    JOB_KIND_EXTERNAL_TABLE_CREATE: _ClassVar[JobKind]

class JobRequestOptionalBool(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_REQUEST_OPTIONAL_BOOL_UNSPECIFIED: _ClassVar[JobRequestOptionalBool]
    JOB_REQUEST_OPTIONAL_BOOL_TRUE: _ClassVar[JobRequestOptionalBool]
    JOB_REQUEST_OPTIONAL_BOOL_FALSE: _ClassVar[JobRequestOptionalBool]
JOB_STATE_TYPE_UNSPECIFIED: JobStateType
JOB_STATE_TYPE_NOT_STARTED: JobStateType
JOB_STATE_TYPE_RUNNING: JobStateType
JOB_STATE_TYPE_COMPLETE: JobStateType
JOB_STATE_TYPE_ABORT: JobStateType
JOB_STATE_TYPE_FAIL: JobStateType
JOB_STATE_TYPE_OTHER: JobStateType
JOB_KIND_UNSPECIFIED: JobKind
JOB_KIND_CODE_SNAPSHOT_RUN: JobKind
JOB_KIND_QUERY_RUN: JobKind
JOB_KIND_IMPORT_PLAN_CREATE: JobKind
JOB_KIND_IMPORT_PLAN_APPLY: JobKind
JOB_KIND_TABLE_PLAN_CREATE: JobKind
JOB_KIND_TABLE_PLAN_CREATE_APPLY: JobKind
JOB_KIND_TABLE_DATA_IMPORT: JobKind
JOB_KIND_EXTERNAL_TABLE_CREATE: JobKind
JOB_REQUEST_OPTIONAL_BOOL_UNSPECIFIED: JobRequestOptionalBool
JOB_REQUEST_OPTIONAL_BOOL_TRUE: JobRequestOptionalBool
JOB_REQUEST_OPTIONAL_BOOL_FALSE: JobRequestOptionalBool

class JobRequestCommon(_message.Message):
    __slots__ = ("module_version", "hostname", "args", "debug", "priority")
    class ArgsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    MODULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    DEBUG_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    module_version: str
    hostname: str
    args: _containers.ScalarMap[str, str]
    debug: JobRequestOptionalBool
    priority: int
    def __init__(self, module_version: _Optional[str] = ..., hostname: _Optional[str] = ..., args: _Optional[_Mapping[str, str]] = ..., debug: _Optional[_Union[JobRequestOptionalBool, str]] = ..., priority: _Optional[int] = ...) -> None: ...

class PlannerLog(_message.Message):
    __slots__ = ("level", "message", "generic", "file")
    class Level(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LEVEL_UNSPECIFIED: _ClassVar[PlannerLog.Level]
        LEVEL_ERROR: _ClassVar[PlannerLog.Level]
        LEVEL_WARNING: _ClassVar[PlannerLog.Level]
        LEVEL_DEBUG: _ClassVar[PlannerLog.Level]
        LEVEL_INFO: _ClassVar[PlannerLog.Level]
        LEVEL_TRACE: _ClassVar[PlannerLog.Level]
    LEVEL_UNSPECIFIED: PlannerLog.Level
    LEVEL_ERROR: PlannerLog.Level
    LEVEL_WARNING: PlannerLog.Level
    LEVEL_DEBUG: PlannerLog.Level
    LEVEL_INFO: PlannerLog.Level
    LEVEL_TRACE: PlannerLog.Level
    class GenericContext(_message.Message):
        __slots__ = ()
        def __init__(self) -> None: ...
    class FileContext(_message.Message):
        __slots__ = ("path", "line")
        PATH_FIELD_NUMBER: _ClassVar[int]
        LINE_FIELD_NUMBER: _ClassVar[int]
        path: str
        line: int
        def __init__(self, path: _Optional[str] = ..., line: _Optional[int] = ...) -> None: ...
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    GENERIC_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    level: PlannerLog.Level
    message: str
    generic: PlannerLog.GenericContext
    file: PlannerLog.FileContext
    def __init__(self, level: _Optional[_Union[PlannerLog.Level, str]] = ..., message: _Optional[str] = ..., generic: _Optional[_Union[PlannerLog.GenericContext, _Mapping]] = ..., file: _Optional[_Union[PlannerLog.FileContext, _Mapping]] = ...) -> None: ...

class JobResponseCommon(_message.Message):
    __slots__ = ("job_id", "debug", "args", "username", "logs")
    class ArgsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    DEBUG_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    LOGS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    debug: bool
    args: _containers.ScalarMap[str, str]
    username: str
    logs: _containers.RepeatedCompositeFieldContainer[PlannerLog]
    def __init__(self, job_id: _Optional[str] = ..., debug: bool = ..., args: _Optional[_Mapping[str, str]] = ..., username: _Optional[str] = ..., logs: _Optional[_Iterable[_Union[PlannerLog, _Mapping]]] = ...) -> None: ...

class JobInfo(_message.Message):
    __slots__ = ("id", "human_readable_status", "kind", "user", "created_at", "finished_at", "runner", "status", "kind_type", "started_at", "error_message")
    ID_FIELD_NUMBER: _ClassVar[int]
    HUMAN_READABLE_STATUS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    RUNNER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    KIND_TYPE_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    human_readable_status: str
    kind: str
    user: str
    created_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    runner: str
    status: JobStateType
    kind_type: JobKind
    started_at: _timestamp_pb2.Timestamp
    error_message: str
    def __init__(self, id: _Optional[str] = ..., human_readable_status: _Optional[str] = ..., kind: _Optional[str] = ..., user: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., runner: _Optional[str] = ..., status: _Optional[_Union[JobStateType, str]] = ..., kind_type: _Optional[_Union[JobKind, str]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_message: _Optional[str] = ...) -> None: ...

class JobId(_message.Message):
    __slots__ = ("id", "snapshot_uri", "dag_graphviz", "dag_ascii", "scheduled_runner_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_URI_FIELD_NUMBER: _ClassVar[int]
    DAG_GRAPHVIZ_FIELD_NUMBER: _ClassVar[int]
    DAG_ASCII_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_RUNNER_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    snapshot_uri: str
    dag_graphviz: str
    dag_ascii: str
    scheduled_runner_id: str
    def __init__(self, id: _Optional[str] = ..., snapshot_uri: _Optional[str] = ..., dag_graphviz: _Optional[str] = ..., dag_ascii: _Optional[str] = ..., scheduled_runner_id: _Optional[str] = ...) -> None: ...

class Parameter(_message.Message):
    __slots__ = ("name", "int_value", "float_value", "bool_value", "str_value", "secret_value", "vault_value")
    class IntValue(_message.Message):
        __slots__ = ("value",)
        VALUE_FIELD_NUMBER: _ClassVar[int]
        value: int
        def __init__(self, value: _Optional[int] = ...) -> None: ...
    class FloatValue(_message.Message):
        __slots__ = ("value",)
        VALUE_FIELD_NUMBER: _ClassVar[int]
        value: float
        def __init__(self, value: _Optional[float] = ...) -> None: ...
    class BoolValue(_message.Message):
        __slots__ = ("value",)
        VALUE_FIELD_NUMBER: _ClassVar[int]
        value: bool
        def __init__(self, value: bool = ...) -> None: ...
    class StrValue(_message.Message):
        __slots__ = ("value",)
        VALUE_FIELD_NUMBER: _ClassVar[int]
        value: str
        def __init__(self, value: _Optional[str] = ...) -> None: ...
    class SecretValue(_message.Message):
        __slots__ = ("value", "key")
        VALUE_FIELD_NUMBER: _ClassVar[int]
        KEY_FIELD_NUMBER: _ClassVar[int]
        value: str
        key: str
        def __init__(self, value: _Optional[str] = ..., key: _Optional[str] = ...) -> None: ...
    class VaultValue(_message.Message):
        __slots__ = ("value",)
        VALUE_FIELD_NUMBER: _ClassVar[int]
        value: str
        def __init__(self, value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    FLOAT_VALUE_FIELD_NUMBER: _ClassVar[int]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    STR_VALUE_FIELD_NUMBER: _ClassVar[int]
    SECRET_VALUE_FIELD_NUMBER: _ClassVar[int]
    VAULT_VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    int_value: Parameter.IntValue
    float_value: Parameter.FloatValue
    bool_value: Parameter.BoolValue
    str_value: Parameter.StrValue
    secret_value: Parameter.SecretValue
    vault_value: Parameter.VaultValue
    def __init__(self, name: _Optional[str] = ..., int_value: _Optional[_Union[Parameter.IntValue, _Mapping]] = ..., float_value: _Optional[_Union[Parameter.FloatValue, _Mapping]] = ..., bool_value: _Optional[_Union[Parameter.BoolValue, _Mapping]] = ..., str_value: _Optional[_Union[Parameter.StrValue, _Mapping]] = ..., secret_value: _Optional[_Union[Parameter.SecretValue, _Mapping]] = ..., vault_value: _Optional[_Union[Parameter.VaultValue, _Mapping]] = ...) -> None: ...

class TaskMetadata(_message.Message):
    __slots__ = ("level", "human_readable_task_type", "task_type", "function_name", "line_number", "file_name", "model_name")
    class Level(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LEVEL_UNSPECIFIED: _ClassVar[TaskMetadata.Level]
        LEVEL_DAG: _ClassVar[TaskMetadata.Level]
        LEVEL_SYSTEM: _ClassVar[TaskMetadata.Level]
    LEVEL_UNSPECIFIED: TaskMetadata.Level
    LEVEL_DAG: TaskMetadata.Level
    LEVEL_SYSTEM: TaskMetadata.Level
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    HUMAN_READABLE_TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_NAME_FIELD_NUMBER: _ClassVar[int]
    LINE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    level: TaskMetadata.Level
    human_readable_task_type: str
    task_type: str
    function_name: str
    line_number: int
    file_name: str
    model_name: str
    def __init__(self, level: _Optional[_Union[TaskMetadata.Level, str]] = ..., human_readable_task_type: _Optional[str] = ..., task_type: _Optional[str] = ..., function_name: _Optional[str] = ..., line_number: _Optional[int] = ..., file_name: _Optional[str] = ..., model_name: _Optional[str] = ...) -> None: ...

class RuntimeLogEvent(_message.Message):
    __slots__ = ("level", "output_stream", "type", "emit_timestamp_ns", "msg", "task_metadata", "job_id")
    class LogLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LOG_LEVEL_UNSPECIFIED: _ClassVar[RuntimeLogEvent.LogLevel]
        LOG_LEVEL_ERROR: _ClassVar[RuntimeLogEvent.LogLevel]
        LOG_LEVEL_WARNING: _ClassVar[RuntimeLogEvent.LogLevel]
        LOG_LEVEL_DEBUG: _ClassVar[RuntimeLogEvent.LogLevel]
        LOG_LEVEL_INFO: _ClassVar[RuntimeLogEvent.LogLevel]
        LOG_LEVEL_TRACE: _ClassVar[RuntimeLogEvent.LogLevel]
    LOG_LEVEL_UNSPECIFIED: RuntimeLogEvent.LogLevel
    LOG_LEVEL_ERROR: RuntimeLogEvent.LogLevel
    LOG_LEVEL_WARNING: RuntimeLogEvent.LogLevel
    LOG_LEVEL_DEBUG: RuntimeLogEvent.LogLevel
    LOG_LEVEL_INFO: RuntimeLogEvent.LogLevel
    LOG_LEVEL_TRACE: RuntimeLogEvent.LogLevel
    class OutputStream(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OUTPUT_STREAM_UNSPECIFIED: _ClassVar[RuntimeLogEvent.OutputStream]
        OUTPUT_STREAM_STDOUT: _ClassVar[RuntimeLogEvent.OutputStream]
        OUTPUT_STREAM_STDERR: _ClassVar[RuntimeLogEvent.OutputStream]
    OUTPUT_STREAM_UNSPECIFIED: RuntimeLogEvent.OutputStream
    OUTPUT_STREAM_STDOUT: RuntimeLogEvent.OutputStream
    OUTPUT_STREAM_STDERR: RuntimeLogEvent.OutputStream
    class LogType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LOG_TYPE_UNSPECIFIED: _ClassVar[RuntimeLogEvent.LogType]
        LOG_TYPE_SYSTEM: _ClassVar[RuntimeLogEvent.LogType]
        LOG_TYPE_USER: _ClassVar[RuntimeLogEvent.LogType]
    LOG_TYPE_UNSPECIFIED: RuntimeLogEvent.LogType
    LOG_TYPE_SYSTEM: RuntimeLogEvent.LogType
    LOG_TYPE_USER: RuntimeLogEvent.LogType
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_STREAM_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    EMIT_TIMESTAMP_NS_FIELD_NUMBER: _ClassVar[int]
    MSG_FIELD_NUMBER: _ClassVar[int]
    TASK_METADATA_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    level: RuntimeLogEvent.LogLevel
    output_stream: RuntimeLogEvent.OutputStream
    type: RuntimeLogEvent.LogType
    emit_timestamp_ns: int
    msg: str
    task_metadata: TaskMetadata
    job_id: str
    def __init__(self, level: _Optional[_Union[RuntimeLogEvent.LogLevel, str]] = ..., output_stream: _Optional[_Union[RuntimeLogEvent.OutputStream, str]] = ..., type: _Optional[_Union[RuntimeLogEvent.LogType, str]] = ..., emit_timestamp_ns: _Optional[int] = ..., msg: _Optional[str] = ..., task_metadata: _Optional[_Union[TaskMetadata, _Mapping]] = ..., job_id: _Optional[str] = ...) -> None: ...

class TaskStartEvent(_message.Message):
    __slots__ = ("task_metadata", "timestamp", "task_id", "task_name", "longbow_public_key")
    TASK_METADATA_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_NAME_FIELD_NUMBER: _ClassVar[int]
    LONGBOW_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    task_metadata: TaskMetadata
    timestamp: _timestamp_pb2.Timestamp
    task_id: str
    task_name: str
    longbow_public_key: bytes
    def __init__(self, task_metadata: _Optional[_Union[TaskMetadata, _Mapping]] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_id: _Optional[str] = ..., task_name: _Optional[str] = ..., longbow_public_key: _Optional[bytes] = ...) -> None: ...

class TaskCompleteEvent(_message.Message):
    __slots__ = ("success", "failure", "cancel", "timeout", "skipped", "task_metadata", "timestamp", "task_id", "task_name")
    class Success(_message.Message):
        __slots__ = ("message",)
        MESSAGE_FIELD_NUMBER: _ClassVar[int]
        message: str
        def __init__(self, message: _Optional[str] = ...) -> None: ...
    class Failure(_message.Message):
        __slots__ = ("component", "error_message", "error_code", "stack_trace", "is_fatal")
        class Component(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
            __slots__ = ()
            COMPONENT_UNSPECIFIED: _ClassVar[TaskCompleteEvent.Failure.Component]
            COMPONENT_RUNNER: _ClassVar[TaskCompleteEvent.Failure.Component]
            COMPONENT_RUNTIME: _ClassVar[TaskCompleteEvent.Failure.Component]
        COMPONENT_UNSPECIFIED: TaskCompleteEvent.Failure.Component
        COMPONENT_RUNNER: TaskCompleteEvent.Failure.Component
        COMPONENT_RUNTIME: TaskCompleteEvent.Failure.Component
        COMPONENT_FIELD_NUMBER: _ClassVar[int]
        ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
        ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
        STACK_TRACE_FIELD_NUMBER: _ClassVar[int]
        IS_FATAL_FIELD_NUMBER: _ClassVar[int]
        component: TaskCompleteEvent.Failure.Component
        error_message: str
        error_code: int
        stack_trace: str
        is_fatal: bool
        def __init__(self, component: _Optional[_Union[TaskCompleteEvent.Failure.Component, str]] = ..., error_message: _Optional[str] = ..., error_code: _Optional[int] = ..., stack_trace: _Optional[str] = ..., is_fatal: bool = ...) -> None: ...
    class Cancel(_message.Message):
        __slots__ = ("reason",)
        REASON_FIELD_NUMBER: _ClassVar[int]
        reason: str
        def __init__(self, reason: _Optional[str] = ...) -> None: ...
    class Timeout(_message.Message):
        __slots__ = ("message",)
        MESSAGE_FIELD_NUMBER: _ClassVar[int]
        message: str
        def __init__(self, message: _Optional[str] = ...) -> None: ...
    class Skipped(_message.Message):
        __slots__ = ()
        def __init__(self) -> None: ...
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    CANCEL_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    TASK_METADATA_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_NAME_FIELD_NUMBER: _ClassVar[int]
    success: TaskCompleteEvent.Success
    failure: TaskCompleteEvent.Failure
    cancel: TaskCompleteEvent.Cancel
    timeout: TaskCompleteEvent.Timeout
    skipped: TaskCompleteEvent.Skipped
    task_metadata: TaskMetadata
    timestamp: _timestamp_pb2.Timestamp
    task_id: str
    task_name: str
    def __init__(self, success: _Optional[_Union[TaskCompleteEvent.Success, _Mapping]] = ..., failure: _Optional[_Union[TaskCompleteEvent.Failure, _Mapping]] = ..., cancel: _Optional[_Union[TaskCompleteEvent.Cancel, _Mapping]] = ..., timeout: _Optional[_Union[TaskCompleteEvent.Timeout, _Mapping]] = ..., skipped: _Optional[_Union[TaskCompleteEvent.Skipped, _Mapping]] = ..., task_metadata: _Optional[_Union[TaskMetadata, _Mapping]] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_id: _Optional[str] = ..., task_name: _Optional[str] = ...) -> None: ...

class JobCompleteEvent(_message.Message):
    __slots__ = ("success", "failure", "cancellation", "timeout", "rejected", "heartbeat_failure", "job_id")
    class Success(_message.Message):
        __slots__ = ("msg",)
        MSG_FIELD_NUMBER: _ClassVar[int]
        msg: str
        def __init__(self, msg: _Optional[str] = ...) -> None: ...
    class Failure(_message.Message):
        __slots__ = ("component", "error_message", "stack_trace", "error_code")
        class Component(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
            __slots__ = ()
            COMPONENT_UNSPECIFIED: _ClassVar[JobCompleteEvent.Failure.Component]
            COMPONENT_RUNNER: _ClassVar[JobCompleteEvent.Failure.Component]
            COMPONENT_RUNTIME: _ClassVar[JobCompleteEvent.Failure.Component]
        COMPONENT_UNSPECIFIED: JobCompleteEvent.Failure.Component
        COMPONENT_RUNNER: JobCompleteEvent.Failure.Component
        COMPONENT_RUNTIME: JobCompleteEvent.Failure.Component
        class ErrorCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
            __slots__ = ()
            ERROR_CODE_UNSPECIFIED: _ClassVar[JobCompleteEvent.Failure.ErrorCode]
            ERROR_CODE_RUNTIME_TASK_USER_ERROR: _ClassVar[JobCompleteEvent.Failure.ErrorCode]
            ERROR_CODE_RUNTIME_INTERNAL_ERROR: _ClassVar[JobCompleteEvent.Failure.ErrorCode]
        ERROR_CODE_UNSPECIFIED: JobCompleteEvent.Failure.ErrorCode
        ERROR_CODE_RUNTIME_TASK_USER_ERROR: JobCompleteEvent.Failure.ErrorCode
        ERROR_CODE_RUNTIME_INTERNAL_ERROR: JobCompleteEvent.Failure.ErrorCode
        COMPONENT_FIELD_NUMBER: _ClassVar[int]
        ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
        STACK_TRACE_FIELD_NUMBER: _ClassVar[int]
        ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
        component: JobCompleteEvent.Failure.Component
        error_message: str
        stack_trace: str
        error_code: JobCompleteEvent.Failure.ErrorCode
        def __init__(self, component: _Optional[_Union[JobCompleteEvent.Failure.Component, str]] = ..., error_message: _Optional[str] = ..., stack_trace: _Optional[str] = ..., error_code: _Optional[_Union[JobCompleteEvent.Failure.ErrorCode, str]] = ...) -> None: ...
    class Cancellation(_message.Message):
        __slots__ = ("reason",)
        REASON_FIELD_NUMBER: _ClassVar[int]
        reason: str
        def __init__(self, reason: _Optional[str] = ...) -> None: ...
    class Timeout(_message.Message):
        __slots__ = ("msg",)
        MSG_FIELD_NUMBER: _ClassVar[int]
        msg: str
        def __init__(self, msg: _Optional[str] = ...) -> None: ...
    class Rejected(_message.Message):
        __slots__ = ("reason",)
        REASON_FIELD_NUMBER: _ClassVar[int]
        reason: str
        def __init__(self, reason: _Optional[str] = ...) -> None: ...
    class HeartbeatFailure(_message.Message):
        __slots__ = ()
        def __init__(self) -> None: ...
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    CANCELLATION_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FAILURE_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    success: JobCompleteEvent.Success
    failure: JobCompleteEvent.Failure
    cancellation: JobCompleteEvent.Cancellation
    timeout: JobCompleteEvent.Timeout
    rejected: JobCompleteEvent.Rejected
    heartbeat_failure: JobCompleteEvent.HeartbeatFailure
    job_id: str
    def __init__(self, success: _Optional[_Union[JobCompleteEvent.Success, _Mapping]] = ..., failure: _Optional[_Union[JobCompleteEvent.Failure, _Mapping]] = ..., cancellation: _Optional[_Union[JobCompleteEvent.Cancellation, _Mapping]] = ..., timeout: _Optional[_Union[JobCompleteEvent.Timeout, _Mapping]] = ..., rejected: _Optional[_Union[JobCompleteEvent.Rejected, _Mapping]] = ..., heartbeat_failure: _Optional[_Union[JobCompleteEvent.HeartbeatFailure, _Mapping]] = ..., job_id: _Optional[str] = ...) -> None: ...

class RunnerEvent(_message.Message):
    __slots__ = ("task_start", "task_completion", "job_completion", "runtime_user_log")
    TASK_START_FIELD_NUMBER: _ClassVar[int]
    TASK_COMPLETION_FIELD_NUMBER: _ClassVar[int]
    JOB_COMPLETION_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_USER_LOG_FIELD_NUMBER: _ClassVar[int]
    task_start: TaskStartEvent
    task_completion: TaskCompleteEvent
    job_completion: JobCompleteEvent
    runtime_user_log: RuntimeLogEvent
    def __init__(self, task_start: _Optional[_Union[TaskStartEvent, _Mapping]] = ..., task_completion: _Optional[_Union[TaskCompleteEvent, _Mapping]] = ..., job_completion: _Optional[_Union[JobCompleteEvent, _Mapping]] = ..., runtime_user_log: _Optional[_Union[RuntimeLogEvent, _Mapping]] = ...) -> None: ...

class CodeSnapshotRunRequest(_message.Message):
    __slots__ = ("job_request_common", "zip_file", "ref", "namespace", "dry_run", "transaction", "strict", "cache", "preview", "project_id", "parameters", "public_key", "project_name")
    JOB_REQUEST_COMMON_FIELD_NUMBER: _ClassVar[int]
    ZIP_FILE_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    PREVIEW_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    PROJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    job_request_common: JobRequestCommon
    zip_file: bytes
    ref: str
    namespace: str
    dry_run: JobRequestOptionalBool
    transaction: str
    strict: str
    cache: str
    preview: str
    project_id: str
    parameters: _containers.RepeatedCompositeFieldContainer[Parameter]
    public_key: str
    project_name: str
    def __init__(self, job_request_common: _Optional[_Union[JobRequestCommon, _Mapping]] = ..., zip_file: _Optional[bytes] = ..., ref: _Optional[str] = ..., namespace: _Optional[str] = ..., dry_run: _Optional[_Union[JobRequestOptionalBool, str]] = ..., transaction: _Optional[str] = ..., strict: _Optional[str] = ..., cache: _Optional[str] = ..., preview: _Optional[str] = ..., project_id: _Optional[str] = ..., parameters: _Optional[_Iterable[_Union[Parameter, _Mapping]]] = ..., public_key: _Optional[str] = ..., project_name: _Optional[str] = ...) -> None: ...

class CodeSnapshotRunResponse(_message.Message):
    __slots__ = ("job_response_common", "snapshot_id", "snapshot_uri", "ref", "namespace", "dry_run", "transaction", "strict", "cache", "preview", "user_branch_prefix", "project_id", "parameters", "public_key", "dag_ascii", "project_name")
    JOB_RESPONSE_COMMON_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_URI_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    PREVIEW_FIELD_NUMBER: _ClassVar[int]
    USER_BRANCH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    DAG_ASCII_FIELD_NUMBER: _ClassVar[int]
    PROJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    job_response_common: JobResponseCommon
    snapshot_id: str
    snapshot_uri: str
    ref: str
    namespace: str
    dry_run: bool
    transaction: str
    strict: str
    cache: str
    preview: str
    user_branch_prefix: str
    project_id: str
    parameters: _containers.RepeatedCompositeFieldContainer[Parameter]
    public_key: str
    dag_ascii: str
    project_name: str
    def __init__(self, job_response_common: _Optional[_Union[JobResponseCommon, _Mapping]] = ..., snapshot_id: _Optional[str] = ..., snapshot_uri: _Optional[str] = ..., ref: _Optional[str] = ..., namespace: _Optional[str] = ..., dry_run: bool = ..., transaction: _Optional[str] = ..., strict: _Optional[str] = ..., cache: _Optional[str] = ..., preview: _Optional[str] = ..., user_branch_prefix: _Optional[str] = ..., project_id: _Optional[str] = ..., parameters: _Optional[_Iterable[_Union[Parameter, _Mapping]]] = ..., public_key: _Optional[str] = ..., dag_ascii: _Optional[str] = ..., project_name: _Optional[str] = ...) -> None: ...

class TableDataImportRequest(_message.Message):
    __slots__ = ("job_request_common", "branch_name", "table_name", "namespace", "search_string", "import_duplicate_files", "best_effort", "continue_on_error", "transformation_query", "preview")
    JOB_REQUEST_COMMON_FIELD_NUMBER: _ClassVar[int]
    BRANCH_NAME_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    SEARCH_STRING_FIELD_NUMBER: _ClassVar[int]
    IMPORT_DUPLICATE_FILES_FIELD_NUMBER: _ClassVar[int]
    BEST_EFFORT_FIELD_NUMBER: _ClassVar[int]
    CONTINUE_ON_ERROR_FIELD_NUMBER: _ClassVar[int]
    TRANSFORMATION_QUERY_FIELD_NUMBER: _ClassVar[int]
    PREVIEW_FIELD_NUMBER: _ClassVar[int]
    job_request_common: JobRequestCommon
    branch_name: str
    table_name: str
    namespace: str
    search_string: str
    import_duplicate_files: bool
    best_effort: bool
    continue_on_error: bool
    transformation_query: str
    preview: str
    def __init__(self, job_request_common: _Optional[_Union[JobRequestCommon, _Mapping]] = ..., branch_name: _Optional[str] = ..., table_name: _Optional[str] = ..., namespace: _Optional[str] = ..., search_string: _Optional[str] = ..., import_duplicate_files: bool = ..., best_effort: bool = ..., continue_on_error: bool = ..., transformation_query: _Optional[str] = ..., preview: _Optional[str] = ...) -> None: ...

class TableDataImportResponse(_message.Message):
    __slots__ = ("job_response_common", "branch_name", "table_name", "namespace", "search_string", "import_duplicate_files", "best_effort", "continue_on_error", "transformation_query", "preview", "user_branch_prefix")
    JOB_RESPONSE_COMMON_FIELD_NUMBER: _ClassVar[int]
    BRANCH_NAME_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    SEARCH_STRING_FIELD_NUMBER: _ClassVar[int]
    IMPORT_DUPLICATE_FILES_FIELD_NUMBER: _ClassVar[int]
    BEST_EFFORT_FIELD_NUMBER: _ClassVar[int]
    CONTINUE_ON_ERROR_FIELD_NUMBER: _ClassVar[int]
    TRANSFORMATION_QUERY_FIELD_NUMBER: _ClassVar[int]
    PREVIEW_FIELD_NUMBER: _ClassVar[int]
    USER_BRANCH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    job_response_common: JobResponseCommon
    branch_name: str
    table_name: str
    namespace: str
    search_string: str
    import_duplicate_files: bool
    best_effort: bool
    continue_on_error: bool
    transformation_query: str
    preview: str
    user_branch_prefix: str
    def __init__(self, job_response_common: _Optional[_Union[JobResponseCommon, _Mapping]] = ..., branch_name: _Optional[str] = ..., table_name: _Optional[str] = ..., namespace: _Optional[str] = ..., search_string: _Optional[str] = ..., import_duplicate_files: bool = ..., best_effort: bool = ..., continue_on_error: bool = ..., transformation_query: _Optional[str] = ..., preview: _Optional[str] = ..., user_branch_prefix: _Optional[str] = ...) -> None: ...

class GetJobsRequest(_message.Message):
    __slots__ = ("job_ids", "all_users", "filter_users", "filter_kind", "filter_status", "filter_created_after", "filter_created_before", "filter_kinds", "filter_statuses", "max_records", "pagination_token")
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    ALL_USERS_FIELD_NUMBER: _ClassVar[int]
    FILTER_USERS_FIELD_NUMBER: _ClassVar[int]
    FILTER_KIND_FIELD_NUMBER: _ClassVar[int]
    FILTER_STATUS_FIELD_NUMBER: _ClassVar[int]
    FILTER_CREATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    FILTER_CREATED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    FILTER_KINDS_FIELD_NUMBER: _ClassVar[int]
    FILTER_STATUSES_FIELD_NUMBER: _ClassVar[int]
    MAX_RECORDS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    job_ids: _containers.RepeatedScalarFieldContainer[str]
    all_users: bool
    filter_users: _containers.RepeatedScalarFieldContainer[str]
    filter_kind: JobKind
    filter_status: JobStateType
    filter_created_after: _timestamp_pb2.Timestamp
    filter_created_before: _timestamp_pb2.Timestamp
    filter_kinds: _containers.RepeatedScalarFieldContainer[JobKind]
    filter_statuses: _containers.RepeatedScalarFieldContainer[JobStateType]
    max_records: int
    pagination_token: str
    def __init__(self, job_ids: _Optional[_Iterable[str]] = ..., all_users: bool = ..., filter_users: _Optional[_Iterable[str]] = ..., filter_kind: _Optional[_Union[JobKind, str]] = ..., filter_status: _Optional[_Union[JobStateType, str]] = ..., filter_created_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., filter_created_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., filter_kinds: _Optional[_Iterable[_Union[JobKind, str]]] = ..., filter_statuses: _Optional[_Iterable[_Union[JobStateType, str]]] = ..., max_records: _Optional[int] = ..., pagination_token: _Optional[str] = ...) -> None: ...

class GetJobsResponse(_message.Message):
    __slots__ = ("jobs", "pagination_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[JobInfo]
    pagination_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[JobInfo, _Mapping]]] = ..., pagination_token: _Optional[str] = ...) -> None: ...

class GetLogsRequest(_message.Message):
    __slots__ = ("job_id", "start", "end", "limit")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    start: int
    end: int
    limit: int
    def __init__(self, job_id: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class GetLogsResponse(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[RunnerEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[RunnerEvent, _Mapping]]] = ...) -> None: ...

class CancelJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: JobId
    def __init__(self, job_id: _Optional[_Union[JobId, _Mapping]] = ...) -> None: ...

class CancelJobResponse(_message.Message):
    __slots__ = ("status", "message")
    class CancelStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CANCEL_STATUS_UNSPECIFIED: _ClassVar[CancelJobResponse.CancelStatus]
        CANCEL_STATUS_SUCCESS: _ClassVar[CancelJobResponse.CancelStatus]
        CANCEL_STATUS_FAILURE: _ClassVar[CancelJobResponse.CancelStatus]
    CANCEL_STATUS_UNSPECIFIED: CancelJobResponse.CancelStatus
    CANCEL_STATUS_SUCCESS: CancelJobResponse.CancelStatus
    CANCEL_STATUS_FAILURE: CancelJobResponse.CancelStatus
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    status: CancelJobResponse.CancelStatus
    message: str
    def __init__(self, status: _Optional[_Union[CancelJobResponse.CancelStatus, str]] = ..., message: _Optional[str] = ...) -> None: ...

class GetJobContextRequest(_message.Message):
    __slots__ = ("job_ids", "start", "end", "limit", "include_logs", "include_snapshot")
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_LOGS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    job_ids: _containers.RepeatedScalarFieldContainer[str]
    start: int
    end: int
    limit: int
    include_logs: bool
    include_snapshot: bool
    def __init__(self, job_ids: _Optional[_Iterable[str]] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., limit: _Optional[int] = ..., include_logs: bool = ..., include_snapshot: bool = ...) -> None: ...

class BauplanRef(_message.Message):
    __slots__ = ("name", "hash")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    name: str
    hash: str
    def __init__(self, name: _Optional[str] = ..., hash: _Optional[str] = ...) -> None: ...

class ModelNode(_message.Message):
    __slots__ = ("model_id", "model_name")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    model_name: str
    def __init__(self, model_id: _Optional[str] = ..., model_name: _Optional[str] = ...) -> None: ...

class ModelEdge(_message.Message):
    __slots__ = ("source_id", "destination_id")
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    source_id: str
    destination_id: str
    def __init__(self, source_id: _Optional[str] = ..., destination_id: _Optional[str] = ...) -> None: ...

class JobContext(_message.Message):
    __slots__ = ("job_id", "project_id", "project_name", "ref", "branch", "code_snapshot", "job_events", "transaction_branch", "models", "model_deps", "error_message", "sql_query")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    CODE_SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    JOB_EVENTS_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_BRANCH_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    MODEL_DEPS_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SQL_QUERY_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    project_id: str
    project_name: str
    ref: str
    branch: str
    code_snapshot: bytes
    job_events: _containers.RepeatedCompositeFieldContainer[RunnerEvent]
    transaction_branch: BauplanRef
    models: _containers.RepeatedCompositeFieldContainer[ModelNode]
    model_deps: _containers.RepeatedCompositeFieldContainer[ModelEdge]
    error_message: str
    sql_query: str
    def __init__(self, job_id: _Optional[str] = ..., project_id: _Optional[str] = ..., project_name: _Optional[str] = ..., ref: _Optional[str] = ..., branch: _Optional[str] = ..., code_snapshot: _Optional[bytes] = ..., job_events: _Optional[_Iterable[_Union[RunnerEvent, _Mapping]]] = ..., transaction_branch: _Optional[_Union[BauplanRef, _Mapping]] = ..., models: _Optional[_Iterable[_Union[ModelNode, _Mapping]]] = ..., model_deps: _Optional[_Iterable[_Union[ModelEdge, _Mapping]]] = ..., error_message: _Optional[str] = ..., sql_query: _Optional[str] = ...) -> None: ...

class JobError(_message.Message):
    __slots__ = ("job_id", "error_msg", "error_code", "error_type")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_MSG_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TYPE_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    error_msg: str
    error_code: int
    error_type: str
    def __init__(self, job_id: _Optional[str] = ..., error_msg: _Optional[str] = ..., error_code: _Optional[int] = ..., error_type: _Optional[str] = ...) -> None: ...

class GetJobContextResponse(_message.Message):
    __slots__ = ("job_contexts", "errors")
    JOB_CONTEXTS_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    job_contexts: _containers.RepeatedCompositeFieldContainer[JobContext]
    errors: _containers.RepeatedCompositeFieldContainer[JobError]
    def __init__(self, job_contexts: _Optional[_Iterable[_Union[JobContext, _Mapping]]] = ..., errors: _Optional[_Iterable[_Union[JobError, _Mapping]]] = ...) -> None: ...

class GetBauplanInfoRequest(_message.Message):
    __slots__ = ("api_key",)
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    api_key: str
    def __init__(self, api_key: _Optional[str] = ...) -> None: ...

class RunnerInfo(_message.Message):
    __slots__ = ("public_key", "hostname")
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    public_key: str
    hostname: str
    def __init__(self, public_key: _Optional[str] = ..., hostname: _Optional[str] = ...) -> None: ...

class OrganizationInfo(_message.Message):
    __slots__ = ("id", "name", "slug", "default_parameter_secret_key", "default_parameter_secret_public_key")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PARAMETER_SECRET_KEY_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PARAMETER_SECRET_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    slug: str
    default_parameter_secret_key: str
    default_parameter_secret_public_key: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., slug: _Optional[str] = ..., default_parameter_secret_key: _Optional[str] = ..., default_parameter_secret_public_key: _Optional[str] = ...) -> None: ...

class UserInfo(_message.Message):
    __slots__ = ("id", "username", "first_name", "last_name")
    ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    username: str
    first_name: str
    last_name: str
    def __init__(self, id: _Optional[str] = ..., username: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ...) -> None: ...

class GetBauplanInfoResponse(_message.Message):
    __slots__ = ("runners", "user", "client_version", "server_version", "organization_info", "user_info")
    RUNNERS_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    CLIENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_INFO_FIELD_NUMBER: _ClassVar[int]
    USER_INFO_FIELD_NUMBER: _ClassVar[int]
    runners: _containers.RepeatedCompositeFieldContainer[RunnerInfo]
    user: str
    client_version: str
    server_version: str
    organization_info: OrganizationInfo
    user_info: UserInfo
    def __init__(self, runners: _Optional[_Iterable[_Union[RunnerInfo, _Mapping]]] = ..., user: _Optional[str] = ..., client_version: _Optional[str] = ..., server_version: _Optional[str] = ..., organization_info: _Optional[_Union[OrganizationInfo, _Mapping]] = ..., user_info: _Optional[_Union[UserInfo, _Mapping]] = ...) -> None: ...

class SubscribeLogsRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class SubscribeLogsResponse(_message.Message):
    __slots__ = ("job_id", "runner_event")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    RUNNER_EVENT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    runner_event: RunnerEvent
    def __init__(self, job_id: _Optional[str] = ..., runner_event: _Optional[_Union[RunnerEvent, _Mapping]] = ...) -> None: ...
