"""Static export: one browser per process, a retry on a browser-side error, a one-line error naming the figure."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from analysis.report import static_images as static_export


class FakeBrowser:
    """Stands in for Chromium: fails the first `fails` renders, then returns bytes."""

    opened = 0
    fails = 0

    def __init__(self):
        FakeBrowser.opened += 1

    def open(self):
        pass

    def render(self, fig, fmt, scale, timeout):
        if FakeBrowser.fails:
            FakeBrowser.fails -= 1
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined\n    at <anonymous>:1:26")
        return f"{fmt}@{scale}".encode()

    def close(self):
        pass


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(static_export, "_Browser", FakeBrowser)
    monkeypatch.setattr(static_export, "_warm_up", lambda browser: None)
    FakeBrowser.opened, FakeBrowser.fails = 0, 0
    return static_export.Exporter()


def test_one_browser_serves_every_figure(fake):
    fig = go.Figure()
    assert fake.render(fig, "png", name="a", scale=2) == b"png@2"
    assert fake.render(fig, "svg", name="a") == b"svg@1"
    assert fake.render(fig, "png", name="b") == b"png@1"
    assert FakeBrowser.opened == 1


def test_a_browser_side_error_is_retried_once_on_a_fresh_browser(fake):
    FakeBrowser.fails = 1
    assert fake.render(go.Figure(), "png", name="topics_heatmap") == b"png@1"
    assert FakeBrowser.opened == 2


def test_a_figure_that_fails_twice_is_named_in_one_line(fake):
    FakeBrowser.fails = 2
    with pytest.raises(static_export.StaticExportError) as err:
        fake.render(go.Figure(), "svg", name="topics_heatmap")
    message = str(err.value)
    assert message.startswith("figure topics_heatmap.svg: static export failed after 2 attempts: RuntimeError:")
    assert "kaleido_scopes is not defined" in message and "\n" not in message


def test_a_timeout_is_an_error_not_a_hang(monkeypatch):
    """The browser's loop is stuck: the call returns after its timeout instead of waiting for ever."""
    import asyncio

    browser = static_export._Browser()
    try:
        with pytest.raises(TimeoutError, match="no answer from Chromium in 0 s"):
            browser._call(asyncio.sleep(30), 0.2)
    finally:
        browser.close()


def test_real_chromium_renders_png_and_svg():
    if static_export.chromium_path() is None:
        pytest.skip("no Chromium (make setup installs Debian's)")
    fig = go.Figure(go.Bar(x=["盐城", "西藏"], y=[1, 2]))
    png = static_export.render(fig, "png", name="test", scale=1)
    svg = static_export.render(fig, "svg", name="test")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"<svg" in svg[:200]


def test_a_kernel_leaves_its_captioned_figure_and_the_runner_draws_it(fake, monkeypatch, tmp_path):
    """With the runner's env, `save` writes the CSV and the figure (caption included), no image;
    `draw_deferred` then draws PNG and SVG with this process's one browser and removes the spec."""
    import pandas as pd

    from analysis import PROJECT_ROOT
    from analysis.report import notebook

    monkeypatch.setattr(static_export, "_exporter", fake)
    monkeypatch.setenv(notebook.DEFER_STATIC_ENV, "1")
    monkeypatch.delenv(notebook.NO_STATIC_ENV, raising=False)
    t = notebook.setup(PROJECT_ROOT / "data" / "processed")
    t["units"]
    notebook.save(go.Figure(go.Bar(x=[1], y=[2])), pd.DataFrame({"a": [1]}), "fig", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.csv", "fig.static.json"]
    import json

    caption = json.loads((tmp_path / "fig.static.json").read_text(encoding="utf-8"))["layout"]["annotations"][0]["text"]
    assert caption.startswith("来源 Source: tables units (data/processed)<br>made ") and "raw sha256: yancheng-2022" in caption
    assert notebook.draw_deferred(tmp_path) == [tmp_path / "fig.png", tmp_path / "fig.svg"]
    assert (tmp_path / "fig.png").read_bytes() == b"png@2" and (tmp_path / "fig.svg").read_bytes() == b"svg@1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.csv", "fig.png", "fig.svg"]
    assert FakeBrowser.opened == 1
    monkeypatch.setenv(notebook.NO_STATIC_ENV, "1")  # report --no-static: the CSV alone
    notebook.save(go.Figure(), pd.DataFrame({"a": [1]}), "other", tmp_path)
    assert not list(tmp_path.glob("other.*[gn]"))


def test_a_deferred_figure_that_fails_twice_is_named(fake, monkeypatch, tmp_path):
    from analysis.report import notebook

    monkeypatch.setattr(static_export, "_exporter", fake)
    (tmp_path / "topics_heatmap.static.json").write_text(go.Figure().to_json(), encoding="utf-8")
    FakeBrowser.fails = 2
    with pytest.raises(static_export.StaticExportError, match=r"^figure topics_heatmap.png: static export failed"):
        notebook.draw_deferred(tmp_path)
