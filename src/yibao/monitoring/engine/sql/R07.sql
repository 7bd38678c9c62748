-- R07 超频次收费: Σcnt of an item for a person at an institution on one day above max_cnt_per_day.
-- Amount Σamount × (Σcnt − max) / Σcnt, computed exactly outside the engine.
SELECT fixmedins_code, psn_no, med_list_codg, CAST(fee_day AS VARCHAR) AS day,
       sum_amount AS amount_base, sum_cnt - max_cnt AS amount_factor, sum_cnt AS amount_divisor,
       sum_cnt AS ev_sum_cnt, max_cnt AS ev_max_cnt_per_day, sum_amount AS ev_sum_amount, n_lines AS ev_lines
FROM (
    SELECT f.fixmedins_code, f.psn_no, f.med_list_codg, f.fee_day,
           SUM(f.cnt) AS sum_cnt, SUM(f.det_item_fee_sumamt) AS sum_amount, COUNT(*) AS n_lines,
           MIN(k.max_cnt_per_day) AS max_cnt
    FROM v_fee f
    JOIN kb_item k ON f.med_list_codg = k.med_list_codg
    WHERE k.max_cnt_per_day IS NOT NULL
    GROUP BY f.fixmedins_code, f.psn_no, f.med_list_codg, f.fee_day
) g
WHERE sum_cnt > max_cnt
