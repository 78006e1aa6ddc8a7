"""The built status page in headless Chromium: light and dark palettes, sorting, live refresh.

Chromium comes from Debian's ``chromium`` and ``chromium-driver`` packages (``.ci/run`` installs
them); without them, or without selenium, these tests skip.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.status_support import (
    CI_RUNS,
    FakeGithub,
    SampleRun,
    github_data,
    mkdocs_build,
    serve,
    shared_sample,
)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    return shared_sample(tmp_path_factory)


pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

CONFIG = """\
site_name: Sample
theme:
  name: material
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {{icon: material/brightness-7, name: Dark}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {{icon: material/brightness-4, name: Light}}
nav:
  - Home: index.md
  - Status: status/index.md
  - Coverage: status/coverage.md
plugins:
  - docgates/status:
      junit: [reports/junit.xml]
      coverage: reports/coverage.json
      quality: false
      severity: {{status/tests-failed: info}}
      github:
        repo: octo/project
        api_url: {api}
"""

CONTRAST = """
function rgb(text) {
  const m = text.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
}
function lum(c) {
  const f = v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
}
function background(el) {
  for (let n = el; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c && c.a > 0.5) return c;
  }
  return rgb(getComputedStyle(document.body).backgroundColor);
}
function ratio(a, b) {
  const x = lum(a), y = lum(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
const out = {scheme: document.body.getAttribute('data-md-color-scheme'), text: [], cells: []};
for (const sel of arguments[0]) {
  const el = document.querySelector(sel);
  if (!el) { out.text.push([sel, null]); continue; }
  out.text.push([sel, ratio(rgb(getComputedStyle(el).color), background(el))]);
}
for (const g of document.querySelectorAll('.dg-run')) {
  const rect = g.querySelector('rect'), text = g.querySelector('text');
  out.cells.push([ratio(rgb(getComputedStyle(text).fill), rgb(getComputedStyle(rect).fill)),
                  ratio(rgb(getComputedStyle(rect).fill), background(g.closest('div')))]);
}
return out;
"""

TEXT = [
    ".dg-banner",
    ".dg-tile-title a",
    ".dg-tile-meta",
    ".dg-live",
    ".md-typeset table:not([class]) td",
    ".dg-tile-state",
]


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "Chromium and chromedriver are not installed (Debian: chromium chromium-driver)"
        )
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="docgates-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver: Any, script: str, timeout: float = 15) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: d.execute_script(script)
    )


def set_scheme(driver: Any, scheme: str) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )


def check_readable(driver: Any, scheme: str, shot: Path) -> None:
    result = driver.execute_script(CONTRAST, TEXT)
    assert result["scheme"] == scheme
    for selector, ratio in result["text"]:
        assert ratio is not None, selector
        assert ratio >= 4.5, (scheme, selector, ratio)
    assert result["cells"]
    for glyph, against_page in result["cells"]:
        assert glyph >= 3, (scheme, glyph)  # the glyph on its square
        assert against_page >= 3, (scheme, against_page)  # the square on the page
    driver.save_screenshot(str(shot))


def test_status_page_in_chromium(browser: Any, tmp_path: Path, sample_run: SampleRun) -> None:
    fake = FakeGithub()
    github_data(fake)
    root = tmp_path / "site-src"
    (root / "docs").mkdir(parents=True)
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    shutil.copytree(sample_run.root / "reports", root / "reports")
    for api in serve(fake.handler()):
        (root / "mkdocs.yml").write_text(CONFIG.format(api=api.url), encoding="utf-8")
        built = mkdocs_build(root)
        assert built.ok, built.messages
        # After the build, CI failed on main: the live refresh must show it.
        github_data(fake, ci_runs=[(13, 0.001, "failure", 2), *CI_RUNS])
        handler = functools.partial(SimpleHTTPRequestHandler, directory=str(built.site))
        handler.log_message = lambda *a: None  # type: ignore[attr-defined]
        for site in serve(handler):  # type: ignore[arg-type]
            page = f"{site.url}/status/"
            set_scheme(browser, "light")
            browser.get(page)
            wait_for(browser, "return document.querySelector('.dg-live').dataset.dgState === 'ok'")
            tile = "document.querySelector('[data-dg-workflow=\"1\"]')"
            state = browser.execute_script(
                f"const t = {tile}; return [t.dataset.dgLive, t.className,"
                " t.querySelector('[data-dg-field=conclusion]').textContent,"
                " t.querySelector('[data-dg-field=run]').textContent,"
                " t.querySelectorAll('.dg-run').length]"
            )
            assert state == ["1", "dg-tile dg-kind-failed", "failure", "#13", 12]
            live = browser.execute_script("return document.querySelector('.dg-live').textContent")
            assert live.startswith("Live: workflow tiles refreshed from the GitHub API at ")
            assert live.endswith("(fresh).")
            check_readable(browser, "default", tmp_path / "light.png")

            # The reader switches to the dark palette (Material remembers it); the next visit
            # asks the API with the ETag it kept and gets a 304.
            set_scheme(browser, "dark")
            browser.execute_script("document.querySelector('label[for=\"__palette_1\"]').click()")
            wait_for(browser, "return document.body.dataset.mdColorScheme === 'slate'")
            browser.get(page)
            wait_for(browser, "return document.querySelector('.dg-live').dataset.dgState === 'ok'")
            live = browser.execute_script("return document.querySelector('.dg-live').textContent")
            assert live.endswith("(unchanged since the last visit).")
            runs = [r for r in fake.requests if r["path"] == "/repos/octo/project/actions/runs"]
            assert [r["status"] for r in runs] == [200, 304]
            assert runs[1]["headers"].get("If-None-Match")
            assert "Authorization" not in runs[0]["headers"]
            check_readable(browser, "slate", tmp_path / "dark.png")

            # Rate-limited: the snapshot stays, and the page says so.
            fake.mode = "rate-limited"
            fake.reset = 4102444800
            browser.get(page)
            wait_for(
                browser,
                "return document.querySelector('.dg-live').dataset.dgState === 'rate-limited'",
            )
            live = browser.execute_script("return document.querySelector('.dg-live').textContent")
            assert "rate limit for this browser is used up" in live
            assert "showing the snapshot taken when the site was built" in live
            state = browser.execute_script(
                f"const t = {tile}; return [t.dataset.dgLive || null,"
                " t.querySelector('[data-dg-field=conclusion]').textContent,"
                " t.querySelector('[data-dg-field=run]').textContent]"
            )
            assert state == [None, "success", "#11"]

            # The coverage table sorts by a column when its heading is clicked.
            browser.get(f"{site.url}/status/coverage/")
            order = (
                "return [...document.querySelectorAll('table[data-dg-sortable] tbody tr')]"
                ".map(r => r.cells[5].dataset.dgValue)"
            )
            browser.execute_script(
                "document.querySelectorAll('table[data-dg-sortable] th')[5].click()"
            )
            values = [float(v) for v in browser.execute_script(order)]
            assert values == sorted(values)
            browser.execute_script(
                "document.querySelectorAll('table[data-dg-sortable] th')[5].click()"
            )
            values = [float(v) for v in browser.execute_script(order)]
            assert values == sorted(values, reverse=True)
