"""The `ansheng` command as a newcomer meets it: the demo starts, reuses its data, and fails in one line."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSHENG_MODE", "ANSHENG_DATA_DIR", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ansheng(*args, **kw):
    return [sys.executable, "-m", "ansheng.cli", *args]


def _start_demo(data_dir, port, password):
    process = subprocess.Popen(
        _ansheng("demo", "--data-dir", str(data_dir), "--port", str(port), "--password", password),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(),
        cwd=ROOT,
    )
    lines = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            return process, "".join(lines)
    process.kill()
    raise AssertionError("demo did not start:\n" + "".join(lines))


def _get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


@pytest.mark.slow
def test_the_demo_starts_serves_and_reuses_its_data(tmp_path):
    data_dir = tmp_path / "demo"
    port = _free_port()
    process, banner = _start_demo(data_dir, port, "demo-pass-1")
    try:
        assert f"http://127.0.0.1:{port}/" in banner
        assert "demo-pass-1" in banner
        for login in (
            "city-admin",
            "city",
            "county-511102",
            "dept-transport",
            "ent-chem",
            "ent-mine",
            "inspector",
            "expert",
            "worker-chem",
        ):
            assert f"    {login} " in banner, login
        status, _page = _get(f"http://127.0.0.1:{port}/login/")
        assert status == 200
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/auth/token",
            data=json.dumps({"username": "county-511102", "password": "demo-pass-1"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            token = json.loads(response.read())["token"]
        _status, body = _get(f"http://127.0.0.1:{port}/api/v1/enterprises?limit=500", token)
        listing = json.loads(body)
        assert listing["count"] > 50
        assert {item["county"] for item in listing["items"]} == {"511102"}
    finally:
        process.terminate()
        process.wait(timeout=30)
    # a second start reuses the data: no loading, same password
    process, banner = _start_demo(data_dir, port, "demo-pass-1")
    process.terminate()
    process.wait(timeout=30)
    assert "loading the Leshan demo data" not in banner


def test_a_port_in_use_ends_with_one_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            _ansheng("demo", "--data-dir", str(tmp_path), "--port", str(port)),
            capture_output=True,
            text=True,
            env=_env(),
            cwd=ROOT,
            timeout=120,
        )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"ansheng: cannot listen on 127.0.0.1:{port}")


def test_a_newer_schema_ends_with_one_line(tmp_path):
    migrate = subprocess.run(
        _ansheng("migrate"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=_env(ANSHENG_MODE="demo", ANSHENG_DATA_DIR=str(tmp_path)),
    )
    assert migrate.returncode == 0, migrate.stderr
    with sqlite3.connect(tmp_path / "ansheng.sqlite3") as db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('core', '9999_from_the_future', '2030-01-01')"
        )
    result = subprocess.run(
        _ansheng("demo", "--data-dir", str(tmp_path), "--port", str(_free_port())),
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "ansheng: the database holds a newer schema than this version of ansheng (core.9999_from_the_future); "
        "upgrade ansheng or use another data directory"
    )


def test_calling_without_a_command_prints_help():
    result = subprocess.run(_ansheng(), capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert "demo" in result.stdout and "serve" in result.stdout


def test_serve_refuses_an_unmigrated_database(tmp_path):
    result = subprocess.run(
        _ansheng("serve", "--port", str(_free_port())),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=_env(ANSHENG_DATA_DIR=str(tmp_path), SECRET_KEY="s" * 40, ALLOWED_HOSTS="localhost"),
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith("run: ansheng migrate")
