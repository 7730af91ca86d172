"""How soon Ctrl-C stops the work: dipole_field in a plain process and in a Jupyter kernel, and nanoflux reproduce.

The tests prove that an interrupt stops the work (tests/test_dipole_interrupt.py, tests/test_reproduce_safety.py)
without timing it; this script measures how soon, against the targets the README states:

- dipole_field on several threads and on one, in a plain process: from SIGINT to KeyboardInterrupt out of the
  call (target 0.5 s), the CPU the process uses in the half second after (a pool left running uses about
  0.9 s there), and from the stop to the end of the process (target 1 s);
- the same call in a Jupyter kernel interrupted as JupyterLab does: from the interrupt to KeyboardInterrupt
  (target 0.5 s) and to the kernel's execute_reply (target 1 s);
- nanoflux reproduce --only 05 06 (into a temporary folder) stopped by SIGINT to its process group and by
  SIGTERM: from the signal to its exit (target 2 s).

Times are taken with time.monotonic(), one clock for every process on Linux and macOS. Prints the median of
--repeat runs and its ratio to the target (at most 1 meets it).

    .venv/bin/python benchmarks/bench_interrupt.py [--repeat 3]
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SETUP = ("import threading, time\n"
         "import numpy as np\n"
         "from nanoflux import dipole_field\n"
         "rng = np.random.default_rng(1)\n"
         "pos, mom = rng.normal(size=({N}, 3)), rng.normal(size=({N}, 3))\n"
         "pts = rng.normal(size=({M}, 3)) + 10.0\n")
#: 2e10 pairs on the available threads, and 4e9 pairs at 8,000 points (one thread): a minute and 20 s of work
WORKLOADS = {"several threads": {"N": 20000, "M": 1000000}, "one thread": {"N": 500000, "M": 8000}}
IDLE_S = 0.5


def plain_process(size: dict) -> dict:
    """One interrupted call in a child process: stop, CPU after it, and exit, in seconds."""
    child = (SETUP.format(**size) +
             "print('started', flush=True)\n"
             "try:\n"
             "    dipole_field(pts, pos, mom)\n"
             "except KeyboardInterrupt:\n"
             "    stopped, cpu = time.monotonic(), time.process_time()\n"
             f"    time.sleep({IDLE_S})\n"
             "    print('stopped', stopped, time.process_time() - cpu, flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().split() == ["started"]
    time.sleep(1.0)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    words = proc.stdout.readline().split()
    proc.wait(timeout=300)
    ended = time.monotonic()
    assert words and words[0] == "stopped", "the call ended before the signal"
    stop = float(words[1]) - sent
    return {"stop": stop, "cpu after": float(words[2]), "exit after stop": ended - sent - stop - IDLE_S}


def kernel() -> dict:
    """The long threaded call in a Jupyter kernel, interrupted: stop and execute_reply, in seconds."""
    import jupyter_client

    folder = Path(tempfile.mkdtemp(prefix="nf-bench-"))
    km = jupyter_client.KernelManager(kernel_name="python3", connection_file=str(folder / "kernel.json"),
                                      transport="ipc")
    km.start_kernel(extra_arguments=["--HistoryManager.enabled=False"])
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        kc.execute_interactive(SETUP.format(**WORKLOADS["several threads"]) +
                               "_stopped_at = None\n"
                               "def run():\n"
                               "    global _stopped_at\n"
                               "    try:\n"
                               "        dipole_field(pts, pos, mom)\n"
                               "    except KeyboardInterrupt:\n"
                               "        _stopped_at = time.monotonic()\n"
                               "        raise\n", timeout=120)
        msg_id = kc.execute("run()")
        time.sleep(1.0)
        sent = time.monotonic()
        km.interrupt_kernel()
        while kc.get_shell_msg(timeout=120)["parent_header"].get("msg_id") != msg_id:
            pass
        reply = time.monotonic() - sent
        check = kc.execute_interactive("", user_expressions={"stopped": "_stopped_at"}, timeout=60)["content"]
        stop = float(check["user_expressions"]["stopped"]["data"]["text/plain"]) - sent
        return {"stop": stop, "reply": reply}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def reproduce(how: str) -> dict:
    """nanoflux reproduce of notebooks 05 and 06 into a temporary folder, stopped once both kernels run."""
    import psutil

    folder = Path(tempfile.mkdtemp(prefix="nf-bench-"))
    proc = subprocess.Popen([sys.executable, "-m", "nanoflux", "reproduce", "--only", "05", "06", "--out",
                             str(folder / "out")], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while sum("ipykernel" in " ".join(c.cmdline()) for c in psutil.Process(proc.pid).children(recursive=True)) < 2:
        assert time.monotonic() < deadline and proc.poll() is None, "the kernels did not start"
        time.sleep(0.05)
    time.sleep(0.5)
    sent = time.monotonic()
    if how == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=300)
    return {"exit": time.monotonic() - sent}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (default 3); the median is shown")
    args = parser.parse_args()
    cases = [*((f"dipole_field, plain process, {name}", lambda s=size: plain_process(s),
                {"stop": 0.5, "exit after stop": 1.0}) for name, size in WORKLOADS.items()),
             ("dipole_field, Jupyter kernel, several threads", kernel, {"stop": 0.5, "reply": 1.0}),
             *((f"nanoflux reproduce --only 05 06, {how}", lambda h=how: reproduce(h), {"exit": 2.0})
               for how in ("SIGINT", "SIGTERM"))]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; median of {args.repeat}")
    for name, run, targets in cases:
        runs = [run() for _ in range(args.repeat)]
        parts = []
        for key in runs[0]:
            median = statistics.median(r[key] for r in runs)
            target = targets.get(key)
            parts.append(f"{key} {median * 1e3:.0f} ms" +
                         (f" (target {target * 1e3:.0f} ms, ratio {median / target:.2f})" if target else ""))
        print(f"{name}: " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
