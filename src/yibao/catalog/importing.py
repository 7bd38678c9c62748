"""Import catalogue files from disk: parse, then store, each file all or nothing."""

import datetime as dt
from pathlib import Path

from yibao.catalog.parsing import CatalogParseError, parse_catalog_file
from yibao.catalog.services import ImportRefused, do_import_catalog


def import_files(files: list[Path], *, bureau: str | None = None, date: dt.date | None = None,
                 actor=None) -> tuple[list[dict], list[str]]:
    """Import each file; return the results and the Chinese error messages of the files refused."""
    results, errors = [], []
    for f in files:
        try:
            parsed = parse_catalog_file(f)
            results.append(do_import_catalog(parsed, actor=actor, bureau_name=bureau, date=date).as_dict())
        except CatalogParseError as e:
            errors.extend(str(p) for p in e.problems)
        except ImportRefused as e:
            errors.append(str(e))
    return results, errors
