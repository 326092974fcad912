"""A server-side SVG bar chart of ballot results (pure: no Django, no JavaScript)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def bar_chart_svg(
    rows: Sequence[tuple[str, int, bool]],
    *,
    total: int,
    title: str,
    width: int = 360,
    bar_height: int = 28,
) -> str:
    """Horizontal bars, one per option: (label, votes, highlighted). Bars are scaled to
    ``total`` (the votes cast), so a bar's length is its share of the papers."""
    label_height = 20
    row_height = label_height + bar_height + 12
    height = max(1, len(rows)) * row_height + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="ballot-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, votes, highlighted) in enumerate(rows):
        top = index * row_height + 4
        share = votes / total if total else 0.0
        bar = round((width - 8) * share)
        colour = "#b71c1c" if highlighted else "#7a7a7a"
        percent = f"{share * 100:.1f}%"
        parts.append(
            f'<text x="0" y="{top + 15}" font-size="15" fill="#1a1a1a">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="0" y="{top + label_height}" width="{width - 8}" height="{bar_height}" '
            f'fill="#eeeeee" rx="4"/>'
        )
        if bar:
            parts.append(
                f'<rect x="0" y="{top + label_height}" width="{bar}" height="{bar_height}" '
                f'fill="{colour}" rx="4"/>'
            )
        parts.append(
            f'<text x="{width - 12}" y="{top + label_height + 19}" font-size="14" '
            f'text-anchor="end" fill="#1a1a1a">{votes} · {percent}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
