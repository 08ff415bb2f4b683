"""Bar charts drawn on the server by matplotlib (Agg, SVG, system fonts) and made fit to inline in a staff page."""

from __future__ import annotations

import io
import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
INK = "#1d2430"  # the pages' text colour: 15:1 on white
# Bar colours, each at least 4.5:1 against the white background (WCAG 1.4.11 needs 3:1 for graphics).
COLOURS = ("#0b5cad", "#9a4a00", "#2b6e2f", "#5b6472")
# Text stays text (the browser's own sans-serif, no font embedded or fetched); ids are the same at every drawing.
RC_PARAMS = {"svg.fonttype": "none", "svg.hashsalt": "magnetic-factors", "font.family": "sans-serif"}
_draw_lock = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe
# CSS properties of matplotlib's style attributes that SVG also takes as presentation attributes.
PRESENTATION = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "text-anchor",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "clip-path",
}


@dataclass(frozen=True)
class Series:
    """One coloured set of bars: its name and a value per category."""

    name: str
    values: tuple[float, ...]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: tuple[str, ...],
    series: tuple[Series, ...],
    value_format: str = "{:g}",
    limit: float | None = None,
) -> Markup:
    """Horizontal grouped bars as inline SVG with role="img", a <title> and a <desc> naming it."""
    return Markup(_bar_chart(chart_id, title, description, categories, series, value_format, limit))


@lru_cache(maxsize=64)  # the same numbers draw the same chart: most page views redraw nothing
def _bar_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: tuple[str, ...],
    series: tuple[Series, ...],
    value_format: str,
    limit: float | None,
) -> str:
    height = 0.9 + 0.32 * len(categories) * len(series) + 0.25 * len(categories)
    with _draw_lock:
        figure = _new_figure(width=7.2, height=height)
        axes = figure.add_subplot()
        band = 0.8 / len(series)
        top = max([v for s in series for v in s.values] + [0.0])
        for index, one in enumerate(series):
            # the first category on top, each series in the order given within it
            positions = [c - 0.4 + band * (index + 0.5) for c in range(len(categories))]
            bars = axes.barh(
                positions, one.values, height=band * 0.9, color=COLOURS[index % len(COLOURS)], label=one.name
            )
            axes.bar_label(bars, labels=[value_format.format(v) for v in one.values], padding=3, color=INK, fontsize=11)
        axes.set_yticks(range(len(categories)))
        axes.set_yticklabels(categories, fontsize=11, color=INK)
        axes.invert_yaxis()
        axes.set_xlim(0, limit if limit is not None else (top * 1.18 or 1))
        axes.tick_params(colors=INK, labelsize=10)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if len(series) > 1:
            axes.legend(loc="lower right", frameon=False, fontsize=10, labelcolor=INK)
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return inline_svg(out.getvalue(), chart_id=chart_id, title=title, description=description)


def _new_figure(*, width: float, height: float) -> Any:
    """A matplotlib Figure on the SVG canvas (matplotlib imported on first use: it takes a second to load)."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(RC_PARAMS)
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=72)
    FigureCanvasSVG(figure)
    return figure


def inline_svg(svg: str, *, chart_id: str, title: str, description: str) -> str:
    """matplotlib's SVG document made into an element for an HTML page under a strict CSP.

    No <style> and no style attributes (the pages' CSP allows neither): each becomes presentation attributes. Ids get
    the chart's prefix so two charts on one page do not clash; role="img" with aria-labelledby names it.
    """
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
    for element in root.iter():
        _restyle(element, chart_id)
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)  # the page's CSS sizes it, from its viewBox
    root.set("stroke-linejoin", "round")  # what matplotlib's <style> said for every element
    root.set("role", "img")
    root.set("class", "chart")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    description_element = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-desc"})
    description_element.text = description
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{chart_id}-title"})
    title_element.text = title
    root.insert(0, description_element)
    root.insert(0, title_element)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


_URL = re.compile(r"url\(#([^)]+)\)")


def _restyle(element: ET.Element, prefix: str) -> None:
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font":  # matplotlib writes the shorthand "10px 'sans-serif'"
            size, _, family = value.partition(" ")
            element.set("font-size", size)
            element.set("font-family", family.strip().strip("'\""))
        elif name in PRESENTATION and value:
            element.set(name, value)
    if "id" in element.attrib:
        element.set("id", f"{prefix}-{element.attrib['id']}")
    for attribute in ("clip-path", "mask", "filter"):
        if attribute in element.attrib:
            element.set(attribute, _URL.sub(lambda m: f"url(#{prefix}-{m.group(1)})", element.attrib[attribute]))
    link = element.attrib.pop(f"{{{XLINK_NS}}}href", None) or element.attrib.pop("href", None)
    if link is not None:
        element.set("href", f"#{prefix}-{link[1:]}" if link.startswith("#") else link)
