from .catalog import Catalog, Duty, ItemBasis, PowerItem

__all__ = ["Catalog", "Duty", "ItemBasis", "PowerItem"]
from .search import SearchDocument as SearchDocument  # noqa: E402
