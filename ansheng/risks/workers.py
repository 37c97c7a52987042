"""Background worker of the risks app (run in-process by `ansheng demo`/`serve`, or as `ansheng worker risks`)."""

from __future__ import annotations

from ansheng.core.workers import Worker


def _tick() -> int:
    from ansheng.risks import colour, services

    created = services.generate_occurrences()
    missed = services.sweep_missed()
    recoloured = colour.sweep()
    return created + missed + recoloured


RISKS = Worker(
    "risks",
    _tick,
    interval=60.0,
    description="inspection occurrences on their cycles, the missed sweep, enterprise risk colours",
)
