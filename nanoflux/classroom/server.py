"""The classroom app's server: Voila 0.5, serving one notebook to a class, and nothing else.

Started by ``nanoflux classroom`` (nanoflux.classroom.app) as ``python -m nanoflux.classroom.server``, in the
app's temporary folder, on a listening socket the command has already bound (``--ClassroomVoila.listen_fd``):
the address and port are taken, or refused, before anything is announced. On top of Voila (its settings are in
``assets/voila.json``; the kernel websocket's limits in nanoflux.classroom.websocket; the kernels' places in
nanoflux.classroom.pool), :class:`ClassroomVoila` serves

* the app's page, ``/`` only: a query (``?template=lab``, which would start a kernel with another template)
  is redirected to the bare page, and when every place is taken (``max_students``) the answer is
  :data:`FULL_PAGE`, "The class is full", with status 503. The page gets the ``_xsrf`` cookie its unload
  beacon needs, so a closed tab frees its kernel at once (Voila 0.5 sets none: voila-dashboards/voila#1458);
* no login or logout pages (nothing is protected by a password: nothing but the app is served), and a
  template's static files only under ``<template>/static/``: ``/logout`` and ``/voila/templates/../x`` are
  404s, not tracebacks in the teacher's terminal;
* quietly: an error answering a request is one line (:class:`OneLine`), never a traceback.

When it stops (SIGTERM, SIGHUP, or its parent's death, which sends SIGTERM), Voila stops every kernel and
this module removes the app's folder (``--ClassroomVoila.workdir``), whatever the parent managed to do.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import sys

import tornado.httpserver
import tornado.ioloop
import tornado.iostream
import tornado.web
import tornado.websocket
import voila.app as voila_app
from traitlets import Int, Unicode
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from nanoflux.classroom.pool import ARRIVAL, capped

FULL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The class is full</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="30"></head>
<body style="font: 20px/1.5 system-ui, sans-serif; max-width: 36em; margin: 15vh auto; padding: 0 1em">
<h1 style="font-size: 28px">The class is full</h1>
<p>All {places} places of this classroom app are taken. This page tries again every 30 seconds; a place
frees as soon as someone closes their tab.</p>
<p style="color: #555">Teacher: <code>nanoflux classroom --students N</code> sets the number of places (each
takes about 120 MB of memory). A larger class uses the institution's JupyterHub, serving the same app.</p>
</body></html>"""


class ClassroomPageHandler(TornadoVoilaHandler):
    """The app's page (see the module)."""

    @tornado.web.authenticated
    async def get(self, path=None):
        if self.request.query:
            return self.redirect(self.base_url)
        manager = self.kernel_manager
        if path:  # Voila redirects it to /voila/files/, which serves nothing (no file is allowed)
            return await super().get(path)
        if manager.free_places() <= 0:
            self.set_status(503)
            self.set_header("Retry-After", "30")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            return self.finish(FULL_PAGE.format(places=manager.places))
        self.xsrf_token  # noqa: B018 - sets the _xsrf cookie that the page's unload beacon sends back
        manager.arriving += 1  # a place held from here until the page has its kernel (pool.arrived) or fails
        arrival = {"waiting": True}
        ARRIVAL.set(arrival)  # this request's own task
        try:
            async for html in self.get_generator(path=path):
                self.write(html)
                self.flush()
        finally:
            if arrival["waiting"]:  # no kernel became the page's
                arrival["waiting"] = False
                manager.arriving -= 1


class TemplateFiles(TemplateStaticFileHandler):
    """Voila's template files, only as ``<template>/static/<file>``: anything else is a 404 (Voila's own
    handler fails on it with an assertion, a 500 and a traceback)."""

    def parse_url_path(self, path):
        normal = os.path.normpath(path)
        parts = normal.split(os.sep)
        if len(parts) < 3 or parts[1] != "static" or ".." in parts or os.path.isabs(normal):
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(path)


class NotFound(tornado.web.RequestHandler):
    def prepare(self):
        raise tornado.web.HTTPError(404)


#: Errors that only say a student's tab closed while its kernel was still speaking to it: nothing for the teacher.
CLOSED_TAB = (tornado.websocket.WebSocketClosedError, tornado.iostream.StreamClosedError)


class OneLine(logging.Filter):
    """A request's error as one line, without its traceback (the teacher's terminal stays readable); a closed
    tab's (:data:`CLOSED_TAB`) not at all."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None and issubclass(record.exc_info[0], CLOSED_TAB):
            return False
        if record.exc_info:
            kind = record.exc_info[0].__name__ if record.exc_info[0] else "error"
            record.msg = f"{' '.join(str(record.getMessage()).split())[:200]} ({kind})"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True


class ClassroomVoila(Voila):
    """Voila for a class (see the module)."""

    max_students = Int(30, config=True, help="places: pages served at once (a 503 'the class is full' page beyond)")
    listen_fd = Int(-1, config=True, help="a listening socket's file descriptor to serve on (bound by the parent)")
    workdir = Unicode("", config=True, help="the app's temporary folder, removed when the server stops")

    def initialize(self, argv=None):
        super().initialize(argv)
        signal.signal(signal.SIGHUP, self._handle_signal_stop)

    def init_settings(self):
        original = voila_app.voila_kernel_manager_factory
        voila_app.voila_kernel_manager_factory = capped(original)
        try:
            return super().init_settings()
        finally:
            voila_app.voila_kernel_manager_factory = original

    def init_handlers(self):
        identity = {spec[0] for spec in self.identity_provider.get_handlers()}
        handlers = [(r"/(login|logout)", NotFound)]
        for spec in super().init_handlers():
            pattern, handler = spec[0], spec[1]
            if pattern in identity:
                continue
            if handler is TornadoVoilaHandler:
                spec = (pattern, ClassroomPageHandler, *spec[2:])
            elif handler is TemplateStaticFileHandler:
                spec = (pattern, TemplateFiles, *spec[2:])
            handlers.append(spec)
        return handlers

    def listen(self):
        if self.listen_fd < 0:
            return super().listen()
        sock = socket.socket(fileno=self.listen_fd)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        tornado.httpserver.HTTPServer(self.app).add_sockets([sock])
        self.ioloop = tornado.ioloop.IOLoop.current()
        try:
            self.ioloop.start()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def main(argv=None) -> int:
    """Run the server until a signal stops it; remove the app's folder."""
    for name in ("tornado", "tornado.access", "tornado.application", "tornado.general"):
        logging.getLogger(name).setLevel(logging.ERROR)
    quiet = OneLine()
    for name in ("tornado.application", "tornado.general", "ClassroomVoila", "Voila", "asyncio",
                 "zmq.eventloop.zmqstream"):
        logging.getLogger(name).addFilter(quiet)
    app = None
    try:
        app = ClassroomVoila.instance()
        app.initialize(argv)
        for handler in (*app.log.handlers, *logging.getLogger().handlers):  # and what reaches them from elsewhere
            handler.addFilter(quiet)
        app.start()
        return 0
    finally:
        if app is not None and app.workdir:
            shutil.rmtree(app.workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
