"""The screening rules as an analyst would write them in pandas: load the tables, merge, filter.

For the benchmark's comparison at 10M lines (it holds the whole dataset in memory). Money and
quantities are read as floats, as an analyst would; only the number of findings per rule is compared
with the engine (amounts may differ by a fen).

    uv run --with pandas python bench/pandas_rules.py DATASET [--json] [--verify]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa

INPATIENT = ["21", "52"]


def load(dataset: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    path = dataset / name if (dataset / name).is_dir() else dataset / f"{name}.parquet"
    df = pd.read_parquet(path, columns=columns)
    for col in df.columns:  # decimals arrive as Python Decimal objects: make them floats
        if df[col].dtype == object and len(df) and type(df[col].dropna().iloc[0]).__name__ == "Decimal":
            df[col] = df[col].astype("float64")
    return df


def rank_of(fix: pd.DataFrame) -> pd.Series:
    lv = fix["hosp_lv"]
    rank = pd.Series(0, index=fix.index)
    rank[lv.isin(["01", "02", "03", "04"])] = 3
    rank[lv.isin(["05", "06", "07"])] = 2
    rank[lv.isin(["08", "09", "10"])] = 1
    rank[fix["fixmedins_type"] == "2"] = 0
    return pd.Series(rank.values, index=fix["fixmedins_code"].values)


def run(dataset: Path, progress=None) -> dict[str, int]:
    step = iter(range(1, 18))

    def tick(rule):
        if progress:
            progress(rule, next(step), 17)

    setl = load(dataset, "setl_d")
    mdtrt = load(dataset, "mdtrt_d")
    psn = load(dataset, "psn_info")
    kb = load(dataset, "kb_item")
    pair = load(dataset, "kb_item_pair")
    purchase = load(dataset, "kb_purchase")
    fix = load(dataset, "fixmedins")
    enrol = load(dataset, "insu_enrol")
    fee = load(dataset, "fee_list_d", ["feedetl_sn", "setl_id", "psn_no", "fixmedins_code", "fee_ocur_time",
                                       "med_list_codg", "list_type", "cnt", "pric", "det_item_fee_sumamt",
                                       "inscp_amt", "chrgitm_lv", "prd_days", "pric_uplmt_amt"])

    # Valid settlements with their visit; valid lines with the settlement's facts.
    s = setl[setl["vali_flag"] == "1"].merge(
        mdtrt[["mdtrt_id", "med_type", "begntime", "endtime", "dscg_maindiag_code"]], on="mdtrt_id", how="left")
    s["inpatient"] = s["med_type"].isin(INPATIENT)
    s["adm"] = s["begntime"].dt.normalize()
    s["dis"] = s["endtime"].fillna(s["begntime"]).dt.normalize()
    f = fee.merge(s[["setl_id", "inpatient", "mdtrt_id"]], on="setl_id")
    f["day"] = f["fee_ocur_time"].dt.normalize()
    ranks = rank_of(fix)
    out: dict[str, int] = {}

    tick("R01")
    x = f.merge(kb[kb["lmt_gend"].notna()][["med_list_codg", "lmt_gend"]], on="med_list_codg")
    x = x.merge(psn[["psn_no", "gend"]], on="psn_no")
    out["R01"] = int((x["gend"].isin(["1", "2"]) & (x["gend"] != x["lmt_gend"])).sum())

    tick("R02")
    k = kb[kb["lmt_age_min"].notna() | kb["lmt_age_max"].notna()][["med_list_codg", "lmt_age_min", "lmt_age_max"]]
    x = f.merge(k, on="med_list_codg").merge(psn[["psn_no", "brdy"]], on="psn_no")
    x = x[x["brdy"].notna()]
    brdy = pd.to_datetime(x["brdy"])
    age = x["day"].dt.year - brdy.dt.year - (
        (x["day"].dt.month * 100 + x["day"].dt.day) < (brdy.dt.month * 100 + brdy.dt.day)).astype(int)
    out["R02"] = int(((age < x["lmt_age_min"]) | (age > x["lmt_age_max"])).sum())

    tick("R03")
    x = f.merge(kb[["med_list_codg", "lmt_med_type"]], on="med_list_codg")
    out["R03"] = int((((x["lmt_med_type"] == "ipt") & ~x["inpatient"])
                      | ((x["lmt_med_type"] == "otp") & x["inpatient"])).sum())

    tick("R04")
    x = f.merge(kb[kb["lmt_hosp_rank"].notna()][["med_list_codg", "lmt_hosp_rank"]], on="med_list_codg")
    rank = x["fixmedins_code"].map(ranks).fillna(0)
    out["R04"] = int((rank < x["lmt_hosp_rank"]).sum())

    tick("R05")
    x = f.merge(kb[["med_list_codg", "pric_uplmt_amt"]].rename(columns={"pric_uplmt_amt": "kb_ceiling"}),
                on="med_list_codg", how="left")
    ceiling = x["kb_ceiling"].fillna(x["pric_uplmt_amt"])
    out["R05"] = int((ceiling.notna() & (x["pric"] > ceiling)).sum())

    tick("R06")
    cols = ["feedetl_sn", "psn_no", "fixmedins_code", "med_list_codg", "fee_ocur_time", "day", "mdtrt_id"]
    subs = f[f["med_list_codg"].isin(pair["sub_codg"])][cols].merge(
        pair, left_on="med_list_codg", right_on="sub_codg")
    mains = f[f["med_list_codg"].isin(pair["main_codg"])][cols]
    x = subs.merge(mains, left_on=["main_codg", "psn_no", "fixmedins_code"],
                   right_on=["med_list_codg", "psn_no", "fixmedins_code"], suffixes=("", "_m"))
    x = x[x["feedetl_sn"] != x["feedetl_sn_m"]]
    gap = (x["fee_ocur_time"] - x["fee_ocur_time_m"]).abs()
    hit = (((x["window"] == "day") & (x["day"] == x["day_m"]))
           | ((x["window"] == "visit") & (x["mdtrt_id"] == x["mdtrt_id_m"]))
           | ((x["window"] == "hour") & (x["fee_ocur_time"].dt.floor("h") == x["fee_ocur_time_m"].dt.floor("h")))
           | ((x["window"] == "6h") & (gap <= pd.Timedelta(hours=6))))
    out["R06"] = int(x[hit]["feedetl_sn"].nunique())

    tick("R07")
    x = f.merge(kb[kb["max_cnt_per_day"].notna()][["med_list_codg", "max_cnt_per_day"]], on="med_list_codg")
    g = x.groupby(["fixmedins_code", "psn_no", "med_list_codg", "day"]).agg(
        cnt=("cnt", "sum"), max_cnt=("max_cnt_per_day", "min"))
    out["R07"] = int((g["cnt"].round(6) > g["max_cnt"]).sum())

    tick("R08")
    x = f[f["inpatient"]].merge(kb[kb["per_day_of_stay"] == True][["med_list_codg"]], on="med_list_codg")  # noqa: E712
    g = x.groupby(["setl_id", "med_list_codg"])["cnt"].sum().reset_index().merge(s, on="setl_id")
    stay = ((g["dis"] - g["adm"]).dt.days).clip(lower=1)
    out["R08"] = int((g["cnt"].round(6) > stay).sum())

    tick("R09")
    ip = s[s["inpatient"]][["setl_id", "psn_no", "fixmedins_code", "adm", "dis", "dscg_maindiag_code"]]
    x = ip.merge(ip, on=["psn_no", "fixmedins_code"], suffixes=("_b", "_a"))
    gap = (x["adm_b"] - x["dis_a"]).dt.days
    keep = ((x["setl_id_a"] != x["setl_id_b"]) & (gap >= 0) & (gap <= 15)
            & ~x["dscg_maindiag_code_b"].fillna("").str.startswith("Z51"))
    out["R09"] = int(x[keep]["setl_id_b"].nunique())

    tick("R10")
    op = s[~s["inpatient"] & s["adm"].notna()][["setl_id", "psn_no", "adm"]]
    x = op.merge(ip[["psn_no", "adm", "dis"]], on="psn_no", suffixes=("", "_i"))
    out["R10"] = int(x[(x["adm"] > x["adm_i"]) & (x["adm"] < x["dis"])]["setl_id"].nunique())

    tick("R11")
    stays = ip[ip["adm"] < ip["dis"]]
    x = stays.merge(stays, on="psn_no", suffixes=("", "_y"))
    keep = ((x["fixmedins_code"] != x["fixmedins_code_y"])
            & ((x["adm"] > x["adm_y"]) | ((x["adm"] == x["adm_y"]) & (x["setl_id"] > x["setl_id_y"])))
            & (x["adm"] < x["dis_y"]))
    out["R11"] = int(x[keep]["setl_id"].nunique())

    tick("R12")
    x = s[s["adm"].notna()].merge(psn[psn["death_date"].notna()][["psn_no", "death_date"]], on="psn_no")
    out["R12"] = int((x["adm"] > pd.to_datetime(x["death_date"])).sum())

    tick("R13")
    d = f.sort_values(["psn_no", "med_list_codg", "fee_ocur_time", "feedetl_sn"])
    grp = d.groupby(["psn_no", "med_list_codg"], sort=False)
    prev_days = grp["prd_days"].shift()
    prev_day = grp["day"].shift()
    left = prev_days - (d["day"] - prev_day).dt.days
    out["R13"] = int((d["list_type"].isin(["101", "102", "103"]) & (d["prd_days"] > 0) & (left > 7)).sum())

    tick("R14")
    out["R14"] = int(((f["chrgitm_lv"] == "03") & (f["inscp_amt"] > 0)).sum())

    tick("R15")
    billed = f.groupby(["fixmedins_code", "med_list_codg"])["cnt"].sum().reset_index()
    purchase["opening_cnt"] = purchase["opening_cnt"].fillna(0)
    stock = purchase.groupby(["fixmedins_code", "med_list_codg"])[["purchase_cnt", "opening_cnt"]].sum().reset_index()
    x = billed.merge(stock, on=["fixmedins_code", "med_list_codg"])
    # float sums drift in the last places: compare at the quantities' six decimals
    out["R15"] = int((x["cnt"].round(6) > (x["purchase_cnt"] + x["opening_cnt"]).round(6)).sum())

    tick("R16")
    e = enrol.merge(psn[psn["certno"].notna()][["psn_no", "certno"]], on="psn_no")
    e["enddate"] = e["enddate"].fillna(pd.Timestamp("2262-01-01").date())
    x = e.merge(e, on="certno", suffixes=("", "_o"))
    x = x[(x["psn_no"] != x["psn_no_o"]) & (x["begndate"] <= x["enddate_o"]) & (x["begndate_o"] <= x["enddate"])
          & ((x["begndate"] > x["begndate_o"]) | ((x["begndate"] == x["begndate_o"]) & (x["psn_no"] > x["psn_no_o"])))]
    x = x.assign(lo=pd.to_datetime(x[["begndate", "begndate_o"]].max(axis=1)),
                 hi=pd.to_datetime(x[["enddate", "enddate_o"]].min(axis=1)))
    y = s[s["adm"].notna()][["setl_id", "psn_no", "adm"]].merge(x[["psn_no", "lo", "hi"]], on="psn_no")
    out["R16"] = int(y[(y["adm"] >= y["lo"]) & (y["adm"] <= y["hi"])]["setl_id"].nunique())

    tick("R17")
    x = s[s["inpatient"]].copy()
    x["month"] = x["setl_time"].dt.strftime("%Y-%m")
    x["rank"] = x["fixmedins_code"].map(ranks).fillna(0)
    g = x.groupby(["fixmedins_code", "month", "rank"])["fund_pay_sumamt"].agg(["count", "mean"]).reset_index()
    g = g[g["count"] >= 30]
    q = g.groupby(["rank", "month"])["mean"].quantile([0.25, 0.75]).unstack()
    q["fence"] = q[0.75] + 1.5 * (q[0.75] - q[0.25])
    g = g.merge(q["fence"].reset_index(), on=["rank", "month"])
    out["R17"] = int((g["mean"] > g["fence"]).sum())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verify", action="store_true", help="compare the counts with the engine's (DuckDB)")
    args = ap.parse_args(argv)
    pa.set_cpu_count(2)
    started = time.monotonic()

    def progress(rule, i, n):
        print(f"[pandas {time.monotonic() - started:6.1f}s] {i}/{n} {rule}", file=sys.stderr, flush=True)

    by_rule = run(args.dataset, progress)
    result = {"seconds": round(time.monotonic() - started, 3), "findings": sum(by_rule.values()), "by_rule": by_rule}
    if args.verify:
        from yibao.monitoring.engine.runner import screen

        engine = screen(args.dataset, engine="duckdb").by_rule
        result["problems"] = [f"{r}: pandas {n}, engine {engine.get(r)}" for r, n in by_rule.items()
                              if engine.get(r) != n]
    print(json.dumps(result) if args.json else result)
    return 1 if result.get("problems") else 0


if __name__ == "__main__":
    sys.exit(main())
