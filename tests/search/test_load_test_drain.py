"""The load test starts each measured step on an idle server: it waits until a bare request is
answered at once, twice in a row (`load_test.Command._drain`), so that the requests an earlier
step left queued at the app are not counted against the next one."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from search.management.commands import load_test


class _Busy(BaseHTTPRequestHandler):
    """/healthz slow for the first `slow` requests (a server still answering a queue), then
    at once."""

    slow = 0
    asked = 0

    def do_GET(self):
        type(self).asked += 1
        if type(self).asked <= type(self).slow:
            time.sleep(0.15)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def _serve(slow):
    handler = type("Handler", (_Busy,), {"slow": slow, "asked": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


@pytest.mark.parametrize(
    "slow, asked, at_least",
    [
        (3, 5, 0.45),  # the three slow answers, then two quick ones in a row, and no more
        (0, 2, 0),  # an idle server costs two requests
    ],
)
def test_the_wait_lasts_while_the_server_is_busy_and_ends_once_it_is_idle(slow, asked, at_least):
    server, handler = _serve(slow)
    try:
        waited = load_test.Command._drain(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
    assert at_least <= waited < load_test.DRAIN_SECONDS
    assert handler.asked == asked
