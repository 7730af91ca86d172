import subprocess
import sys

import pytest

from nanoflux.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_radius_at_one_tesla(capsys):
    # witness: r_c = 25.66 nm, pi r_c^2 = 2067.83 nm^2 and Phi0 = 2.067833848e-15 Wb, known values written here
    code, out, _ = run(capsys, "radius", "--field", "1")
    assert code == 0
    assert "25.66" in out and "2067.83" in out and "2.067833848e-15" in out


def test_radius_several_fields_and_convention(capsys):
    # witness: sqrt(2) times the h/2e radii at 1, 0.1 and 0.01 T, computed by hand beside
    code, out, _ = run(capsys, "radius", "--field", "1", "0.1", "0.01", "--convention", "h/e")
    assert code == 0
    assert "36.28" in out and "h/e" in out
    for text in ("36.28", "114.74", "362.83"):  # sqrt(2) x 25.656, 81.131, 256.56
        assert text in out


def test_table_prints_paper_values(capsys):
    # witness: Table I by (3 N / (4 pi n))^(1/3) to three decimals, and the paper's printed 134 and 288
    code, out, _ = run(capsys, "table")
    assert code == 0
    for text in ("13.365", "28.794", "62.035", "133.650", "287.941", "134", "288"):
        assert text in out


def test_table_other_density_and_dipoles(capsys):
    # witness: (3 N / (4 pi 1e29))^(1/3) for N = 1 and 8: 0.134 and twice that, 0.267 nm
    code, out, _ = run(capsys, "table", "--density", "1e29", "--dipoles", "1", "8")
    assert code == 0
    assert "0.134" in out and "0.267" in out


def test_claims_all_pass(capsys):
    # witness: the ledger's nine claims, each PASS, none FAIL
    code, out, _ = run(capsys, "claims")
    assert code == 0
    assert out.count("PASS") == 9 and "FAIL" not in out


def exit_code(argv):
    """main()'s return value, or the status argparse exits with."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize("argv, words", [
    (["radius", "--field", "-1"], "B must be positive"),
    (["radius", "--field", "abc"], "not a number: 'abc'"),
    (["radius", "--convention", "h/3e"], "invalid choice"),
    (["table", "--dipoles", "0.5"], "N must be a whole number"),
    (["table", "--density", "0"], "n must be positive"),
    (["frobnicate"], "invalid choice"),
    (["classroom", "--port", "0"], "--port must be a whole number from 1 to 65535; got 0"),
    (["classroom", "--port", "70000"], "--port must be a whole number from 1 to 65535; got 70000"),
    (["classroom", "--port", "80a"], "not a whole number: '80a'"),
    ([], "required"),
])
def test_bad_arguments_exit_2_with_one_line(capsys, argv, words):
    # witness: exit status 2 and the one stderr line with the words given per case
    code = exit_code(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_python_dash_m_and_help():
    # witness: a real interpreter: the help text names --field and Eq. 4; a bad field exits 2 without a traceback
    proc = subprocess.run([sys.executable, "-m", "nanoflux", "radius", "--help"],
                          capture_output=True, text=True, check=True)
    assert "--field" in proc.stdout and "Eq. 4" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "nanoflux", "radius", "--field", "0"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_material_presets(capsys):
    # witness: Fe's and Ni's mu0 Ms radii (17.52, 32.86 nm) and Fe's one-atom radius 0.141 nm; refusals of two sources
    # for n and of an unknown material
    code, out, _ = run(capsys, "radius", "--material", "Fe", "Ni")
    assert code == 0 and "17.52" in out and "32.86" in out and "Fe (mu0 Ms)" in out
    code, out, _ = run(capsys, "table", "--material", "Fe", "--dipoles", "1")
    assert code == 0 and "0.141" in out and "density of Fe" in out
    assert exit_code(["table", "--material", "Fe", "--density", "1e23"]) == 2
    assert "either n or material" in capsys.readouterr().err
    assert exit_code(["radius", "--material", "Gd"]) == 2


@pytest.mark.parametrize("argv, words", [
    # argparse took -1e3 for an option ("expected at least one argument"); it is a (bad) field
    (["radius", "--field", "-1e3"], "nanoflux radius: error: B must be positive and finite, in T; got -1000.0"),
    (["radius", "-B", "-1e3"], "B must be positive and finite, in T; got -1000.0"),
    (["radius", "--field", "2", "-1E+3"], "B must be positive and finite, in T; got -1000.0 (in"),
    (["radius", "--field", "-1_000"], "B must be positive and finite, in T; got -1000.0"),
    (["radius", "--field", "-.5"], "B must be positive and finite, in T; got -0.5"),
    (["radius", "--field", "-1x"], "argument --field/-B: not a number: '-1x'"),
    (["radius", "--field", "nan"], "B must be positive and finite, in T; got nan"),
    (["radius", "--field", "inf"], "B must be positive and finite, in T; got inf"),
    (["radius", "--field", "-Infinity"], "B must be positive and finite, in T; got -inf"),
    (["radius", "--field", "1e999"], "B must be positive and finite, in T; got inf"),
    (["radius", "--field", "1e300"], "B must be between"),
    (["table", "--density", "-5"], "nanoflux table: error: n must be positive and finite, in m^-3; got -5.0"),
    (["table", "--density", "-1e23"], "n must be positive and finite, in m^-3; got -1e+23"),
    (["table", "--density", "1e-320"], "N / n must be between"),
    (["table", "--dipoles", "-1"], "nanoflux table: error: N must be a whole number of at least 1; got -1.0"),
    (["table", "--dipoles", "1", "-2e3"], "N must be a whole number of at least 1; got -2000.0"),
    (["table", "--dipoles", "1e400"], "N must be a whole number of at least 1; got inf"),
])
def test_bad_numbers_are_one_line_naming_the_value(capsys, argv, words):
    # witness: exit status 2 and the one stderr line naming the value, per case
    code = exit_code(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_classroom_refuses_a_port_in_use_before_starting_anything(capsys, tmp_path):
    # witness: a socket this test holds on the port; exit status 2 and one line naming it
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = exit_code(["classroom", "--port", str(port), "--no-browser"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"--port {port} is in use (by another classroom app, or another server) on 127.0.0.1" in err
