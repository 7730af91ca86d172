"""The classroom app as a teacher starts it (``nanoflux classroom``), and a client that speaks to it directly:
HTTP, and the Jupyter kernel protocol over its websocket (both wire protocols jupyter_server 2 speaks), as a
student's browser or anyone on the classroom's network could. Shared by the protocol, server and browser tests
and the load benchmark.

* legacy (no subprotocol): text frames are JSON messages with a "channel" key;
* v1 (subprotocol ``v1.kernel.websocket.jupyter.org``, what Voila 0.5's page speaks): an 8-byte little-endian
  offset count, little-endian offsets, then channel, header, parent header, metadata, content, buffers.
"""
from __future__ import annotations

import datetime
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from helpers import GUARD_S, free_port

V1 = "v1.kernel.websocket.jupyter.org"


class App:
    """``nanoflux classroom --host HOST --port P --students N --no-browser [extra]`` run from ``cwd``, its
    output in ``cwd/app.out``. A context manager: stopped with SIGTERM on leaving, if still running."""

    def __init__(self, cwd: Path, *extra: str, host: str = "127.0.0.1", students: int = 2, port: int | None = None,
                 env: dict | None = None):
        self.cwd, self.host, self.students = Path(cwd), host, students
        self.port = port or free_port(host)
        self.args = [sys.executable, "-m", "nanoflux", "classroom", "--host", host, "--port", str(self.port),
                     "--students", str(students), "--no-browser", *extra]
        self.env = {**os.environ, **(env or {})}
        self.url = f"http://{host}:{self.port}/"

    def start(self, wait: bool = True) -> App:
        self.log = open(self.cwd / "app.out", "w+")
        self.proc = subprocess.Popen(self.args, cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        if wait and not self.wait_listening():
            raise RuntimeError(f"the classroom app did not start: {self.output()}")
        return self

    __enter__ = start

    def wait_listening(self) -> bool:
        deadline = time.monotonic() + GUARD_S
        while True:  # a connection, not a page load (which would take a place)
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return True
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    return False
                time.sleep(0.1)

    def output(self) -> str:
        self.log.flush()
        return (self.cwd / "app.out").read_text()

    def server(self):
        """The server process (nanoflux.classroom.server), a psutil.Process."""
        import psutil

        deadline = time.monotonic() + GUARD_S
        while True:
            children = [p for p in psutil.Process(self.proc.pid).children() if "nanoflux.classroom.server" in
                        " ".join(p.cmdline())]
            if children or time.monotonic() > deadline:
                return children[0]
            time.sleep(0.1)

    def kernels(self) -> list:
        """The server's kernel processes."""
        try:
            return [p for p in self.server().children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        except Exception:  # noqa: BLE001 - the server is gone
            return []

    def settle(self, count: int | None = None, timeout: float = GUARD_S) -> int:
        """Wait until the server runs ``count`` kernels (default: one per place: the pool is warm)."""
        count = self.students if count is None else count
        deadline = time.monotonic() + timeout
        while len(self.kernels()) != count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.kernels())} kernels, not {count}: {self.output()}")
            time.sleep(0.2)
        return count

    def request(self, method: str, path: str, headers=None, body=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=GUARD_S)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def page(self) -> tuple[str, dict]:
        """Load the app's page as a browser does; its kernel id and the response headers."""
        status, headers, body = self.request("GET", "/")
        assert status == 200, (status, body[:300])
        return re.search(rb'"kernelId": "([0-9a-f-]{36})"', body).group(1).decode(), headers

    def connect(self, kernel_id: str, protocol: str = V1):
        import websocket

        return websocket.create_connection(
            f"ws://{self.host}:{self.port}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}",
            subprotocols=[protocol] if protocol else None, timeout=GUARD_S)

    def stop(self, signum=signal.SIGTERM) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
            self.proc.wait(GUARD_S)
        return self.output()

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            self.log.close()
        return False


# -- the kernel protocol ------------------------------------------------------------------------------

def message(msg_type, content=None, *, channel="shell", session="probe", metadata=None):
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "probe", "session": session,
                       "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "version": "5.3"},
            "parent_header": {}, "metadata": metadata or {}, "content": content or {}, "channel": channel}


def encode(msg, protocol=V1):
    """A frame (bytes for v1, str for the legacy protocol) holding ``msg`` (as made by :func:`message`)."""
    if protocol != V1:
        return json.dumps(msg)
    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    channel = msg["channel"].encode()
    offsets = [8 * (len(parts) + 3)]
    for part in [channel, *parts]:
        offsets.append(offsets[-1] + len(part))
    return b"".join([len(offsets).to_bytes(8, "little"), *(o.to_bytes(8, "little") for o in offsets), channel, *parts])


def decode(frame, protocol=V1) -> dict:
    """The message a server's frame holds, with its "channel" and "buffers"."""
    if isinstance(frame, str):
        return {**json.loads(frame), "buffers": []}
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)] + [len(frame)]
    parts = [frame[a:b] for a, b in zip(offsets, offsets[1:]) if a < len(frame)]
    header, parent, metadata, content = (json.loads(p) for p in parts[1:5])
    return {"channel": parts[0].decode(), "header": header, "parent_header": parent, "metadata": metadata,
            "content": content, "buffers": parts[5:]}


def send(ws, msg_type, content=None, *, channel="shell", metadata=None, protocol=V1) -> str:
    import websocket

    msg = message(msg_type, content, channel=channel, metadata=metadata)
    frame = encode(msg, protocol)
    ws.send(frame, opcode=websocket.ABNF.OPCODE_BINARY if isinstance(frame, bytes) else websocket.ABNF.OPCODE_TEXT)
    return msg["header"]["msg_id"]


def messages(ws, seconds: float, protocol=V1):
    """The messages the server sends within ``seconds``, decoded; then "closed" if it closes the socket."""
    import websocket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            frame = ws.recv()
        except websocket.WebSocketTimeoutException:
            return
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            frame = ""
        if frame in ("", b""):
            yield "closed"
            return
        yield decode(frame, protocol)


def _parent(msg) -> str | None:
    return msg.get("parent_header", {}).get("msg_id")


def replies(ws, msg_id: str, seconds: float, protocol=V1, until: str | None = None) -> list[str]:
    """The types of the messages answering ``msg_id`` within ``seconds`` (or until one of type ``until``);
    "closed" if the server closed the socket."""
    out = []
    for msg in messages(ws, seconds, protocol):
        if msg == "closed" or _parent(msg) == msg_id:
            out.append("closed" if msg == "closed" else msg["header"]["msg_type"])
            if out[-1] in ("closed", until):
                break
    return out


def replies_before(ws, msg_id: str, barrier_id: str, protocol=V1) -> list[str]:
    """The types of the messages answering ``msg_id`` that arrive before the reply to ``barrier_id``, a request
    sent after it on the same channel (a kernel answers one channel's requests in order, and the server
    forwards them in order: a request that reached the kernel is answered before the barrier is), then
    "closed" if the server closed the socket; fails after the hang guard with no reply to the barrier."""
    out = []
    for msg in messages(ws, GUARD_S, protocol):
        if msg == "closed":
            return [*out, "closed"]
        if _parent(msg) == msg_id:
            out.append(msg["header"]["msg_type"])
        elif _parent(msg) == barrier_id and msg["header"]["msg_type"].endswith("_reply"):
            return out
    raise AssertionError("hang guard: the barrier request was never answered")


def widget_states(ws, timeout: float = GUARD_S) -> dict:
    """What Voila's page asks first: the widgets' states, through the widget control comm."""
    control = uuid.uuid4().hex
    send(ws, "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
         metadata={"version": "1.0.0"})
    send(ws, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.settimeout(max(0.1, deadline - time.monotonic()))
        msg = decode(ws.recv())
        if msg["header"]["msg_type"] == "comm_msg" and msg["content"]["data"].get("method") == "update_states":
            return msg["content"]["data"]["states"]
    raise AssertionError("no widget states")
