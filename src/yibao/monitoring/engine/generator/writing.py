"""Writing the tables: Parquet or CSV, in a thread beside the generation of the next chunk.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..schema import TABLES
from .columns import arrow_schema


class _Sink:
    """Writes tables as Parquet (fee_list_d as parts when there are several chunks) or CSV.

    Writing runs in a thread (Arrow releases the GIL) so the next chunk is generated meanwhile;
    the queue holds one chunk's tables, which keeps memory bounded.
    """

    UNIQUE = {"feedetl_sn", "setl_id", "mdtrt_id", "certno"}

    def __init__(self, root: Path, fmt: str, fee_parts: bool, row_group_size: int) -> None:
        self.root, self.fmt, self.fee_parts = root, fmt, fee_parts
        self.row_group_size = row_group_size
        self.writers: dict[str, Any] = {}
        self.files: dict[str, Any] = {}
        self.parts = 0
        self.rows: dict[str, int] = {t: 0 for t in TABLES}
        self.queue: queue.Queue[list[tuple[str, pa.Table]] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="yibao-generator-writer", daemon=True)
        self.thread.start()

    def write(self, name: str, table: pa.Table) -> None:
        self.write_all({name: table})

    def write_all(self, tables: dict[str, pa.Table]) -> None:
        if self.error is not None:
            raise self.error
        for name, table in tables.items():
            self.rows[name] += table.num_rows
        self.queue.put(list(tables.items()))

    def _run(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            for name, table in job:
                if self.error is None:
                    try:
                        self._write(name, table)
                    except BaseException as e:  # reported by the next write() or close()
                        self.error = e

    def _parquet_options(self, table: pa.Table) -> dict[str, Any]:
        times = [f.name for f in table.schema if pa.types.is_timestamp(f.type)]
        return {"compression": "zstd", "store_decimal_as_integer": True,
                "use_dictionary": [n for n in table.schema.names if n not in self.UNIQUE and n not in times],
                "column_encoding": dict.fromkeys(times, "DELTA_BINARY_PACKED")}

    def _write(self, name: str, table: pa.Table) -> None:
        if self.fmt == "parquet":
            if name == "fee_list_d" and self.fee_parts:
                (self.root / name).mkdir(exist_ok=True)
                pq.write_table(table, self.root / name / f"part-{self.parts:05d}.parquet",
                               row_group_size=self.row_group_size, **self._parquet_options(table))
                self.parts += 1
                return
            if name not in self.writers:
                self.writers[name] = pq.ParquetWriter(self.root / f"{name}.parquet", table.schema,
                                                      **self._parquet_options(table))
            self.writers[name].write_table(table, row_group_size=self.row_group_size)
            return
        if name not in self.writers:
            f = open(self.root / f"{name}.csv", "wb")  # noqa: SIM115 - closed in close()
            f.write((",".join(table.schema.names) + "\n").encode())
            self.files[name] = f
            self.writers[name] = pacsv.CSVWriter(f, _csv_schema(table.schema),
                                                 write_options=pacsv.WriteOptions(include_header=False,
                                                                                  quoting_style="none"))
        self.writers[name].write_table(table.cast(_csv_schema(table.schema)))

    def close(self, complete: bool = True) -> None:
        """Finish the files; with complete, first write the tables that got no row at all."""
        if complete and self.error is None:
            for name in TABLES:
                if self.rows[name] == 0 and name not in self.writers:
                    self.write(name, arrow_schema(name).empty_table())
        self.queue.put(None)
        self.thread.join()
        for w in self.writers.values():
            w.close()
        for f in self.files.values():
            f.close()
        self.writers.clear()
        self.files.clear()
        if self.error is not None and complete:
            raise self.error


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    """Timestamps to whole seconds, so that CSV holds 'YYYY-MM-DD HH:MM:SS'."""
    return pa.schema([pa.field(f.name, pa.timestamp("s") if pa.types.is_timestamp(f.type) else f.type)
                      for f in schema])
