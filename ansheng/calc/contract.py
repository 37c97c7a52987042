"""The calculator contract at the edges, shared by ``ansheng calc NAME`` and ``POST /api/v1/calc/NAME``.

Both doors read the same bytes the same way (one JSON object), hand it to :func:`ansheng.domain.calculators.run` and
write its answer or its error ``{"code", "message", "field"}``. Nothing here imports Django, so the command starts
fast.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ansheng.domain.calculators import CALCULATORS, run
from ansheng.domain.errors import DomainError

__all__ = ["InputError", "calculate", "dumps", "evaluate", "language_from_env", "parse_json", "unknown_calculator"]


class InputError(DomainError):
    """The input is not one JSON document, or names no calculator."""


def _refuse_constant(name: str) -> Any:
    # Python's json module accepts NaN and Infinity, which JSON (RFC 8259) does not.
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes | str) -> object:
    """One JSON document from ``raw`` (UTF-8, UTF-16 or UTF-32, as RFC 8259 allows; a UTF-8 BOM is tolerated)."""
    bare = raw.removeprefix("\ufeff") if isinstance(raw, str) else raw.removeprefix(b"\xef\xbb\xbf")
    if not bare.strip():
        raise InputError(
            "malformed_json", None, "输入为空：请给出一个JSON对象", "the input is empty: give one JSON object"
        )
    try:
        return json.loads(bare, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            "malformed_json",
            None,
            f"输入不是合法的JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）",
            f"the input is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
        ) from None
    except RecursionError:
        raise InputError("malformed_json", None, "JSON嵌套层数过多", "the JSON is nested too deeply") from None
    except ValueError as exc:  # undecodable bytes, NaN/Infinity, an integer too long to convert
        raise InputError(
            "malformed_json", None, f"输入不是合法的JSON：{exc}", f"the input is not valid JSON: {exc}"
        ) from None


def unknown_calculator(name: str) -> InputError:
    names = ", ".join(CALCULATORS)
    return InputError(
        "unknown_calculator",
        None,
        f"没有名为“{name}”的计算器（可用：{'、'.join(CALCULATORS)}）",
        f"no calculator named {name!r} (available: {names})",
    )


def calculate(name: str, payload: object) -> dict[str, Any]:
    """Run calculator ``name`` on a parsed payload; raises :class:`DomainError` for any bad input."""
    if name not in CALCULATORS:
        raise unknown_calculator(name)
    try:
        return run(name, payload)
    except DomainError:
        raise
    except ArithmeticError:
        # Absurd magnitudes (a quantity of 1e308 t, a date in year 9999 plus 30 days) overflow the exact arithmetic
        # or the calendar; they are bad input, not a failure of the platform.
        raise InputError(
            "out_of_range",
            None,
            "数值或日期超出可计算的范围，请检查输入",
            "a number or date is beyond the range that can be computed; check the input",
        ) from None


def evaluate(name: str, raw: bytes | str) -> dict[str, Any]:
    """Run calculator ``name`` on the JSON document ``raw``; raises :class:`DomainError` for any bad input."""
    if name not in CALCULATORS:
        raise unknown_calculator(name)
    return calculate(name, parse_json(raw))


def dumps(value: object, *, indent: int | None = None) -> str:
    """JSON as the doors write it: UTF-8 text (not \\u escapes), no NaN."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)


def language_from_env(flag: str | None, environ: Mapping[str, str]) -> str:
    """The message language of the command: ``--lang`` if given, else the POSIX locale (LC_ALL, LC_MESSAGES, LANG,
    the first one set); English when it starts with ``en``, Chinese otherwise (also for ``C`` and ``POSIX``)."""
    if flag:
        return "en" if flag.lower().startswith("en") else "zh-hans"
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh-hans"
    return "zh-hans"
