"""Import catalogue files from disk: all files parse, then all are stored, or nothing is."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction

from yibao.catalog.parsing import CatalogParseError, parse_catalog_file
from yibao.catalog.services import ImportRefused, do_import_catalog
from yibao.core.unpack import UploadLimits

# The command line's way to give what a file does not say (the web asks for its form fields instead).
CLI_ASKS = {"bureau": "请用 --bureau 指定单位", "date": "请用 --date 指定清单日期（YYYY-MM-DD）"}


def upload_limits() -> UploadLimits:
    """The site's bounds on an uploaded document (settings YIBAO_UPLOAD_*)."""
    return UploadLimits(
        max_unpacked_bytes=settings.YIBAO_UPLOAD_MAX_UNPACKED_BYTES,
        max_rows=settings.YIBAO_UPLOAD_MAX_ROWS,
        max_columns=settings.YIBAO_UPLOAD_MAX_COLUMNS,
        max_problems=settings.YIBAO_UPLOAD_MAX_PROBLEMS,
    )


def import_files(files: list[Path], *, bureau: str | None = None, date: dt.date | None = None,
                 actor=None) -> tuple[list[dict], list[str]]:
    """Import the files together; return the results, or no results and every Chinese error message."""
    parsed, errors = [], []
    for f in files:
        try:
            parsed.append(parse_catalog_file(f, upload_limits()))
        except CatalogParseError as e:
            errors.extend(str(p) for p in e.problems)
    if errors:
        return [], errors
    try:
        with transaction.atomic():
            results = [do_import_catalog(p, actor=actor, bureau_name=bureau, date=date).as_dict() for p in parsed]
    except ImportRefused as e:
        return [], [e.explain(CLI_ASKS)]
    return results, []
