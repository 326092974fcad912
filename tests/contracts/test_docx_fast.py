"""The DOCX shortcuts give what python-docx's own calls give, byte for byte."""

import io
import zipfile

import pytest
from docx import Document
from lxml import etree

from bargaining.contracts import docx_builder, docx_fast
from tests.contracts.test_docx_builder import sample


def saved_members(document) -> dict[str, bytes]:
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as saved:
        return {info.filename: saved.read(info) for info in saved.infolist()}


def test_package_files_are_what_save_writes_in_the_same_order():
    document = docx_builder._new_document("标题", docx_builder.ZH)
    document.add_paragraph("正文")
    document.add_table(rows=2, cols=2).cell(0, 0).text = "表格"
    direct = docx_fast.package_files(document)
    saved = saved_members(document)
    assert list(direct) == list(saved)
    assert direct == saved


@pytest.mark.parametrize("style", ["Title", "Heading 1", "Heading 2", "Normal", "Quote"])
@pytest.mark.parametrize("text", ["第一章 总则", "", "  spaced  "])
def test_styled_paragraph_matches_add_paragraph(style, text):
    ours, theirs = Document(), Document()
    for _ in range(3):  # the cached id is reused for later paragraphs
        docx_fast.add_styled_paragraph(ours, text, style)
        theirs.add_paragraph(text, style)
    assert etree.tostring(ours.element.body) == etree.tostring(theirs.element.body)


@pytest.mark.parametrize("language", [docx_builder.ZH, "en"])
def test_whole_contract_bytes_equal_the_python_docx_path(monkeypatch, language):
    """The contract built with the shortcuts and with python-docx's own save and style
    lookups (the shortcuts replaced by their python-docx equivalents) is the same file."""
    data = sample(language)
    fast = docx_builder.build_contract(data)

    def slow_styled(document, text, style):
        return document.add_paragraph(text, style)

    def slow_files(document):
        return saved_members(document)

    monkeypatch.setattr(docx_fast, "add_styled_paragraph", slow_styled)
    monkeypatch.setattr(docx_fast, "package_files", slow_files)
    assert docx_builder.build_contract(data) == fast
