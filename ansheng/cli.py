"""The `ansheng` command.

    ansheng demo        start the platform with the Leshan demo data (SQLite, workers in-process)
    ansheng serve       serve with production settings from the environment (waitress, a real WSGI server)
    ansheng migrate     apply database migrations
    ansheng createadmin create a city administrator
    ansheng assets      fetch the pinned front-end assets and reference data
    ansheng worker      run one background worker in the foreground
    ansheng audit verify
    ansheng manage …    any Django management command

Apps add their own subcommands (`ansheng calc`, `ansheng import-enterprises`, …) from `<app>/cli.py`.
Errors end with one line on standard error and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ansheng.config.apps import present_apps


class CommandError(Exception):
    """A failure the user can act on; printed as one line."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def default_data_dir() -> Path:
    return Path(os.environ.get("ANSHENG_DATA_DIR") or Path.home() / ".local" / "share" / "ansheng").expanduser()


def setup_django(*, data_dir: Path | None = None, mode: str | None = None) -> None:
    if data_dir is not None:
        os.environ["ANSHENG_DATA_DIR"] = str(data_dir)
    if mode is not None:
        os.environ["ANSHENG_MODE"] = mode
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansheng.config.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise CommandError(f"configuration error: {exc}") from None
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def check_schema(*, require_current: bool) -> list[str]:
    """Refuse a database whose schema is newer than this code; return migrations not yet applied."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.utils import OperationalError

    try:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
    except OperationalError as exc:
        raise CommandError(f"cannot open the database: {exc}") from None
    newer = sorted(
        f"{app}.{name}" for app, name in loader.applied_migrations if (app, name) not in loader.disk_migrations
    )
    if newer:
        raise CommandError(
            f"the database holds a newer schema than this version of ansheng ({newer[0]}); "
            "upgrade ansheng or use another data directory"
        )
    pending = [
        f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if (app, name) not in loader.applied_migrations
    ]
    if require_current and pending:
        raise CommandError(f"the database needs migrating ({len(pending)} apps behind); run: ansheng migrate")
    return pending


def run_migrations(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def make_server(host: str, port: int, threads: int) -> Any:
    from waitress.server import create_server

    from ansheng.config.wsgi import application

    try:
        return create_server(application, host=host, port=port, threads=threads, ident="ansheng")
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def serve_forever(server: Any, *, workers: bool) -> None:
    from django.conf import settings

    stop = None
    if workers and settings.WORKERS_IN_PROCESS:
        from ansheng.core.workers import start_in_process

        stop, _threads = start_in_process()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if stop is not None:
            stop.set()
        server.close()


# --- commands ----------------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from ansheng.core import demo

    data_dir = Path(args.data_dir).expanduser().resolve() if args.data_dir else default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SECRET_KEY", demo.secret_key(data_dir))
    os.environ.pop("DATABASE_URL", None)  # the demo is always the embedded SQLite database in its data directory
    _ensure_assets(quiet=False)
    setup_django(data_dir=data_dir, mode="demo")
    check_schema(require_current=False)
    server = make_server(args.host, args.port, threads=args.threads)  # a busy port fails before any work
    run_migrations()
    state = demo.ensure_demo(data_dir, password=args.password, log=print)
    shown_host = "127.0.0.1" if args.host in {"0.0.0.0", "::"} else args.host  # noqa: S104
    print(demo.banner(f"http://{shown_host}:{server.effective_port}/", state, data_dir), flush=True)
    serve_forever(server, workers=not args.no_workers)
    return 0


def _ensure_assets(*, quiet: bool) -> None:
    from ansheng.core.assets import AssetError, fetch_assets

    target = Path(os.environ.get("ANSHENG_ASSETS_DIR") or Path.home() / ".cache" / "ansheng" / "assets").expanduser()
    try:
        fetch_assets(target, log=(lambda _m: None) if quiet else print)
    except AssetError as exc:
        print(f"warning: {exc}; charts and the map need `ansheng assets`", file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    check_schema(require_current=True)
    server = make_server(args.host, args.port, threads=args.threads)
    print(f"ansheng serving on http://{args.host}:{server.effective_port}/", flush=True)
    serve_forever(server, workers=not args.no_workers)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    check_schema(require_current=False)
    run_migrations(verbosity=1)
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    import getpass

    setup_django()
    check_schema(require_current=True)
    from ansheng.core.errors import AnshengError
    from ansheng.core.services import do_create_city_admin

    password = args.password or os.environ.get("ANSHENG_ADMIN_PASSWORD")
    if not password:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("password (again): "):
            raise CommandError("the two passwords differ", status=2)
    try:
        user = do_create_city_admin(username=args.username, password=password, full_name=args.name or "")
    except AnshengError as exc:
        raise CommandError(f"{exc.field or 'error'}: {exc.message}", status=2) from None
    print(f"created city administrator {user.username}")
    return 0


def cmd_assets(args: argparse.Namespace) -> int:
    from ansheng.core.assets import AssetError, fetch_assets

    target = (
        Path(args.dir).expanduser()
        if args.dir
        else Path(os.environ.get("ANSHENG_ASSETS_DIR") or Path.home() / ".cache" / "ansheng" / "assets").expanduser()
    )
    try:
        fetched = fetch_assets(target)
    except AssetError as exc:
        raise CommandError(str(exc)) from None
    print(f"assets in {target}: " + (f"fetched {', '.join(fetched)}" if fetched else "all present"))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    check_schema(require_current=True)
    from ansheng.core.workers import all_workers, run_one

    workers = all_workers()
    if args.list or not args.name:
        for name, worker in workers.items():
            print(f"{name:16} {worker.description}")
        return 0
    if args.name not in workers:
        raise CommandError(f"no worker named {args.name!r}; `ansheng worker --list` shows them", status=2)
    print(f"worker {args.name} running (Ctrl-C stops it)", flush=True)
    run_one(args.name)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    setup_django()
    check_schema(require_current=True)
    from ansheng.core.audit import verify_chain

    report = verify_chain()
    print(report.line())
    return 0 if report.ok else 1


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ansheng manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ansheng", description="安生: work-safety platform for a city")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="start the platform with the Leshan demo data (SQLite)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--data-dir", help="where the database and files live (default ~/.local/share/ansheng)")
    demo.add_argument("--password", help="password of every demo user (default: generated once and kept)")
    demo.add_argument("--threads", type=int, default=8)
    demo.add_argument("--no-workers", action="store_true", help="do not run background workers in-process")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve with production settings from the environment")
    serve.add_argument("--host", default=os.environ.get("ANSHENG_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("ANSHENG_PORT", "8000")))
    serve.add_argument("--threads", type=int, default=int(os.environ.get("ANSHENG_THREADS", "8")))
    serve.add_argument("--no-workers", action="store_true", help="run workers as separate `ansheng worker` processes")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    admin = sub.add_parser("createadmin", help="create a city administrator")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password", help="(or ANSHENG_ADMIN_PASSWORD, or asked for)")
    admin.add_argument("--name", help="full name")
    admin.set_defaults(func=cmd_createadmin)

    assets = sub.add_parser("assets", help="fetch pinned front-end assets (ECharts, county boundaries, divisions)")
    assets.add_argument("--dir", help="target directory (default ANSHENG_ASSETS_DIR or ~/.cache/ansheng/assets)")
    assets.set_defaults(func=cmd_assets)

    worker = sub.add_parser("worker", help="run one background worker in the foreground")
    worker.add_argument("name", nargs="?")
    worker.add_argument("--list", action="store_true")
    worker.set_defaults(func=cmd_worker)

    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="verify the hash chain; report the first broken link").set_defaults(
        func=cmd_audit
    )

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    for app in present_apps():
        try:
            module = importlib.import_module(f"{app}.cli")
        except ModuleNotFoundError as exc:
            if exc.name == f"{app}.cli":
                continue
            raise
        register: Callable[[Any], None] | None = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def _version() -> str:
    from ansheng import __version__

    return f"ansheng {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"ansheng: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    # Run the one imported copy of this module (`python -m` would otherwise load it twice, and an app command's
    # CommandError would not be the class main() catches).
    from ansheng.cli import main as _main

    sys.exit(_main())
