"""Plan files: one YAML file per plan, shipped in ``ansheng/indicators/plans/`` or put in ``settings.PLANS_DIR``.

A file is read and checked by the rules library (``ansheng.domain.plans.parse_plan``); a malformed file is reported
with the file, the line (for YAML syntax) or the path of the entry (``indicators[3].target``) and what is wrong. The
platform keeps working with the good files and lists the bad ones on the plans page.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ansheng.accidents.choices import Sector
from ansheng.core.errors import NotFound
from ansheng.domain.plans import Plan, PlanError, parse_plan
from ansheng.indicators.catalogue import items

MAX_FILE_BYTES = 512 * 1024


class PlanLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. YAML 1.1 would read the key `no:` (an indicator's number) as False."""


PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PlanLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class PlanFileError(Exception):
    """A plan file that cannot be used, with a message that says where and what."""

    def __init__(self, path: Path, message: str, *, code: str, field: str | None = None, line: int | None = None):
        self.path = path
        self.code = code
        self.field = field
        self.line = line
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class LoadedPlan:
    plan: Plan
    path: Path
    shipped: bool


def shipped_dir() -> Path:
    return Path(str(resources.files("ansheng.indicators").joinpath("plans")))


def plan_dirs() -> list[tuple[Path, bool]]:
    dirs = [(shipped_dir(), True)]
    extra = getattr(settings, "PLANS_DIR", None)
    if extra:
        dirs.append((Path(extra), False))
    return dirs


def _language() -> str:
    return translation.get_language() or "zh-hans"


def read_plan_file(path: Path) -> Plan:
    """Read and check one plan file; raises PlanFileError with a clear message."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PlanFileError(path, _("规划文件过大（最大 512 KB）"), code="file_too_large")
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise PlanFileError(path, _("规划文件应为 UTF-8 编码的文本"), code="not_utf8") from None
    except OSError as exc:
        raise PlanFileError(
            path, _("无法读取规划文件：%(error)s") % {"error": exc.strerror}, code="unreadable"
        ) from None
    return parse_plan_text(text, path)


def parse_plan_text(text: str, path: Path | None = None) -> Plan:
    path = path or Path("<plan>")
    try:
        data = yaml.load(text, Loader=PlanLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        message = _("YAML 格式错误（第 %(line)s 行）：%(problem)s") % {"line": line or "?", "problem": problem}
        raise PlanFileError(path, message, code="yaml_syntax", line=line) from None
    try:
        return parse_plan(data, inputs=set(items()), sectors=set(Sector.values()), sector_groups=Sector.GROUPS)
    except PlanError as exc:
        raise PlanFileError(path, exc.message(_language()), code=exc.code, field=exc.field) from None


class _Registry:
    """Plans by code, re-read when a file in the plan directories changes (by name, size and time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[Any, ...] | None = None
        self._plans: dict[str, LoadedPlan] = {}
        self._problems: list[PlanFileError] = []

    def _files(self) -> list[tuple[Path, bool]]:
        found = []
        for directory, shipped in plan_dirs():
            if directory.is_dir():
                found += [(p, shipped) for p in sorted(directory.glob("*.y*ml")) if p.suffix in {".yaml", ".yml"}]
        return found

    def load(self) -> tuple[dict[str, LoadedPlan], list[PlanFileError]]:
        files = self._files()
        stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p, _shipped in files)
        with self._lock:
            if stamp != self._stamp:
                plans: dict[str, LoadedPlan] = {}
                problems: list[PlanFileError] = []
                for path, shipped in files:
                    try:
                        plan = read_plan_file(path)
                    except PlanFileError as exc:
                        problems.append(exc)
                        continue
                    if plan.code in plans:
                        problems.append(
                            PlanFileError(
                                path,
                                _("规划代码 %(code)s 与 %(other)s 重复，已忽略")
                                % {"code": plan.code, "other": plans[plan.code].path.name},
                                code="duplicate_code",
                                field="code",
                            )
                        )
                        continue
                    plans[plan.code] = LoadedPlan(plan, path, shipped)
                self._plans, self._problems, self._stamp = plans, problems, stamp
            return dict(self._plans), list(self._problems)


REGISTRY = _Registry()


def all_plans() -> list[LoadedPlan]:
    plans, _problems = REGISTRY.load()
    return sorted(plans.values(), key=lambda p: (-p.plan.end, p.plan.code))


def problems() -> list[PlanFileError]:
    return REGISTRY.load()[1]


def get_plan(code: str) -> Plan:
    plans, _problems = REGISTRY.load()
    if code not in plans:
        raise NotFound(_("规划 %(code)s 不存在") % {"code": code}, code="unknown_plan")
    return plans[code].plan


def current_plan(year: int, region: str | None = None) -> Plan | None:
    """The plan whose period holds ``year`` (or else the latest ended one), for the region's city."""
    candidates = [p.plan for p in all_plans() if region is None or region.startswith(p.plan.region[:4])]
    running = [p for p in candidates if p.start <= year <= p.end]
    if running:
        return running[0]
    ended = [p for p in candidates if p.end < year]
    return max(ended, key=lambda p: p.end) if ended else (candidates[0] if candidates else None)
