"""The screening engine: dataset contract, rules written once in SQL, run on DuckDB or Spark.

Pure Python: no Django. See docs/monitoring.md for the choices made where the spec is silent.
"""
