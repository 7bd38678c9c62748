from .catalog import Catalog, Duty, ItemBasis, PowerItem

__all__ = ["Catalog", "Duty", "ItemBasis", "PowerItem"]
