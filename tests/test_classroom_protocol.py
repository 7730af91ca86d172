"""A client speaking HTTP and the Jupyter kernel protocol to the classroom app directly (not through its page)
can move the app's controls and nothing else: it cannot execute code, read files, reach a terminal or start
kernels beyond the app's places; and the app binds only the address it was given.

The app runs as a teacher starts it, ``nanoflux classroom --host 127.0.0.2``: 127.0.0.2 is a loopback address
(Linux answers all of 127.0.0.0/8), so "only the address given" is checked without a network: 127.0.0.1 on the
same port must refuse.
"""
import socket
import struct
import time
import uuid

import psutil
import pytest

from classroom_app import V1, App, decode, replies, replies_before, send, widget_states
from helpers import GUARD_S

HOST = "127.0.0.2"
PLACES = 3
#: How long a client waits for a reply that must not come, where no later request can prove it dropped
#: (the legacy protocol: the server closes the socket instead)
SILENCE_S = 3


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with App(tmp_path_factory.mktemp("teacher"), host=HOST, students=PLACES) as running:
        running.settle()
        yield running


@pytest.fixture(scope="module")
def kernel_id(app):
    kernel, _ = app.page()
    return kernel


def test_binds_only_the_address_given(app):
    socket.create_connection((HOST, app.port), timeout=5).close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", app.port), timeout=5).close()
    # witness: the kernel's own table of the server's listening sockets
    listening = {c.laddr.ip for c in app.server().net_connections("inet") if c.status == psutil.CONN_LISTEN}
    assert listening == {HOST}
    lines = app.output().splitlines()
    assert lines[0] == f"classroom app on http://{HOST}:{app.port}/ (Ctrl-C stops it)"


@pytest.mark.parametrize("channel, msg_type, content", [
    ("shell", "execute_request", None),
    ("control", "execute_request", None),
    ("shell", "inspect_request", {"code": "open", "cursor_pos": 4, "detail_level": 1}),
    ("shell", "complete_request", {"code": "import o", "cursor_pos": 8}),
    ("shell", "history_request", {"output": True, "raw": True, "hist_access_type": "tail", "n": 10}),
    ("control", "debug_request", {"type": "request", "seq": 1, "command": "initialize", "arguments": {}}),
    ("stdin", "input_reply", {"value": "x"}),
])
def test_no_code_runs_and_no_kernel_introspection(app, kernel_id, tmp_path, channel, msg_type, content):
    marker = tmp_path / "ran"
    if content is None:
        content = {"code": f"open({str(marker)!r}, 'w').write('x')", "silent": False, "store_history": True}
    ws = app.connect(kernel_id)
    try:
        # witness: an allowed request sent after it on the same channel is answered, and a kernel answers a
        # channel's requests in order. stdin has no order with shell (the barrier goes there) and a kernel reads
        # it only while it asks for input: that the server drops it is test_classroom_server's frame check.
        probe = send(ws, msg_type, content, channel=channel)
        barrier = send(ws, "kernel_info_request", {}, channel=channel if channel != "stdin" else "shell")
        got = replies_before(ws, probe, barrier)
    finally:
        ws.close()
    # not even a status message: the kernel never saw the request (the server dropped it, or closed the socket)
    assert got in ([], ["closed"]) and not marker.exists()


def test_the_legacy_protocol_is_refused(app, kernel_id, tmp_path):
    # witness: what the socket receives, and a file the refused code would have made
    marker = tmp_path / "ran"
    ws = app.connect(kernel_id, protocol="")
    try:
        got = replies(ws, send(ws, "execute_request", {"code": f"open({str(marker)!r}, 'w')"}, protocol=""),
                      SILENCE_S, protocol="")
    finally:
        ws.close()
    assert got == ["closed"] and not marker.exists()


def test_only_the_widget_control_comm_opens(app, kernel_id):
    ws = app.connect(kernel_id)
    try:
        # a widget made by the client: its comm_open is dropped, so the kernel never knows that comm
        made = uuid.uuid4().hex
        send(ws, "comm_open", {"comm_id": made, "target_name": "jupyter.widget", "data": {"state": {
            "_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0", "_model_name": "TextModel",
            "_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0", "_view_name": "TextView",
            "value": "x" * 1000}, "buffer_paths": []}}, metadata={"version": "2.1.0"})
        asked = send(ws, "comm_info_request", {})
        comms, deadline = None, time.monotonic() + GUARD_S
        while comms is None and time.monotonic() < deadline:
            msg = decode(ws.recv())
            if msg["parent_header"].get("msg_id") == asked and msg["header"]["msg_type"] == "comm_info_reply":
                comms = msg["content"]["comms"]
        assert comms is not None and made not in comms
        # witness: the page's own request (the control comm) is answered with the app's widgets
        states = widget_states(ws)
        assert any("nanoflux-B" in s["state"].get("_dom_classes", []) for s in states.values())
    finally:
        ws.close()


def test_moving_a_control_is_what_a_client_can_do(app, kernel_id):
    # witness: the B slider's update comes back as a new chart (the Image model's update with its PNG)
    ws = app.connect(kernel_id)
    try:
        states = widget_states(ws)
        ids = {c: k for k, s in states.items() for c in s["state"].get("_dom_classes", [])}
        send(ws, "comm_msg", {"comm_id": ids["nanoflux-B"], "data": {"method": "update", "state": {"value": 0.5},
                                                                      "buffer_paths": []}})
        deadline, chart = time.monotonic() + GUARD_S, None
        while chart is None and time.monotonic() < deadline:
            msg = decode(ws.recv())
            if msg["header"]["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == ids["nanoflux-image"]:
                chart = msg["buffers"][0] if msg["buffers"] else None
        assert chart is not None and chart[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        ws.close()


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/contents"), ("GET", "/api/contents/classroom.ipynb"), ("PUT", "/api/contents/x.py"),
    ("GET", "/files/voila.json"), ("GET", "/voila/files/voila.json"), ("GET", "/voila/files/classroom.ipynb"),
    ("GET", "/voila/files/%2e%2e/%2e%2e/etc/passwd"), ("GET", "/voila/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
    ("GET", "/voila/templates/lab/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
    ("GET", "/voila/templates/../x"), ("GET", "/logout"), ("GET", "/login"),
    ("GET", "/api/terminals"), ("POST", "/api/terminals"), ("GET", "/terminals/websocket/1"),
    ("GET", "/api/kernels"), ("POST", "/api/kernels"), ("GET", "/api/sessions"), ("POST", "/api/sessions"),
    ("GET", "/tree"), ("GET", "/lab"), ("GET", "/api/kernelspecs"), ("GET", "/?template=lab"), ("GET", "/?theme=dark"),
])
def test_no_files_no_terminal_no_new_kernel(app, kernel_id, method, path):
    # witness: the server's HTTP status and body, and the kernel processes before and after
    before = {p.pid for p in app.kernels()}
    status, headers, body = app.request(method, path, body=b"{}" if method != "GET" else None,
                                        headers={"Content-Type": "application/json"})
    assert status in (302, 403, 404, 405), (status, body[:200])
    assert b"root:x:0:0" not in body and b'"nbformat"' not in body and b'"Voila"' not in body
    if status == 302:  # every redirect leads to the bare page or to /voila/files/, which serves nothing
        location = headers["Location"]
        assert location == "/" or location.startswith("/voila/files/"), location
        if location != "/":
            assert app.request("GET", location)[0] == 403
    assert {p.pid for p in app.kernels()} <= before  # no kernel started (a pooled kernel may be refilled later)


def test_malformed_frames_cost_the_server_nothing(app, kernel_id):
    import websocket

    server = app.server()
    rss = server.memory_info().rss
    for protocol, frame in (("", struct.pack("!i", 2**31 - 1) + b"\0" * 16),      # legacy: 2**31 parts
                            (V1, (2**62).to_bytes(8, "little") + b"\0" * 16),     # v1: 2**62 offsets
                            (V1, (8).to_bytes(8, "little") + (2**40).to_bytes(8, "little") * 8)):  # offsets beyond
        ws = app.connect(kernel_id, protocol=protocol)
        ws.send(frame, opcode=websocket.ABNF.OPCODE_BINARY)
        status, _, _ = app.request("GET", f"/api/kernels/{kernel_id}")  # the server still answers
        assert status == 200
        try:
            ws.close()
        except OSError:
            pass
    # witness: the server's own memory (a 2**31-part frame costs tens of GB when parsed)
    assert server.memory_info().rss - rss < 50 * 2**20


def test_kernels_never_exceed_the_places(app, kernel_id):
    pages = 1  # kernel_id's
    while True:
        status, headers, body = app.request("GET", "/")
        if status != 200:
            break
        pages += 1
        assert pages <= PLACES
    # witness: the server's kernel processes, counted by the operating system
    assert status == 503 and pages == PLACES and len(app.kernels()) <= PLACES
    assert b"The class is full" in body and headers.get("Retry-After") == "30"


def test_the_teachers_terminal_shows_no_traceback(app):
    # witness: the app's own output (its log), after every probe above: /logout, /voila/templates/../x,
    # malformed frames, refused messages
    output = app.output()
    assert "Traceback" not in output and "Uncaught exception" not in output, output
    assert output.splitlines()[:2] == [f"classroom app on http://{HOST}:{app.port}/ (Ctrl-C stops it)",
                                       "only this computer can open it; for a class, start it with --host 0.0.0.0 (or "
                                       "this computer's address on the classroom's network)"]
