"""The package as published: what the sdist and the wheel hold, one version, one copy of the
bundled scenarios.

The sdist's own tests are run, unpacked and installed in a fresh virtual environment, by
``.ci/check-sdist`` (a whole second test run, so it is a CI step rather than a test).
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

import negsim
from negsim.cli import main
from negsim.io import bundled_folder

ROOT = Path(__file__).parent.parent
BUILD = """
import sys
from setuptools import build_meta
print(getattr(build_meta, sys.argv[1])(sys.argv[2]))
"""


def build(kind: str, out: Path) -> Path:
    """Build the sdist or the wheel of the checkout with setuptools (no network)."""
    pytest.importorskip("setuptools", minversion="77")  # the test extra's (license files)
    done = subprocess.run(
        [sys.executable, "-c", BUILD, f"build_{kind}", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out / done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    path = build("sdist", tmp_path_factory.mktemp("sdist"))
    with tarfile.open(path) as archive:
        return [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    with zipfile.ZipFile(build("wheel", tmp_path_factory.mktemp("wheel"))) as archive:
        return archive.namelist()


def bundled() -> list[str]:
    return sorted(p.name for p in bundled_folder().iterdir() if p.suffix in (".toml", ".csv"))


def test_the_sdist_holds_what_its_tests_need(sdist: list[str]) -> None:
    for name in (
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "scenarios/README.md",
        "negsim/py.typed",
    ):
        assert name in sdist
    for folder in ("tests", "tests/data", "tests/golden", "docs", "examples", "benchmarks"):
        tracked = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).glob("*") if p.is_file()}
        tracked = {t for t in tracked if not t.endswith((".pyc", ".coverage"))}
        assert tracked <= set(sdist), folder
    assert {f"negsim/scenarios/{name}" for name in bundled()} <= set(sdist)
    assert not [name for name in sdist if "__pycache__" in name or name.endswith(".pyc")]


def test_the_wheel_holds_the_package_and_its_data_only(wheel: list[str]) -> None:
    assert {f"negsim/scenarios/{name}" for name in bundled()} <= set(wheel)
    assert "negsim/py.typed" in wheel
    for package in ("negsim/agents", "negsim/protocols", "negsim/scenario", "negsim/spatial"):
        assert f"{package}/__init__.py" in wheel  # found automatically, not listed by hand
    assert {name.split("/")[0] for name in wheel} == {
        "negsim",
        f"negsim-{negsim.__version__}.dist-info",
    }
    assert any(re.fullmatch(r"negsim-.*\.dist-info/licenses/LICENSE", n) for n in wheel)


def test_the_project_metadata() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert pyproject["tool"]["setuptools"]["packages"] == {"find": {"include": ["negsim*"]}}
    classifiers = pyproject["project"]["classifiers"]
    for wanted in ("Typing :: Typed", "Topic :: Education", "Intended Audience :: Education"):
        assert wanted in classifiers
    python = pyproject["project"]["requires-python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {python}" in classifiers
    assert "MIT" in (ROOT / "LICENSE").read_text("utf-8").splitlines()[0]


def test_one_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"negsim {negsim.__version__}"
    try:
        installed = importlib.metadata.version("negsim")
    except importlib.metadata.PackageNotFoundError:  # run from a clone that is not installed
        return
    assert installed == negsim.__version__  # the metadata's version is read from negsim/


def test_the_bundled_files_have_one_copy_which_scenarios_readme_lists() -> None:
    # scenarios/ only points to negsim/scenarios/: nothing there can drift from the package
    assert sorted(p.name for p in (ROOT / "scenarios").iterdir()) == ["README.md"]
    readme = (ROOT / "scenarios" / "README.md").read_text("utf-8")
    listed = sorted(re.findall(r"^\| `([\w.-]+\.(?:toml|csv))` \|", readme, flags=re.M))
    assert listed == bundled()
    assert bundled_folder() == Path(negsim.__file__).parent / "scenarios"
