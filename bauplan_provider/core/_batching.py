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


class BatchedJobPoller:
    """Batches ``get_job`` calls of many waiters into one ``get_jobs`` call per flush."""

    def __init__(
        self, client: BauplanClient, *, coalesce_seconds: float = DEFAULT_COALESCE_SECONDS
    ) -> None:
        self._client = client
        self._coalesce = coalesce_seconds
        self._pending: dict[str, list[asyncio.Future[Job]]] = {}
        self._flush_task: asyncio.Task[None] | None = None
        self.calls = 0

    async def fetch(self, job_id: str) -> Job:
        """The job's current record, fetched together with every other pending job."""
        future: asyncio.Future[Job] = asyncio.get_running_loop().create_future()
        self._pending.setdefault(job_id, []).append(future)
        if self._flush_task is None or self._flush_task.done():
            self._flush_task = asyncio.ensure_future(self._flush_soon())
        return await future

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self._coalesce)
        batch, self._pending = self._pending, {}
        waiting = {
            job_id: [f for f in futures if not f.done()] for job_id, futures in batch.items()
        }
        waiting = {job_id: futures for job_id, futures in waiting.items() if futures}
        if not waiting:
            return
        self.calls += 1
        try:
            jobs = await self._client.get_jobs_async(list(waiting))
        except BauplanProviderError as exc:
            _fail_all(waiting, exc)
            return
        except BaseException as exc:
            # Never leave a waiter hanging: they see a transient error and poll again.
            _fail_all(waiting, BauplanTransientError(f"The shared job poll failed: {exc!r}"))
            raise
        for job_id, futures in waiting.items():
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


def _fail_all(waiting: dict[str, list[asyncio.Future[Job]]], exc: BaseException) -> None:
    for futures in waiting.values():
        for future in futures:
            if not future.done():
                future.set_exception(exc)


_pollers: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[str, ...], BatchedJobPoller]
] = weakref.WeakKeyDictionary()


def poller_for(client: BauplanClient) -> BatchedJobPoller:
    """The running loop's shared poller for the client's credentials (created on demand).

    Clients with different credentials never share a poller, so one call never mixes them.
    """
    loop = asyncio.get_running_loop()
    by_identity = _pollers.setdefault(loop, {})
    identity = client.credentials.identity
    poller = by_identity.get(identity)
    if poller is None:
        poller = by_identity[identity] = BatchedJobPoller(client)
    return poller
