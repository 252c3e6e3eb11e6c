"""Live preview for editors: serve a rendered folder on 127.0.0.1, watch content/ and the
templates, rebuild on a change and tell open browsers to reload (Server-Sent Events).

The reload script is added to HTML responses by this server as they are sent, never written into
files, so nothing of the preview can reach a published site. When a rebuild is refused (for
example `build.py check` found an error), the open pages show the problems instead of reloading.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

log = logging.getLogger(__name__)

EVENTS = "/__preview/events"
RELOAD_SCRIPT = """<script>/* live preview (served by build.py serve --watch only) */
(() => {
  const source = new EventSource("%(events)s?v=%(version)d");
  let box = null;
  source.addEventListener("reload", () => location.reload());
  source.addEventListener("problems", (event) => {
    const problems = JSON.parse(event.data);
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.id = "preview-problems";
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;" +
        "background:#7f1d1d;color:#fff;font:14px/1.5 monospace;padding:12px;z-index:99999;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "미리보기를 다시 만들지 못했습니다 (파일을 고치면 자동으로 다시 시도합니다):\\n" + problems.join("\\n");
  });
})();
</script>"""


@dataclass
class RebuildResult:
    """What one rebuild did: problems (refused) or a short summary (done)."""

    problems: list[str] = field(default_factory=list)
    summary: str = ""
    seconds: float = 0.0


class PreviewState:
    """The current build version and problems; SSE handlers wait on it."""

    def __init__(self) -> None:
        self.version = 1
        self.problems: list[str] = []
        self.changed = threading.Condition()
        self.stopped = False
        self.last_signal = 0.0  # time.monotonic() of the last reload/problems signal

    def publish(self, result: RebuildResult) -> None:
        with self.changed:
            self.version += 1
            self.problems = list(result.problems)
            self.last_signal = time.monotonic()
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopped = True
            self.changed.notify_all()


class _PreviewHandler(SimpleHTTPRequestHandler):
    state: PreviewState

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == EVENTS:
            self._events()
            return
        super().do_GET()

    def send_head(self):
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        body = inject_reload_script(path.read_bytes(), self.state.version)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def _events(self) -> None:
        query = self.path.partition("?")[2]
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        try:
            seen = int(params.get("v", "0"))
        except ValueError:
            seen = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.state
        try:
            self.wfile.write(b"retry: 300\n\n")
            self.wfile.flush()
            while True:
                with state.changed:
                    if state.version == seen and not state.stopped:
                        state.changed.wait(timeout=15)
                    version, problems, stopped = state.version, state.problems, state.stopped
                if stopped:
                    return
                if version == seen:
                    self.wfile.write(b": keep-alive\n\n")
                elif problems:
                    data = json.dumps(problems, ensure_ascii=False)
                    self.wfile.write(f"event: problems\ndata: {data}\n\n".encode())
                    seen = version
                else:
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                    seen = version
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def inject_reload_script(html: bytes, version: int) -> bytes:
    """The page with the live-reload script before </body> (or at the end)."""
    script = (RELOAD_SCRIPT % {"events": EVENTS, "version": version}).encode()
    marker = html.rfind(b"</body>")
    if marker < 0:
        return html + script
    return html[:marker] + script + html[marker:]


class PreviewServer:
    """The preview site on http://127.0.0.1:PORT/ in a background thread."""

    def __init__(self, root: Path, port: int = 0, state: PreviewState | None = None) -> None:
        self.state = state or PreviewState()
        handler = type("Handler", (_PreviewHandler,), {"state": self.state})
        factory = functools.partial(handler, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", port), factory)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.state.stop()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _relevant(change: watchfiles.Change, path: str) -> bool:
    name = Path(path).name
    return not (name.startswith(".") or name.endswith(("~", ".swp", ".tmp")) or "/.tmp-" in path)


def watch_and_rebuild(
    folders: Iterable[Path],
    rebuild: Callable[[set[Path]], RebuildResult],
    state: PreviewState,
    stop: threading.Event,
    on_result: Callable[[RebuildResult], None] | None = None,
    step_ms: int = 30,
) -> None:
    """Wait for changes under `folders`, rebuild, and signal the browsers; until `stop` is set.

    A rebuild that raises is reported to the browsers as a problem; the watcher goes on.
    """
    watched = [str(f) for f in folders if f.exists()]
    for changes in watchfiles.watch(
        *watched,
        watch_filter=_relevant,
        stop_event=stop,
        step=step_ms,
        debounce=1600,
        rust_timeout=500,
        yield_on_timeout=False,
    ):
        changed = {Path(path) for _, path in changes}
        started = time.perf_counter()
        try:
            result = rebuild(changed)
        except Exception as exc:  # keep the preview alive while the editor fixes the file
            log.exception("preview rebuild failed")
            result = RebuildResult(problems=[f"{type(exc).__name__}: {exc}"])
        result.seconds = time.perf_counter() - started
        state.publish(result)
        if on_result:
            on_result(result)


@dataclass
class PreviewBuilder:
    """What a change means: check the content, re-tag after a taxonomy edit, render."""

    taxonomy_dir: Path
    check: Callable[[], list[str]]  # the errors of `build.py check`, formatted
    render: Callable[[], str]  # renders the preview site; returns a summary
    retag: Callable[[], str] | None = None  # re-tags the archive; returns a summary

    def __call__(self, changed: set[Path]) -> RebuildResult:
        problems = self.check()
        if problems:
            return RebuildResult(problems=problems)
        parts = []
        taxonomy = self.taxonomy_dir.resolve()
        if self.retag and any(p.resolve().is_relative_to(taxonomy) for p in changed):
            parts.append(self.retag())
        parts.append(self.render())
        return RebuildResult(summary="; ".join(p for p in parts if p))
