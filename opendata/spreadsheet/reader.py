"""Read a spreadsheet (CSV or XLSX) into numbered rows of text, one row per service.

The columns are listed in `columns.py` and documented in docs/spreadsheet-import.md. A row's
number is its line in the sheet (the header is line 1), so that staff find it in their file.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from resources.text_limits import ANY_IMPORTED_TEXT

from .columns import COLUMNS, REQUIRED_COLUMNS

# The delimiters a CSV file may use: a comma, or the semicolon of a French spreadsheet's
# "CSV" export, or a tab.
DELIMITERS = ",;\t"


@dataclass
class Problem:
    """What is wrong, where: the sheet's line, the column (or "" for the whole row)."""

    line: int
    column: str
    message: str

    def __str__(self):
        where = f"{self.line}, {self.column}" if self.column else str(self.line)
        return f"{where}: {self.message}"


@dataclass
class Sheet:
    rows: list = field(default_factory=list)  # [(line, {column: text})]
    problems: list = field(default_factory=list)
    truncated: bool = False  # more than `max_rows` rows: the rest was not read


class Unreadable(Exception):
    """Not a CSV or XLSX file we can read."""


def read_sheet(name, content, max_rows=None):
    """The rows of the file `name` (bytes `content`); at most `max_rows` of them (then
    `truncated`). Raises Unreadable for a file that is neither CSV nor XLSX."""
    if name.lower().endswith(".xlsx"):
        lines = xlsx_lines(content)
    elif name.lower().endswith((".csv", ".txt")):
        lines = csv_lines(content)
    else:
        raise Unreadable(_("Le fichier doit être un CSV ou un XLSX."))
    sheet = Sheet()
    try:
        header = next(lines)
    except StopIteration:
        raise Unreadable(_("Le fichier est vide.")) from None
    columns = [cell.strip().lower() for cell in header]
    check_header(columns, sheet)
    for number, cells in enumerate(lines, start=2):
        values = {}
        for column, cell in zip(columns, cells, strict=False):
            if column in COLUMNS and cell.strip():
                values[column] = cell.strip()
                problem = unsafe(cell)
                if problem:
                    sheet.problems.append(Problem(number, column, problem))
        if not values:
            continue  # a blank line
        if max_rows is not None and len(sheet.rows) >= max_rows:
            sheet.truncated = True
            break
        sheet.rows.append((number, values))
    return sheet


def check_header(columns, sheet):
    seen = set()
    for column in columns:
        if not column:
            continue
        if column not in COLUMNS:
            sheet.problems.append(Problem(1, column, _("colonne inconnue")))
        elif column in seen:
            sheet.problems.append(Problem(1, column, _("colonne en double")))
        seen.add(column)
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            sheet.problems.append(Problem(1, column, _("colonne obligatoire absente")))


def unsafe(text):
    """What no import takes in a cell (as the HSDS reader's hazards), or None."""
    if "\x00" in text:
        return _("contient un caractère NUL")
    if len(text) > ANY_IMPORTED_TEXT:
        return _("texte trop long")
    return None


def csv_lines(content):
    """Lines of a CSV file in UTF-8 (with or without its byte order mark) or, failing that,
    Windows-1252 (an older spreadsheet's "CSV" export), with its delimiter guessed."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise Unreadable(
            _("ligne %(line)s : CSV illisible (%(error)s)")
            % {"line": reader.line_num, "error": exc}
        ) from None


def xlsx_lines(content):
    """Lines of the first sheet of an XLSX workbook, every cell as text (formulas as their last
    computed value)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unreadable(_("Classeur XLSX illisible (%(error)s)") % {"error": exc}) from None
    try:
        for cells in workbook.worksheets[0].iter_rows(values_only=True):
            yield [cell_text(value) for value in cells]
    finally:
        workbook.close()


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed as 45 reads back as 45.0
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    return str(value)
