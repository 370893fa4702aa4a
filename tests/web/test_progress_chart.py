"""The progress chart (pure): well-formed SVG, one x position per session, overrides as diamonds with
their tooltip, names kept as text, a sparkline without axes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from mockinterviewer.store.progress import Point, Series
from mockinterviewer.web.progress_chart import describe, line_chart

NS = "{http://www.w3.org/2000/svg}"
DAY0 = datetime(2026, 11, 1, tzinfo=UTC)


def _point(session_id: str, day: int, value: float, *, answers: int = 1, overridden: bool = False) -> Point:
    return Point(session_id, DAY0 + timedelta(days=day), value, answers, overridden)


def test_a_line_over_the_sessions_with_the_override_marked() -> None:
    series = Series("k", "System Design", [_point("s1", 0, 0.25), _point("s3", 2, 1.0, answers=2, overridden=True)])
    svg = ET.fromstring(line_chart(series, ["s1", "s2", "s3"], width=200, height=100))
    assert svg.tag == f"{NS}svg" and svg.get("viewBox") == "0 0 200 100"
    (line,) = svg.iter(f"{NS}polyline")
    xs = [float(p.split(",")[0]) for p in (line.get("points") or "").split()]
    assert xs == [40.0, 184.0]  # s1 at the left edge of the plot, s3 at the right (s2 has no point here)
    (diamond,) = svg.iter(f"{NS}polygon")
    assert diamond.findtext(f"{NS}title") == "2026-11-03 · 100% over 2 answers · with a coach's override"
    (dot,) = svg.iter(f"{NS}circle")
    assert dot.findtext(f"{NS}title") == "2026-11-01 · 25% over 1 answer"
    labels = [t.text for t in svg.iter(f"{NS}text")]
    assert labels == ["0%", "50%", "100%", "2026-11-01", "2026-11-03"]


def test_one_session_is_a_point_in_the_middle_and_no_line() -> None:
    svg = ET.fromstring(line_chart(Series("k", "x", [_point("s1", 0, 0.5)]), ["s1"], width=200, height=100))
    assert not list(svg.iter(f"{NS}polyline"))
    (dot,) = svg.iter(f"{NS}circle")
    assert float(dot.get("cx") or 0) == 40 + (200 - 40 - 16) / 2


def test_names_stay_text_and_values_stay_on_the_chart() -> None:
    hostile = '</title><script>alert(1)</script>&"'
    svg_text = line_chart(Series("k", hostile, [_point("s1", 0, 7.0)]), ["s1"], compact=True)
    assert "<script" not in svg_text
    svg = ET.fromstring(svg_text)
    assert svg.findtext(f"{NS}title") == f"{hostile}: score over sessions" and svg.get("class") == "chart compact"
    assert not list(svg.iter(f"{NS}text"))  # a sparkline has no axes or labels
    (dot,) = svg.iter(f"{NS}circle")
    assert float(dot.get("cy") or 0) == 4  # 7.0 is held at the top (100%)


def test_describe() -> None:
    assert describe(_point("s", 3, 0.625, answers=3)) == "2026-11-04 · 62% over 3 answers"
