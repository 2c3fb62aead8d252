"""Server-rendered SVG bar charts: accessible, no script, no style attribute (CSP-safe)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 50
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 10
LEGEND_HEIGHT = 24
# Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by the legend too.
FILLS = ("#1f5f8b", "#b35900", "#2e7d32", "#6a1b9a")
SUPPRESSED_FILL = "#767676"


@dataclass(frozen=True)
class Bar:
    """One value: `value` None when suppressed (no bar is drawn), `text` as the table shows it."""

    value: int | None
    text: str


@dataclass(frozen=True)
class Series:
    name: str
    bars: Sequence[Bar]


def bar_chart(
    chart_id: str, title: str, description: str, categories: Sequence[str], series: Sequence[Series]
) -> Markup:
    """A horizontal bar chart; the table beside it is its text alternative."""
    legend = len(series) > 1
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + GROUP_GAP
    top = LEGEND_HEIGHT if legend else 0
    height = top + max(1, len(categories)) * group_height
    largest = max((bar.value or 0 for s in series for bar in s.bars), default=0)
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest if largest else 0
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    if legend:
        parts.extend(_legend(series))
    for index, category in enumerate(categories):
        y = top + index * group_height
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 3}" text-anchor="end" '
            f'font-size="13" fill="#1a1a1a">{escape(category)}</text>'
        )
        for number, item in enumerate(series):
            bar = item.bars[index]
            parts.append(_bar(bar, y + number * (BAR_HEIGHT + BAR_GAP), scale, number))
    parts.append("</svg>")
    # Every text above went through escape(); the numbers are our own.
    return Markup("".join(parts))  # noqa: S704


def _bar(bar: Bar, y: int, scale: float, number: int) -> str:
    width = round((bar.value or 0) * scale)
    fill = FILLS[number % len(FILLS)] if bar.value is not None else SUPPRESSED_FILL
    rect = (
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{fill}"/>'
        if width
        else ""
    )
    return (
        f'{rect}<text x="{LABEL_WIDTH + width + 4}" y="{y + BAR_HEIGHT - 3}" font-size="13" '
        f'fill="{fill if bar.value is None else "#1a1a1a"}">{escape(bar.text)}</text>'
    )


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    x = LABEL_WIDTH
    for number, item in enumerate(series):
        fill = FILLS[number % len(FILLS)]
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{fill}"/>'
            f'<text x="{x + 16}" y="14" font-size="13" fill="#1a1a1a">{escape(item.name)}</text>'
        )
        x += 24 + 8 * len(item.name)
    return parts
