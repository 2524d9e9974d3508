"""One ``GetJobs`` call for every job that is due: the shared poller of the async wait.

Waits in the same event loop that use the same credentials hand their job ids to one
:class:`BatchedJobPoller`. A fetch does not call the API itself: it joins the pending batch,
and a flush shortly after (``coalesce_seconds``) asks ``get_jobs`` for every pending id at
once (the SDK pages at the API's 500-record limit). Each waiter gets its own record back, or
the shared call's error, which its :class:`JobWatch` treats like any other poll error.

Together with :meth:`JobWatch.next_sleep` aligning capped waits to a common grid, N waits at
steady state cost ⌈N/500⌉ calls per ``max_poll_interval`` instead of N.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING

from ._errors import BauplanJobNotFoundError, BauplanProviderError, BauplanTransientError

if TYPE_CHECKING:
    from ._client import BauplanClient
    from ._models import Job

__all__ = ["BatchedJobPoller", "poller_for"]

DEFAULT_COALESCE_SECONDS = 0.05
#: Waiters woken per event-loop iteration when a shared call returns.
WAKE_CHUNK = 50

Batch = dict[str, list["asyncio.Future[Job]"]]


class BatchedJobPoller:
    """Batches ``get_job`` calls of many waiters into one ``get_jobs`` call per flush.

    One flusher task runs while fetches are pending and makes one shared call at a time;
    fetches that arrive while a call is in flight join the next one. ``calls`` counts the
    shared calls made (the SDK may page one of them into several ``GetJobs`` requests).
    """

    def __init__(
        self, client: BauplanClient, *, coalesce_seconds: float = DEFAULT_COALESCE_SECONDS
    ) -> None:
        self._client = client
        self._coalesce = coalesce_seconds
        self._pending: Batch = {}
        self._flusher: asyncio.Task[None] | None = None
        self.calls = 0

    async def fetch(self, job_id: str) -> Job:
        """The job's current record, fetched together with every other pending job."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Job] = loop.create_future()
        self._pending.setdefault(job_id, []).append(future)
        if self._flusher is None:
            self._flusher = loop.create_task(self._flush_while_pending())
        # A cancelled waiter cancels its future, which drops its id from the next call.
        return await future

    async def _flush_while_pending(self) -> None:
        try:
            while self._pending:
                await asyncio.sleep(self._coalesce)
                batch, self._pending = self._pending, {}
                await self._flush(batch)
        finally:
            # No reference to the task (and so to the loop) outlives it: the registry below
            # is keyed weakly by loop. Whatever is still pending here was not served (the
            # task was cancelled): those waiters retry like after any transient error.
            self._flusher = None
            batch, self._pending = self._pending, {}
            _fail_all(batch, BauplanTransientError("The shared job poll was interrupted."))

    async def _flush(self, batch: Batch) -> None:
        waiting = {job_id: _waiting(futures) for job_id, futures in batch.items()}
        waiting = {job_id: futures for job_id, futures in waiting.items() if futures}
        if not waiting:
            return
        self.calls += 1
        try:
            try:
                jobs = await self._client.get_jobs_async(list(waiting))
            except BauplanProviderError as exc:
                _fail_all(waiting, exc)
                return
            except Exception as exc:
                # A bug or an unexpected SDK error must not end the shared poller: every
                # waiter sees a transient error and polls again (its error window applies).
                _fail_all(waiting, BauplanTransientError(f"The shared job poll failed: {exc!r}"))
                return
            await _deliver(waiting, jobs)
        finally:
            # Cancelled mid-way: nobody is left hanging, they retry like after an outage.
            _fail_all(waiting, BauplanTransientError("The shared job poll was interrupted."))


async def _deliver(waiting: Batch, jobs: dict[str, Job]) -> None:
    """Hand each waiter its record, yielding to the loop between chunks of waiters.

    Every woken waiter runs in the loop iteration after its result is set; a thousand at
    once would stall the loop (timers, other triggers) for as long as they all take.
    """
    for index, (job_id, futures) in enumerate(waiting.items()):
        if index and index % WAKE_CHUNK == 0:
            await asyncio.sleep(0)
        job = jobs.get(job_id)
        for future in futures:
            if future.done():
                continue
            if job is None:
                future.set_exception(
                    BauplanJobNotFoundError(
                        f"Bauplan job not found for job {job_id} during get_jobs.",
                        code="NOT_FOUND",
                        operation="get_jobs",
                    )
                )
            else:
                future.set_result(job)


def _waiting(futures: list[asyncio.Future[Job]]) -> list[asyncio.Future[Job]]:
    return [future for future in futures if not future.done()]


def _fail_all(batch: Batch, exc: BaseException) -> None:
    for futures in batch.values():
        for future in futures:
            if not future.done():
                future.set_exception(exc)


_pollers: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[str, ...], BatchedJobPoller]
] = weakref.WeakKeyDictionary()


def poller_for(client: BauplanClient) -> BatchedJobPoller:
    """The running loop's shared poller for the client's credentials (created on demand).

    Clients that differ in key, profile, endpoint or client timeout never share a poller,
    so one call never mixes them. A new event loop (a restarted triggerer) gets new pollers.
    """
    loop = asyncio.get_running_loop()
    by_identity = _pollers.setdefault(loop, {})
    identity = client.credentials.identity
    poller = by_identity.get(identity)
    if poller is None:
        poller = by_identity[identity] = BatchedJobPoller(client)
    return poller
