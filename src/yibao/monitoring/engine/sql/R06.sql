-- R06 重复收费: a sub item billed with its main item for the same person at the same institution
-- inside the pair's window. One finding per sub line; the evidence lists the matching main lines.
-- Only the lines of the pairs' items are looked up in setl_d (for the 'visit' window's mdtrt_id).
WITH l AS (
    SELECT f.feedetl_sn, f.setl_id, f.psn_no, f.fixmedins_code, f.fee_ocur_time, f.fee_day, f.med_list_codg,
           f.det_item_fee_sumamt, s.mdtrt_id
    FROM v_fee f
    JOIN setl_d s ON f.setl_id = s.setl_id
    WHERE f.med_list_codg IN (SELECT main_codg FROM kb_item_pair UNION SELECT sub_codg FROM kb_item_pair)
)
SELECT s.fixmedins_code, s.psn_no, s.setl_id, s.feedetl_sn, s.med_list_codg,
       MIN(s.det_item_fee_sumamt) AS amount_base,
       list(DISTINCT m.feedetl_sn) AS ev_main_lines,
       list(DISTINCT p."window") AS ev_windows,
       MIN(s.det_item_fee_sumamt) AS ev_line_amount
FROM l s
JOIN kb_item_pair p ON s.med_list_codg = p.sub_codg
JOIN l m ON m.med_list_codg = p.main_codg
        AND m.psn_no = s.psn_no
        AND m.fixmedins_code = s.fixmedins_code
        AND m.feedetl_sn <> s.feedetl_sn
WHERE (p."window" = 'day' AND m.fee_day = s.fee_day)
   OR (p."window" = 'visit' AND m.mdtrt_id = s.mdtrt_id)
   OR (p."window" = 'hour' AND date_trunc('hour', m.fee_ocur_time) = date_trunc('hour', s.fee_ocur_time))
   OR (p."window" = '6h' AND abs(epoch(m.fee_ocur_time) - epoch(s.fee_ocur_time)) <= 21600)
GROUP BY s.fixmedins_code, s.psn_no, s.setl_id, s.feedetl_sn, s.med_list_codg
