"""`ansheng calc NAME`: one JSON object on standard input, one JSON object on standard output.

    echo '{"people_within_500m": 40, "substances": [{"name": "液氯", "tonnes": 8}]}' | ansheng calc gb18218

Exit status 0 with the answer on standard output; 2 with ``{"code", "message", "field"}`` on standard error for any
bad input (malformed JSON, not an object, unknown calculator, missing or unknown field, wrong type, a value outside
its table). Messages are Chinese unless ``--lang en`` or the locale (LC_ALL, LC_MESSAGES, LANG) starts with ``en``.
Django is never set up here: the rules library is pure, so the command answers in a fraction of a second.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

BAD_INPUT = 2


def _write(stream: Any, text: str) -> None:
    # Always UTF-8, whatever the terminal's locale says (LANG=C would otherwise fail on Chinese).
    stream.buffer.write((text + "\n").encode("utf-8"))
    stream.flush()


def cmd_calc(args: argparse.Namespace) -> int:
    from ansheng.calc.contract import InputError, dumps, evaluate, language_from_env
    from ansheng.domain.calculators import describe
    from ansheng.domain.errors import DomainError

    lang = language_from_env(args.lang, os.environ)
    english = lang == "en"
    indent = 2 if args.pretty else None
    if args.list:
        described = describe()
        if args.json:
            _write(sys.stdout, dumps(described, indent=indent))
        else:
            width = max(len(entry["name"]) for entry in described)
            lines = [f"{entry['name']:<{width}}  {entry['title_en' if english else 'title_zh']}" for entry in described]
            _write(sys.stdout, "\n".join(lines))
        return 0
    try:
        if not args.name:
            raise InputError(
                "missing_calculator",
                None,
                "请给出计算器名称：ansheng calc NAME（ansheng calc --list 列出全部）",
                "give a calculator name: ansheng calc NAME (ansheng calc --list shows them)",
            )
        result = evaluate(args.name, sys.stdin.buffer.read())
    except DomainError as exc:
        _write(sys.stderr, dumps(exc.to_dict(lang)))
        return BAD_INPUT
    _write(sys.stdout, dumps(result, indent=indent))
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "calc",
        help="run a rules calculator: JSON object on stdin, JSON object on stdout",
        description="Run one of the national-rules calculators (gb18218, accident-grade, accident-fine, risk, "
        "diagnosis-grade, credit-code, gcj02) on the JSON object read from standard input.",
    )
    parser.add_argument("name", nargs="?", help="calculator name (see --list)")
    parser.add_argument("--list", action="store_true", help="list the calculators and exit")
    parser.add_argument("--json", action="store_true", help="with --list: each calculator's input fields as JSON")
    parser.add_argument("--lang", help="message language: zh (default) or en; default from LC_ALL / LANG")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON output")
    parser.set_defaults(func=cmd_calc)
