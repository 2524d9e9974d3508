"""Running the synchronous SDK from async code without blocking the event loop."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["run_in_worker_thread"]

P = ParamSpec("P")
T = TypeVar("T")

# Bounded: 1,000 waiting triggers must not become 1,000 threads. Shared by every event loop.
MAX_THREADS = int(os.environ.get("BAUPLAN_PROVIDER_MAX_THREADS", "16"))

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=MAX_THREADS, thread_name_prefix="bauplan-sdk"
            )
        return _executor


async def run_in_worker_thread(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking SDK call in the provider's bounded thread pool and await its result.

    The caller's context variables go with it (as with ``asyncio.to_thread``): orchestrators
    route log lines by them (Airflow's triggerer picks a trigger's log file from a
    contextvar), so what the call logs lands in the same place as the caller's own lines.
    """
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
    return await loop.run_in_executor(_get_executor(), call)
