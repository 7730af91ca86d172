"""The ``nanoflux`` command line: parse, call one library function, map errors to exit codes.

Exit status: 0 success, 1 a check failed (``claims``) or a run failed, 2 bad arguments, 74 standard output
closed or unwritable (nothing was computed, or what was could not be shown), 130 interrupted, 141 the reader
of the output went away. Every error is one line on standard error, control characters escaped and long
values cut (nanoflux.validate.printable).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys

from nanoflux import __version__, paper
from nanoflux.validate import InputError, InputTypeError, printable, whole_number

USAGE_ERROR = 2
OUTPUT_ERROR = 74  # EX_IOERR of sysexits.h: standard output closed or unwritable
INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
CLOSED_PIPE = 141  # 128 + SIGPIPE, what a program killed by a closed pipe reports


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit status 2."""

    def error(self, message):  # noqa: D401 - argparse API
        _error(self.prog, message)
        sys.exit(USAGE_ERROR)


#: The longest error line written (a value echoed in it is cut in the middle).
MAX_LINE = 1000


def _error(prog: str, message) -> None:
    """One line on standard error: ``<prog>: error: <message>``, control characters escaped, at most
    :data:`MAX_LINE` characters."""
    sys.stderr.write(printable(f"{prog}: error: {message}", MAX_LINE) + "\n")


#: A value that starts like a negative number (``-1e3``, ``-1_000``, ``-.5``, ``-inf``). No option of
#: ``nanoflux`` starts with a digit or a dot, so such a token is always a value.
_NEGATIVE = re.compile(r"^-(\.?\d|(inf|infinity|nan)$)", re.IGNORECASE)


def values_not_options(argv: list[str]) -> list[str]:
    """``argv`` with every token that starts like a negative number marked as a value (a leading space,
    which every converter strips), so that ``--field -1e3`` is reported as a field that must be positive
    and ``--field -1x`` as not a number, rather than as an unknown option (argparse takes only ``-1`` and
    ``-.5`` for numbers)."""
    return [f" {arg}" if _NEGATIVE.match(arg) else arg for arg in argv]


def number(text: str) -> float:
    """Convert a command-line value to float, with a message naming the bad text."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {printable(repr(text.strip()), 80)}") from None


def count(text: str):
    """A command-line count: a whole number written in digits stays an exact int (9007199254740993 is not
    rounded to a float); anything else is read as a number, for the library to check."""
    stripped = text.strip()
    if stripped.lstrip("+-").isdigit() and len(stripped) <= 4300:
        return int(stripped)
    return number(text)


def _cmd_radius(args) -> int:
    from nanoflux.report import flux_radius_table

    if not args.field and not args.material:
        args.field = [1.0]
    print(flux_radius_table(args.field or (), args.convention, materials=args.material or ()))
    return 0


def _cmd_table(args) -> int:
    from nanoflux.report import table_one_comparison

    text = table_one_comparison(args.dipoles, args.density, material=args.material)
    where = (f"the density of {args.material}" if args.material
             else f"n = {paper.DENSITY_PER_M3 if args.density is None else args.density:.4g} m^-3")
    print(f"Table I, r_c = (3N / (4 pi n))^(1/3) at {where}")
    print(text)
    return 0


def _cmd_claims(args) -> int:
    from nanoflux.claims import check_claims
    from nanoflux.report import claims_table

    results = check_claims()
    print(claims_table(results))
    failed = [r.claim.key for r in results if not r.agrees]
    print(f"{len(results) - len(failed)} of {len(results)} claims agree at the printed precision")
    return 1 if failed else 0


def _cmd_reproduce(args) -> int:
    from nanoflux.running.runner import Interrupted, RunError, run
    from nanoflux.running.signals import raise_on

    status = None
    try:
        with raise_on(Interrupted):  # until the last line is out: a signal is reported as what it left
            status = run(only=args.only or (), assignments=args.set or (), out=args.out, jobs=args.jobs)
            sys.stdout.flush()
            return status
    except RunError as exc:
        _error("nanoflux reproduce", exc)
        return USAGE_ERROR
    except (Interrupted, KeyboardInterrupt) as exc:
        written = getattr(exc, "written", None)
        if status is not None:
            what = "every result was written" if status == 0 else "nothing was written"
            sys.stderr.write(f"nanoflux reproduce: interrupted after the run had ended: {what}\n")
        elif written:
            sys.stderr.write(f"nanoflux reproduce: interrupted after publishing: every result was written "
                             f"({', '.join(written)})\n")
        else:
            sys.stderr.write("nanoflux reproduce: interrupted: nothing was written\n")
        sys.stderr.flush()
        with contextlib.suppress(OSError):
            sys.stdout.flush()
        os._exit(INTERRUPTED)  # kernels are dead and scratch removed; do not wait for their threads


def _cmd_site(args) -> int:
    from nanoflux.site import SiteError, build_site

    warnings = []
    try:
        files = build_site(args.out, warnings=warnings)
    except SiteError as exc:
        _error("nanoflux site", exc)
        return USAGE_ERROR
    for line in warnings:  # Sphinx's own, one line each (none for the stored notebooks)
        sys.stderr.write(f"nanoflux site: warning: {line}\n")
    index = min((f for f in files if f.name == "index.html"), key=lambda f: len(f.parts))
    pages = sum(f.suffix == ".html" and f.parent.name == "notebooks" for f in files)
    print(f"wrote {pages} notebook page(s), the figures and the claims table; open {index}")
    return 0


def _cmd_classroom(args) -> int:
    from nanoflux.classroom.app import ClassroomError, serve

    try:
        return serve(args.port, host=args.host, students=args.students, projector=args.projector,
                     browser=args.browser)
    except ClassroomError as exc:
        _error("nanoflux classroom", exc)
        return USAGE_ERROR


def _cmd_lab(args) -> int:
    from nanoflux.classroom.lab import LabError, serve

    try:
        return serve(args.port, browser=args.browser)
    except LabError as exc:
        sys.stderr.write(f"nanoflux lab: error: {exc}\n")
        return USAGE_ERROR


def _cmd_assignment(args) -> int:
    from nanoflux.classroom.assignment import ASSIGNMENT, write_assignment
    from nanoflux.classroom.exercises import EXERCISES

    files = write_assignment(args.dir, args.format)
    folder = files[0].parent
    if args.format == "nbgrader":
        print(f"wrote an nbgrader course in {folder}: {files[1].relative_to(folder)} ({len(EXERCISES)} exercises, "
              f"1 point each) and nbgrader_config.py; from there: nbgrader generate_assignment {ASSIGNMENT}, then "
              "release, collect, autograde as usual (grading needs nanoflux installed; offline, the feedback's "
              "maths shows as TeX)")
    else:
        print(f"wrote {files[0]} (for students) and {files[1]} (the key: keep it apart); open them in a browser "
              "and print")
    return 0


def _whole_number(name: str, low: int = 1, high: int | None = None):
    """An argparse type: a whole number from ``low`` to ``high``, checked by :func:`nanoflux.validate.whole_number`
    (the rule the library applies to the same value)."""
    def convert(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text.strip()!r}") from None
        try:
            return whole_number(value, name, low, high)
        except (InputError, InputTypeError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return convert


def build_parser() -> argparse.ArgumentParser:
    from nanoflux.classroom.app import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_STUDENTS, MAX_STUDENTS
    from nanoflux.flux import CONVENTIONS
    from nanoflux.materials import MATERIALS

    parser = _Parser(prog="nanoflux", description=(
        "Recompute the paper's critical radii (Eqs. 2-4, Table I), check its printed numbers, "
        "and reproduce its notebooks and figures."))
    parser.add_argument("--version", action="version", version=f"nanoflux {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("radius", help="flux-quantum area and radius (Eqs. 3 and 4) for given fields",
                       description="Print Phi0 (Eq. 2), A = Phi0/B (Eq. 3) and r_c = sqrt(Phi0/(pi B)) "
                                   "(Eq. 4) in nm for each field (default 1 T) or material preset.")
    p.add_argument("--field", "-B", nargs="+", type=number, metavar="TESLA",
                   help="internal flux density B in tesla; several allowed (default 1)")
    p.add_argument("--material", nargs="+", choices=list(MATERIALS), metavar="NAME",
                   help=f"use a material's mu0 Ms as B; one or more of {', '.join(MATERIALS)}")
    p.add_argument("--convention", choices=list(CONVENTIONS), default="h/2e",
                   help="flux quantum: h/2e (the paper's Eq. 2, default) or h/e")
    p.set_defaults(func=_cmd_radius)

    p = sub.add_parser("table", help="the paper's Table I recomputed, next to the printed values",
                       description="Print r_c = (3N/(4 pi n))^(1/3) for each N, with the paper's "
                                   "Table I values where they apply (n = 1e23 m^-3).")
    p.add_argument("--density", "-n", type=number, metavar="PER_M3",
                   help="number density of dipoles in m^-3 (default the paper's 1e23)")
    p.add_argument("--dipoles", "-N", nargs="+", type=count, metavar="N",
                   help="numbers of dipoles (default the paper's 1 10 100 1000 10000)")
    p.add_argument("--material", choices=list(MATERIALS), metavar="NAME",
                   help=f"use a material's atomic density; one of {', '.join(MATERIALS)}")
    p.set_defaults(func=_cmd_table)

    p = sub.add_parser("claims", help="every number the paper prints, recomputed: PASS/FAIL",
                       description="Recompute each printed claim and compare at the printed "
                                   "precision; exit status 1 if any claim fails.")
    p.set_defaults(func=_cmd_claims)

    p = sub.add_parser("reproduce", help="run every notebook with papermill and regenerate the figures",
                       description="Run the numbered notebooks headlessly (several at once). With the paper's "
                                   "defaults, refresh figures/, the stored notebooks and build/notebooks/; with "
                                   "other values, write to build/runs/<notebook>/<hash>/ or --out. Nothing is "
                                   "written unless every notebook succeeds; Ctrl-C leaves everything as it was.")
    p.add_argument("--only", nargs="+", metavar="NAME",
                   help="run only these notebooks: a stem, its number (01) or its title (figure2)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="set a parameter in every selected notebook that declares it, typed by that "
                        "declaration, e.g. --set B_tesla=[0.5,2] (repeatable)")
    p.add_argument("--out", metavar="DIR",
                   help="write figures, results and executed notebooks here instead (never the "
                        "repository, notebooks/ or figures/). Without it, the paper's defaults go to "
                        "figures/ and other values to build/runs/<notebook>/<hash>/")
    p.add_argument("--jobs", "-j", type=_whole_number("--jobs"), metavar="N",
                   help="notebooks run at once (default: the number of cores)")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("site", help="render the executed notebooks, figures and claims as a static HTML site",
                       description="Render the stored notebooks (with their outputs from the last "
                                   "`nanoflux reproduce`, not run again) to HTML pages with Sphinx, MyST-NB and "
                                   "sphinx-book-theme: an index with the paper's reference, the notebooks, the two "
                                   "figures and the claims table; typeset equations, search, previous/next links. "
                                   "The pages load nothing from the network (MathJax is served by the site), so "
                                   "the folder can be opened from disk or served as it is. A notebook that has "
                                   "lost an output is refused.")
    p.add_argument("--out", metavar="DIR", help="folder to write the site into (default: build/site); an existing "
                                                "folder is replaced only if it is empty or a site built here")
    p.set_defaults(func=_cmd_site)

    p = sub.add_parser("classroom", help="the explorer and the exercises as a Voila app for a class",
                       description="Serve notebook 07's explorer and exercises with Voila (no code shown) on "
                                   "http://HOST:PORT/ and open it in the browser. Whoever opens it can move the "
                                   "app's controls and answer its exercises, nothing else. It works with no "
                                   "internet, writes nothing into the repository, and stops with Ctrl-C.")
    p.add_argument("--host", default=DEFAULT_HOST, metavar="ADDRESS",
                   help=f"the address to serve on: {DEFAULT_HOST} (default: this computer only), 0.0.0.0 (every "
                        "network it is on: a class), or one address of this computer")
    p.add_argument("--port", type=_whole_number("--port", 1, 65535), default=DEFAULT_PORT, metavar="P",
                   help=f"the port to serve on (default {DEFAULT_PORT})")
    p.add_argument("--students", type=_whole_number("--students", 1, MAX_STUDENTS), default=DEFAULT_STUDENTS,
                   metavar="N", help=f"places: pages served at once, each with its kernel, all started before the "
                                     f"lesson, about 120 MB each (default {DEFAULT_STUDENTS}); beyond, a page says "
                                     "the class is full")
    p.add_argument("--projector", action="store_true",
                   help="start every page in projector mode (the chart across the window, large text)")
    p.add_argument("--no-browser", dest="browser", action="store_false", help="do not open a browser")
    p.set_defaults(func=_cmd_classroom)

    p = sub.add_parser("lab", help="JupyterLab on your own copies of the notebooks (workspace/, which git ignores)",
                       description="Copy the notebooks you have no copy of yet into workspace/ (git ignores it; "
                                   "your copies are never overwritten) and open JupyterLab there, on "
                                   "http://127.0.0.1:PORT/. Its kernels compute as `nanoflux reproduce`'s do: a run "
                                   "at the paper's values rewrites figures/ byte for byte, other values go to "
                                   "build/runs/. Ctrl-C stops it.")
    p.add_argument("--port", type=_whole_number("--port", 1, 65535), default=8888, metavar="P",
                   help="the port to serve on (default 8888)")
    p.add_argument("--no-browser", dest="browser", action="store_false", help="do not open a browser")
    p.set_defaults(func=_cmd_lab)

    p = sub.add_parser("assignment", help="the exercises as an nbgrader course, or a printable sheet and its key",
                       description="Write notebook 07's exercises into DIR, a new or empty folder: with --format "
                                   "nbgrader, an nbgrader course (nbgrader_config.py and a source notebook with the "
                                   "questions, solutions and autograder tests) to release, collect and autograde "
                                   "with nbgrader's own commands; with --format html (the default), a printable "
                                   "sheet for students and a separate key for the teacher, readable offline.")
    p.add_argument("--format", choices=("nbgrader", "html"), default="html",
                   help="nbgrader (a course folder) or html (a sheet and its key; default)")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder to write into")
    p.set_defaults(func=_cmd_assignment)
    return parser


def main(argv=None) -> int:
    if sys.stderr is None:  # started with standard error closed: errors go nowhere, the exit status still tells
        sys.stderr = open(os.devnull, "w")
    if sys.stdout is None:  # started with standard output closed (nanoflux claims >&-)
        _error("nanoflux", "standard output is closed, and nanoflux writes its results there; "
                           "send them to /dev/null to discard them")
        return OUTPUT_ERROR
    parser = build_parser()
    args = parser.parse_args(values_not_options(sys.argv[1:] if argv is None else list(argv)))
    try:
        status = args.func(args)
    except BrokenPipeError:
        return _stdout_closed()
    except (InputError, InputTypeError) as exc:  # a value the library refused; any other error is a bug
        _error(f"nanoflux {args.command}", exc)
        return USAGE_ERROR
    except OSError as exc:
        if exc.filename is None and (args.command in PRINTING or _writing_stdout_failed()):
            return _stdout_failed(args.command, exc)
        from nanoflux.running.publish import os_error_text

        _error(f"nanoflux {args.command}", os_error_text(exc, exc.filename or ""))
        return USAGE_ERROR
    try:
        sys.stdout.flush()  # a closed pipe or a full device shows here, not at interpreter exit
    except BrokenPipeError:
        return _stdout_closed()
    except OSError as exc:
        return _stdout_failed(args.command, exc)
    return status


#: Commands whose only output is what they print: an OSError naming no file is their standard output's.
PRINTING = ("radius", "table", "claims")


def _writing_stdout_failed() -> bool:
    """Whether standard output can no longer be written (the error came from it, not from a file)."""
    try:
        sys.stdout.flush()
    except OSError:
        return True
    return False


def _stdout_failed(command: str, exc: OSError) -> int:
    """Standard output became unwritable (a full device, a descriptor closed under us): one line, status 74."""
    _error(f"nanoflux {command}", f"cannot write to standard output: {(exc.strerror or str(exc)).lower()}")
    _discard_stdout()
    return OUTPUT_ERROR


def _stdout_closed() -> int:
    """The reader of our output went away (``nanoflux claims | head -1``): stop quietly, as ``cat`` does."""
    _discard_stdout()
    return CLOSED_PIPE


def _discard_stdout() -> None:
    """Point standard output at /dev/null: the final flush at interpreter exit must not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        sys.stdout = open(os.devnull, "w")
