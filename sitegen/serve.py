"""A small loopback HTTP server for a folder: the built site, or the demo outlets."""

from __future__ import annotations

import functools
import io
import logging
import re
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

log = logging.getLogger(__name__)

_DECLARED = re.compile(rb"""(?:charset=|encoding=)["']?([A-Za-z0-9_-]+)""")


class _Handler(SimpleHTTPRequestHandler):
    """Serves files; optionally replaces a placeholder with the server's own URL in text files."""

    placeholder: bytes = b""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not self.placeholder or not path.is_file() or path.suffix not in (".xml", ".html"):
            return super().send_head()
        body = path.read_bytes().replace(self.placeholder, self._base().encode())
        kind = "application/rss+xml" if path.suffix == ".xml" else "text/html"
        declared = _DECLARED.search(body[:2048])
        charset = declared.group(1).decode() if declared else "utf-8"
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset={charset}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)


@dataclass
class RunningServer:
    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _server(root: Path, port: int, placeholder: str = "") -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"placeholder": placeholder.encode()})
    factory = functools.partial(handler, directory=str(root))
    return ThreadingHTTPServer(("127.0.0.1", port), factory)


def start_server(root: Path, port: int = 0, placeholder: str = "") -> RunningServer:
    """Serve `root` on 127.0.0.1 in a background thread (port 0: any free port)."""
    server = _server(root, port, placeholder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return RunningServer(server, thread)


def serve_forever(root: Path, port: int) -> None:
    """Serve the site in the foreground until Ctrl-C."""
    if not (root / "index.html").exists():
        raise SystemExit(f"{root}: no index.html; run `python build.py render` first")
    server = _server(root, port)
    print(f"serving {root} at http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
