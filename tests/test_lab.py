"""``nanoflux lab``: a student's JupyterLab on their own copies of the notebooks, where nothing they run or save
changes a committed byte (issue 21).

JupyterLab is started as a student starts it, ``nanoflux lab``, from a folder outside the repository (as root
here, so it must pass --allow-root). The test then does what JupyterLab's page does when a student opens notebook
07 in the workspace and runs it: a session through the REST API, each code cell executed over the kernel's
websocket in order, and the notebook saved back through the contents API; once at the paper's values, once
after editing the parameters cell. The kernels' results go to a stage of the test's own (NANOFLUX_STAGE_DIR,
the mechanism the runner and the other tests use), so the canonical file is compared with what a run would write
into figures/, byte for byte.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from nanoflux.classroom import lab
from nanoflux.running import outputs
from nanoflux.running.kernels import KERNEL_ENV

from helpers import GUARD_S, free_port

REPO = Path(__file__).resolve().parent.parent


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO, capture_output=True,
                          text=True, check=True).stdout


def _digests(folder: Path) -> dict:
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


class Lab:
    """The REST API and a kernel websocket of a running JupyterLab (what its page uses)."""

    def __init__(self, port: int, token: str):
        self.base, self.token = f"http://127.0.0.1:{port}", token

    def call(self, method, path, body=None):
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=GUARD_S) as response:
            text = response.read()
        return json.loads(text) if text else None

    def run(self, path: str, extra: str | None = None):
        """Open ``path`` in a new session and run its code cells in order (then ``extra``); the executed notebook
        and the text ``extra`` printed."""
        import websocket

        nb = nbformat.reads(json.dumps(self.call("GET", f"/api/contents/{path}")["content"]), as_version=4)
        session = self.call("POST", "/api/sessions", {"path": path, "type": "notebook", "name": path,
                                                      "kernel": {"name": "python3"}})
        ws = websocket.create_connection(f"ws://127.0.0.1:{self.base.rsplit(':', 1)[1]}/api/kernels/"
                                         f"{session['kernel']['id']}/channels?session_id={uuid.uuid4()}",
                                         header=[f"Authorization: token {self.token}"], timeout=GUARD_S)
        try:
            for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1):
                cell.outputs, cell.execution_count = self._execute(ws, cell.source), count
            printed = "".join(o.get("text", "") for o in self._execute(ws, extra)) if extra else ""
        finally:
            ws.close()
            self.call("DELETE", f"/api/sessions/{session['id']}")
        return nb, printed

    @staticmethod
    def _execute(ws, code: str) -> list:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "student",
                                       "session": "lab-test", "version": "5.3", "date": "2026-01-01T00:00:00Z"},
                            "parent_header": {}, "metadata": {}, "channel": "shell",
                            "content": {"code": code, "silent": False, "store_history": True,
                                        "user_expressions": {}, "allow_stdin": False}}))
        out, replied, idle = [], None, False
        deadline = time.monotonic() + GUARD_S
        while not (replied and idle) and time.monotonic() < deadline:
            frame = ws.recv()
            if isinstance(frame, bytes):  # a message with binary buffers: a widget's, not a cell's output
                continue
            msg = json.loads(frame)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "execute_reply":
                replied = msg["content"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind in ("stream", "display_data", "execute_result", "error"):
                out.append(nbformat.v4.output_from_msg(msg))
        assert replied and replied["status"] == "ok", (code[:200], replied, out)
        return out


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """``nanoflux lab`` running; a Lab client, and what the test must leave as it found it."""
    existed = lab.WORKSPACE.exists()
    before = {"status": _git_status(), "figures": _digests(outputs.FIGURES_DIR),
              "notebooks": _digests(outputs.NOTEBOOKS_DIR)}
    stage = tmp_path_factory.mktemp("stage")
    port = free_port()
    cwd = tmp_path_factory.mktemp("student")
    log = open(cwd / "lab.out", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "nanoflux", "lab", "--no-browser", "--port", str(port)], cwd=cwd,
                            env={**os.environ, outputs.STAGE_ENV: str(stage)}, stdout=log, stderr=subprocess.STDOUT)
    name = f"test-{uuid.uuid4().hex[:8]}-07.ipynb"
    try:
        deadline, token = time.monotonic() + GUARD_S, None
        while token is None:
            assert proc.poll() is None and time.monotonic() < deadline, (cwd / "lab.out").read_text()
            found = re.search(r"\?token=([0-9a-f]+)", (cwd / "lab.out").read_text())
            token = found.group(1) if found else time.sleep(0.2)
        client = Lab(port, token)
        while True:
            try:
                client.call("GET", "/api/status")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (cwd / "lab.out").read_text()
                time.sleep(0.3)
        shutil.copyfile(lab.WORKSPACE / "07_classroom_explorer.ipynb", lab.WORKSPACE / name)
        yield {"lab": client, "name": name, "stage": stage, "before": before, "out": cwd / "lab.out"}
    finally:
        proc.terminate()
        proc.wait(GUARD_S)
        log.close()
        for leftover in (lab.WORKSPACE / name, lab.WORKSPACE / ".ipynb_checkpoints" / name.replace(".ipynb",
                                                                                                   "-checkpoint.ipynb")):
            leftover.unlink(missing_ok=True)
        if not existed:
            shutil.rmtree(lab.WORKSPACE, ignore_errors=True)


def test_the_workspace_holds_the_students_notebooks_not_the_answer_key(student):
    names = sorted(p.name for p in lab.WORKSPACE.glob("[0-9][0-9]_*.ipynb"))
    assert names == sorted(p.name for p in outputs.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")
                           if p.stem not in lab.TEACHERS_ONLY)
    assert "09_teacher_notes.ipynb" not in names
    # witness: git itself says the folder is ignored
    assert subprocess.run(["git", "check-ignore", "-q", str(lab.WORKSPACE / "07_classroom_explorer.ipynb")],
                          cwd=REPO).returncode == 0
    assert "Traceback" not in student["out"].read_text()


def test_a_default_run_of_07_writes_figures_byte_for_byte_and_saving_changes_nothing_committed(student):
    client, name = student["lab"], student["name"]
    check = ("import os, numpy._core._multiarray_umath as m\n"
             "print(os.environ.get('NPY_DISABLE_CPU_FEATURES'), m.__cpu_features__.get('AVX512_SKX'), os.getcwd(), "
             "sep='|')")
    executed, printed = client.run(name, extra=check)
    text = "\n".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert "wrote 07_classroom_explorer.json to figures/" in text, text
    # witness: the committed file, against what the run wrote (into the test's stage instead of figures/)
    written = student["stage"] / "07_classroom_explorer.json"
    assert written.read_bytes() == (outputs.FIGURES_DIR / "07_classroom_explorer.json").read_bytes()
    # the kernel computes as nanoflux reproduce's do, in the workspace
    features, avx512, cwd = printed.strip().split("|")
    assert features == KERNEL_ENV["NPY_DISABLE_CPU_FEATURES"] and avx512 in ("False", "None")
    assert Path(cwd) == lab.WORKSPACE
    client.call("PUT", f"/api/contents/{name}", {"type": "notebook", "format": "json",
                                                 "content": json.loads(nbformat.writes(executed))})
    assert _git_status() == student["before"]["status"]


def test_a_run_with_other_values_goes_to_build_runs(student):
    client, name = student["lab"], student["name"]
    model = client.call("GET", f"/api/contents/{name}")
    nb = nbformat.reads(json.dumps(model["content"]), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('material = "none"', 'material = "Fe"').replace('shape = "sphere"',
                                                                                      'shape = "rod"')
    client.call("PUT", f"/api/contents/{name}", {"type": "notebook", "format": "json",
                                                 "content": json.loads(nbformat.writes(nb))})
    executed, _ = client.run(name)
    text = "\n".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert re.search(r"wrote 07_classroom_explorer\.json to build/runs/07_classroom_explorer/\w+/", text), text
    client.call("PUT", f"/api/contents/{name}", {"type": "notebook", "format": "json",
                                                 "content": json.loads(nbformat.writes(executed))})
    # witness: git, and the bytes of every committed result and stored notebook
    assert _git_status() == student["before"]["status"]
    assert _digests(outputs.FIGURES_DIR) == student["before"]["figures"]
    assert _digests(outputs.NOTEBOOKS_DIR) == student["before"]["notebooks"]


def test_the_stored_notebooks_are_out_of_the_students_reach(student):
    import urllib.error

    # witness: Jupyter Server's HTTP status for a path outside the workspace
    with pytest.raises(urllib.error.HTTPError) as refused:
        student["lab"].call("GET", "/api/contents/../notebooks/07_classroom_explorer.ipynb")
    assert refused.value.code in (400, 403, 404)
