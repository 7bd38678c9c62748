"""The two engines behind one small interface. Rule SQL is written once, in DuckDB's dialect;
Spark runs it after sqlglot translates it (pinned version, tested on every rule)."""

import logging
import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa

log = logging.getLogger(__name__)

SESSION_TIME_ZONE = "Asia/Shanghai"


class Backend:
    name = "base"

    def register(self, name: str, path: Path, fmt: str) -> None:
        """Expose a table file (or folder of Parquet parts) as a raw view; CSV columns stay text."""
        raise NotImplementedError

    def columns(self, name: str) -> dict[str, str]:
        """Return {column: kind} of a view; kind is string, decimal(p,s), integer, float, boolean,
        date, timestamp, timestamp_tz or other."""
        raise NotImplementedError

    def create_view(self, name: str, sql: str) -> None:
        raise NotImplementedError

    def create_table(self, name: str, sql: str) -> None:
        """Compute a query once and keep its result under a name for the rest of the session."""
        raise NotImplementedError

    def query(self, sql: str) -> pa.Table:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _kind(type_text: str) -> str:
    t = type_text.lower()
    if t.startswith("decimal"):
        return t.replace(" ", "")
    if t in ("varchar", "string", "text") or t.startswith("varchar"):
        return "string"
    if t in ("bigint", "integer", "int", "smallint", "tinyint", "hugeint", "ubigint", "uinteger", "usmallint",
             "utinyint", "long", "short", "byte"):
        return "integer"
    if t in ("double", "float", "real", "float4", "float8"):
        return "float"
    if t in ("boolean", "bool"):
        return "boolean"
    if t == "date":
        return "date"
    if t in ("timestamp", "timestamp_ntz", "datetime", "timestamp_ns", "timestamp_ms", "timestamp_s"):
        return "timestamp"
    if "time zone" in t or t in ("timestamptz", "timestamp_ltz"):
        return "timestamp_tz"
    return "other"


SPILL_PREFIX = "yibao-duckdb-"


def pid_alive(pid: int) -> bool:
    """Whether a process of this host has the pid and has not exited (a zombie has exited)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): kill() said it exists
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def spill_dir(base: str | Path | None) -> Path:
    """A spill folder of this process's own under base; folders left by runs that were stopped
    (killed before they could clean up) are removed first."""
    base = Path(base or tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    for old in base.glob(SPILL_PREFIX + "*"):
        pid = old.name[len(SPILL_PREFIX):].split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-", dir=base))


class DuckDBBackend(Backend):
    name = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None, temp_dir: str | None = None):
        import duckdb

        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        # Spill to disk rather than fail when a join outgrows memory, in a folder of our own that
        # close() removes (and the next run removes if this one is killed).
        self.spill = spill_dir(temp_dir)
        self.con.execute(f"SET temp_directory = '{str(self.spill).replace(chr(39), chr(39) * 2)}'")
        self.con.execute("SET preserve_insertion_order = false")
        # Every rule reads the same Parquet files: parse their footers once.
        self.con.execute("SET parquet_metadata_cache = true")
        # A join with a small table (the items a rule's limit applies to) becomes an IN filter read
        # inside the Parquet scan, so the columns of the other lines are never decoded.
        self.con.execute("SET dynamic_or_filter_threshold = 2000")

    def register(self, name: str, path: Path, fmt: str) -> None:
        p = str(path).replace("'", "''")
        if fmt == "csv":
            src = (f"read_csv('{p}', header = true, all_varchar = true, delim = ',', quote = '\"', "
                   f"escape = '\"', nullstr = '', auto_detect = false, "
                   f"columns = {self._csv_columns(path)})")
        elif path.is_dir():
            src = f"read_parquet('{p}/*.parquet')"
        else:
            src = f"read_parquet('{p}')"
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {src}")

    @staticmethod
    def _csv_columns(path: Path) -> str:
        import csv

        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
        cols = ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for h in header)
        return "{" + cols + "}"

    def columns(self, name: str) -> dict[str, str]:
        rows = self.con.execute(f"DESCRIBE {name}").fetchall()
        return {r[0]: _kind(r[1]) for r in rows}

    def create_view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")

    def create_table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.spill, ignore_errors=True)


def spark_session(master: str | None = None):
    """Return a Spark session with the settings the engines' agreement depends on."""
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master or os.environ.get("YIBAO_SPARK_MASTER", "local[2]"))
        .appName("yibao-screening")
        # Timestamps in the data are local times without a zone; fixing the session zone keeps
        # date() and string casts the same as DuckDB's zone-less TIMESTAMP.
        .config("spark.sql.session.timeZone", SESSION_TIME_ZONE)
        .config("spark.sql.ansi.enabled", "false")
        # Exact decimals: never trade scale for precision silently.
        .config("spark.sql.decimalOperations.allowPrecisionLoss", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", os.environ.get("YIBAO_SPARK_PARTITIONS", "8"))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", os.environ.get("YIBAO_SPARK_DRIVER_MEMORY", "4g"))
    )
    return builder.getOrCreate()


class SparkBackend(Backend):
    name = "spark"

    def __init__(self, master: str | None = None):
        self.spark = spark_session(master)
        self._cached: list = []

    def register(self, name: str, path: Path, fmt: str) -> None:
        reader = self.spark.read
        if fmt == "csv":
            import csv as pycsv

            from pyspark.sql.types import StringType, StructField, StructType

            # Reading the header here spares Spark a job to infer it; every column stays text.
            with open(path, encoding="utf-8-sig", newline="") as f:
                header = next(pycsv.reader(f), [])
            schema = StructType([StructField(h, StringType(), True) for h in header])
            df = (reader.schema(schema).option("header", True).option("quote", '"')
                  .option("escape", '"').option("nullValue", "").option("encoding", "UTF-8").csv(str(path)))
        else:
            df = reader.parquet(str(path))
        df.createOrReplaceTempView(name)

    def columns(self, name: str) -> dict[str, str]:
        return {f.name: _kind(f.dataType.simpleString()) for f in self.spark.table(name).schema.fields}

    def translate(self, sql: str) -> str:
        import sqlglot

        return sqlglot.transpile(sql, read="duckdb", write="spark")[0]

    def create_view(self, name: str, sql: str) -> None:
        self.spark.sql(self.translate(sql)).createOrReplaceTempView(name)

    def create_table(self, name: str, sql: str) -> None:
        df = self.spark.sql(self.translate(sql)).cache()
        df.createOrReplaceTempView(name)
        self._cached.append(df)

    def query(self, sql: str) -> pa.Table:
        return self.spark.sql(self.translate(sql)).toArrow()

    def close(self) -> None:
        # The session outlives the backend (tests share one): release what this run cached.
        for df in self._cached:
            df.unpersist()
        self._cached.clear()


def make_backend(name: str, **options) -> Backend:
    if name == "duckdb":
        return DuckDBBackend(**options)
    if name == "spark":
        return SparkBackend(**options)
    raise ValueError(f"unknown engine {name!r}")
