"""Protocol details the SDK cannot reach: a missing bearer, unknown methods, bad tokens."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from bauplan_provider.testing import BauplanEmulator, JobScript
from bauplan_provider.testing._generated import bauplan_emulator_pb2 as pb
from bauplan_provider.testing._generated import bauplan_emulator_pb2_grpc as pb_grpc


@pytest.fixture
def emu() -> Iterator[BauplanEmulator]:
    with BauplanEmulator() as emulator:
        yield emulator


@pytest.fixture
def channel(emu: BauplanEmulator) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{emu.port}") as ch:
        yield ch


def _auth(emu: BauplanEmulator) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {emu.api_key}")]


def test_missing_bearer_is_unauthenticated(emu: BauplanEmulator, channel: grpc.Channel) -> None:
    stub = pb_grpc.V2CommanderServiceStub(channel)
    with pytest.raises(grpc.RpcError) as raised:
        stub.GetBauplanInfo(pb.GetBauplanInfoRequest(api_key="leak-me"))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    (entry,) = emu.calls("GetBauplanInfo")
    assert entry.code == "UNAUTHENTICATED"
    assert "leak-me" not in repr(entry.to_dict())


def test_other_methods_are_unimplemented(emu: BauplanEmulator, channel: grpc.Channel) -> None:
    call = channel.unary_unary(
        "/bpln_proto.commander.service.v2.V2CommanderService/QueryRun",
        request_serializer=lambda b: b,
        response_deserializer=lambda b: b,
    )
    with pytest.raises(grpc.RpcError) as raised:
        call(b"", metadata=_auth(emu))
    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert emu.count("QueryRun", code="UNIMPLEMENTED") == 1


def test_invalid_pagination_token(emu: BauplanEmulator, channel: grpc.Channel) -> None:
    stub = pb_grpc.V2CommanderServiceStub(channel)
    with pytest.raises(grpc.RpcError) as raised:
        stub.GetJobs(pb.GetJobsRequest(pagination_token="xyz"), metadata=_auth(emu))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_subscribe_logs_ends_with_job_completion(
    emu: BauplanEmulator, channel: grpc.Channel
) -> None:
    rec = emu.create_job(project_name="p", script=JobScript(duration=0.1))
    stub = pb_grpc.V2CommanderServiceStub(channel)
    events = list(stub.SubscribeLogs(pb.SubscribeLogsRequest(job_id=rec.id), metadata=_auth(emu)))
    last = events[-1].runner_event
    assert last.WhichOneof("event") == "job_completion"
    assert last.job_completion.WhichOneof("outcome") == "success"
    kinds = {e.runner_event.runtime_user_log.type for e in events[:-1]}
    assert kinds == {pb.RuntimeLogEvent.LOG_TYPE_SYSTEM}  # no models: only system events


def test_subscribe_logs_unknown_job(emu: BauplanEmulator, channel: grpc.Channel) -> None:
    stub = pb_grpc.V2CommanderServiceStub(channel)
    with pytest.raises(grpc.RpcError) as raised:
        list(stub.SubscribeLogs(pb.SubscribeLogsRequest(job_id="nope"), metadata=_auth(emu)))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


def test_stop_ends_open_streams(emu: BauplanEmulator, channel: grpc.Channel) -> None:
    rec = emu.create_job(script=JobScript(final_state="NEVER"))
    stub = pb_grpc.V2CommanderServiceStub(channel)
    stream = stub.SubscribeLogs(pb.SubscribeLogsRequest(job_id=rec.id), metadata=_auth(emu))
    first = next(stream)
    assert first.job_id == rec.id
    emu.stop()
    with pytest.raises((grpc.RpcError, StopIteration)):
        while True:
            next(stream)
