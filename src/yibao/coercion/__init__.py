"""Coercive measures (行政强制措施): the 封存 of materials during an inspection or a case."""
