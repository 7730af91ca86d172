"""Style checks that run in the test command: ruff (pyflakes, pycodestyle, import order, bugbear, pyupgrade;
the rule set is in pyproject.toml) on the whole tree, notebooks included; and every test names its witness."""
import ast
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


def test_every_test_names_its_witness():
    # witness: each test function's own source in tests/ (with its decorators), read by Python's parser: a
    # "witness" comment or docstring says what the test compares with (the standard every test here meets)
    silent = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])  # parameters may name it
                if "witness" not in "\n".join(lines[start - 1:node.end_lineno]).lower():
                    silent.append(f"{path.name}:{node.lineno} {node.name}")
    assert silent == [], f"tests that do not name their witness (# witness: ...): {silent}"
