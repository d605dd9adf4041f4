"""Bar charts as SVG text, drawn by matplotlib (no pyplot, no GUI, nothing fetched).

Text stays text in the SVG (`svg.fonttype = none`): the PDF keeps it searchable and a screen
reader can read it. The output is the same for the same figures (fixed ids, no date), and it
starts at `<svg`: no XML prolog or DTD, ready to sit inside the HTML.

Its styling is in presentation attributes (`fill="#0072B2"`), not in `style` attributes or
a `<style>` element: the console's pages forbid inline style (Content-Security-Policy), and
an inline chart must look the same there as in the file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape
from typing import Any

from mentorat.reports import numbers

# Colour-blind-safe pairs (Okabe–Ito), dark enough on white and in grey print.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
# What matplotlib's <style> element sets on every element: inherited from the root instead.
_ROOT = 'stroke-linejoin="round" stroke-linecap="butt"'


def bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    ylabel: str,
    percent: bool = False,
    width_inches: float = 6.4,
) -> str:
    """Grouped vertical bars: one group per category, one bar per series; `percent` when
    the values are shares (0..1)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    style: dict[Any, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "mentorat-bilan",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(width_inches, 2.8), layout="constrained")
        axes = figure.subplots()
        count = max(len(series), 1)
        width = 0.8 / count
        for index, (name, values) in enumerate(series):
            offset = (index - (count - 1) / 2) * width
            positions = [i + offset for i in range(len(categories))]
            axes.bar(positions, list(values), width=width, label=name, color=COLOURS[index % 4])
        axes.set_xticks(range(len(categories)), list(categories))
        axes.set_ylabel(ylabel)
        if percent:
            axes.set_ylim(0, 1)
            axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numbers.percent(v)))
        else:
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numbers.decimal(v, 0)))
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        if len(series) > 1:
            # Above the plot, never over a bar.
            axes.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(series))
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _inline(buffer.getvalue(), title)


def _inline(svg: str, title: str) -> str:
    svg = _METADATA.sub("", svg[svg.index("<svg") :])
    svg = _STYLE_ATTRIBUTE.sub(_attributes, _STYLE_ELEMENT.sub("", svg))
    label = escape(title, quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" {_ROOT} ', 1)


def _attributes(style: re.Match[str]) -> str:
    """`style="fill: #fff; stroke-width: 0.8"` as ` fill="#fff" stroke-width="0.8"` (every
    property matplotlib writes is also an SVG presentation attribute)."""
    pairs = (d.partition(":") for d in style.group(1).split(";"))
    return "".join(f' {k.strip()}="{v.strip()}"' for k, _, v in pairs if k.strip() and v.strip())
