"""yibao: supervision of medical insurance funds and administrative enforcement (医保执法)."""

__version__ = "0.1.0"
