"""Parse catalogue documents (text, xlsx, docx) into structured items. Pure Python: no Django."""

from .document import ParsedCatalog, ParsedItem, parse_catalog_file, parse_catalog_rows, parse_catalog_text
from .errors import CatalogParseError, Problem

__all__ = [
    "CatalogParseError",
    "ParsedCatalog",
    "ParsedItem",
    "Problem",
    "parse_catalog_file",
    "parse_catalog_rows",
    "parse_catalog_text",
]
