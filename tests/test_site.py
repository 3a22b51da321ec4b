"""The documentation site as built: it loads nothing from elsewhere (the maths renders offline,
with the KaTeX it ships in docs/vendor/katex), and KaTeX renders every formula in it."""

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KATEX = ROOT / "docs" / "vendor" / "katex"
# what a browser fetches on its own when it shows a page: scripts, style sheets, fonts, images
LOADED = re.compile(
    r"<script\b[^>]*\bsrc=\"([^\"]*)\""
    r"|<link\b(?=[^>]*\brel=\"(?:stylesheet|preload|modulepreload|icon)\")[^>]*\bhref=\"([^\"]*)\""
    r"|<(?:img|iframe|source)\b[^>]*\bsrc=\"([^\"]*)\""
)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)")
ELSEWHERE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
FORMULA = re.compile(r"<(span|div) class=\"arithmatex\">(.*?)</\1>", re.DOTALL)


def fetched_from_elsewhere(text, css=False):
    """The addresses in an HTML page (or a style sheet) that a browser would fetch from
    another host: absolute and protocol-relative URLs."""
    pattern = CSS_URL if css else LOADED
    addresses = ["".join(groups) for groups in pattern.findall(text)]
    return [address for address in addresses if ELSEWHERE.match(address.strip())]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built as the README builds it (mkdocs build --strict), into a directory of
    its own."""
    pytest.importorskip("mkdocs", reason="the docs extra installs mkdocs")
    directory = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)],
        cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return directory


def test_an_address_on_another_host_is_caught():
    page = ('<script src="https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js"></script>'
            '<script src="../vendor/katex/katex.min.js"></script>'
            '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">'
            '<link rel="canonical" href="https://rtrl-river.readthedocs.io/">'
            '<a href="https://riverml.xyz">River</a>')
    assert fetched_from_elsewhere(page) == ["https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js",
                                            "//fonts.googleapis.com/css?family=Roboto"]
    style = "@font-face{src:url(fonts/KaTeX_Main.woff2)} @import 'https://cdn.example/x.css';"
    assert fetched_from_elsewhere(style, css=True) == ["https://cdn.example/x.css"]


@pytest.mark.slow
def test_the_built_site_fetches_nothing_from_another_host(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert not fetched_from_elsewhere(page.read_text()), page.relative_to(site)
    for sheet in site.rglob("*.css"):
        assert not fetched_from_elsewhere(sheet.read_text(), css=True), sheet.relative_to(site)
    notation = (site / "notation" / "index.html").read_text()
    for shipped in ("vendor/katex/katex.min.js", "vendor/katex/katex.min.css",
                    "vendor/katex/contrib/auto-render.min.js", "javascripts/katex.js"):
        assert shipped in notation, shipped
        assert (site / shipped).is_file(), shipped
    assert (site / "vendor" / "katex" / "LICENSE").is_file()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run KaTeX")
def test_katex_renders_every_formula_of_the_site(site):
    formulas = []
    for page in sorted(site.rglob("*.html")):
        for _, marked in FORMULA.findall(page.read_text()):
            tex = html.unescape(marked).strip()
            formulas.append([str(page.relative_to(site)), tex[2:-2], tex.startswith("\\[")])
    assert len(formulas) >= 10
    script = """
        const katex = require(process.argv[1]);
        const failures = [];
        for (const [page, tex, display] of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
          try { katex.renderToString(tex, {displayMode: display, throwOnError: true}); }
          catch (error) { failures.push(page + ": " + error.message); }
        }
        console.log(JSON.stringify(failures));
    """
    result = subprocess.run(["node", "-e", script, str(KATEX / "katex.min.js")],
                            input=json.dumps(formulas), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
