"""Progress charts as SVG text, written by a pure function from a `Series` (no script, no external
reference: the page's CSP allows neither, and inline SVG needs neither).

The SVG is built with `xml.etree.ElementTree`, which escapes every text and attribute, so a criterion
or category name (from the bank) and a session id can never become markup. Styling is by SVG
presentation attributes, not `style` attributes, which the CSP would block.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from mockinterviewer.store.accounts import aware
from mockinterviewer.store.progress import Point, Series

SVG_NS = "http://www.w3.org/2000/svg"
LINE = "#1f5fbf"
OVERRIDE = "#8a4b00"
GRID = "#d8dce3"
MUTED = "#5d6470"
MAX_DATE_LABELS = 6  # more sessions than this: only the first and the last are labelled


def _day(moment: datetime) -> str:
    return aware(moment).strftime("%Y-%m-%d")


def describe(point: Point) -> str:
    """A point in words (its tooltip): date, score, what it rests on, whether a coach overrode it."""
    answers = f"{point.answers} answer{'s' if point.answers != 1 else ''}"
    override = " · with a coach's override" if point.overridden else ""
    return f"{_day(point.at)} · {round(point.value * 100)}% over {answers}{override}"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def line_chart(series: Series, timeline: list[str], *, width: int = 560, height: int = 180,
               compact: bool = False) -> str:
    """`series` as a line over the sessions `timeline` (session ids, oldest first: one x position each,
    so charts of one candidate line up); y is 0 to 100 % of the scale. A point with a coach's override
    is a diamond in the override colour, others are dots; each has a tooltip (`describe`). `compact`:
    no axes or labels (a sparkline for a table)."""
    left, right, top, bottom = (4, 4, 4, 4) if compact else (40, 16, 12, 28)
    plot_w, plot_h = width - left - right, height - top - bottom
    index = {session_id: i for i, session_id in enumerate(timeline)}

    def x(point: Point) -> float:
        if len(timeline) <= 1:
            return left + plot_w / 2
        return left + plot_w * index.get(point.session_id, 0) / (len(timeline) - 1)

    def y(value: float) -> float:
        return top + plot_h * (1 - min(max(value, 0.0), 1.0))

    svg = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {width} {height}", "width": str(width),
                             "height": str(height), "role": "img", "class": "chart" + (" compact" if compact else ""),
                             "aria-label": f"{series.label}: score over sessions"})
    ET.SubElement(svg, "title").text = f"{series.label}: score over sessions"
    if not compact:
        for value in (0.0, 0.5, 1.0):
            ET.SubElement(svg, "line", {"x1": _num(left), "x2": _num(width - right), "y1": _num(y(value)),
                                        "y2": _num(y(value)), "stroke": GRID, "stroke-width": "1"})
            label = ET.SubElement(svg, "text", {"x": _num(left - 6), "y": _num(y(value) + 4), "text-anchor": "end",
                                                "font-size": "11", "fill": MUTED})
            label.text = f"{round(value * 100)}%"
        points_by_session = {p.session_id: p for p in series.points}
        labelled = timeline if len(timeline) <= MAX_DATE_LABELS else [timeline[0], timeline[-1]]
        for session_id in labelled:
            point = points_by_session.get(session_id)
            if point is None:
                continue
            at = x(point)  # a date at either end is kept inside the chart
            anchor = "start" if at - left < 32 else "end" if left + plot_w - at < 32 else "middle"
            text = ET.SubElement(svg, "text", {"x": _num(at), "y": _num(height - 8), "text-anchor": anchor,
                                               "font-size": "11", "fill": MUTED})
            text.text = _day(point.at)
    if len(series.points) > 1:
        ET.SubElement(svg, "polyline", {
            "points": " ".join(f"{_num(x(p))},{_num(y(p.value))}" for p in series.points), "fill": "none",
            "stroke": LINE, "stroke-width": "1.5" if compact else "2", "stroke-linejoin": "round"})
    radius = 3.0 if compact else 4.5
    for point in series.points:
        cx, cy = x(point), y(point.value)
        if point.overridden:
            r = radius + 1
            mark = ET.SubElement(svg, "polygon", {
                "points": f"{_num(cx)},{_num(cy - r)} {_num(cx + r)},{_num(cy)} {_num(cx)},{_num(cy + r)} "
                          f"{_num(cx - r)},{_num(cy)}",
                "fill": OVERRIDE, "class": "overridden"})
        else:
            mark = ET.SubElement(svg, "circle", {"cx": _num(cx), "cy": _num(cy), "r": _num(radius), "fill": LINE})
        ET.SubElement(mark, "title").text = describe(point)
    return ET.tostring(svg, encoding="unicode")
