"""The hot spots of building a DOCX with python-docx, done directly, with the same bytes.

Profiling the 60-item contract (docs/performance.md, "Contract generation") showed two
costs python-docx pays per call that a long document repeats hundreds of times:

- a paragraph style given by name is resolved by scanning every style of the document
  (``Styles.default`` for each lookup): here the ids are looked up once per document;
- saving writes a ZIP that ``_to_bytes`` had to read and write again with fixed timestamps:
  here the parts are serialised once, straight into the deterministic ZIP.

tests/contracts pin the output bytes against python-docx's own path.
"""

from __future__ import annotations

import io
import zipfile

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem

ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def deterministic_zip(files: dict[str, bytes]) -> bytes:
    """A ZIP of the given files in order, with fixed timestamps (same input, same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def package_files(document) -> dict[str, bytes]:
    """The members of the document's package, in the order python-docx's ``save`` writes
    them (content types, package relationships, then each part and its relationships)."""
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    files = {
        CONTENT_TYPES_URI.membername: _ContentTypesItem.from_parts(parts).blob,
        PACKAGE_URI.rels_uri.membername: package.rels.xml,
    }
    for part in parts:
        files[part.partname.membername] = part.blob
        if len(part.rels):
            files[part.partname.rels_uri.membername] = part.rels.xml
    return files


class StyleIds:
    """Paragraph style ids by name, resolved once per document."""

    def __init__(self, document):
        self.document = document
        self.ids: dict[str, str | None] = {}

    def apply(self, paragraph, name: str) -> None:
        """What ``paragraph.style = name`` does, without rescanning the styles."""
        if name not in self.ids:
            self.ids[name] = self.document.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
        paragraph._p.style = self.ids[name]


def add_styled_paragraph(document, text: str, style: str):
    """``document.add_paragraph(text, style)`` with the style id looked up once per document
    (kept on the document object, which lives only while one file is built)."""
    ids = getattr(document, "_style_ids", None)
    if ids is None:
        ids = document._style_ids = StyleIds(document)
    paragraph = document.add_paragraph(text)
    ids.apply(paragraph, style)
    return paragraph
