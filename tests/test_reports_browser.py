"""The HTML report in a real headless browser: it opens offline, its filter works, a failing run shows its
configuration and reproduce lines. Skips, saying why, where no Chromium is installed."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bedrock_conformance.cli import main

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium's own housekeeping (clock, component updates, accounts) goes through the proxy too; the page's fetches
# would go to whatever host the page names.
CHROMIUM_OWN = re.compile(r"^(GET|POST|CONNECT) (https?://)?[a-z0-9.-]*(google\.com|googleapis\.com|gvt1\.com)[:/ ]")


@pytest.fixture(scope="module")
def browser() -> str:
    found = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if found is None:
        pytest.skip("no headless browser: install Debian's chromium package (apt-get install chromium)")
    return found


class Proxy:
    """A loopback HTTP proxy that answers nothing and remembers the first line of every request it is sent."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.requests: list[str] = []
        self.silent = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    first = conn.recv(4096)
                except OSError:
                    first = b""
                # Chromium opens spare connections to its proxy ahead of need and may close them unused: a
                # connection that sends no byte carries no request, so it is counted apart, never as a fetch.
                if first:
                    self.requests.append(first.decode("latin-1").split("\r\n", 1)[0])
                else:
                    self.silent += 1

    def page_requests(self) -> list[str]:
        return [r for r in self.requests if not CHROMIUM_OWN.match(r)]

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    server = Proxy()
    yield server
    server.close()


def _dom(browser: str, page: Path, proxy: Proxy, profile: Path) -> str:
    """The page's DOM after its scripts ran, every fetch sent to ``proxy`` (loopback included)."""
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        f"--user-data-dir={profile}",
        f"--proxy-server=http://127.0.0.1:{proxy.port}",
        "--proxy-bypass-list=<-loopback>",
        "--virtual-time-budget=3000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def failing_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("html")
    page = root / "report.html"
    code = main(["run", "--quiet", "--seed", "3", "--examples", "2", "--strict", "--report-html", str(page)])
    assert code == 1
    return page


def test_the_proxy_sees_what_a_page_fetches(browser: str, proxy: Proxy, tmp_path: Path) -> None:
    # The control: a page that does fetch something is caught, so the next test's silence means something.
    page = tmp_path / "fetches.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/x.png"></body></html>')
    _dom(browser, page, proxy, tmp_path / "profile")
    assert any("example.invalid" in r for r in proxy.page_requests()), proxy.requests


def test_the_report_opens_offline_with_configuration_and_reproduce_lines(
    browser: str, proxy: Proxy, failing_html: Path, tmp_path: Path
) -> None:
    dom = _dom(browser, failing_html, proxy, tmp_path / "profile")
    assert proxy.page_requests() == []
    assert re.search(r"<th scope=\"row\">Seed</th><td>3</td>", dom)
    assert re.search(r"<th scope=\"row\">Strict</th><td>yes</td>", dom)
    assert '<pre class="reproduce">curl -sS -i -X GET' in dom
    assert 'data-outcome="fail"' in dom


def test_the_outcome_filter_hides_and_shows_rows(
    browser: str, proxy: Proxy, failing_html: Path, tmp_path: Path
) -> None:
    # A test-only copy of the page that unticks "pass" the way a click does.
    clicked = tmp_path / "clicked.html"
    script = "<script>document.querySelector('input.filter[value=\"pass\"]').click();</script>"
    clicked.write_text(failing_html.read_text(encoding="utf-8").replace("</body>", script + "</body>"))
    before = _dom(browser, failing_html, proxy, tmp_path / "profile")
    after = _dom(browser, clicked, proxy, tmp_path / "profile")
    rows = lambda dom, outcome: re.findall(rf'<tr class="clause" data-outcome="{outcome}"[^>]*>', dom)  # noqa: E731
    for dom in (before, after):
        assert rows(dom, "pass") and rows(dom, "fail")
    assert not any("hidden" in row for row in rows(before, "pass") + rows(before, "fail"))
    assert all("hidden" in row for row in rows(after, "pass"))
    assert not any("hidden" in row for row in rows(after, "fail") + rows(after, "skip"))
    assert proxy.page_requests() == []
