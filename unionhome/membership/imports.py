"""Bulk import of existing members: reading CSV/XLSX files and checking each row.

Pure: no ORM here. ``services.member_import_run`` does the database part.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from openpyxl import load_workbook

from unionhome.core.idcard import id_number_problem, normalize_id_number

COLUMNS = (
    "full_name",
    "phone",
    "id_number",
    "worker_type",
    "occupation",
    "platform",
    "city",
    "since",
    "member_no",
)
REQUIRED = ("full_name", "phone", "id_number", "worker_type")

# Headings as union staff write them in their spreadsheets.
HEADER_ALIASES = {
    "姓名": "full_name",
    "name": "full_name",
    "手机号": "phone",
    "手机": "phone",
    "手机号码": "phone",
    "mobile": "phone",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "id": "id_number",
    "从业类型": "worker_type",
    "用工类型": "worker_type",
    "职业": "occupation",
    "平台": "platform",
    "平台或用人单位": "platform",
    "employer": "platform",
    "城市": "city",
    "入会日期": "since",
    "会员号": "member_no",
    "会员编号": "member_no",
}

WORKER_TYPE_ALIASES = {
    "labour_contract": "labour_contract",
    "劳动合同": "labour_contract",
    "劳动关系": "labour_contract",
    "written_agreement": "written_agreement",
    "书面协议": "written_agreement",
    "不完全符合确立劳动关系": "written_agreement",
    "independent": "independent",
    "个人依托平台自主开展经营活动": "independent",
    "独立": "independent",
    "民事关系": "independent",
}

MAX_ROWS = 50_000


class FileProblem(Exception):
    """The file as a whole cannot be read."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    code: str
    detail: str

    def as_dict(self) -> dict:
        return {"row": self.row, "code": self.code, "detail": self.detail}


@dataclass(frozen=True)
class MemberRow:
    row: int
    full_name: str
    phone: str
    id_number: str
    worker_type: str
    occupation: str
    platform: str
    city: str
    since: dt.date | None
    member_no: str


def _header_key(value) -> str:
    text = str(value or "").strip().lower().replace(" ", "_")
    return HEADER_ALIASES.get(text, HEADER_ALIASES.get(str(value or "").strip(), text))


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, dict]]:
    """(row number in the file, {column: value}) for every non-empty data row."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise FileProblem("Upload a .csv or .xlsx file.")
    try:
        header = next(rows)
    except StopIteration as exc:
        raise FileProblem("The file is empty.") from exc
    keys = [_header_key(h) for h in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise FileProblem("Missing columns: " + ", ".join(missing))
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise FileProblem(f"At most {MAX_ROWS} rows per file.")
        if not any(str(v).strip() for v in values if v is not None):
            continue
        yield number, {k: v for k, v in zip(keys, values, strict=False) if k in COLUMNS}


def _csv_rows(data: bytes):
    # Spreadsheets made on Windows in China are often GB18030 rather than UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileProblem("The file is neither UTF-8 nor GB18030 text.")
    yield from csv.reader(io.StringIO(text))


def _xlsx_rows(data: bytes):

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileProblem("The spreadsheet cannot be read.") from exc
    sheet = workbook.worksheets[0]
    for values in sheet.iter_rows(values_only=True):
        yield ["" if v is None else v for v in values]
    workbook.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _phone(value) -> str | None:
    raw = _text(value).replace(" ", "").replace("-", "")
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if (
        parsed.country_code != 86
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE
    ):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _date(value, today: dt.date) -> dt.date | None | str:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    else:
        text = _text(value).replace("/", "-").replace(".", "-")
        try:
            result = dt.date.fromisoformat(text)
        except ValueError:
            return "bad"
    if result > today or result.year < 1950:
        return "bad"
    return result


def check_row(number: int, values: dict, *, today: dt.date) -> MemberRow | RowProblem:
    """Validate one row: a clean MemberRow, or the reason it is refused."""
    full_name = _text(values.get("full_name"))[:100]
    if not full_name:
        return RowProblem(number, "required", "full_name is empty")
    phone = _phone(values.get("phone"))
    if phone is None:
        return RowProblem(number, "invalid_phone", "not a mainland mobile number")
    id_number = normalize_id_number(_text(values.get("id_number")))
    problem = id_number_problem(id_number, today=today)
    if problem:
        return RowProblem(number, "invalid_id_number", f"resident ID number: {problem}")
    worker_type = WORKER_TYPE_ALIASES.get(_text(values.get("worker_type")).lower()) or (
        WORKER_TYPE_ALIASES.get(_text(values.get("worker_type")))
    )
    if worker_type is None:
        return RowProblem(number, "invalid_worker_type", "unknown worker type")
    since = _date(values.get("since"), today)
    if since == "bad":
        return RowProblem(number, "invalid_date", "since is not a date (YYYY-MM-DD)")
    return MemberRow(
        row=number,
        full_name=full_name,
        phone=phone,
        id_number=id_number,
        worker_type=worker_type,
        occupation=_text(values.get("occupation"))[:100],
        platform=_text(values.get("platform"))[:100],
        city=_text(values.get("city"))[:100],
        since=since,
        member_no=_text(values.get("member_no"))[:32],
    )
