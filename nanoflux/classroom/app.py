"""The classroom app: notebook 07's explorer and exercises served by Voila, ``nanoflux classroom``.

Voila runs a copy of ``nanoflux/classroom/assets/classroom.ipynb`` (the explorer and the exercise boxes, no code
shown) on 127.0.0.1 only. A page load writes nothing into the repository: the app notebook saves no
results, and Voila and its kernels run in a temporary folder that holds the copy, their runtime files,
Jupyter configuration and IPython profile, removed when the server stops.

Every asset comes from the server itself: the template (``nanoflux-offline``) is Voila's lab template
without the two Font Awesome stylesheets it links from a CDN (the icons are in Voila's own bundle), only
the widgets extension is loaded, and MathJax is the one bundled with Voila's JupyterLab components, used
as long as no ``mathjax_url`` is configured.
"""
from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from nanoflux.running.signals import raise_on
from nanoflux.validate import InputError, InputTypeError, whole_number

APP = Path(__file__).resolve().parent / "assets" / "classroom.ipynb"
#: Voila's configuration (read from the folder it starts in).
CONFIG = APP.parent / "voila.json"
#: A Jupyter data folder holding Voila's lab template without its CDN stylesheets
#: (voila/templates/nanoflux-offline); Voila finds templates on JUPYTER_PATH only.
DATA = APP.parent
DEFAULT_PORT = 8866
#: Voila's own entry point, with tornado's loggers at ERROR. Voila 0.5's page posts its kernel's shutdown
#: without the XSRF token when a tab closes, and tornado prints two 403 lines each time
#: (voila-dashboards/voila#1458); the kernel is then stopped by culling instead (voila.json: after 10
#: minutes without a connection).
_LAUNCH = ("import logging, sys; logging.getLogger('tornado').setLevel(logging.ERROR); "
           "from voila.app import main; sys.exit(main())")


class ClassroomError(Exception):
    """The app cannot start (Voila missing, a bad port)."""


def command(port: int, *, browser: bool) -> list[str]:
    """The voila command line that serves the app on 127.0.0.1:``port``, run in the app's folder (whose
    ``voila.json`` holds the rest: the address, the offline template, quiet logs, IPC kernels)."""
    args = [sys.executable, "-c", _LAUNCH, APP.name, f"--port={port}"]
    if not browser:
        args.append("--no-browser")
    return args


def environment(workdir: Path) -> dict:
    """Voila's and its kernel's environment: runtime, configuration and IPython files in ``workdir``."""
    env = dict(os.environ)
    for name, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "config")):
        env[name] = str(workdir / sub)  # and no user configuration changes the app
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(DATA), env.get("JUPYTER_PATH", "")) if p)
    env["MPLBACKEND"] = "Agg"
    return env


def _check_port(port: int) -> None:
    """Refuse a port this user cannot listen on, before anything starts (Voila would try others)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            raise ClassroomError(f"--port {port} {reason} on 127.0.0.1; choose another, "
                                 f"e.g. --port {port + 1 if port < 65535 else 8866}") from None


def serve(port: int = DEFAULT_PORT, *, browser: bool = True) -> int:
    """Run the app until interrupted; return Voila's exit status."""
    try:
        port = whole_number(port, "--port", 1, 65535)
    except (InputError, InputTypeError) as exc:
        raise ClassroomError(str(exc)) from None
    _check_port(port)
    try:
        import voila  # noqa: F401
    except ImportError:
        raise ClassroomError("Voila is not installed: run `make classroom` (or pip install 'nanoflux[lab]')") from None
    workdir = Path(tempfile.mkdtemp(prefix="nanoflux-classroom-"))
    try:
        for name in (APP.name, CONFIG.name):  # served from, and its kernel run in, the temporary folder
            shutil.copyfile(APP.parent / name, workdir / name)
        print(f"classroom app on http://127.0.0.1:{port}/ (Ctrl-C stops it)", flush=True)
        # Voila in a session of its own: Ctrl-C reaches this process only, which stops Voila once;
        # and Voila stops too if this process is killed (Linux: the parent-death signal).
        proc = subprocess.Popen(command(port, browser=browser), cwd=workdir,
                                env=environment(workdir), start_new_session=True, preexec_fn=_die_with_parent)
        with raise_on(KeyboardInterrupt):
            try:
                return proc.wait()
            except KeyboardInterrupt:  # Ctrl-C, or SIGTERM/SIGHUP: Voila stops its kernels, then we clean up
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _die_with_parent() -> None:
    """In the child, before Voila starts: SIGTERM when the parent dies (Linux; elsewhere nothing)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
