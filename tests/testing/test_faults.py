"""Fault injection, auth, restarts and concurrency, seen through the SDK and the journal."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import bauplan
import pytest
from bauplan.exceptions import BauplanError
from emulator_helpers import state, wait_terminal

from bauplan_provider.testing import BauplanEmulator, JobScript

DESCRIPTIONS = {
    "UNAVAILABLE": "The service is currently unavailable",
    "DEADLINE_EXCEEDED": "Deadline expired before operation could complete",
    "RESOURCE_EXHAUSTED": "Some resource has been exhausted",
    "INTERNAL": "Internal error",
    "UNAUTHENTICATED": "The request does not have valid authentication credentials",
    "PERMISSION_DENIED": "The caller does not have permission to execute the specified operation",
    "NOT_FOUND": "Some requested entity was not found",
}


@pytest.mark.parametrize("code", sorted(DESCRIPTIONS))
def test_injected_code_reaches_sdk_and_journal(
    emu: BauplanEmulator, client: Any, code: str
) -> None:
    job = emu.create_job()
    emu.inject_fault("GetJobs", code=code, count=1, message=f"injected {code}")

    with pytest.raises(BauplanError) as raised:
        client.get_job(job.id)

    assert f"code: '{DESCRIPTIONS[code]}'" in str(raised.value)
    assert f"injected {code}" in str(raised.value)
    assert client.get_job(job.id).id == job.id  # count=1: the next call is served
    assert [e.code for e in emu.calls("GetJobs")] == [code, "OK"]


def test_fault_for_n_calls_is_counted(emu: BauplanEmulator, client: Any) -> None:
    job = emu.create_job()
    emu.inject_fault("GetJobs", code="UNAVAILABLE", count=3)

    failures = 0
    while True:
        try:
            client.get_job(job.id)
            break
        except BauplanError:
            failures += 1

    assert failures == 3
    assert emu.count("GetJobs", code="UNAVAILABLE") == 3
    assert emu.count("GetJobs", code="error") == 3
    assert emu.count("GetJobs", code="OK") == 1
    assert emu.faults() == []


def test_fault_on_submission_creates_no_job(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    emu.inject_fault("CodeSnapshotRun", code="RESOURCE_EXHAUSTED")
    with pytest.raises(BauplanError, match="Some resource has been exhausted"):
        client.run(str(project_dir), ref="main", detach=True)
    assert emu.jobs() == []
    (entry,) = emu.calls("CodeSnapshotRun")
    assert entry.code == "RESOURCE_EXHAUSTED"
    assert entry.fields["project_name"] == "demo_project"
    assert entry.job_id is None


def test_wildcard_fault_until_cleared(emu: BauplanEmulator, client: Any) -> None:
    emu.inject_fault("*", code="INTERNAL", count=None)
    for _ in range(3):
        with pytest.raises(BauplanError, match="Internal error"):
            client.info()
    emu.clear_faults()
    assert client.info().user.username == "emulator-user"
    assert emu.count("GetBauplanInfo", code="INTERNAL") == 3


def test_latency_for_n_calls(emu: BauplanEmulator, client: Any) -> None:
    job = emu.create_job()
    emu.add_latency("GetJobs", seconds=0.3, count=1)

    started = time.monotonic()
    client.get_job(job.id)
    first = time.monotonic() - started

    assert first >= 0.3  # a lower bound the emulator guarantees, not a speed claim
    assert emu.faults() == []


def test_wrong_or_missing_key_is_unauthenticated(
    emu: BauplanEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = emu.create_job()
    with pytest.raises(BauplanError, match=DESCRIPTIONS["UNAUTHENTICATED"]):
        bauplan.Client(api_key="not-the-key").get_job(job.id)
    (entry,) = emu.calls("GetJobs")
    assert entry.code == "UNAUTHENTICATED"
    assert "not-the-key" not in repr(entry)
    assert emu.api_key not in repr(emu.journal)


def test_auth_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    with BauplanEmulator(check_auth=False) as emu:
        monkeypatch.setenv("BAUPLAN_API_ENDPOINT", emu.endpoint)
        monkeypatch.setenv("BAUPLAN_API_KEY", "anything")
        assert bauplan.Client().info().user.username == "emulator-user"


def test_unimplemented_rpcs_answer_unimplemented(emu: BauplanEmulator, client: Any) -> None:
    with pytest.raises(BauplanError):
        client.query("SELECT 1", ref="main")
    assert emu.count(code="UNIMPLEMENTED") >= 1


def test_restart_on_same_port_keeps_jobs(
    emu: BauplanEmulator, client: Any, project_dir: Path
) -> None:
    run = client.run(str(project_dir), ref="main", detach=True)
    port = emu.port

    emu.stop()
    with pytest.raises(BauplanError, match="The service is currently unavailable"):
        client.get_job(run.job_id)
    emu.start()

    assert emu.port == port
    assert state(wait_terminal(client, run.job_id)) == "COMPLETE"
    emu.restart()
    assert client.get_job(run.job_id).id == run.job_id
    assert emu.count("CodeSnapshotRun") == 1


def test_200_concurrent_polls_with_latency(emu: BauplanEmulator) -> None:
    jobs = [emu.create_job(script=JobScript(duration=0.5)).id for _ in range(20)]
    emu.add_latency("GetJobs", seconds=0.2)

    client = bauplan.Client()  # one client shared by all threads, as a poller would

    def poll(i: int) -> str:
        return str(client.get_job(jobs[i % len(jobs)]).id)

    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(poll, range(200)))

    assert sorted(results) == sorted(jobs[i % 20] for i in range(200))
    assert emu.count("GetJobs", code="OK") == 200


def test_journal_is_consistent_under_concurrent_submissions(
    emu: BauplanEmulator, project_dir: Path
) -> None:
    barrier = threading.Barrier(16)

    def submit(_: int) -> str:
        barrier.wait()
        return str(bauplan.Client().import_data("t", "s3://b/*", detach=True).job_id)

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = set(pool.map(submit, range(16)))

    assert len(ids) == 16
    assert {e.job_id for e in emu.calls("TableDataImport", code="OK")} == ids
    assert {j.id for j in emu.jobs()} == ids
