"""How long `nanoflux reproduce` takes, where the time goes, and what the notebook machinery costs.

Times, on this machine, with the interpreter that runs this script:
  1. `nanoflux reproduce --jobs 1`       every notebook in turn, in one reused kernel;
  2. `nanoflux reproduce --jobs <cores>` several kernels at once;
  3. the notebooks' own code cells run one after another in one plain Python process, with the
     kernels' NumPy settings (nanoflux.kernels.KERNEL_ENV), so that both compute the same bits;
then the breakdown of run 2 (kernel start, imports, the cells that draw and save figures, the
heaviest cells), read from papermill's per-cell timings in the executed copies, and, with
--tests, the whole test command. Each reproduce run writes into a temporary --out folder.

Targets (2-core machine): reproduce under 20 s; reproduce no slower than the plain process
(ratio at most 1.0); the test command under 90 s.
Run: python benchmarks/bench_reproduce.py [--repeat 3] [--tests]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from nanoflux.running.kernels import KERNEL_ENV  # noqa: E402


def timed(cmd: list[str], repeat: int, keep: Path | None = None) -> float:
    """Median wall time of a command, in seconds; a reproduce run writes into ``keep`` (last run) or a
    temporary folder."""
    times = []
    for i in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out = keep if keep is not None and i == repeat - 1 else Path(tmp) / "out"
            start = time.perf_counter()
            subprocess.run([*cmd, *(["--out", str(out)] if "reproduce" in cmd else [])], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **KERNEL_ENV})
            times.append(time.perf_counter() - start)
    return statistics.median(times)


# The notebooks' own code cells, executed in order in one plain Python process (no kernel,
# no papermill, no nbformat): the same computations and files, without the notebook machinery.
PLAIN = r'''
import contextlib, io, json, sys, tempfile
from pathlib import Path
from nanoflux.running import kernels, outputs, parameters, plan, runner, stored
out = tempfile.mkdtemp()
for path in stored.stored_notebooks():
    cells = json.loads(path.read_text())["cells"]
    namespace = {"__name__": "__main__"}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"{path.name}", "exec"), namespace)
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            namespace["output_dir"] = out
'''

KERNEL_START = r'''
import time
from jupyter_client.manager import start_new_kernel
start = time.perf_counter()
km, kc = start_new_kernel(kernel_name="python3")
print(time.perf_counter() - start)
kc.stop_channels(); km.shutdown_kernel(now=True)
'''


def breakdown(executed: Path) -> None:
    """Where the time of a reproduce run went, from papermill's timings in the executed copies."""
    cells, walls, first, figure_cells = [], {}, {}, 0.0
    for path in sorted(executed.glob("*.ipynb")):
        nb = json.loads(path.read_text())
        walls[path.stem] = nb["metadata"]["papermill"]["duration"]
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        for i, cell in enumerate(code):
            seconds = cell["metadata"].get("papermill", {}).get("duration") or 0.0
            source = "".join(cell["source"])
            cells.append((seconds, path.stem, source.splitlines()[0] if source else ""))
            if i == 1 + any("injected-parameters" in c["metadata"].get("tags", []) for c in code):
                first[path.stem] = seconds  # the cell after the parameters: imports and notebook.start
            if "save_figure" in source:
                figure_cells += seconds
    starts = [float(subprocess.run([sys.executable, "-c", KERNEL_START], capture_output=True, text=True,
                                   check=True).stdout) for _ in range(3)]
    in_cells = sum(s for s, _, _ in cells)
    print("\nwhere the time of the run with all cores went (papermill's timings):")
    print(f"  {'starting a kernel (median of 3, alone)':<52s} {statistics.median(starts):6.2f} s")
    print(f"  {'notebooks, end to end (summed over kernels)':<52s} {sum(walls.values()):6.2f} s")
    print(f"  {'  of which in cells':<52s} {in_cells:6.2f} s")
    print(f"  {'  of which machinery (kernel start, papermill, prelude)':<52s} {sum(walls.values()) - in_cells:6.2f} s")
    print(f"  {'first cell of each notebook (imports, notebook.start)':<52s} {sum(first.values()):6.2f} s   "
          + ", ".join(f"{k[:2]} {v:.2f}" for k, v in sorted(first.items())))
    print(f"  {'cells that draw and save figures (PNG, SVG, PDF)':<52s} {figure_cells:6.2f} s")
    print("  heaviest cells:")
    for seconds, stem, line in sorted(cells, reverse=True)[:6]:
        print(f"    {seconds:5.2f} s  {stem}: {line[:70]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is shown)")
    parser.add_argument("--tests", action="store_true", help="also time the whole test command")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    nanoflux = [sys.executable, "-m", "nanoflux", "reproduce"]
    with tempfile.TemporaryDirectory() as tmp:
        kept = Path(tmp) / "kept"
        one = timed([*nanoflux, "--jobs", "1"], args.repeat)
        many = timed([*nanoflux, "--jobs", str(cores)], args.repeat, keep=kept)
        plain = timed([sys.executable, "-c", PLAIN], args.repeat)
        print(f"machine: {cores} core(s); {sys.executable}; median of {args.repeat} run(s)")
        print(f"{'nanoflux reproduce --jobs 1':<44s} {one:7.2f} s")
        print(f"{f'nanoflux reproduce --jobs {cores}':<44s} {many:7.2f} s   (target < 20 s)")
        print(f"{'same cells, one after another, one process':<44s} {plain:7.2f} s")
        print(f"{'concurrency speed-up (jobs 1 / jobs N)':<44s} {one / many:7.2f} x")
        print(f"{'machinery ratio (jobs N / plain)':<44s} {many / plain:7.2f} x   (target at most 1.0)")
        breakdown(kept / "notebooks")
    if args.tests:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"\n{'test command (python -m pytest)':<44s} {time.perf_counter() - start:7.2f} s   (target < 90 s)")


if __name__ == "__main__":
    main()
