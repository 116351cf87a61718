"""`mentorkit serve`: a live preview of the site that rebuilds when a file changes.

The site is built into a temporary folder and served on localhost. A change to any YAML
file, template or asset of the project's layers triggers a rebuild; open pages reload
themselves. When the project has problems, every page shows them instead, until they
are fixed: the preview never dies of a typo.
"""

from __future__ import annotations

import html
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .build import BuildOptions, build
from .errors import InvalidProject, MentorkitError
from .layers import library_root, locate

log = logging.getLogger("mentorkit")

VERSION_PATH = "/__mentorkit__/version"
RELOAD_SCRIPT = f"""<script>
(function () {{
  var seen = null;
  function check() {{
    fetch("{VERSION_PATH}", {{cache: "no-store"}}).then(function (r) {{ return r.text(); }})
      .then(function (v) {{ if (seen !== null && v !== seen) {{ location.reload(); }} seen = v; }})
      .catch(function () {{}});
  }}
  setInterval(check, 1000); check();
}})();
</script>"""


class Preview:
    """The state shared by the watcher and the web server: the site or the problems."""

    def __init__(self, project: Path | None, out: Path) -> None:
        self.project = project
        self.out = out
        self.version = 0
        self.problems: list[str] = []
        self.lock = threading.Lock()

    @property
    def site(self) -> Path:
        return self.out / "site"

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            build(self.project, BuildOptions(out=self.out, only=frozenset({"site"}), workers=1))
        except InvalidProject as error:
            problems = error.lines()
        except MentorkitError as error:
            problems = error.lines()
        else:
            problems = []
        with self.lock:
            self.problems = problems
            self.version += 1
        if problems:
            log.info("%d problem(s); the preview shows them until they are fixed", len(problems))
            for line in problems:
                log.info("%s", line)
        else:
            log.info("Rebuilt in %.1f s", time.perf_counter() - started)

    def error_page(self) -> bytes:
        items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in self.problems)
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<title>mentorkit: problems to fix</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:60rem;margin:3rem auto;padding:0 1rem}"
            "h1{color:#b00020}li{margin:.5rem 0}code{white-space:pre-wrap}</style></head><body>"
            f"<h1>{len(self.problems)} problem(s) to fix</h1>"
            "<p>The preview rebuilds as soon as you save a file.</p>"
            f"<ul>{items}</ul>{RELOAD_SCRIPT}</body></html>"
        ).encode()


class _Handler(SimpleHTTPRequestHandler):
    preview: Preview

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        self.preview = preview
        super().__init__(*args, directory=str(preview.site), **kwargs)

    def do_GET(self) -> None:
        if self.path == VERSION_PATH:
            self._send(str(self.preview.version).encode(), "text/plain")
            return
        with self.preview.lock:
            problems = bool(self.preview.problems)
        if problems:
            self._send(self.preview.error_page(), "text/html; charset=utf-8")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            page = path.read_text(encoding="utf-8").replace("</body>", RELOAD_SCRIPT + "</body>")
            self._send(page.encode(), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


def watched_folders(project: Path | None) -> list[Path]:
    """The project's folder and the built-in library: any change there rebuilds."""
    location = locate(project)
    folders = {location.root, *(layer.root for layer in location.layers), library_root()}
    return sorted(folders)


@contextmanager
def _watch(folders: list[Path], on_change: Callable[[], None]) -> Iterator[None]:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            name = str(event.src_path)
            if "/dist/" in name or "/.git/" in name or "/." in name.rsplit("/", 1)[-1][:1]:
                return
            if event.event_type in ("modified", "created", "deleted", "moved"):
                on_change()

    observer = Observer()
    for folder in folders:
        observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()
    try:
        yield
    finally:
        observer.stop()
        observer.join()


@contextmanager
def running(
    project: Path | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    rebuild_here: bool = False,
) -> Iterator[tuple[ThreadingHTTPServer, Preview, Callable[[], None]]]:
    """The preview, built once and watched, with a server ready to serve it.

    Yields the server, the preview and the rebuild loop. The loop runs in a thread of its
    own unless `rebuild_here`: then the caller runs it in the main thread, where the
    template budget's watchdog can stop a template that loops without end.
    """
    with tempfile.TemporaryDirectory(prefix="mentorkit-serve-") as folder:
        preview = Preview(project, Path(folder) / "out")
        preview.rebuild()
        preview.site.mkdir(parents=True, exist_ok=True)
        changed = threading.Event()

        def rebuild_loop() -> None:
            while True:
                changed.wait()
                time.sleep(0.3)  # let an editor finish writing
                changed.clear()
                preview.rebuild()

        if not rebuild_here:
            threading.Thread(target=rebuild_loop, daemon=True).start()
        handler = partial(_Handler, preview=preview)
        with (
            ThreadingHTTPServer((host, port), handler) as server,
            _watch(watched_folders(project), changed.set),
        ):
            yield server, preview, rebuild_loop


def serve(project: Path | None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Build, serve and rebuild on change until interrupted (Ctrl+C)."""
    with running(project, host, port, rebuild_here=True) as (server, _preview, rebuild_loop):
        log.info("Serving on http://%s:%d/ (Ctrl+C to stop)", host, server.server_address[1])
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with suppress(KeyboardInterrupt):
            rebuild_loop()
        server.shutdown()
