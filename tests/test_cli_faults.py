"""Every fault of the command line is one line and a status, never a traceback."""
import os
import subprocess
import sys

from nanoflux.cli import main

from helpers import GUARD_S


def test_a_closed_pipe_is_quiet():
    # `nanoflux claims | ...` whose reader has gone away: the pipe's read end is closed before the command
    # starts, so its first write fails, every time (it was a race, tried 20 times over)
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "nanoflux", "claims"], stdout=write, stderr=subprocess.PIPE,
                              timeout=GUARD_S)
    finally:
        os.close(write)
    # witness: the exit status a shell reports for a writer killed by SIGPIPE (128 + 13), and empty stderr
    assert proc.stderr == b"" and proc.returncode == 141


def test_head_reads_the_first_line_without_a_traceback():
    # witness: the ledger's header line as head prints it, and the shell's empty stderr
    proc = subprocess.run(f"{sys.executable} -m nanoflux claims | head -1", shell=True, capture_output=True,
                          text=True, timeout=GUARD_S)
    assert proc.stdout.split() == ["claim", "paper", "recomputed", "where", "in", "the", "paper"]
    assert proc.stderr == ""


def test_site_into_a_file_is_one_line(tmp_path):
    # witness: a real interpreter: exit status 2 and one stderr line naming the file
    (tmp_path / "a-file").write_text("x")
    # as a user types it: one interpreter, so that nothing but the one line reaches the terminal
    proc = subprocess.run([sys.executable, "-m", "nanoflux", "site", "--out", str(tmp_path / "a-file")],
                          capture_output=True, text=True, timeout=GUARD_S)
    assert proc.returncode == 2 and "is a file, not a folder" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_site_under_a_file_is_one_line(tmp_path, capsys):
    # witness: exit status 2 and one stderr line naming the file in the way
    (tmp_path / "a-file").write_text("x")
    # the same refusal path as above, in this process (an exception would fail the test)
    assert main(["site", "--out", str(tmp_path / "a-file" / "sub")]) == 2
    err = capsys.readouterr().err
    assert "which is a file, not a folder" in err and len(err.strip().splitlines()) == 1
