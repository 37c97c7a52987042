"""`ansheng plans …`: check plan files and list the plans the platform knows."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_check(args: argparse.Namespace) -> int:
    from ansheng.cli import setup_django

    setup_django()
    from ansheng.indicators.plans import PlanFileError, read_plan_file

    status = 0
    for name in args.files:
        path = Path(name)
        try:
            plan = read_plan_file(path)
        except PlanFileError as exc:
            where = f" [{exc.field}]" if exc.field else ""
            print(f"{path}: error{where}: {exc.message}")
            status = 1
        else:
            print(f"{path}: ok — {plan.code}, {plan.start}–{plan.end}, {len(plan.indicators)} indicators")
    return status


def cmd_list(args: argparse.Namespace) -> int:
    from ansheng.cli import setup_django

    setup_django()
    from ansheng.indicators import plans

    for loaded in plans.all_plans():
        p = loaded.plan
        print(f"{p.code}\t{p.start}–{p.end}\t{len(p.indicators)} indicators\t{loaded.path}")
    for problem in plans.problems():
        print(f"{problem.path}: error: {problem.message}")
    return 1 if plans.problems() else 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("plans", help="check plan files (YAML) and list the plans")
    sub = parser.add_subparsers(dest="plans_command", required=True)
    check = sub.add_parser("check", help="validate plan files; prints what is wrong and where")
    check.add_argument("files", nargs="+")
    check.set_defaults(func=cmd_check)
    sub.add_parser("list", help="the plans found (shipped and in ANSHENG_PLANS_DIR)").set_defaults(func=cmd_list)
