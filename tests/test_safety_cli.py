"""The command line at its edges (issue 22, cases 12 and 18): closed or full standard streams, a parameters cell
that is not Python, hostile and huge arguments, and counts beyond float64's integers. Always one line on standard
error, a documented exit status and no traceback."""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from nanoflux.cli import OUTPUT_ERROR, USAGE_ERROR

from clone import clone_env
from helpers import GUARD_S


def _nanoflux(*args, shell_redirect="", cwd=None, env=None):
    """``python -m nanoflux ARGS`` with a shell redirection such as ``>&-`` (closes standard output)."""
    command = " ".join(["exec", '"$@"', shell_redirect])
    return subprocess.run(["sh", "-c", command, "sh", sys.executable, "-m", "nanoflux", *args], capture_output=True,
                          text=True, timeout=GUARD_S, cwd=cwd, env=env)


@pytest.mark.parametrize("args", [["claims"], ["radius"], ["table"], ["reproduce", "--only", "zz"], ["site"]],
                         ids=" ".join)
def test_a_closed_standard_output_is_one_line_and_status_74(args):
    proc = _nanoflux(*args, shell_redirect=">&-")
    # witness: the exit status and the one line on standard error
    assert proc.returncode == OUTPUT_ERROR, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "standard output is closed" in lines[0] and "Traceback" not in proc.stderr


def test_closed_standard_error_changes_nothing_but_where_errors_go():
    # witness: the shell's exit statuses with stderr (and stdout) closed: 0, the usage error, the output error
    assert _nanoflux("claims", shell_redirect="2>&-").returncode == 0
    assert _nanoflux("radius", "--field", "-1", shell_redirect="2>&-").returncode == USAGE_ERROR
    assert _nanoflux("claims", shell_redirect=">&- 2>&-").returncode == OUTPUT_ERROR


@pytest.mark.parametrize("args", [["claims"], ["radius", "--field", "1", "2", "3"], ["table"]], ids=" ".join)
def test_a_full_device_for_standard_output_is_one_line(args):
    # witness: /dev/full as standard output: the output error's status and its one line, spelled here
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    proc = _nanoflux(*args, shell_redirect="> /dev/full")
    assert proc.returncode == OUTPUT_ERROR, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"nanoflux {args[0]}: error: cannot write to standard output: no space left on device"]


# -- the parameters cell ------------------------------------------------------------------------------------


PARAMETERS = {
    "a syntax error (the issue's)": ("B_tesla = [1.0, 0.1\nflux_quantum_convention = 'h/2e'\n", "is not valid Python"),
    "a call, not a literal (the issue's)": ("import numpy as np\nB_tesla = np.array([1.0])\n",
                                            "line 2 gives B_tesla = np.array([1.0])"),
    "a name, not a literal": ("B_tesla = other\n", "line 1 gives B_tesla = other"),
    "nesting too deep": ("B_tesla = " + "[" * 5000 + "]" * 5000 + "\n", "parameters cell"),
    "a control character": ("B_tesla = [1.0]\x1b[2J\n", "is not valid Python"),
}


@pytest.mark.parametrize("case", PARAMETERS)
def test_a_parameters_cell_that_is_not_literal_python_is_one_line(case, clone):
    source, words = PARAMETERS[case]
    path = clone / "notebooks" / "01_flux_quantization.ipynb"
    original = path.read_bytes()
    nb = json.loads(original)
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = source
    path.write_text(json.dumps(nb), encoding="utf-8")
    try:
        with tempfile.TemporaryDirectory(prefix="nft-") as tmp:
            proc = _nanoflux("reproduce", "--only", "01", cwd=clone, env=clone_env(clone, Path(tmp)))
    finally:
        path.write_bytes(original)
    # witness: the one line the user reads
    assert proc.returncode == USAGE_ERROR, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "01_flux_quantization.ipynb" in lines[0] and words in lines[0], lines
    assert "Traceback" not in proc.stderr and "<ast." not in proc.stderr and "\x1b" not in proc.stderr
    assert "running" not in proc.stdout


def test_a_notebook_that_is_not_json_is_one_line(clone):
    # witness: a clone whose notebook 01 is made unreadable here: the usage error's status and one line
    path = clone / "notebooks" / "01_flux_quantization.ipynb"
    original = path.read_bytes()
    path.write_text("{not json", encoding="utf-8")
    try:
        with tempfile.TemporaryDirectory(prefix="nft-") as tmp:
            proc = _nanoflux("reproduce", "--only", "01", cwd=clone, env=clone_env(clone, Path(tmp)))
    finally:
        path.write_bytes(original)
    assert proc.returncode == USAGE_ERROR and "is not a readable notebook" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


# -- arguments ----------------------------------------------------------------------------------------------

HOSTILE_ARGUMENTS = [
    ["reproduce", "--only", "zz\x1b[2J\x07"],
    ["reproduce", "--only", "z" * 120_000],
    ["reproduce", "--set", "B_tesla=\x1b[31m" + "1" * 50_000],
    ["reproduce", "--set", "x" * 120_000 + "=1"],
    ["radius", "--field", "\x1b]0;title\x07"],
    ["radius", "--field", "9" * 120_000 + "x"],
    ["radius", "--material", "Fe\r\nInjected: line"],
    ["table", "--dipoles", "1\x00"],
    ["site", "--out", "a\nb\x1b[2J/" + "s" * 5000],
]


@pytest.mark.parametrize("args", HOSTILE_ARGUMENTS, ids=lambda a: repr(" ".join(a)[:40]))
def test_hostile_and_huge_arguments_are_escaped_and_cut(args, tmp_path):
    if "\x00" in "".join(args):  # the operating system takes no NUL in an argument: call the parser directly
        from nanoflux.cli import main
        with pytest.raises(SystemExit):
            main(args)
        return
    proc = _nanoflux(*args, cwd=tmp_path)
    assert proc.returncode == USAGE_ERROR, proc.stderr[:500]
    # witness: standard error, whole
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].isprintable() and len(lines[0]) <= 1000, proc.stderr[:500]
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("given, shown", [("9007199254740993", "9007199254740993"),  # the issue's: 2**53 + 1
                                          (str(2**70 + 1), str(2**70 + 1)), ("1e3", "1000"), ("+12", "12")])
def test_table_shows_the_counts_it_was_given(given, shown):
    proc = _nanoflux("table", "--dipoles", given)
    assert proc.returncode == 0, proc.stderr
    rows = [line.split() for line in proc.stdout.splitlines()[3:] if line.strip() and not line.startswith("-")]
    assert rows[0][0] == shown, proc.stdout  # witness: the N column as printed
