"""Tables written once, after the claims: institutions (fixmedins) and the knowledge base (kb_*).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa

from .columns import ARROW_TYPES, _dec, _take, arrow_schema
from .planted import _Planted
from .world import KB_FIELDS, _World


def _fixmedins_table(world: _World, b: _Planted) -> pa.Table:
    t = pa.table({"fixmedins_code": world.inst_code, "fixmedins_name": world.inst_name,
                  "fixmedins_type": world.inst_type, "hosp_lv": world.inst_lv, "admdvs": world.inst_admdvs},
                 schema=arrow_schema("fixmedins"))
    return pa.concat_tables([t, pa.Table.from_pylist(b.rows["fixmedins"], schema=arrow_schema("fixmedins"))])


def _kb_tables(world: _World, b: _Planted, billed: np.ndarray, rng: np.random.Generator) -> dict[str, pa.Table]:
    rows = []
    for k in np.nonzero(world.in_kb)[0]:
        kb = world.kb[k]
        row = {"med_list_codg": world.code[k], "item_name": world.name[k],
               "pric_uplmt_amt": Decimal(int(world.base4[k])) / 10000}
        for f in KB_FIELDS[1:]:
            v = kb.get(f)
            row[f] = Decimal(v) if f == "max_cnt_per_day" and v is not None else v
        rows.append(row)
    kb_item = pa.Table.from_pylist(rows + b.rows["kb_item"], schema=arrow_schema("kb_item"))
    pairs = [{"main_codg": m, "sub_codg": s, "window": w} for m, s, w in world.pairs]
    kb_pair = pa.Table.from_pylist(pairs + b.rows["kb_item_pair"], schema=arrow_schema("kb_item_pair"))
    # Purchases: every pharmacy item and the drugs of every third hospital, enough to cover what was billed.
    drug = np.array([lt in ("101", "102", "103") for lt in world.list_type])
    tracked = np.zeros(billed.shape, dtype=bool)
    tracked[world.pharm, :] = True
    third = world.hosp[world.hosp % 3 == 0]
    tracked[np.ix_(third, np.nonzero(drug)[0])] = True
    inst_i, item_i = np.nonzero(tracked & (billed > 0))
    qty = billed[inst_i, item_i]  # 1/100 units
    n = len(qty)
    opening_null = rng.random(n) < 0.3
    opening = np.where(opening_null, 0, np.floor(qty * 0.3 * rng.random(n)).astype(np.int64))
    need = qty - opening
    purchase = need + np.where(rng.random(n) < 0.2, 0, np.ceil(need * 0.25 * rng.random(n)).astype(np.int64))
    split = rng.random(n) < 0.3
    first = np.where(split, purchase // 2, purchase)
    r_inst = np.concatenate([inst_i, inst_i[split]])
    r_item = np.concatenate([item_i, item_i[split]])
    r_purchase = np.concatenate([first, (purchase - first)[split]])
    r_opening = np.concatenate([opening, np.zeros(int(split.sum()), dtype=np.int64)])
    r_open_valid = np.concatenate([~opening_null, np.zeros(int(split.sum()), dtype=bool)])
    order = np.lexsort((np.arange(len(r_inst)), r_item, r_inst))
    kb_purchase = pa.table({
        "fixmedins_code": _take(world.inst_code, r_inst[order]), "med_list_codg": _take(world.code, r_item[order]),
        "purchase_cnt": _dec(r_purchase[order] * 10_000, ARROW_TYPES["dec6"]),
        "opening_cnt": _dec(r_opening[order] * 10_000, ARROW_TYPES["dec6"], r_open_valid[order]),
    }, schema=arrow_schema("kb_purchase"))
    kb_purchase = pa.concat_tables([kb_purchase, pa.Table.from_pylist(b.rows["kb_purchase"],
                                                                      schema=arrow_schema("kb_purchase"))])
    return {"kb_item": kb_item, "kb_item_pair": kb_pair, "kb_purchase": kb_purchase}
