-- R05 超标准收费: unit price above the ceiling (kb_item's, else the line's own; 0 is a real ceiling).
-- Amount (pric − ceiling) × cnt, exact.
SELECT fixmedins_code, psn_no, setl_id, feedetl_sn, med_list_codg,
       pric - ceiling AS amount_base, cnt AS amount_factor,
       pric AS ev_pric, ceiling AS ev_ceiling, cnt AS ev_cnt, ev_ceiling_source
FROM (
    SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg, f.pric, f.cnt,
           {ceiling_expr} AS ceiling,
           {ceiling_source_expr} AS ev_ceiling_source
    FROM v_fee f
    {kb_join}
) c
WHERE ceiling IS NOT NULL AND pric > ceiling
