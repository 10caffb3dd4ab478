"""A CSV file streamed to the browser as a download, every cell formula-safe."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

from insaf.observatory.export import csv_line

__all__ = ["csv_download"]


def csv_download(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = True,
) -> StreamingHttpResponse:
    """``header`` then each of ``rows`` (read as the response streams) as CSV lines, every
    cell through ``csv_safe``, saved as ``filename``. ``bom``: a byte-order mark first, so
    that spreadsheet programs read the UTF-8 (Arabic) text as such."""

    def lines() -> Iterator[str]:
        yield ("\ufeff" if bom else "") + csv_line(header)
        for row in rows:
            yield csv_line(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
