"""Helpers for real-browser tests: Debian Chromium driven by Playwright, and the app server."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, ROOT

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-quic",
]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")


@contextlib.contextmanager
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER_LOG = ROOT / "tests" / "screenshots" / "server.log"
TIMINGS = ROOT / "tests" / "screenshots" / "timings.json"


def record_timing(name: str, value: object) -> None:
    """Keep one measured figure in ``TIMINGS`` (figures of other tests and modules stay)."""
    TIMINGS.parent.mkdir(exist_ok=True)
    figures = json.loads(TIMINGS.read_text("utf-8")) if TIMINGS.exists() else {}
    figures[name] = value
    TIMINGS.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")


@contextlib.contextmanager
def app_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """Start the app as `make run` does (`baseline app`) on a free loopback port; yield its URL.

    The server's output goes to ``SERVER_LOG``.
    """
    port = free_port()
    cmd = [str(Path(sys.executable).with_name("baseline")), "app", "--port", str(port)]
    SERVER_LOG.parent.mkdir(exist_ok=True)
    log = SERVER_LOG.open("wb")
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the app did not start within 90 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


DRAWN_JS = (
    "document.querySelectorAll('.leaflet-overlay-pane canvas, .leaflet-overlay-pane path').length"
)


def wait_map_drawn(page, timeout: float = 90.0) -> float:
    """Poll every frame until a Leaflet overlay (canvas or path) exists; return seconds waited."""
    start = time.time()
    while time.time() - start < timeout:
        for frame in page.frames:
            if "st_folium" not in frame.url:
                continue
            try:
                if frame.evaluate(DRAWN_JS) > 0:
                    return time.time() - start
            except Exception:
                continue
        page.wait_for_timeout(50)  # lets Playwright process browser events (time.sleep does not)
    urls = [f.url[:60] for f in page.frames]
    raise TimeoutError(f"the Leaflet map was not drawn within {timeout} s; frames: {urls}")
