"""Triggerer scale: N deferred Bauplan jobs followed by the real BauplanJobTrigger in one loop.

For each N and each polling mode (``per-trigger``: one GetJobs per trigger per interval, the
way the dbt Cloud / Databricks triggers poll; ``batched``: the shared poller) this runs the
real ``BauplanJobTrigger.run()`` coroutines of N jobs in one event loop, in a fresh child
process (so CPU and peak RSS belong to that mode alone), against the bundled emulator with
its 500-record page cap. The child imports Airflow first and says so; only then are the jobs
created, so every job starts when its trigger does. Triggers start one per loop turn, as
Airflow's ``TriggerRunner`` starts them. Jobs finish at random times after every wait has
backed off to the cap. Printed per N:

* GetJobs calls per ``max_poll_interval`` window at steady state (from the emulator journal),
* the event loop's worst lag (a heartbeat coroutine), also with the garbage collector's
  passes taken out (CPython's collector stops the whole process, whatever the loop runs),
* CPU seconds and RSS of the triggerer process,
* detection latency (job ``finished_at`` to the trigger's event), p50 / p99,

then the per-trigger / batched ratios.

    python benchmarks/triggerer_scale.py            # N = 100, 1000; cap 10 s (~9 min)
    python benchmarks/triggerer_scale.py --full     # adds N = 2000 (~14 min)
    python benchmarks/triggerer_scale.py --quick    # N = 50, 200; cap 2 s (~2 min)
    python benchmarks/triggerer_scale.py --smoke    # N = 20; cap 1 s (CI smoke, ~30 s)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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
from datetime import datetime
from pathlib import Path
from typing import Any

MODES = ("per-trigger", "batched")
HEARTBEAT = 0.05
CHILD_START_TIMEOUT = 180.0


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


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


# ----- child: the triggerer side ---------------------------------------------------------


async def run_triggers(job_ids: list[str], args: argparse.Namespace) -> dict[str, Any]:
    from bauplan_provider.airflow.triggers import BauplanJobTrigger

    triggers = [
        BauplanJobTrigger(
            job_id=job_id,
            poll_interval=args.poll_interval,
            max_poll_interval=args.cap,
            batched_polling=args.mode == "batched",
        )
        for job_id in job_ids
    ]
    gaps: list[tuple[float, float]] = []
    done = asyncio.Event()

    async def heartbeat() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(HEARTBEAT)
            now = time.monotonic()
            gaps.append((last, now))
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
                latencies.append(fired - datetime.fromisoformat(finished).timestamp())

    gc_passes = gc_pass_recorder()
    rss_before = current_rss_mb()
    started = time.time()
    cpu0, wall0 = time.process_time(), time.monotonic()
    beat = asyncio.create_task(heartbeat())
    tasks = []
    for trigger in triggers:
        # As Airflow's TriggerRunner.create_triggers does: one new trigger per loop turn.
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(follow(trigger)))
    await asyncio.gather(*tasks)
    cpu_seconds, wall_seconds = time.process_time() - cpu0, time.monotonic() - wall0
    done.set()
    await beat
    gc.callbacks.clear()

    def lag(gap: tuple[float, float]) -> float:
        return gap[1] - gap[0] - HEARTBEAT

    def gc_time(gap: tuple[float, float]) -> float:
        """Seconds of the gap during which the garbage collector had the process stopped."""
        return sum(max(0.0, min(end, gap[1]) - max(start, gap[0])) for start, end in gc_passes)

    by_lag = sorted(gaps, key=lag, reverse=True)
    without_gc = 0.0
    for gap in by_lag:  # a gap's lag bounds its lag without GC: stop once none can beat it
        if lag(gap) <= without_gc:
            break
        without_gc = max(without_gc, lag(gap) - gc_time(gap))
    return {
        "started": started,
        "cpu_seconds": cpu_seconds,
        "wall_seconds": wall_seconds,
        "rss_before_mb": rss_before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worst_lag_ms": lag(by_lag[0]) * 1000,
        "worst_lag_without_gc_ms": without_gc * 1000,
        "worst_lags": [
            [round(lag(gap) * 1000), round(gap[0] - wall0, 1), round(gc_time(gap) * 1000)]
            for gap in by_lag[:3]
        ],
        "gc_pass_ms": max((end - start for start, end in gc_passes), default=0.0) * 1000,
        "latencies": latencies,
        "statuses": statuses,
    }


def gc_pass_recorder() -> list[tuple[float, float]]:
    """(start, end) on the monotonic clock of every garbage-collector pass from now on.

    CPython's collector stops the whole process; a full pass over a heap the size of an
    Airflow process takes tens of milliseconds and stalls the loop whatever it runs.
    """
    passes: list[tuple[float, float]] = []
    began = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.monotonic()
        else:
            passes.append((began[0], time.monotonic()))

    gc.callbacks.append(on_gc)
    return passes


def child_main(args: argparse.Namespace) -> None:
    # Imports are not part of the measurement: the SDK and the trigger, as in a triggerer.
    import bauplan  # noqa: F401

    import bauplan_provider.airflow.triggers  # noqa: F401

    Path(args.ready_file).write_text("ready")
    job_ids: list[str] = json.loads(sys.stdin.read())
    result = asyncio.run(run_triggers(job_ids, args))
    Path(args.result_file).write_text(json.dumps(result))


# ----- parent: emulator, jobs, measurement -----------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def child_env(emu: Any, tmp: Path) -> dict[str, str]:
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
    return env


def start_child(mode: str, settings: Settings, files: dict[str, Path], env: dict[str, str]) -> Any:
    command = [sys.executable, __file__, "--child", "--mode", mode]
    command += ["--ready-file", str(files["ready"]), "--result-file", str(files["result"])]
    command += ["--poll-interval", str(settings.poll_interval), "--cap", str(settings.cap)]
    with files["stderr"].open("w") as stderr:
        proc = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr
        )
    end = time.monotonic() + CHILD_START_TIMEOUT
    while not files["ready"].exists():
        if proc.poll() is not None or time.monotonic() > end:
            proc.kill()
            raise RuntimeError(f"the {mode} child did not start:\n{files['stderr'].read_text()}")
        time.sleep(0.02)
    return proc


def run_one(n: int, mode: str, settings: Settings, tmp: Path) -> dict[str, Any]:
    from bauplan_provider.testing import BauplanEmulator, JobScript

    rng = random.Random(n)
    # One cap of margin on top of the backoff, for triggers that started (or polled) late.
    steady_after = backoff_seconds(settings.poll_interval, settings.cap) + 2 * settings.cap
    first_finish = steady_after + settings.windows_all_alive * settings.cap
    files = {name: tmp / f"{name}-{n}-{mode}" for name in ("ready", "result", "stderr")}
    with BauplanEmulator() as emu:
        proc = start_child(mode, settings, files, child_env(emu, tmp))
        jobs = [
            emu.create_job(
                script=JobScript(duration=rng.uniform(first_finish, settings.spread)),
                project_name="bench",
            )
            for _ in range(n)
        ]
        proc.communicate(json.dumps([job.id for job in jobs]).encode())
        if proc.returncode != 0:
            raise RuntimeError(f"the {mode} child failed:\n{files['stderr'].read_text()}")
        result: dict[str, Any] = json.loads(files["result"].read_text())
        calls = [entry.time for entry in emu.calls("GetJobs")]
    # Steady-state windows in which every wait is capped and every job is still running.
    windows = []
    for k in range(settings.windows_all_alive):
        lo = result["started"] + steady_after + k * settings.cap
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
    row(
        "  worst lag minus GC passes (ms)",
        [per["worst_lag_without_gc_ms"], bat["worst_lag_without_gc_ms"]],
    )
    row("  longest GC pass (ms)", [per["gc_pass_ms"], bat["gc_pass_ms"]])
    row("CPU seconds", [per["cpu_seconds"], bat["cpu_seconds"]], "{:.2f}")
    row("RSS before triggers (MB)", [per["rss_before_mb"], bat["rss_before_mb"]])
    row("peak RSS (MB)", [per["peak_rss_mb"], bat["peak_rss_mb"]])
    row(
        "peak RSS growth (MB)",
        [per["peak_rss_mb"] - per["rss_before_mb"], bat["peak_rss_mb"] - bat["rss_before_mb"]],
    )
    for q in (0.5, 0.99):
        row(
            f"detection latency p{int(q * 100)} (s)",
            [percentile(per["latencies"], q), percentile(bat["latencies"], q)],
            "{:.2f}",
        )
    row("wall seconds", [per["wall_seconds"], bat["wall_seconds"]])
    floor = math.ceil(n / 500)
    print(
        f"  floor ⌈N/500⌉ = {floor}; batched max {max(bat['calls_per_window'])} "
        f"(target ≤ {floor + 1}); per-interval windows: per-trigger "
        f"{per['calls_per_window']}, batched {bat['calls_per_window']}"
    )
    print(f"  events: per-trigger {per['statuses']}, batched {bat['statuses']}")
    print(
        f"  3 worst lags [ms, at s after start, ms of GC in it]: per-trigger {per['worst_lags']}, "
        f"batched {bat['worst_lags']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 50, 200; cap 2 s")
    parser.add_argument("--smoke", action="store_true", help="N = 20; cap 1 s (CI smoke)")
    parser.add_argument("--full", action="store_true", help="adds N = 2000")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--ready-file", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    parser.add_argument("--poll-interval", type=float, default=2.0)
    parser.add_argument("--cap", type=float, default=10.0, help="max_poll_interval (s)")
    parser.add_argument("--sizes", type=int, nargs="+", help="N values instead of 100 1000")
    args = parser.parse_args()
    if args.child:
        child_main(args)
        return
    if args.smoke:
        settings = Settings([20], 0.2, 1.0, 1, 6.0)
    elif args.quick:
        settings = Settings([50, 200], 0.5, 2.0, 2, 18.0)
    else:
        sizes = args.sizes or [100, 1000] + ([2000] if args.full else [])
        settings = Settings(sizes, args.poll_interval, args.cap, 2, 120.0)
    print(
        f"triggerer scale: python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"poll {settings.poll_interval:g} s backing off to {settings.cap:g} s, jobs ending "
        f"at random up to {settings.spread:g} s"
    )
    with tempfile.TemporaryDirectory(prefix="bauplan-bench-") as tmp:
        for n in settings.sizes:
            by_mode = {mode: run_one(n, mode, settings, Path(tmp)) for mode in MODES}
            report(n, by_mode, settings.cap)
            sys.stdout.flush()
    print(
        "\n(p50/p99 over all jobs; 'interval' = one max_poll_interval window once every "
        "wait has backed off to the cap, while every job still runs)"
    )


if __name__ == "__main__":
    main()
