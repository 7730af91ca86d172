"""A class on one machine: N simulated students open the classroom app and move its B slider, on 127.0.0.1.

The app is started as a teacher starts it, ``nanoflux classroom --students N`` (tests/classroom_app.py), and left
to warm its pool of kernels, as a teacher starts it before the lesson. Then each student, at the protocol level
(no browser; asyncio in this one process), does what Voila's page does: ``GET /``, the page's static files
(``classroom_assets.txt``, the list a real page loads in Chromium, at most 6 at a time as a browser fetches
them), ``GET /api/kernels/<id>``, then the kernel websocket (v1 protocol): ``kernel_info_request`` and the widget
control comm's ``request_states``. The page is *interactive* when the widgets' states have arrived. Then, for
``--duration`` seconds, every ``--interval`` seconds (+-50 %, seeded) the student moves B by a few slider steps
(the ``update`` a key press or a drag sends, one at a time, as ipywidgets' front end does) and times the round
trip until the chart's new PNG arrives. ``--drags F``: that fraction of the moves are drags of 10 updates in a row.

Memory is the resident set of the app, its server and its kernels, summed, sampled twice a second. The machine's
load average is printed at the start and the end: on a shared machine other work takes CPU from the class, so
the figures are upper bounds for a laptop that runs nothing else; the CPU used by the class and by everything
else during the run is printed too.

    .venv/bin/python benchmarks/bench_classroom_load.py --students 30 [--duration 60] [--interval 3] [--ramp 0]
    .venv/bin/python benchmarks/bench_classroom_load.py --capture-assets    # refresh classroom_assets.txt

Last line, for scripts: students= errors= median_ms= p95_ms= max_interactive_s= peak_mb=
Targets (2 cores): no error, median under 150 ms, 95th percentile under 500 ms, every page interactive within
10 s, memory under 8 GB.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import psutil  # noqa: E402

from classroom_app import V1, App, decode, encode, message  # noqa: E402

ASSETS = HERE / "classroom_assets.txt"
TARGETS = {"median_ms": 150.0, "p95_ms": 500.0, "max_interactive_s": 10.0, "peak_mb": 8192.0}


def percentile(values, q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def tree(pid: int) -> list:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class Memory:
    """Peak resident memory of a process tree, and its kernels."""

    def __init__(self, pid: int):
        self.pid, self.peak_mb, self.peak_kernels = pid, 0.0, 0

    def sample(self) -> None:
        total, kernels = 0, 0
        for process in tree(self.pid):
            try:
                total += process.memory_info().rss
                kernels += "ipykernel" in " ".join(process.cmdline())
            except psutil.Error:
                pass
        self.peak_mb = max(self.peak_mb, total / 2**20)
        self.peak_kernels = max(self.peak_kernels, kernels)


def cpu_seconds(processes) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
    return total


def busy_seconds() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


class Student:
    def __init__(self, number: int, base: str, args, assets, rng: random.Random):
        self.number, self.base, self.args, self.assets, self.rng = number, base, args, assets, rng
        self.latencies, self.errors = [], []
        self.interactive_s = None

    async def run(self, client) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        t0 = time.monotonic()
        try:
            page = await client.fetch(HTTPRequest(self.base, request_timeout=self.args.page_timeout), raise_error=False)
            if page.code != 200:
                self.errors.append(f"GET / answered {page.code}")
                return
            kernel = re.search(rb'"kernelId": "([0-9a-f-]{36})"', page.body).group(1).decode()
            slots = asyncio.Semaphore(6)  # a browser's connections per host

            async def fetch(path):
                async with slots:
                    got = await client.fetch(self.base.rstrip("/") + path, raise_error=False, request_timeout=120)
                    if got.code != 200:
                        self.errors.append(f"{path} answered {got.code}")

            await asyncio.gather(*(fetch(p) for p in self.assets))
            await client.fetch(f"{self.base}api/kernels/{kernel}", raise_error=False)
            ws = await websocket_connect(self.base.replace("http://", "ws://")
                                         + f"api/kernels/{kernel}/channels?session_id={uuid.uuid4()}",
                                         subprotocols=[V1], max_message_size=64 * 2**20)
            session = uuid.uuid4().hex

            def send(msg_type, content, metadata=None):
                return ws.write_message(encode(message(msg_type, content, session=session, metadata=metadata)),
                                        binary=True)

            send("kernel_info_request", {})
            control = uuid.uuid4().hex
            send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                 metadata={"version": "1.0.0"})
            send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
            deadline, states = time.monotonic() + self.args.page_timeout, None
            while states is None:
                frame = await asyncio.wait_for(ws.read_message(), max(0.1, deadline - time.monotonic()))
                if frame is None:
                    self.errors.append("websocket closed before the widgets arrived")
                    return
                msg = decode(frame)
                if msg["header"]["msg_type"] == "comm_msg" and msg["content"]["data"].get("method") == "update_states":
                    states = msg["content"]["data"]["states"]
            self.interactive_s = time.monotonic() - t0
            ids = {c: k for k, s in states.items() for c in s["state"].get("_dom_classes", [])}
            slider, chart = ids["nanoflux-B"], ids["nanoflux-image"]
            b = states[slider]["state"]
            low, high, step, self.log_b = b["min"], b["max"], b["step"], math.log10(b["value"])
            end = time.monotonic() + self.args.duration
            while time.monotonic() < end:
                await asyncio.sleep(self.args.interval * self.rng.uniform(0.5, 1.5))
                if time.monotonic() >= end:
                    break
                for _ in range(10 if self.rng.random() < self.args.drags else 1):
                    if not await self.move(ws, send, slider, chart, low, high, step):
                        return
            ws.close()
        except asyncio.TimeoutError:
            self.errors.append("timed out waiting for the page's widgets")
        except Exception as exc:  # noqa: BLE001 - every failure of a student is an error to count
            self.errors.append(f"{type(exc).__name__}: {exc}")

    async def move(self, ws, send, slider, chart, low, high, step) -> bool:
        """One move of B by a few steps; the time until the new chart arrives is recorded. False: give up."""
        steps = self.rng.choice([-5, -3, -2, -1, 1, 2, 3, 5])
        new = self.log_b + steps * step
        self.log_b = round((new if low <= new <= high else self.log_b - steps * step) / step) * step
        start = time.monotonic()
        send("comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"value": 10 ** self.log_b},
                                                      "buffer_paths": []}})
        deadline = start + self.args.update_timeout
        while True:
            try:
                frame = await asyncio.wait_for(ws.read_message(), max(0.05, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                self.errors.append(f"no new chart within {self.args.update_timeout:g} s")
                return True
            if frame is None:
                self.errors.append("websocket closed")
                return False
            msg = decode(frame)
            if msg["header"]["msg_type"] == "comm_msg" and msg["content"].get("comm_id") == chart and msg["buffers"]:
                self.latencies.append((time.monotonic() - start) * 1000)
                return True


async def the_class(base: str, args, assets, memory: Memory) -> list[Student]:
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=max(10, 6 * args.students))
    client = AsyncHTTPClient()
    rng = random.Random(args.seed)
    students = [Student(i, base, args, assets, random.Random(rng.random())) for i in range(args.students)]
    stop = asyncio.Event()

    async def sampling():
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            await loop.run_in_executor(None, memory.sample)
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass

    sampler = asyncio.ensure_future(sampling())

    async def arrive(student):
        await asyncio.sleep(args.ramp * student.number / max(1, args.students - 1))
        await student.run(client)

    try:  # bounded, whatever happens
        await asyncio.wait_for(asyncio.gather(*(arrive(s) for s in students)),
                               args.ramp + args.duration + 2 * args.page_timeout + 60)
    finally:
        stop.set()
        await sampler
    return students


def resident_mb(processes) -> float:
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def warm(app: App, timeout: float) -> float:
    """Wait until the app's pool holds a kernel per place, each with its page rendered: the app's processes,
    together, use under a fifth of a core and grow by under 20 MB a second, for three seconds in a row (under
    heavy load CPU alone once read as quiet while half of 60 kernels were still loading); seconds waited."""
    start = time.monotonic()
    app.settle(timeout=timeout)
    quiet = 0
    while quiet < 3 and time.monotonic() - start < timeout:
        processes = tree(app.proc.pid)
        cpu, memory = cpu_seconds(processes), resident_mb(processes)
        time.sleep(1)
        still = cpu_seconds(processes) - cpu < 0.2 and abs(resident_mb(processes) - memory) < 20
        quiet = quiet + 1 if still else 0
    return time.monotonic() - start


def capture_assets(path: Path) -> int:
    """Load the app's page in headless Chromium and write the static files it fetched (paths, one a line)."""
    from chromium import chromium

    with tempfile.TemporaryDirectory() as folder, App(Path(folder), students=1) as app:
        driver = chromium(Path(folder) / "profile", width=1280, height=720)
        try:
            driver.get(app.url)
            deadline = time.monotonic() + 120
            while not driver.execute_script("const i = document.querySelector('img.nanoflux-image');"
                                            "return !!(i && i.complete && i.naturalWidth)"):
                if time.monotonic() > deadline:
                    raise SystemExit("the page did not draw its chart within 120 s")
                time.sleep(0.2)
            urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        finally:
            driver.quit()
    paths = sorted({re.sub(r"^https?://[^/]+", "", u) for u in urls if "/voila/" in u and "/api/" not in u})
    path.write_text("\n".join(paths) + "\n")
    print(f"wrote {len(paths)} static files a page loads to {path}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30, help="students, and the app's places (default 30)")
    parser.add_argument("--duration", type=float, default=60, help="seconds each student moves B (default 60)")
    parser.add_argument("--interval", type=float, default=3, help="mean seconds between moves (default 3)")
    parser.add_argument("--ramp", type=float, default=0, help="arrivals spread over this many seconds (0: at once)")
    parser.add_argument("--drags", type=float, default=0.0, help="fraction of moves that are drags of 10 updates")
    parser.add_argument("--assets", type=Path, default=ASSETS, help="static files a page loads, one a line")
    parser.add_argument("--capture-assets", action="store_true", help="refresh --assets from a page in Chromium")
    parser.add_argument("--page-timeout", type=float, default=120)
    parser.add_argument("--update-timeout", type=float, default=10)
    parser.add_argument("--warm-timeout", type=float, default=300)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args(argv)
    if args.capture_assets:
        return capture_assets(args.assets)
    assets = [line.strip() for line in args.assets.read_text().splitlines() if line.strip()]

    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder, App(Path(folder), students=args.students) as app:
        warmed_s = warm(app, args.warm_timeout)
        memory = Memory(app.proc.pid)
        memory.sample()
        before_mb = memory.peak_mb
        processes = tree(app.proc.pid)
        ours0, busy0, start = cpu_seconds(processes) + cpu_seconds([psutil.Process()]), busy_seconds(), time.monotonic()
        students = asyncio.run(the_class(app.url, args, assets, memory))
        wall = time.monotonic() - start
        ours = cpu_seconds(tree(app.proc.pid)) + cpu_seconds([psutil.Process()]) - ours0
        others = max(0.0, busy_seconds() - busy0 - ours)
        output = app.output()
    load_end = os.getloadavg()

    latencies = [x for s in students for x in s.latencies]
    errors = [e for s in students for e in s.errors]
    interactive = [s.interactive_s for s in students if s.interactive_s is not None]
    median = statistics.median(latencies) if latencies else float("nan")
    p95 = percentile(latencies, 0.95)
    worst = max(interactive) if len(interactive) == len(students) else float("inf")
    print(f"classroom load: {args.students} students on 127.0.0.1, {os.cpu_count()} cores; {len(assets)} static files "
          f"a page")
    print(f"  load average (1, 5, 15 min): {' '.join(f'{x:.1f}' for x in load_start)} at the start, "
          f"{' '.join(f'{x:.1f}' for x in load_end)} at the end")
    print(f"  before the class: pool warm after {warmed_s:.0f} s, {before_mb:.0f} MB")
    print(f"  during the class ({wall:.0f} s): the app and the students {ours / wall:.2f} cores, other work on the "
          f"machine {others / wall:.2f} cores")
    print(f"  arrivals over {args.ramp:g} s, then {args.duration:g} s of moves every ~{args.interval:g} s each"
          + (f", {args.drags:.0%} of them drags of 10 updates" if args.drags else ""))
    if interactive:
        print(f"  interactive (widgets received): median {statistics.median(interactive):.1f} s, "
              f"max {max(interactive):.1f} s ({len(interactive)}/{len(students)} pages)")
    print(f"  updates: {len(latencies)}; median {median:.0f} ms, 95th percentile {p95:.0f} ms, "
          f"max {max(latencies, default=float('nan')):.0f} ms")
    print(f"  memory: peak {memory.peak_mb:.0f} MB (the app, its server and {memory.peak_kernels} kernels)")
    for error, count in Counter(errors).most_common(8):
        print(f"  error x{count}: {error}")
    if "Traceback" in output:
        print("  the app's terminal shows a traceback")
    met = (not errors and median < TARGETS["median_ms"] and p95 < TARGETS["p95_ms"]
           and worst < TARGETS["max_interactive_s"] and memory.peak_mb < TARGETS["peak_mb"])
    print(f"  targets (no error, median < 150 ms, p95 < 500 ms, interactive < 10 s, < 8 GB): "
          f"{'met' if met else 'NOT met'}")
    print(f"students={args.students} errors={len(errors)} median_ms={median:.0f} p95_ms={p95:.0f} "
          f"max_interactive_s={worst:.1f} peak_mb={memory.peak_mb:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
