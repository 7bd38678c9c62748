"""Institution rank (spec 5.23), defined once: the SQL prelude's v_rank and the pre-screen use it."""

PHARMACY_TYPE = "2"  # fixmedins_type of a retail pharmacy: rank 0 whatever its hosp_lv
# hosp_lv codes of each rank; any other code, a null one or an institution missing from fixmedins is 0.
HOSP_LV_OF_RANK: dict[int, tuple[str, ...]] = {
    3: ("01", "02", "03", "04"),
    2: ("05", "06", "07"),
    1: ("08", "09", "10"),
}
RANK_OF_HOSP_LV: dict[str, int] = {lv: rank for rank, lvs in HOSP_LV_OF_RANK.items() for lv in lvs}


def institution_rank(fixmedins_type: str | None, hosp_lv: str | None) -> int:
    """The rank of an institution: pharmacies 0, then 3, 2, 1 from hosp_lv, else 0."""
    if fixmedins_type == PHARMACY_TYPE:
        return 0
    return RANK_OF_HOSP_LV.get(hosp_lv or "", 0)


def institution_rank_sql(type_column: str = "fixmedins_type", lv_column: str = "hosp_lv") -> str:
    """institution_rank as a SQL CASE expression over two columns (DuckDB, and Spark through sqlglot)."""
    whens = " ".join(f"WHEN {lv_column} IN ({', '.join(repr(lv) for lv in lvs)}) THEN {rank}"
                     for rank, lvs in HOSP_LV_OF_RANK.items())
    return f"CASE WHEN {type_column} = '{PHARMACY_TYPE}' THEN 0 {whens} ELSE 0 END"
