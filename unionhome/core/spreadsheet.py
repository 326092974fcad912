"""CSV exports a spreadsheet cannot turn against its reader.

Python's csv writer leaves a cell that starts with ``= + - @`` (or a tab or carriage return)
as it is; Excel, WPS and LibreOffice then run it as a formula (OWASP "CSV injection"). Such
cells get a leading apostrophe, which spreadsheets show as text."""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def install_csv_neutraliser() -> None:
    """Every CSV export of the admin (model viewsets, form submissions) is written by Wagtail's
    SpreadsheetExportMixin.write_csv_row, which neutralises formulas for XLSX only. Wrapping
    that one method covers them all, including viewsets added later."""
    original = SpreadsheetExportMixin.write_csv_row
    if getattr(original, "neutralises_formulas", False):
        return

    def write_csv_row(self, writer, row_dict):
        prepared = {
            field: neutralise_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
            for field, value in row_dict.items()
        }
        return writer.writerow(prepared)

    write_csv_row.neutralises_formulas = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row
