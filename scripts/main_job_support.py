"""What the main job's orchestrator parts share: a clean environment, output capture, results.

Each part (``main_job_airflow.py``, ``main_job_prefect.py``) runs in its own process, started
by ``main_job.py`` with the emulator's endpoint and API key in ``BAUPLAN_MAIN_JOB_*``
variables, and writes one :class:`PartResult` as JSON for the parent to report.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TextIO

REPO = Path(__file__).resolve().parent.parent
ENDPOINT_ENV = "BAUPLAN_MAIN_JOB_ENDPOINT"
API_KEY_ENV = "BAUPLAN_MAIN_JOB_API_KEY"
RESULT_FILE = "result.json"
#: How many lines of an orchestrator's own output to show when its run failed.
FAILURE_TAIL_LINES = 40


@dataclass
class PartResult:
    """What one part reports: success, one line of summary, the Bauplan job ids it saw."""

    ok: bool
    summary: str
    job_ids: list[str] = field(default_factory=list)

    def write(self, home: Path) -> None:
        (home / RESULT_FILE).write_text(json.dumps(asdict(self)))

    @classmethod
    def read(cls, home: Path) -> PartResult | None:
        try:
            data = json.loads((home / RESULT_FILE).read_text())
        except (OSError, ValueError):
            return None
        return cls(ok=bool(data["ok"]), summary=str(data["summary"]), job_ids=data["job_ids"])


def emulator_settings() -> tuple[str, str]:
    """The emulator's endpoint and API key, as the parent passed them."""
    return os.environ[ENDPOINT_ENV], os.environ[API_KEY_ENV]


def scrub_environment(prefixes: Iterable[str]) -> None:
    """Remove inherited settings (``AIRFLOW_*``, ``PREFECT_*``, ``BAUPLAN_*``...) so the part
    uses only what it sets itself: a fresh home, and the emulator it was given."""
    prefixes = tuple(prefixes)
    for name in list(os.environ):
        if name.startswith(prefixes) and not name.startswith("BAUPLAN_MAIN_JOB_"):
            del os.environ[name]


def redact(text: str, secret: str) -> str:
    """``text`` with every occurrence of ``secret`` replaced (belt and braces: the provider
    never logs the key, and the main job never prints it either)."""
    return text.replace(secret, "***") if secret else text


def say(text: str = "") -> None:
    """Print one line of the main job's own narration, at once."""
    print(text, flush=True)


class CapturedOutput:
    """Send this process's stdout and stderr (file descriptors 1 and 2) to a log file.

    Orchestrators write their console logs through handlers that hold their own stream
    objects, so the capture happens at the file-descriptor level. ``show`` picks the lines
    to echo live (it may rewrite them; None hides a line); everything goes to the file.
    """

    def __init__(self, path: Path, show: Callable[[str], str | None] | None = None) -> None:
        self.path = path
        self.show = show
        self._saved: tuple[int, int] | None = None
        self._display: TextIO | None = None
        self._pump: threading.Thread | None = None

    def __enter__(self) -> CapturedOutput:
        sys.stdout.flush()
        sys.stderr.flush()
        self._saved = (os.dup(1), os.dup(2))
        self._display = os.fdopen(os.dup(self._saved[0]), "w", buffering=1)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 1)
        os.dup2(write_end, 2)
        os.close(write_end)
        self._pump = threading.Thread(target=self._copy, args=(read_end,), daemon=True)
        self._pump.start()
        return self

    def say(self, text: str) -> None:
        """Print a line of narration to the real stdout, even while capturing."""
        if self._display is not None and not self._display.closed:
            self._display.write(text + "\n")
        else:
            say(text)

    def _copy(self, read_end: int) -> None:
        with (
            os.fdopen(read_end, "r", errors="replace") as source,
            self.path.open("a", encoding="utf-8") as log,
        ):
            for line in source:
                log.write(line)
                shown = self.show(line.rstrip("\n")) if self.show else None
                if shown is not None and self._display is not None:
                    self._display.write(shown + "\n")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        assert self._saved is not None and self._pump is not None
        # Restoring fds 1 and 2 closes the pipe's last write ends: the pump sees the end.
        os.dup2(self._saved[0], 1)
        os.dup2(self._saved[1], 2)
        for fd in self._saved:
            os.close(fd)
        # A lingering child process of the orchestrator could keep the pipe open: don't hang.
        self._pump.join(timeout=10)
        if self._display is not None:
            self._display.close()

    def tail(self, lines: int = FAILURE_TAIL_LINES) -> list[str]:
        """The last lines of everything captured."""
        try:
            return self.path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        except OSError:
            return []


def finish_part(
    part: str,
    result: PartResult,
    capture: CapturedOutput,
    api_key: str,
    home: Path,
    *,
    explained: bool,
) -> int:
    """Report one part: the orchestrator's last output lines if it failed unexplained, the
    result line (never the key), the result file for the parent; the exit code."""
    if not result.ok and not explained:
        say(f"{part.capitalize()}: the run failed; the last lines of {part.capitalize()}'s output:")
        for line in capture.tail():
            say("  ! " + redact(line, api_key))
    result.summary = redact(result.summary, api_key)
    say(f"RESULT {part}: {'OK' if result.ok else 'FAILED'} - {result.summary}")
    result.write(home)
    return 0 if result.ok else 1
