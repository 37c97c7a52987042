"""`ansheng` subcommands of the core app."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_load_demo(args: argparse.Namespace) -> int:
    from ansheng.cli import check_schema, default_data_dir, setup_django

    setup_django()
    check_schema(require_current=True)
    from ansheng.core import demo

    state = demo.ensure_demo(default_data_dir(), password=args.password, log=print)
    print(f"demo data loaded: {len(state['users'])} users")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser("load-demo", help="load the Leshan demo data into the configured database")
    parser.add_argument("--password", help="password of every demo user")
    parser.set_defaults(func=cmd_load_demo)
