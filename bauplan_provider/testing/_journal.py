"""The journal: every request the emulator received, with the status code it answered.

Each ``JournalEntry`` holds the RPC name, the receive time (Unix seconds), key request fields
(never the bearer token nor ``GetBauplanInfoRequest.api_key``), the gRPC status code name
answered (``"OK"`` or e.g. ``"UNAVAILABLE"``), the job id concerned when there is one, and the
status message for errors. The journal keeps the most recent ``max_entries`` entries.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class JournalEntry:
    """One request received and what was answered."""

    rpc: str
    time: float
    fields: Mapping[str, Any]
    code: str
    job_id: str | None = None
    message: str = ""
    seq: int = field(default=0, compare=False)

    @property
    def ok(self) -> bool:
        return self.code == "OK"

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "rpc": self.rpc,
            "time": self.time,
            "fields": dict(self.fields),
            "code": self.code,
            "job_id": self.job_id,
            "message": self.message,
        }


class Journal:
    """Thread-safe, bounded list of ``JournalEntry``."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=max_entries)
        self._seq = 0

    def record(
        self,
        rpc: str,
        time: float,
        fields: Mapping[str, Any],
        code: str,
        job_id: str | None = None,
        message: str = "",
    ) -> JournalEntry:
        with self._lock:
            self._seq += 1
            entry = JournalEntry(rpc, time, dict(fields), code, job_id, message, self._seq)
            self._entries.append(entry)
            return entry

    def entries(self, rpc: str | None = None, code: str | None = None) -> list[JournalEntry]:
        """Entries in arrival order, optionally only one RPC and/or one answered code.

        ``code="error"`` selects every entry whose code is not OK.
        """
        with self._lock:
            items = list(self._entries)
        return [e for e in items if _selected(e, rpc, code)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _selected(entry: JournalEntry, rpc: str | None, code: str | None) -> bool:
    if rpc is not None and entry.rpc != rpc:
        return False
    if code is None:
        return True
    if code.lower() == "error":
        return entry.code != "OK"
    return entry.code == code.upper()
