"""The distributions: the sdist and the wheel carry the license and the type marker, and the
sdist carries everything its own test suite needs."""

import ast
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "rtrl_river"

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".git", "__pycache__", "*.nbi", "*.nbc", "*.egg-info", "build",
                              "dist", "site", "rtrl-river-out", ".pytest_cache")


@pytest.fixture(scope="module")
def distributions(tmp_path_factory):
    """The sdist, and the wheel built from it (python -m build), from a copy of the tree."""
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(work / "dist"),
                             str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    sdist, = (work / "dist").glob("*.tar.gz")
    wheel, = (work / "dist").glob("*.whl")
    return work, sdist, wheel


@pytest.mark.slow
def test_the_wheel_carries_the_license_and_the_type_marker(distributions):
    _, _, wheel = distributions
    names = zipfile.ZipFile(wheel).namelist()
    assert "rtrl_river/py.typed" in names
    license_file, = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    text = zipfile.ZipFile(wheel).read(license_file).decode()
    assert "BSD 3-Clause" in text and "the rtrl_river developers" in text
    metadata, = [n for n in names if n.endswith(".dist-info/METADATA")]
    metadata = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: BSD-3-Clause" in metadata
    assert "Author: the rtrl_river developers" in metadata
    assert "Requires-Dist: matplotlib" in metadata and 'extra == "plot"' in metadata
    assert not any(line.startswith("Requires-Dist: matplotlib") and "extra" not in line
                   for line in metadata.splitlines())
    assert not any(name.startswith("tests/") for name in names)


@pytest.mark.slow
def test_the_wheel_ships_the_command_line_but_no_developer_tools(distributions):
    _, _, wheel = distributions
    names = zipfile.ZipFile(wheel).namelist()
    assert "rtrl_river/cli/__init__.py" in names and "rtrl_river/cli/main.py" in names
    entry_points, = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "rtrl-river = rtrl_river.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    modules = {Path(name).stem for name in names if name.endswith(".py")}
    assert not modules & {"benchmark", "tables", "figures"}, modules
    assert not any(name.startswith(("benchmarks/", "examples/")) for name in names)


@pytest.mark.slow
def test_the_sdist_carries_the_license_and_its_own_tests(distributions):
    _, sdist, _ = distributions
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("LICENSE", "rtrl_river/py.typed", "tests/conftest.py", "tests/naive.py",
                   "tests/__init__.py", "README.md", "mkdocs.yml", "docs/index.md",
                   "docs/api/cli.md", "pyproject.toml", "benchmarks/tables.py",
                   "examples/figures.py"):
        assert needed in names, needed
    assert {p.name for p in (ROOT / "tests").glob("*.py")} <= {
        Path(n).name for n in names if n.startswith("tests/")}
    assert not any(n.endswith((".nbi", ".nbc", ".pyc")) for n in names)


@pytest.mark.slow
def test_the_unpacked_sdist_collects_the_same_tests(distributions):
    work, sdist, _ = distributions
    with tarfile.open(sdist) as archive:
        archive.extractall(work / "unpacked", filter="data")
    unpacked, = (work / "unpacked").iterdir()

    def collected(directory):
        result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                                 "-p", "no:cacheprovider", "tests"], cwd=directory,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return sorted(line for line in result.stdout.splitlines() if "::" in line)

    from_sdist = collected(unpacked)
    assert len(from_sdist) > 100
    assert from_sdist == collected(ROOT)
    # and tests that need no compiled kernels pass there, on the sdist's own docs and code
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_cli.py",
         "tests/test_docs.py", "-k", "bad_arguments or command_line_page or printed_twice"],
        cwd=unpacked, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout.splitlines()[-1]


@pytest.mark.slow
def test_the_editable_install_is_a_path_entry_that_type_checkers_follow(tmp_path):
    """`pip install -e .` installs the backend's editable wheel: it must hold a .pth file
    naming the tree, which mypy, pyright and editors read, and no import hook, which they
    cannot follow (CI type-checks tests/typing/ against such an install)."""
    from build import ProjectBuilder
    from build.env import DefaultIsolatedEnv

    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    with DefaultIsolatedEnv() as environment:
        builder = ProjectBuilder.from_isolated_env(environment, source)
        environment.install(builder.build_system_requires)
        environment.install(builder.get_requires_for_build("editable"))
        wheel = builder.build("editable", tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    path_file, = [name for name in names if name.endswith(".pth")]
    entries = zipfile.ZipFile(wheel).read(path_file).decode().split()
    assert [Path(entry).resolve() for entry in entries] == [source.resolve()]
    assert not any(name.endswith(".py") for name in names), names  # no finder module


@pytest.mark.parametrize("estimator, methods", [
    ("RTRLRegressor", ["__init__", "learn_one", "learn_many", "predict_one", "predict_many",
                       "partial_fit", "fit", "predict", "reset_state"]),
    ("RTRLClassifier", ["__init__", "learn_one", "learn_many", "predict_proba_one",
                        "predict_proba_many", "partial_fit", "fit", "predict_proba", "predict",
                        "reset_state"]),
])
def test_the_public_api_is_typed(estimator, methods):
    import inspect

    import rtrl_river

    assert (Path(rtrl_river.__file__).parent / "py.typed").exists()
    cls = getattr(rtrl_river, estimator)
    for name in methods:
        signature = inspect.signature(getattr(cls, name))
        for parameter in list(signature.parameters.values())[1:]:
            assert parameter.annotation is not inspect.Parameter.empty, (name, parameter.name)
        if name != "__init__":
            assert signature.return_annotation is not inspect.Signature.empty, name


def test_every_third_party_import_is_a_declared_dependency():
    """The library imports its dependencies only; the command line may also import an extra
    (matplotlib for plots, the benchmark extra's packages for forecast-suite)."""
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())

    def names(requirements):
        import_names = {"scikit-learn": "sklearn", "vega-datasets": "vega_datasets"}
        bare = (r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
                for r in requirements)
        return {import_names.get(name, name) for name in bare}

    declared = names(pyproject["project"]["dependencies"])
    extras = set().union(*map(names, pyproject["project"]["optional-dependencies"].values()))
    assert "matplotlib" in extras and "statsforecast" in extras
    # River's optional frame library, imported only for pandas input
    optional = {"pandas"}
    for path in PACKAGE.rglob("*.py"):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
        third_party = {name for name in imported if name not in sys.stdlib_module_names}
        third_party -= {"rtrl_river"} | optional
        allowed = declared | (extras if "cli" in path.relative_to(PACKAGE).parts else set())
        undeclared = sorted(third_party - allowed)
        assert not undeclared, f"{path.name} imports undeclared {undeclared}"
