"""The weekly chart as geometry for an inline SVG: two bars a week (sent, replies) on a shared scale.

Drawn on the server, so no chart script is needed; the template gives it a
title, a description and a data table for those who do not see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from carnet.store.metrics import Week

WIDTH, HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 36, 36, 12
MAX_LABELS = 13


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


@dataclass(frozen=True)
class Column:
    week: Week
    sent: Bar
    replies: Bar
    label_x: float
    labelled: bool


@dataclass(frozen=True)
class Chart:
    columns: list[Column]
    ticks: list[tuple[float, int]]  # (y, value)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM


def weekly_chart(weeks: list[Week]) -> Chart:
    highest = max([1, *(w.sent for w in weeks), *(w.replies for w in weeks)])
    step = -(-highest // 4)
    top = step * 4 if highest > 4 else highest
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 8) / max(len(weeks), 1)
    bar = max(slot * 0.38, 1.0)
    every = max(1, -(-len(weeks) // MAX_LABELS))

    def make(value: int, x: float) -> Bar:
        height = plot_height * value / top
        return Bar(round(x, 1), round(HEIGHT - BOTTOM - height, 1), round(bar, 1), round(height, 1), value)

    columns = [Column(week, make(week.sent, LEFT + i * slot + slot * 0.1),
                      make(week.replies, LEFT + i * slot + slot * 0.1 + bar), round(LEFT + i * slot + slot / 2, 1),
                      i % every == 0) for i, week in enumerate(weeks)]
    steps = range(0, top + 1, step)
    ticks = [(round(HEIGHT - BOTTOM - plot_height * value / top, 1), value) for value in steps]
    return Chart(columns, ticks)
