"""The ``bauplan-emulator`` command: run the emulator as a standalone server.

::

    bauplan-emulator serve [--host 127.0.0.1] [--port 0] [--api-key KEY] [--admin-port 0]
                           [--default-duration 1.0] [--default-queue-delay 0.0]
                           [--username emulator-user] [--organization emulator-org]

Binds loopback by default and prints, then flushes, two ``NAME=value`` lines on stdout::

    BAUPLAN_API_ENDPOINT=http://127.0.0.1:PORT
    BAUPLAN_EMULATOR_ADMIN_URL=http://127.0.0.1:ADMIN_PORT

Point the SDK at it with ``BAUPLAN_API_ENDPOINT`` and ``BAUPLAN_API_KEY`` (the key given with
``--api-key``, default ``emulator-secret-key``; never printed). Drive the admin API with
``EmulatorAdminClient``. Runs until SIGINT/SIGTERM, then shuts down cleanly (exit code 0).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType


def _parser() -> argparse.ArgumentParser:
    from .emulator import DEFAULT_API_KEY

    parser = argparse.ArgumentParser(
        prog="bauplan-emulator",
        description="A local server speaking the bauplan SDK's job protocol, for tests.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the emulator until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback)")
    serve.add_argument("--port", type=int, default=0, help="gRPC port (default: any free)")
    serve.add_argument(
        "--api-key", default=DEFAULT_API_KEY, help="the API key clients must send as bearer"
    )
    serve.add_argument(
        "--admin-port", type=int, default=0, help="admin HTTP API port (default: any free)"
    )
    serve.add_argument("--default-duration", type=float, default=1.0, help="seconds RUNNING")
    serve.add_argument("--default-queue-delay", type=float, default=0.0, help="seconds NOT_STARTED")
    serve.add_argument("--username", default="emulator-user")
    serve.add_argument("--organization", default="emulator-org")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .emulator import BauplanEmulator

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    emulator = BauplanEmulator(
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        default_duration=args.default_duration,
        default_queue_delay=args.default_queue_delay,
        username=args.username,
        organization=args.organization,
    )
    try:
        emulator.start()
        admin_url = emulator.start_admin(port=args.admin_port)
        print(f"BAUPLAN_API_ENDPOINT={emulator.endpoint}")
        print(f"BAUPLAN_EMULATOR_ADMIN_URL={admin_url}", flush=True)
        stop.wait()
    except OSError as exc:
        print(f"bauplan-emulator: {exc}", file=sys.stderr)
        return 1
    finally:
        emulator.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
