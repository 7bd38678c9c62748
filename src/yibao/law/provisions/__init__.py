"""Penalty provisions as dated data beside their articles' text. Pure Python: no Django."""

from .loader import Measure, Provision, ProvisionError, ProvisionLibrary, load_library

__all__ = ["Measure", "Provision", "ProvisionError", "ProvisionLibrary", "load_library"]
