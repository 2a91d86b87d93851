"""The app in a real headless Chromium: started with `kzlegal app` on a localhost port, health
endpoint up, a typed question answered with verified citations.

Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`; `make test` installs
it) and the python playwright package (the dev extra); no browser is downloaded. Set
KZLEGAL_APP_SCREENSHOT=path.png to keep a screenshot of the answered page.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.testing import build_test_home

CHROMIUM = Path(os.environ.get("KZLEGAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(url, timeout=2).text.strip() == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's: apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="the playwright python package (dev extra) is needed")
    pytest.importorskip("streamlit")
    home = os.environ.get("KZLEGAL_APP_HOME") or str(build_test_home(tmp_path_factory.mktemp("assistant-browser-home")))
    port = _free_port()
    env = dict(os.environ, KZLEGAL_HOME=home)
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "app", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_health_endpoint(app_url):
    response = httpx.get(f"{app_url}/_stcore/health", timeout=5)
    assert response.status_code == 200 and response.text.strip() == "ok"


def test_question_in_the_browser_gets_verified_citations(app_url):
    from playwright.sync_api import sync_playwright

    question = os.environ.get("KZLEGAL_APP_QUESTION", "Работник поменял фамилию. Как оформить?")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000 if not os.environ.get("KZLEGAL_APP_SCREENSHOT") else 1900})
            page.goto(app_url, wait_until="domcontentloaded")
            box = page.get_by_label("Ваш вопрос")
            box.wait_for(timeout=60_000)
            box.fill(question)
            box.press("Control+Enter")  # commit the text area's value before the click
            page.get_by_role("button", name="Спросить").click()
            verified = page.get_by_text("проверена", exact=False).first
            verified.wait_for(timeout=60_000)
            body = page.inner_text("body")
            assert "✅" in body and "ТК РК" in body
            assert "Источники" in body and "оценка" in body
            assert "Traceback" not in body
            shot = os.environ.get("KZLEGAL_APP_SCREENSHOT")
            if shot:
                page.get_by_text("✅", exact=False).first.click()  # open one citation to show the article text
                page.wait_for_timeout(800)
                page.evaluate("document.querySelectorAll('[data-testid=stMain], section.main, .main')"
                              ".forEach(e => e.scrollTo(0, 0)); window.scrollTo(0, 0)")
                page.wait_for_timeout(300)
                page.screenshot(path=shot)
        finally:
            browser.close()
