"""Page weights and Lighthouse scores of the public pages, against a running server.

Not a test: a measurement to rerun after a change to the templates or the stylesheet, whose
figures go to README.md ("Pages") and docs/public-pages.md. Standard library only; Lighthouse is
an npm tool installed outside the repository (docs/public-pages.md, "Measuring the pages")::

    python -m search.bench.pages --base http://127.0.0.1:8031
    python -m search.bench.pages --base http://127.0.0.1:8031 \\
        --lighthouse /tmp/lh/node_modules/.bin/lighthouse --runs 3

Weight: the page's HTML and the stylesheets and scripts it links, each gzipped here at level 9
(what WhiteNoise stores for static files; the server's GZipMiddleware uses 6 for pages, a few
bytes more). The map's Leaflet files are loaded only when a visitor opens the map, so they are
not counted; nor are the icons' SVG sprite and the favicon (images, cached).

Lighthouse: mobile (its default form factor and throttling), each page `--runs` times, the
median of each category. The URLs are pages of the fictional demo data (`load_demo_data`).

`--screenshots DIR` also saves the phone pictures of docs/screenshots/ (360 px wide, French,
the first 1560 px, two phone screens; Playwright with Debian's Chromium, as the browser tests).
"""

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

LIST_IDS = ",".join(
    [
        "aca29892-3d3a-593f-bea5-ab78f45b6075",
        "1e1a761a-830e-58da-ad21-e7116d2f9537",
        "d868d85e-b5c2-5e73-9238-79a57c7f6b18",
    ]
)

PAGES = [
    ("home", "/fr/"),
    ("results", "/fr/recherche/?q=aide+alimentaire&place=Repentigny"),
    ("sector", "/fr/secteurs/housing/"),
    ("municipality", "/fr/municipalites/repentigny/"),
    ("service", "/fr/services/depannage-alimentaire-deux-rives/"),
    ("organization", "/fr/organismes/garde-manger-deux-rives/"),
    ("list", f"/fr/ma-liste/?ids={LIST_IDS}"),
    ("about", "/fr/a-propos/"),
]

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]

LINKED = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (a local server)
        return answer.read()


def weight(base, path):
    """(gzipped bytes of the HTML, of its stylesheets and scripts) of one page."""
    html = fetch(base + path)
    assets = sum(
        len(gzip.compress(fetch(base + href), 9))
        for href in LINKED.findall(html.decode())
        if href.startswith("/") and "leaflet" not in href
    )
    return len(gzip.compress(html, 9)), assets


def lighthouse(command, url, runs):
    """{category: median score out of 100} over `runs` runs of Lighthouse (mobile)."""
    scores = {name: [] for name in CATEGORIES}
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command_line = [
            command,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        for _ in range(runs):
            # Lighthouse sometimes fails to record a trace (NO_NAVSTART): try again, twice.
            for _attempt in range(3):
                report.unlink(missing_ok=True)
                done = subprocess.run(command_line, check=False)
                if done.returncode == 0 and report.exists():
                    break
            else:
                raise RuntimeError(f"Lighthouse failed three times on {url}")
            result = json.loads(report.read_text())
            for name in CATEGORIES:
                scores[name].append(round(result["categories"][name]["score"] * 100))
    return {name: statistics.median(values) for name, values in scores.items()}


SCREENSHOTS = {
    "home": "home-360-fr.png",
    "results": "results-360-fr.png",
    "service": "service-360-fr.png",
}


def screenshots(base, folder, chromium="/usr/bin/chromium"):
    """The phone pictures of docs/screenshots/, light colour scheme."""
    from playwright.sync_api import sync_playwright  # a development dependency

    paths = dict(PAGES)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(
            viewport={"width": 360, "height": 780},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            color_scheme="light",
        )
        for name, file_name in SCREENSHOTS.items():
            page.goto(base + paths[name])
            height = min(1560, page.evaluate("document.documentElement.scrollHeight"))
            clip = {"x": 0, "y": 0, "width": 360, "height": height}
            page.screenshot(path=Path(folder) / file_name, full_page=True, clip=clip)
        browser.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the server's origin")
    parser.add_argument("--lighthouse", help="the lighthouse command (npm); weights only without")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--only", nargs="*", help="page names (default: all)")
    parser.add_argument("--screenshots", metavar="DIR", help="also save the phone screenshots")
    options = parser.parse_args(argv)
    if options.screenshots:
        screenshots(options.base, options.screenshots)
    header = "| Page | HTML | CSS + JS | Total (KB gz) |"
    if options.lighthouse:
        header += " Perf | A11y | Best pr. | SEO |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for name, path in PAGES:
        if options.only and name not in options.only:
            continue
        html, assets = weight(options.base, path)
        row = f"| {name} | {html / 1024:.1f} | {assets / 1024:.1f} | {(html + assets) / 1024:.1f} |"
        if options.lighthouse:
            scores = lighthouse(options.lighthouse, options.base + path, options.runs)
            row += "".join(f" {scores[c]:g} |" for c in CATEGORIES)
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
