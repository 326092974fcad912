"""Contract generation: a contract with 60 agreed items.

Measured side by side in one run against a baseline: a bare python-docx script that writes
the same paragraphs (title page, headings, articles) and the same pay table with no fonts,
sections, fields or signature block. The design's extra cost is the price of a real document
(templates, East Asian fonts, header and footer, cleaning every string).

    python bench/bench_contracts.py [repeats]
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.config.settings")

TOPICS = ["pay", "protection", "safety", "rewards_penalties", "insurance_welfare", "training"]
KINDS = ["money", "minutes", "text", "hours", "percent", "quantity"]


def make_data():
    from bargaining.contracts import docx_builder as b
    from bargaining.contracts.content import contract_data
    from bargaining.contracts.wording import AgreedItem

    items = [
        AgreedItem(
            topic=TOPICS[n % len(TOPICS)],
            title=f"第{n + 1}项约定事项",
            value="暂停派单并通知骑手" if KINDS[n % len(KINDS)] == "text" else str(5 + n),
            unit="元/单" if KINDS[n % len(KINDS)] == "money" else "",
            value_kind=KINDS[n % len(KINDS)],
        )
        for n in range(60)
    ]
    return contract_data(
        title="示范市外卖配送行业集体合同",
        case_name="基准测试",
        employer=b.Party("示范即送科技有限公司", "周经理"),
        union=b.Party("示范市快递外卖行业工会联合会", "赵工会"),
        items=items,
    )


def baseline(data) -> bytes:
    """The same paragraphs and table, written with python-docx and nothing else."""
    from docx import Document

    from bargaining.contracts.content import numbered

    document = Document()
    document.add_paragraph(data.title)
    document.add_paragraph(data.employer.name)
    document.add_paragraph(data.union.name)
    for chapter in numbered(data):
        document.add_heading(chapter.heading, level=1)
        for article in chapter.articles:
            document.add_paragraph(f"{article.label} {article.text}")
    table = document.add_table(rows=1, cols=3)
    for row in data.pay_rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = row.item, row.value, row.unit
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def median_ms(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    import django

    django.setup()
    from bargaining.contracts.docx_builder import build_contract

    repeats = int((argv or sys.argv[1:] or ["30"])[0])
    data = make_data()
    articles = sum(len(c.articles) for c in data.chapters)
    # Warm up both (imports, template loading) before measuring.
    build_contract(data)
    baseline(data)
    # Interleaved (one of each in turn): on a shared machine both see the same load.
    design_times, base_times = [], []
    for _ in range(repeats):
        design_times.append(median_ms(lambda: build_contract(data), 1))
        base_times.append(median_ms(lambda: baseline(data), 1))
    design, base = statistics.median(design_times), statistics.median(base_times)
    print(f"contract with 60 items ({articles} articles, {len(data.pay_rows)} pay rows)")
    print(f"  bare python-docx : {base:7.1f} ms (median of {repeats})")
    print(f"  build_contract   : {design:7.1f} ms (median of {repeats})")
    print(f"  ratio            : {design / base:5.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
