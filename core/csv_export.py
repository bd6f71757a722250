"""CSV downloads: streamed row by row (memory stays flat however many rows), and safe to open in a spreadsheet.

A cell that starts with =, +, -, @ (or a tab or carriage return) is a formula to Excel, LibreOffice and Google
Sheets: an organization named "=HYPERLINK(...)" would run as one on the coordinator's computer. Such text gets a
leading apostrophe, which spreadsheets show as text and do not display. Numbers are written as they are."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Line:
    """A file that hands back what is written to it: csv.writer formats one row, the response sends it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    for row in rows:
        yield writer.writerow([escape_formula(value) for value in row])


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> StreamingHttpResponse:
    """A download of `rows` (any iterable, consumed while the response is sent), every cell escaped."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
