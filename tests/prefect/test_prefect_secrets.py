"""A distinctive API key, saved in a ``BauplanCredentials`` block and enforced by the emulator,
appears nowhere Prefect keeps things: run logs, states, results, artifacts, parameters, the
server's database and the local result storage."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL
from prefect_helpers import flow_run_artifacts, flow_run_logs, read_flow_run, task_runs_of
from pydantic import SecretStr

from bauplan_provider.prefect import BauplanCredentials, bauplan_run
from bauplan_provider.testing import BauplanEmulator, JobScript

SECRET = "bpk-PREFECT-SECRET-" + uuid.uuid4().hex
FAST: dict[str, Any] = {"poll_interval": 0.1, "max_poll_interval": 0.3}

pytestmark = pytest.mark.bauplan_emulator(api_key=SECRET, default_duration=0.3)


@flow(persist_result=True)
def keyed_flow(project_dir: str, credentials: BauplanCredentials, timeout: float | None) -> Any:
    return bauplan_run.with_options(persist_result=True)(
        project_dir, credentials=credentials, timeout=timeout, **FAST
    )


def _texts_of_run(flow_run_id: Any) -> list[str]:
    run = read_flow_run(flow_run_id)
    texts = [repr(run.parameters), repr(run.state), str(run.state.message)]
    texts += flow_run_logs(flow_run_id)
    texts += [str(a.data) + str(a.description) for a in flow_run_artifacts(flow_run_id, None)]
    for task_run in task_runs_of(flow_run_id):
        texts += [repr(task_run.state), str(task_run.state.message), repr(task_run.task_inputs)]
    return texts


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_the_key_is_nowhere_prefect_keeps_things(
    bauplan_emulator: BauplanEmulator,
    bauplan_project_dir: Path,
    prefect_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the block carries the key: a pass proves the block reached the emulator.
    monkeypatch.delenv("BAUPLAN_API_KEY")
    monkeypatch.delenv("BAUPLAN_API_ENDPOINT")
    BauplanCredentials(api_key=SECRET, api_endpoint=bauplan_emulator.endpoint).save(
        "bauplan-secret-test", overwrite=True
    )
    credentials = BauplanCredentials.load("bauplan-secret-test")
    assert isinstance(credentials.api_key, SecretStr)
    assert SECRET not in repr(credentials) and SECRET not in str(credentials.model_dump())

    bauplan_emulator.script(JobScript(final_state="COMPLETE"), ref="main")
    ok = keyed_flow(str(bauplan_project_dir), credentials, None, return_state=True)
    assert ok.is_completed(), ok.message

    bauplan_emulator.script(
        JobScript(final_state="FAIL", error_message="bad rows", logs=[("stderr", "ERROR", "x")])
    )
    failed = keyed_flow(str(bauplan_project_dir), credentials, None, return_state=True)
    assert failed.is_failed()

    bauplan_emulator.script(JobScript(final_state="NEVER"))
    timed_out = keyed_flow(str(bauplan_project_dir), credentials, 0.5, return_state=True)
    assert timed_out.is_failed()
    assert bauplan_emulator.count("CancelJob") == 1
    assert bauplan_emulator.count("CodeSnapshotRun", code="OK") == 3

    texts: list[str] = [repr(ok.result()), repr(failed), repr(timed_out)]
    for state in (ok, failed, timed_out):
        texts += _texts_of_run(state.state_details.flow_run_id)
    assert not [text for text in texts if SECRET in text]

    # Everything on disk: the harness's database (block data is stored encrypted) and the
    # persisted results.
    database = Path(str(PREFECT_API_DATABASE_CONNECTION_URL.value()).split("///", 1)[1])
    assert database.is_file()
    assert _files_containing(database.parent, SECRET.encode()) == []
    assert list((prefect_home / "storage").rglob("*")), "no result was persisted"
    assert _files_containing(prefect_home, SECRET.encode()) == []
