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


def threshold_chart_svg(
    rows: Sequence[tuple[str, int, int, str]],
    *,
    base: int,
    title: str,
    width: int = 360,
    bar_height: int = 30,
) -> str:
    """Bars measured against ALL ``base`` eligible voters, each with the line it had to reach:
    rows of (label, value, needed, line label). Used for the collective-contract rule, whose
    two thresholds (two thirds take part; at least half of all approve) both count the whole
    electorate, not the votes cast. A bar reaching its line (inclusive) is drawn green."""
    label_height = 20
    row_height = label_height + bar_height + 30
    height = max(1, len(rows)) * row_height + 4
    inner = width - 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="ballot-chart threshold-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value, needed, line_label) in enumerate(rows):
        top = index * row_height + 4
        bar = round(inner * value / base) if base else 0
        line = round(inner * needed / base) if base else 0
        colour = "#1b5e20" if value >= needed else "#8a4b00"
        parts.append(
            f'<text x="0" y="{top + 15}" font-size="15" fill="#1a1a1a">{escape(label)}</text>'
        )
        y = top + label_height
        parts.append(
            f'<rect x="0" y="{y}" width="{inner}" height="{bar_height}" fill="#eeeeee" rx="4"/>'
        )
        if bar:
            parts.append(
                f'<rect x="0" y="{y}" width="{bar}" height="{bar_height}" fill="{colour}" rx="4"/>'
            )
        parts.append(
            f'<text x="{inner - 4}" y="{y + 20}" font-size="14" text-anchor="end" '
            f'fill="#1a1a1a">{value} / {base}</text>'
        )
        parts.append(
            f'<line x1="{line}" y1="{y - 4}" x2="{line}" y2="{y + bar_height + 4}" '
            f'stroke="#1a1a1a" stroke-width="2" stroke-dasharray="4 3" class="threshold"/>'
        )
        anchor = "end" if line > inner / 2 else "start"
        parts.append(
            f'<text x="{line}" y="{y + bar_height + 18}" font-size="13" text-anchor="{anchor}" '
            f'fill="#1a1a1a">{escape(line_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
