"""Style checks that run in the test command: ruff (pyflakes, pycodestyle, import order, bugbear, pyupgrade;
the rule set is in pyproject.toml) on the whole tree, notebooks included."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing_on_the_whole_tree():
    # witness: ruff's own report; a finding names the file, line and rule
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.fail("ruff is not installed in this environment: run `make test`, which installs the test lock")
    done = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", str(ROOT)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
