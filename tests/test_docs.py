"""Every ```python block in the README and the docs runs as written and prints what it shows,
and the command-line page is the parser's own help.

The blocks of one page run in order in one namespace, like a reader pasting them into one
session. A statement directly followed by comment lines claims that output: what it prints,
and for an expression its value as the interactive interpreter shows it (its repr). The
comments, without their leading "# ", must match it under the doctest options the suite
uses (NUMBER, ELLIPSIS, NORMALIZE_WHITESPACE). Shell and text blocks are not run.

After a deliberate change of numbers, RTRL_RIVER_UPDATE_DOCS=1 python -m pytest tests/test_docs.py
rewrites the claimed outputs in place (then read the diff).
"""

import ast
import contextlib
import doctest
import io
import os
import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
FLOAT = re.compile(r"(?<![\w.])[-+]?\d+\.(\d+)(?:[eE][-+]?\d+)?(?![\w.])")
UPDATE = os.environ.get("RTRL_RIVER_UPDATE_DOCS") == "1"


def code_blocks(page):
    """(line of the block's first code line in the page, code) for each python block."""
    text = page.read_text()
    return [(text[: m.start(1)].count("\n") + 1, m.group(1)) for m in BLOCK.finditer(text)]


def statements(code):
    """(statement node, source, claimed output or None, line range of the claim)."""
    lines = code.splitlines()
    for node in ast.parse(code).body:
        source = "\n".join(lines[node.lineno - 1: node.end_lineno])
        claim, end = [], node.end_lineno
        while end < len(lines) and lines[end].startswith("#"):
            claim.append(lines[end][2:] if lines[end].startswith("# ") else lines[end][1:])
            end += 1
        yield node, source, ("\n".join(claim) if claim else None), (node.end_lineno, end)


def matches(claim, shown):
    """doctest's comparison with ELLIPSIS and NORMALIZE_WHITESPACE, plus pytest's NUMBER: a
    float in the claim matches a shown float that rounds to it at the claim's precision."""
    claimed, printed = list(FLOAT.finditer(claim)), list(FLOAT.finditer(shown))
    if len(claimed) == len(printed):
        pieces, last = [], 0
        for want, got in zip(claimed, printed):
            tolerance = 0.5 * 10.0 ** -len(want.group(1))
            same = abs(float(want.group()) - float(got.group())) <= tolerance * (1 + 1e-9)
            pieces += [shown[last:got.start()], want.group() if same else got.group()]
            last = got.end()
        shown = "".join(pieces) + shown[last:]
    return doctest.OutputChecker().check_output(claim + "\n", shown, FLAGS)


def run(node, source, namespace):
    """What the interactive interpreter would show for this statement."""
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        if isinstance(node, ast.Expr):
            value = eval(compile(source, "<docs>", "eval"), namespace)
            if value is not None:
                print(repr(value))
        else:
            exec(compile(source, "<docs>", "exec"), namespace)
    return shown.getvalue()


PAGES_WITH_CODE = [page for page in PAGES if code_blocks(page)]
# pages whose code starts processes (a Dask cluster) or learns long streams (180,000 steps):
# run with the slow tests
SLOW_PAGES = {"docs/scaling-out.md", "docs/evidence.md"}


@pytest.mark.parametrize("page", [
    pytest.param(page, marks=[pytest.mark.slow] if str(page.relative_to(ROOT)) in SLOW_PAGES
                 else [])
    for page in PAGES_WITH_CODE
], ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run_and_print_what_they_show(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # whatever a block writes lands here, not in the tree
    namespace = {"__name__": "__main__"}
    updates = []
    for first_line, code in code_blocks(page):
        for node, source, claim, (start, end) in statements(code):
            shown = run(node, source, namespace)
            if claim is None:
                continue
            if UPDATE:
                new = ["# " + line for line in shown.rstrip("\n").splitlines()]
                updates.append((first_line + start - 1, first_line + end - 1, new))
                continue
            assert matches(claim, shown), (
                f"{page.name}, line {first_line + node.lineno - 1}: `{source}` shows\n{shown}"
                f"but the page claims\n{claim}"
            )
    if updates:
        lines = page.read_text().splitlines()
        for begin, stop, new in sorted(updates, reverse=True):
            lines[begin:stop] = new
        page.write_text("\n".join(lines) + "\n")


def test_every_python_page_is_found():
    names = {str(p.relative_to(ROOT)) for p in PAGES_WITH_CODE}
    assert {"README.md", "docs/getting-started.md", "docs/scaling-out.md"} <= names


def test_a_wrong_claim_is_caught():
    code = "1 + 1\n# 3\n"
    (node, source, claim, _), = statements(code)
    assert claim == "3" and run(node, source, {}) == "2\n"
    assert not matches(claim, "2\n")
    assert matches("MAE: 0.55", "MAE: 0.550325\n") and not matches("MAE: 0.56", "MAE: 0.550325\n")
    assert matches("array([...])", "array([1.5, 2.5])\n")


def test_the_command_line_page_is_generated_from_the_parser():
    page = runpy.run_path(str(ROOT / "docs" / "cli_page.py"))
    assert (ROOT / "docs" / "api" / "cli.md").read_text() == page["render"](), (
        "docs/api/cli.md is out of date: run python docs/cli_page.py"
    )


def test_no_table_is_printed_twice():
    for page in PAGES:
        blocks = re.findall(r"^```text\n(.*?)^```", page.read_text(), re.MULTILINE | re.DOTALL)
        tables = [block for block in blocks if block.count("\n") > 3]
        for i, table in enumerate(tables):
            for j, other in enumerate(tables):
                assert i == j or table not in other, f"{page.name}: a table shown twice"


def test_the_site_renders_maths_with_the_katex_it_ships_and_has_a_site_url():
    config = (ROOT / "mkdocs.yml").read_text()
    assert re.search(r"^site_url: https?://\S+/$", config, re.MULTILINE)
    assert "pymdownx.arithmatex" in config and "generic: true" in config
    shipped = re.findall(r"^  - (\S+\.(?:js|css))$", config, re.MULTILINE)
    assert {"vendor/katex/katex.min.js", "vendor/katex/contrib/auto-render.min.js",
            "javascripts/katex.js", "vendor/katex/katex.min.css"} <= set(shipped)
    for name in shipped:  # served by the site itself: nothing fetched from a CDN
        assert (ROOT / "docs" / name).is_file(), name
    assert "MIT" in (ROOT / "docs" / "vendor" / "katex" / "LICENSE").read_text()
    assert "\\begin{aligned}" in (ROOT / "docs" / "notation.md").read_text()


def test_the_readme_leads_with_a_stream_where_the_model_pays():
    """The README's first example shows the default model against what a River user would try
    instead, on a stream where it wins clearly: its claimed MAE (checked against the run by the
    test above) under half of every alternative's in the same block, one of which is the same
    network with a truncated gradient."""
    code = code_blocks(ROOT / "README.md")[0][1]
    assert "TBPTT" in code and "RTRLRegressor(seed=42)" in code
    claimed = [float(claim.split(": ")[1]) for _, _, claim, _ in statements(code)
               if claim and claim.startswith("MAE: ")]
    assert len(claimed) == 3, claimed
    assert claimed[0] < 0.5 * min(claimed[1:]), claimed
