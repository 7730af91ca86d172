"""The classroom app's kernel websocket: what a page may send to its kernel, checked before the server reads it.

Voila 0.5 already forwards only six message types from a page to its kernel (``comm_open``, ``comm_close``,
``comm_msg``, ``comm_info_request``, ``kernel_info_request``, ``shutdown_request``): no code runs. What it does
not stop, and :class:`ClassroomConnection` does (``Voila.kernel_websocket_connection_class`` in
``assets/voila.json``):

* **Frames that cost the server its memory.** jupyter_server reads a binary frame's part count before
  anything else and builds a format string (legacy protocol) or a list (v1) of that length: a 24-byte frame
  claiming 2**31 parts takes tens of GB. Only the v1 protocol that Voila's page speaks is accepted, and a
  frame's offsets are checked (at most :data:`MAX_PARTS` parts, increasing, inside the frame) before
  jupyter_server sees it. After a server-side close jupyter_server would read the next frames as the legacy
  protocol (its handler forgets the subprotocol): the protocol chosen at the start is kept.
* **Widgets made by a client.** ``comm_open`` is accepted for the widget control comm only (the page asks
  it for the widgets' states); a client could otherwise create any number of widgets in its kernel.
* **Floods.** Shell and control channels only, and at most :data:`RATE` messages a second (bursts of
  :data:`BURST`); the rest are dropped. A key press or a drag sends one update at a time, as the kernel answers.

A dropped message is logged (the first few per connection); a malformed frame or another protocol closes the
socket (code 1008, policy).
"""
from __future__ import annotations

import json
import time

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

V1 = "v1.kernel.websocket.jupyter.org"
#: channel, header, parent header, metadata, content and a few buffers (the page sends none)
MAX_PARTS = 16
RATE, BURST = 20.0, 60
COMM_TARGETS = frozenset({"jupyter.widget.control"})
CHANNELS = frozenset({"shell", "control"})


class FrameError(ValueError):
    """A websocket frame that is not a well-formed v1 kernel message."""


def v1_parts(frame: bytes) -> list[bytes]:
    """The parts of a v1 frame (channel, header, parent header, metadata, content, buffers...), checked:
    FrameError when the frame claims more parts than :data:`MAX_PARTS` or offsets outside itself."""
    if len(frame) < 16:
        raise FrameError("short frame")
    count = int.from_bytes(frame[:8], "little")
    if not 6 <= count <= MAX_PARTS + 6 or 8 * (count + 1) > len(frame):
        raise FrameError(f"frame claims {count} offsets")
    offsets = [int.from_bytes(frame[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != 8 * (count + 1) or any(b < a for a, b in zip(offsets, offsets[1:])) or offsets[-1] > len(frame):
        raise FrameError("offsets outside the frame")
    return [frame[a:b] for a, b in zip(offsets, offsets[1:])]


def refusal(frame) -> str | None:
    """Why a frame from a page must not reach its kernel, or None when it may; FrameError for a malformed one."""
    if not isinstance(frame, bytes):
        raise FrameError("a text frame (the legacy protocol)")
    parts = v1_parts(frame)
    try:
        channel = parts[0].decode()
        msg_type = json.loads(parts[1])["msg_type"]
        target = json.loads(parts[4]).get("target_name") if msg_type == "comm_open" else None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FrameError(f"unreadable message ({type(exc).__name__})") from None
    if channel not in CHANNELS:
        return f"channel {channel!r}"
    if msg_type == "comm_open" and target not in COMM_TARGETS:
        return f"comm_open for {target!r}"
    return None


class ClassroomConnection(ZMQChannelsWebsocketConnection):
    """The kernel websocket, limited to what Voila's page sends (see the module)."""

    _protocol = None
    _tokens = float(BURST)
    _last = 0.0
    _dropped = 0

    @property
    def subprotocol(self):
        current = super().subprotocol
        if current:
            self._protocol = current
        return self._protocol or current

    def _drop(self, why: str, close: bool = False) -> None:
        self._dropped += 1
        if self._dropped <= 3 or close:
            self.log.warning("classroom: dropped a message from %s (%s)",
                             self.websocket_handler.request.remote_ip, why)
        if close:
            self.websocket_handler.close(1008, "policy")

    def handle_incoming_message(self, incoming_msg) -> None:
        now = time.monotonic()
        if self._last:
            self._tokens = min(BURST, self._tokens + (now - self._last) * RATE)
        self._last = now
        if self._tokens < 1:
            return self._drop("over the message rate")
        self._tokens -= 1
        if self.subprotocol != V1:
            return self._drop("not the v1 kernel websocket protocol", close=True)
        try:
            why = refusal(incoming_msg)
        except FrameError as exc:
            return self._drop(f"malformed frame: {exc}", close=True)
        if why is not None:
            return self._drop(why)
        return super().handle_incoming_message(incoming_msg)
