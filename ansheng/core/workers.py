"""Background workers: loops that run inside the web process (the embedded default) or as their own processes.

A worker's `tick()` does one unit of work and returns how many items it handled; the loop sleeps `interval`
seconds when a tick found nothing. One failing tick is logged and the loop goes on: a bad record never kills a
worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

logger = logging.getLogger("ansheng.workers")


@dataclass
class Worker:
    name: str
    tick: Callable[[], int]
    interval: float = 1.0
    description: str = ""
    # Workers that need their own start-up (an MQTT subscription) provide a run function instead of a tick.
    run: Callable[[threading.Event], None] | None = None

    def run_forever(self, stop: threading.Event) -> None:
        if self.run is not None:
            self.run(stop)
            return
        while not stop.is_set():
            handled = 0
            try:
                close_old_connections()
                handled = self.tick()
            except Exception:
                logger.exception("worker %s: tick failed; continuing", self.name)
            finally:
                close_old_connections()
            if not handled:
                stop.wait(self.interval)


def all_workers() -> dict[str, Worker]:
    from ansheng.core.registry import collect

    return {worker.name: worker for worker in collect("workers")}


def start_in_process(names: list[str] | None = None) -> tuple[threading.Event, list[threading.Thread]]:
    stop = threading.Event()
    threads = []
    for name, worker in all_workers().items():
        if names is not None and name not in names:
            continue
        thread = threading.Thread(target=worker.run_forever, args=(stop,), name=f"worker-{name}", daemon=True)
        thread.start()
        threads.append(thread)
    return stop, threads


def run_one(name: str) -> None:
    workers = all_workers()
    if name not in workers:
        raise KeyError(name)
    stop = threading.Event()
    try:
        workers[name].run_forever(stop)
    except KeyboardInterrupt:
        stop.set()


def drain(name: str, limit: int = 10_000) -> int:
    """Run a worker's ticks until it has nothing to do (tests and commands use this)."""
    worker = all_workers()[name]
    total = 0
    for _ in range(limit):
        handled = worker.tick()
        if not handled:
            break
        total += handled
    return total


def _job_tick() -> int:
    from ansheng.core import services

    return services.run_next_job()


def _notify_tick() -> int:
    from ansheng.core import services

    return services.deliver_pending_notifications()


JOB_WORKER = Worker("jobs", _job_tick, interval=0.5, description="Excel imports and report jobs")
NOTIFY_WORKER = Worker("notify", _notify_tick, interval=2.0, description="e-mail / SMS delivery of notifications")
