"""Fault injection: answer an RPC with a gRPC error code, or delay it.

Rules name an RPC (``"GetJobs"``) or ``"*"`` for every RPC. A status-code rule answers the
next ``count`` calls (``None`` = every call until cleared) with its code; a latency rule sleeps
``seconds`` before handling the next ``count`` calls. Rules apply in the order they were added;
latency rules all add up, the first matching status-code rule answers.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

import grpc

# Codes a fault may answer (OK is not a fault; anything else grpc knows is accepted).
FAULT_CODES: dict[str, grpc.StatusCode] = {
    c.name: c for c in grpc.StatusCode if c is not grpc.StatusCode.OK
}


def status_code(name: str) -> grpc.StatusCode:
    """Turn a code name such as ``"UNAVAILABLE"`` into ``grpc.StatusCode`` (ValueError if not)."""
    code = FAULT_CODES.get(str(name).upper())
    if code is None:
        raise ValueError(f"unknown gRPC status code {name!r}; use one of {sorted(FAULT_CODES)}")
    return code


@dataclass
class FaultRule:
    """An injected error (``code`` set) or latency (``latency`` > 0) for an RPC."""

    id: str
    rpc: str
    code: str | None = None
    message: str = ""
    latency: float = 0.0
    remaining: int | None = None
    used: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rpc": self.rpc,
            "code": self.code,
            "message": self.message,
            "latency": self.latency,
            "remaining": self.remaining,
            "used": self.used,
        }


class Faults:
    """Thread-safe set of fault rules."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def inject(
        self, rpc: str, code: str, *, count: int | None = 1, message: str | None = None
    ) -> str:
        grpc_code = status_code(code)
        _check_count(count)
        rule = FaultRule(
            id=uuid.uuid4().hex[:12],
            rpc=rpc,
            code=grpc_code.name,
            message=message or f"Injected {grpc_code.name} fault (Bauplan emulator).",
            remaining=count,
        )
        with self._lock:
            self._rules.append(rule)
        return rule.id

    def add_latency(self, rpc: str, seconds: float, *, count: int | None = None) -> str:
        if not isinstance(seconds, int | float) or seconds < 0:
            raise ValueError(f"seconds must be a number >= 0, not {seconds!r}")
        _check_count(count)
        rule = FaultRule(id=uuid.uuid4().hex[:12], rpc=rpc, latency=float(seconds), remaining=count)
        with self._lock:
            self._rules.append(rule)
        return rule.id

    def take(self, rpc: str) -> tuple[float, FaultRule | None]:
        """Consume the rules that apply to one call: (total latency, error rule or None)."""
        latency = 0.0
        error: FaultRule | None = None
        with self._lock:
            for rule in list(self._rules):
                if rule.rpc not in (rpc, "*"):
                    continue
                if rule.code is None:
                    latency += rule.latency
                elif error is None:
                    error = rule
                else:
                    continue
                rule.used += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
        return latency, error

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self, rpc: str | None = None) -> None:
        with self._lock:
            self._rules = [] if rpc is None else [r for r in self._rules if r.rpc != rpc]

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return [FaultRule(**r.to_dict()) for r in self._rules]


def _check_count(count: int | None) -> None:
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        raise ValueError(f"count must be a positive integer or None, not {count!r}")
