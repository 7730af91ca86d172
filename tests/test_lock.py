"""The lock files (requirements/*.lock) agree with pyproject.toml, and the environment is the locked one."""
import platform
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")
from packaging.requirements import Requirement  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCKED_PLATFORM = sys.platform == "linux" and platform.machine() == "x86_64" and sys.version_info[:2] == (3, 11)


def pins(name: str) -> dict:
    """{package: version} of a lock file; every pin must carry at least one hash."""
    text = (ROOT / "requirements" / name).read_text()
    found = {}
    for block in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match.group(1)} has no hash"
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def requirements(*extras) -> list[Requirement]:
    project = PYPROJECT["project"]
    listed = project["dependencies"] + PYPROJECT["build-system"]["requires"]
    for extra in extras:
        listed += project["optional-dependencies"][extra]
    return [Requirement(r) for r in listed if not r.startswith("nanoflux[")]


@pytest.mark.parametrize("lock, extras", [("reproduce.lock", ()), ("test.lock", ("lab", "site", "test"))])
def test_every_requirement_is_locked_within_its_range(lock, extras):
    # witness: pyproject.toml's ranges against the lock file's pins, read apart
    locked = pins(lock)
    for req in requirements(*extras):
        name = canonicalize_name(req.name)
        assert name in locked, f"{req} is missing from {lock}: run make lock"
        assert req.specifier.contains(locked[name], prereleases=True), \
            f"{lock} pins {name}=={locked[name]}, outside pyproject's {req}: run make lock"


def test_reproducing_installs_no_test_tools_and_shares_every_version():
    # witness: the two lock files' pins compared package by package
    reproduce, test = pins("reproduce.lock"), pins("test.lock")
    for tool in ("pytest", "nbval", "jupyterlab", "selenium", "scipy"):
        assert tool not in reproduce and tool in test
    assert {k: v for k, v in test.items() if k in reproduce} == reproduce


@pytest.mark.skipif(not LOCKED_PLATFORM, reason="the lock is for Linux x86_64 and Python 3.11")
def test_this_environment_is_the_locked_one():
    # witness: importlib.metadata's installed versions against test.lock
    for name, version in pins("test.lock").items():
        assert metadata.version(name) == version, f"{name}: installed {metadata.version(name)}, locked {version}"
