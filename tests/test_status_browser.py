"""The built status page in headless Chromium: light and dark palettes, sorting, live refresh.

Chromium comes from Debian's ``chromium`` and ``chromium-driver`` packages (``.ci/run`` installs
them); without them, or without selenium, these tests skip.
"""

from __future__ import annotations

import functools
import os
import re
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
    "table.dg-table td",
    ".dg-tile-state",
]


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "Chromium and chromedriver are not installed (Debian: chromium chromium-driver)"
        )
    # No usage statistics, and the fixed Debian chromedriver: Selenium Manager never runs.
    os.environ["SE_AVOID_STATS"] = "true"
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


# -- the layout: the coverage table fits the content column --------------------------------------

LONG = "samplepkg/integrations/payment_providers/stripe_and_adyen"
"""A deep package, as monorepos and plugin-heavy projects have them."""

DEEP_SAMPLE = {
    "pytest.ini": "[pytest]\ntestpaths = tests\n",
    ".coveragerc": "[run]\nrelative_files = True\n",
    "samplepkg/__init__.py": "",
    **{
        f"{LONG}/{folder}/__init__.py": ""
        for folder in ("webhooks", "reconciliation_and_settlement_reports")
    },
    f"{LONG}/__init__.py": "",
    "samplepkg/integrations/__init__.py": "",
    "samplepkg/integrations/payment_providers/__init__.py": "",
    f"{LONG}/webhooks/signature_verification_with_rotating_secrets.py": """\
        def verify(signature, secret):
            if not signature:
                return False
            return signature == secret
        """,
    f"{LONG}/reconciliation_and_settlement_reports/nightly_settlement_reconciliation.py": """\
        def reconcile(rows):
            total = 0
            for row in rows:
                if row > 0:
                    total += row
            return total
        """,
    "tests/test_deep.py": """\
        from samplepkg.integrations.payment_providers.stripe_and_adyen.webhooks import (
            signature_verification_with_rotating_secrets as sig,
        )


        def test_verify():
            assert sig.verify("a", "a")
        """,
}

LAYOUT_CONFIG = """\
site_name: Deep
theme:
  name: material
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/brightness-7, name: Dark}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/brightness-4, name: Light}
nav:
  - Home: index.md
  - Status: status/index.md
  - Coverage: status/coverage.md
plugins:
  - docgates/status:
      junit: [reports/junit.xml]
      coverage: reports/coverage.json
      coverage_html: reports/htmlcov
      quality: false
"""

MEASURE = """
const table = [...document.querySelectorAll('table[data-dg-sortable]')].pop();
const column = document.querySelector('.md-content__inner').getBoundingClientRect();
const heads = [...table.tHead.rows[0].cells].map(c => c.textContent);
const at = heads.indexOf('Coverage');
const cells = [...table.tBodies[0].rows].map(r => r.cells[at]);
const shown = c => getComputedStyle(c).display !== 'none';
return {
  page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  table: [table.getBoundingClientRect().left, table.getBoundingClientRect().right],
  column: [column.left, column.right],
  viewport: window.innerWidth,
  percent: cells.map(c => [c.textContent, c.getBoundingClientRect().left,
                           c.getBoundingClientRect().right, shown(c)]),
  visible: heads.filter((h, i) => shown(table.tHead.rows[0].cells[i])),
  bar: (b => !!b && shown(b))(cells[0].querySelector('.dg-bar')),
  title: table.tBodies[0].rows[0].cells[0].querySelector('code').title,
  shown: table.tBodies[0].rows[0].cells[0].textContent,
  scheme: document.body.getAttribute('data-md-color-scheme'),
};
"""


def view(driver: Any, width: int, scheme: str, url: str) -> None:
    set_scheme(driver, scheme)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.get(url)
    # Material keeps the palette of the first visit in localStorage: forget it, so that the
    # page follows prefers-color-scheme as a first visit does.
    driver.execute_script("localStorage.clear()")
    driver.get(url)
    wait_for(driver, "return document.readyState === 'complete'")


def full_page_shot(driver: Any, width: int, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": min(height, 8000),
            "deviceScaleFactor": 1,
            "mobile": width < 600,
        },
    )
    driver.save_screenshot(str(path))


@pytest.fixture(scope="module")
def deep_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The status pages of a real pytest + coverage run of a deep package, served locally."""
    from tests.status_support import run_sample

    run = run_sample(tmp_path_factory.mktemp("deep"), DEEP_SAMPLE)
    (run.root / "docs").mkdir()
    (run.root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (run.root / "mkdocs.yml").write_text(LAYOUT_CONFIG, encoding="utf-8")
    built = mkdocs_build(run.root)
    assert built.ok, built.messages
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(built.site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    for site in serve(handler):  # type: ignore[arg-type]
        yield site.url


NO_SIDEWAYS = """
const inner = [...document.querySelectorAll('.dg-block, .dg-block *')].filter(
  e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));
return [document.documentElement.scrollWidth - document.documentElement.clientWidth,
        ...[...document.querySelectorAll('.dg-block'), ...inner].map(
          b => Math.max(0, b.scrollWidth - b.clientWidth))];
"""
"""How far the page, each status block and each scrolling box inside one scroll sideways."""


@pytest.mark.parametrize("width", [390, 1280, 1920])
def test_the_coverage_table_fits_the_column_in_both_palettes(
    browser: Any, deep_site: str, tmp_path: Path, width: int
) -> None:
    # Screenshots for people to look at: DOCGATES_SCREENSHOTS=folder keeps them.
    shots = Path(os.environ.get("DOCGATES_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for scheme, palette in (("light", "default"), ("dark", "slate")):
        view(browser, width, scheme, f"{deep_site}/status/coverage/")
        m = browser.execute_script(MEASURE)
        assert m["scheme"] == palette
        # No sideways scrolling: neither the page nor any block of the status page.
        assert not any(browser.execute_script(NO_SIDEWAYS))
        # The table sits inside the content column, and so does every percentage.
        left, right = m["column"]
        assert m["table"][0] >= left - 1, (m["table"], m["column"])
        assert m["table"][1] <= right + 1, (m["table"], m["column"])
        assert len(m["percent"]) == 8  # 2 modules and 6 __init__.py
        for text, cell_left, cell_right, shown in m["percent"]:
            assert shown
            assert re.fullmatch(r"\d+\.\d\d%", text.strip()), text
            assert cell_left >= left - 1
            assert cell_right <= min(right, m["viewport"]) + 1
        # Long paths are shortened; the full path is the tooltip.
        assert m["title"].startswith("samplepkg/")
        if width < 600:
            assert m["visible"] == ["File", "Coverage", "Missing", "Partial"]
            assert m["bar"] is False
        else:
            assert m["visible"] == [
                "File", "Coverage", "Missing", "Partial", "Statements", "Branches"
            ]  # fmt: skip
            assert m["bar"] is True
        readable = browser.execute_script(CONTRAST, ["table.dg-table td", ".dg-figure"])
        for selector, ratio in readable["text"]:
            assert ratio is not None, selector
            assert ratio >= 4.5, (scheme, selector, ratio)
        full_page_shot(browser, width, shots / f"coverage-{width}-{scheme}.png")
        view(browser, width, scheme, f"{deep_site}/status/")
        assert not any(browser.execute_script(NO_SIDEWAYS))
        full_page_shot(browser, width, shots / f"status-{width}-{scheme}.png")
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
