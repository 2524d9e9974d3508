"""Triggerer scale: N deferred Bauplan jobs followed by the real BauplanJobTrigger in one loop.

For each N and each polling mode (``per-trigger``: one GetJobs per trigger per interval, the
way the dbt Cloud / Databricks triggers poll; ``batched``: the shared poller) this runs the
real ``BauplanJobTrigger.run()`` coroutines of N jobs in one event loop, in a fresh child
process (so CPU and peak RSS belong to that mode alone), against the bundled emulator with
its 500-record page cap. Jobs finish at random times after every wait has backed off to the
cap. Printed per run:

* GetJobs calls per ``max_poll_interval`` window at steady state (from the emulator journal),
* the event loop's worst lag (a heartbeat coroutine),
* CPU seconds and peak RSS of the triggerer process,
* detection latency (job ``finished_at`` to the trigger's event), p50 / p99,

then the per-trigger / batched ratios.

    python benchmarks/triggerer_scale.py            # N = 100, 1000; cap 10 s (~9 min)
    python benchmarks/triggerer_scale.py --full     # adds N = 2000
    python benchmarks/triggerer_scale.py --quick    # N = 50, 200; cap 2 s (CI smoke, ~1 min)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODES = ("per-trigger", "batched")
HEARTBEAT = 0.05


@dataclass
class Settings:
    sizes: list[int]
    poll_interval: float
    cap: float
    windows_all_alive: int
    spread: float


def backoff_seconds(first: float, cap: float, factor: float = 1.5) -> float:
    """Seconds a wait takes to reach the capped interval (sum of the backoff steps)."""
    total, interval = 0.0, first
    while interval < cap:
        total += interval
        interval = min(interval * factor, cap)
    return total


# ----- child: the triggerer side ---------------------------------------------------------


async def run_triggers(args: argparse.Namespace) -> dict[str, Any]:
    from bauplan_provider.airflow.triggers import BauplanJobTrigger

    job_ids: list[str] = json.loads(Path(args.jobs_file).read_text())
    triggers = [
        BauplanJobTrigger(
            job_id=job_id,
            poll_interval=args.poll_interval,
            max_poll_interval=args.cap,
            batched_polling=args.mode == "batched",
        )
        for job_id in job_ids
    ]
    worst_lag = 0.0
    done = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal worst_lag
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(HEARTBEAT)
            now = time.monotonic()
            worst_lag = max(worst_lag, now - last - HEARTBEAT)
            last = now

    latencies: list[float] = []
    statuses: dict[str, int] = {}

    async def follow(trigger: Any) -> None:
        async for event in trigger.run():
            fired = time.time()
            payload = event.payload
            statuses[payload["status"]] = statuses.get(payload["status"], 0) + 1
            finished = (payload.get("job") or {}).get("finished_at")
            if finished:
                from datetime import datetime

                latencies.append(fired - datetime.fromisoformat(finished).timestamp())

    cpu0, wall0 = time.process_time(), time.monotonic()
    beat = asyncio.create_task(heartbeat())
    await asyncio.gather(*(follow(t) for t in triggers))
    done.set()
    await beat
    return {
        "cpu_seconds": time.process_time() - cpu0,
        "wall_seconds": time.monotonic() - wall0,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worst_lag_ms": worst_lag * 1000,
        "latencies": latencies,
        "statuses": statuses,
    }


def child_main(args: argparse.Namespace) -> None:
    result = asyncio.run(run_triggers(args))
    Path(args.result_file).write_text(json.dumps(result))


# ----- parent: emulator, jobs, measurement -----------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def run_one(n: int, mode: str, settings: Settings, tmp: Path) -> dict[str, Any]:
    from bauplan_provider.testing import BauplanEmulator, JobScript

    rng = random.Random(n)
    steady_after = backoff_seconds(settings.poll_interval, settings.cap) + settings.cap
    first_finish = steady_after + settings.windows_all_alive * settings.cap
    with BauplanEmulator() as emu:
        jobs = [
            emu.create_job(
                script=JobScript(duration=rng.uniform(first_finish, settings.spread)),
                project_name="bench",
            )
            for _ in range(n)
        ]
        jobs_file = tmp / f"jobs-{n}-{mode}.json"
        jobs_file.write_text(json.dumps([job.id for job in jobs]))
        result_file = tmp / f"result-{n}-{mode}.json"
        env = dict(os.environ)
        env.update(
            AIRFLOW_HOME=str(tmp / "airflow"),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW_CONN_BAUPLAN_DEFAULT=json.dumps(
                {
                    "conn_type": "bauplan",
                    "password": emu.api_key,
                    "extra": {"api_endpoint": emu.endpoint},
                }
            ),
        )
        started = time.time()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--mode",
                mode,
                "--jobs-file",
                str(jobs_file),
                "--result-file",
                str(result_file),
                "--poll-interval",
                str(settings.poll_interval),
                "--cap",
                str(settings.cap),
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        result: dict[str, Any] = json.loads(result_file.read_text())
        calls = [entry.time for entry in emu.calls("GetJobs")]
    # Steady-state windows in which every job is still running.
    windows = []
    for k in range(settings.windows_all_alive):
        lo = started + steady_after + k * settings.cap
        windows.append(sum(1 for t in calls if lo <= t < lo + settings.cap))
    result["calls_per_window"] = windows
    result["total_calls"] = len(calls)
    return result


def report(n: int, by_mode: dict[str, dict[str, Any]], cap: float) -> None:
    print(f"\nN = {n} concurrent deferred jobs (max_poll_interval {cap:g} s, page cap 500)")
    header = f"  {'':34s}" + "".join(f"{m:>14s}" for m in MODES) + f"{'ratio':>10s}"
    print(header)

    def row(label: str, values: list[float], fmt: str = "{:.1f}") -> None:
        ratio = values[0] / values[1] if values[1] else float("inf")
        cells = "".join(f"{fmt.format(v):>14s}" for v in values)
        print(f"  {label:34s}{cells}{ratio:>9.1f}x")

    per, bat = (by_mode[m] for m in MODES)
    row(
        "GetJobs calls / interval (max)",
        [max(per["calls_per_window"]), max(bat["calls_per_window"])],
        "{:.0f}",
    )
    row("GetJobs calls, whole run", [per["total_calls"], bat["total_calls"]], "{:.0f}")
    row("event loop worst lag (ms)", [per["worst_lag_ms"], bat["worst_lag_ms"]])
    row("CPU seconds", [per["cpu_seconds"], bat["cpu_seconds"]], "{:.2f}")
    row("peak RSS (MB)", [per["peak_rss_mb"], bat["peak_rss_mb"]])
    for q in (0.5, 0.99):
        row(
            f"detection latency p{int(q * 100)} (s)",
            [percentile(per["latencies"], q), percentile(bat["latencies"], q)],
            "{:.2f}",
        )
    floor = math.ceil(n / 500)
    print(
        f"  floor ⌈N/500⌉ = {floor}; batched max {max(bat['calls_per_window'])} "
        f"(target ≤ {floor + 1}); events: per-trigger {per['statuses']}, "
        f"batched {bat['statuses']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES)
    parser.add_argument("--jobs-file")
    parser.add_argument("--result-file")
    parser.add_argument("--poll-interval", type=float, default=2.0)
    parser.add_argument("--cap", type=float, default=10.0)
    args = parser.parse_args()
    if args.child:
        child_main(args)
        return
    if args.quick:
        settings = Settings([50, 200], 0.5, 2.0, 2, 14.0)
    else:
        sizes = [100, 1000] + ([2000] if args.full else [])
        settings = Settings(sizes, args.poll_interval, args.cap, 2, 120.0)
    print(f"triggerer scale: python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bauplan-bench-") as tmp:
        for n in settings.sizes:
            by_mode = {mode: run_one(n, mode, settings, Path(tmp)) for mode in MODES}
            report(n, by_mode, settings.cap)
            sys.stdout.flush()
    print(
        "\n(p50/p99 over all jobs; 'interval' = one max_poll_interval window once every "
        "wait has backed off to the cap)"
    )


if __name__ == "__main__":
    main()
