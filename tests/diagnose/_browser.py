"""Headless Chromium (Debian's ``chromium`` + ``chromium-driver``) through Selenium, for the page tests.

The flags are the ones that work on these machines (no sandbox as root, no GPU, nothing that
phones home); each session gets a fresh profile directory. Selenium is given the driver's path,
so Selenium Manager never tries to download one.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait


def _probe(*names: str) -> str:
    """The first of ``names`` on PATH; a missing browser fails the page tests with how to install it."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(
        f"{names[0]} not found on PATH: the timeline-page tests need Debian's chromium and chromium-driver "
        "(apt-get install -y chromium chromium-driver; .ci/run installs them)"
    )


FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[webdriver.Chrome]:
    # Probed here, not at import: ``pytest -m "not browser"`` collects the page tests without a browser.
    chromium_path = _probe("chromium", "chromium-browser")
    chromedriver_path = _probe("chromedriver")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver_path))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver: webdriver.Chrome, path: Path) -> None:
    driver.get(path.resolve().as_uri())
    # A large page on a loaded machine: wait (bounded) until the document is fully parsed and loaded.
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def full_page_screenshot(driver: webdriver.Chrome, path: Path, max_height: int = 4000) -> None:
    """A PNG of the whole page (beyond the window, up to ``max_height`` CSS pixels), through CDP."""
    width, height = driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight];"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, max_height), "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
