"""Every fault of the command line is one line and a status, never a traceback."""
import subprocess
import sys

import pytest


def test_a_closed_pipe_is_quiet_every_time():
    # `nanoflux claims | head -1`: the reader goes away before (or while) the ledger is written
    for _ in range(20):
        proc = subprocess.Popen([sys.executable, "-m", "nanoflux", "claims"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        proc.stdout.close()
        err = proc.stderr.read()
        proc.wait(timeout=60)
        assert err == b"" and proc.returncode == 141


def test_head_reads_the_first_line_without_a_traceback():
    proc = subprocess.run(f"{sys.executable} -m nanoflux claims | head -1", shell=True, capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout.split() == ["claim", "paper", "recomputed", "where", "in", "the", "paper"]
    assert proc.stderr == ""


@pytest.mark.parametrize("make_out, words", [
    (lambda tmp: tmp / "a-file", "is a file, not a folder"),
    (lambda tmp: tmp / "a-file" / "sub", "which is a file, not a folder"),
])
def test_site_into_a_file_is_one_line(tmp_path, make_out, words):
    (tmp_path / "a-file").write_text("x")
    proc = subprocess.run([sys.executable, "-m", "nanoflux", "site", "--out", str(make_out(tmp_path))],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and words in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
