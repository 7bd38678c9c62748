-- R09 分解住院: inpatient settlement B begins 0..readmit_days days after another inpatient
-- settlement A of the same person at the same institution ended; B's main diagnosis not excluded.
-- The valid inpatient settlements are read once (a CTE both sides share).
WITH stay AS (
    SELECT setl_id, psn_no, fixmedins_code, fund_pay_sumamt, adm_day, dis_day, diag FROM v_setl WHERE inpatient
)
SELECT b.fixmedins_code, b.psn_no, b.setl_id,
       MIN(b.fund_pay_sumamt) AS amount_base,
       list(DISTINCT a.setl_id) AS ev_previous_settlements,
       MIN(date_diff('day', a.dis_day, b.adm_day)) AS ev_min_gap_days,
       MIN(b.diag) AS ev_main_diagnosis
FROM stay b
JOIN stay a ON a.psn_no = b.psn_no AND a.fixmedins_code = b.fixmedins_code AND a.setl_id <> b.setl_id
WHERE date_diff('day', a.dis_day, b.adm_day) BETWEEN 0 AND {readmit_days}
  AND NOT ({diag_excluded})
GROUP BY b.fixmedins_code, b.psn_no, b.setl_id
