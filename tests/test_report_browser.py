"""The team report in a real browser: headless Chromium opens it offline, sorts, follows links.

Drives Debian's ``chromium`` through ``chromedriver`` with Selenium (no browser download).
Skipped where either is missing, unless GAPDIAG_REQUIRE_BROWSER=1 (CI sets it and installs
both). With GAPDIAG_UPDATE_SCREENSHOT=1 the test also refreshes docs/img/team-report.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOT = ROOT / "docs" / "img" / "team-report.png"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
)


def _missing() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists() and shutil.which(Path(path).name) is None:
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """A headless Chromium with no network services, closed after the module."""
    why = _missing()
    if why is not None:
        if os.environ.get("GAPDIAG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required but {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver") or CHROMEDRIVER)
    browser = webdriver.Chrome(service=service, options=options)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped example population's report, with its history, as a file."""
    from gapdiag.engines.vector.batch import diagnose_many
    from gapdiag.notebook.report import team_report

    examples = ROOT / "examples"
    page = team_report(diagnose_many(examples / "team.csv"), history=examples / "team-weeks.csv")
    path = tmp_path_factory.mktemp("report") / "team report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _open(driver: Any, report: Path, fragment: str = "") -> None:
    driver.get(report.as_uri() + fragment)


def _column(driver: Any, table: str, col: int) -> list[str | None]:
    """The sort keys of one leaderboard column, top to bottom."""
    script = (
        "return Array.from(document.getElementById(arguments[0]).tBodies[0].rows)"
        ".map(r => r.cells[arguments[1]])"
        ".map(c => c.getAttribute('data-v') ?? c.textContent)"
    )
    values: list[str | None] = driver.execute_script(script, table, col)
    return values


def _board_of(driver: Any, team: str) -> str:
    """The id of a team's leaderboard table."""
    script = (
        "for (const h of document.querySelectorAll('h2')) {"
        " if (h.textContent.startsWith('Team ' + arguments[0] + ' ')) {"
        "  return h.parentNode.querySelector('table.board').id; } } return null;"
    )
    found: str | None = driver.execute_script(script, team)
    assert found is not None, team
    return found


def test_opens_offline_without_errors(driver: Any, report: Path) -> None:
    """The page opens from a file, loads no resource and logs no script error."""
    from selenium.webdriver.common.by import By

    _open(driver, report)
    assert driver.title == "Team report"
    assert driver.find_element(By.TAG_NAME, "h1").is_displayed()
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    if os.environ.get("GAPDIAG_UPDATE_SCREENSHOT") == "1":  # the docs' picture: smb-central
        _open(driver, report, "#team-3")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT))


def test_sorting_the_leaderboard(driver: Any, report: Path) -> None:
    """Clicking a heading sorts the rows ascending, again descending; unknown stays last."""
    from selenium.webdriver.common.by import By

    _open(driver, report)
    board = _board_of(driver, "smb-central")
    table = driver.find_element(By.ID, board)
    heading = table.find_element(By.CSS_SELECTOR, "button[data-col='4']")  # pipeline coverage
    before = _column(driver, board, 4)
    heading.click()
    th = heading.find_element(By.XPATH, "..")
    assert th.get_attribute("aria-sort") == "ascending"
    up = _column(driver, board, 4)
    known = [float(v) for v in up if v]
    assert known == sorted(known)
    assert up[len(known) :] == [""] * (len(up) - len(known))
    assert sorted(map(str, up)) == sorted(map(str, before))
    heading.click()
    assert th.get_attribute("aria-sort") == "descending"
    down = [float(v) for v in _column(driver, board, 4) if v]
    assert down == sorted(known, reverse=True)
    table.find_element(By.CSS_SELECTOR, "button[data-col='0']").click()
    names = _column(driver, board, 0)
    assert names == sorted(names, key=str)
    first = table.find_element(By.CSS_SELECTOR, "tbody tr th a")
    assert first.text == names[0]


def test_following_a_rep_anchor(driver: Any, report: Path) -> None:
    """A rep's link jumps to their full section, which shows evidence and the tree path."""
    from selenium.webdriver.common.by import By

    _open(driver, report)
    link = driver.find_element(By.CSS_SELECTOR, "table.lines a[href='#rep-12']")
    assert link.text == "central-02"
    driver.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    assert driver.current_url.endswith("#rep-12")
    section = driver.find_element(By.ID, "rep-12")
    assert section.is_displayed()
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", section)
    assert -2 <= top < driver.execute_script("return window.innerHeight")  # sub-pixel scroll
    text = section.text
    assert "central-02" in text
    assert "System confirmed" in text
    assert "Decision tree" in text
    assert "lead volume against the team" in text.lower()
    assert "Trends only (no coaching start given)" in text  # issue 24: no start, no decision
    assert "lead_volume" not in text


def test_print_stylesheet_hides_navigation(driver: Any, report: Path) -> None:
    """In print media the team links and back links are hidden; the content stays."""
    from selenium.webdriver.common.by import By

    _open(driver, report)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not driver.find_element(By.CSS_SELECTOR, "nav").is_displayed()
        assert not driver.find_element(By.CSS_SELECTOR, "a.noprint").is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, "table.board").is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
