"""Static PNG/SVG export of plotly figures through one persistent Chromium per process.

`plotly`'s `write_image` starts a new Chromium for every image. kaleido 1.x then finds the page's
JavaScript context by the first `Runtime.executionContextCreated` event after navigating, which
under load can be the blank page's context, not kaleido's: the render fails with
"ReferenceError: kaleido_scopes is not defined". kaleido reloads a tab after each render and takes
the reloaded page's context, which is always its own. So this module keeps one browser open for
the whole process, renders a warm-up figure first (a failure there is the start-up race and is
not the user's figure), bounds every render with a timeout, and retries a failed render once on
a fresh browser. A figure that still fails raises `StaticExportError`, one line naming it.

    png = render(fig, "png", name="topics_heatmap", scale=2)
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
from concurrent.futures import TimeoutError as FutureTimeout

START_TIMEOUT = 60.0   # seconds to open Chromium and load kaleido's page
RENDER_TIMEOUT = 60.0  # seconds per image; kaleido's own timeout is set to the same
RETRIES = 1
_CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class StaticExportError(RuntimeError):
    """A figure could not be exported; the message is one line naming it."""


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:300]}"


def chromium_path() -> str | None:
    """The browser kaleido should drive: $BROWSER_PATH, else the first Chromium on PATH."""
    if path := os.environ.get("BROWSER_PATH"):
        return path
    for name in _CHROMIUM:
        if path := shutil.which(name):
            return path
    return None


class _Browser:
    """One kaleido browser on an event loop of its own thread, so that synchronous code can wait
    on it with a timeout (kaleido's own sync server waits forever if the browser never starts)."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._thread.start()
        self._kaleido = None

    def _call(self, coro, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise TimeoutError(f"no answer from Chromium in {timeout:.0f} s") from None

    def open(self) -> None:
        import kaleido

        path = chromium_path()
        if path is None:
            raise StaticExportError("no Chromium found for static figures: install Debian's chromium "
                                    "(make setup does) or set BROWSER_PATH")

        async def start():
            # mathjax=False: the default loads MathJax from a CDN, which this machine cannot reach
            k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=path)
            await k.open()
            return k

        self._kaleido = self._call(start(), START_TIMEOUT)

    def render(self, fig, fmt: str, scale: float, timeout: float) -> bytes:
        opts = {"format": fmt, "scale": scale}
        return self._call(self._kaleido.calc_fig(fig, opts=opts), timeout)

    def close(self) -> None:
        if self._kaleido is not None:
            try:
                self._call(self._kaleido.close(), 20)
            except Exception:  # noqa: BLE001 - closing a browser that already died is not an error
                pass
            self._kaleido = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def _warm_up(browser: _Browser) -> None:
    import plotly.graph_objects as go

    tiny = go.Figure(go.Scatter(x=[0], y=[0]))
    for _ in range(2):  # the first render may meet the start-up race; kaleido reloads its tab after it
        try:
            browser.render(tiny, "png", 1, RENDER_TIMEOUT)
            return
        except TimeoutError:
            raise
        except Exception:  # noqa: BLE001 - the race shows as a JavaScript error; the reload clears it
            continue


class Exporter:
    """The process's browser, opened on first use and replaced when a render fails."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one browser, one render at a time
        self._browser: _Browser | None = None

    def _open(self) -> _Browser:
        browser = _Browser()
        try:
            browser.open()
            _warm_up(browser)
        except BaseException:
            browser.close()
            raise
        return browser

    def _drop(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None

    def render(self, fig, fmt: str, *, name: str, scale: float = 1) -> bytes:
        with self._lock:
            last: BaseException | None = None
            for _attempt in range(RETRIES + 1):
                try:
                    if self._browser is None:
                        self._browser = self._open()
                    return self._browser.render(fig, fmt, scale, RENDER_TIMEOUT + 10)
                except StaticExportError:
                    raise
                except Exception as exc:  # noqa: BLE001 - browser-side errors have many types: retried, then named
                    last = exc
                    self._drop()
            raise StaticExportError(f"figure {name}.{fmt}: static export failed after {RETRIES + 1} attempts: "
                                    f"{_first_line(last)}")

    def close(self) -> None:
        with self._lock:
            self._drop()


_exporter = Exporter()
atexit.register(_exporter.close)


def render(fig, fmt: str, *, name: str, scale: float = 1) -> bytes:
    """The figure as PNG or SVG bytes; `StaticExportError` naming `name` if it fails twice."""
    return _exporter.render(fig, fmt, name=name, scale=scale)


def close() -> None:
    """Close the process's browser (also done at exit)."""
    _exporter.close()
