-- R09 分解住院: inpatient settlement B begins 0..readmit_days days after another inpatient
-- settlement A of the same person at the same institution ended; B's main diagnosis not excluded.
-- Both sides read the valid inpatient settlements the prelude keeps (t_stay).
SELECT b.fixmedins_code, b.psn_no, b.setl_id,
       MIN(b.fund_pay_sumamt) AS amount_base,
       list(DISTINCT a.setl_id) AS ev_previous_settlements,
       MIN(date_diff('day', a.dis_day, b.adm_day)) AS ev_min_gap_days,
       MIN(b.diag) AS ev_main_diagnosis
FROM t_stay b
JOIN t_stay a ON a.psn_no = b.psn_no AND a.fixmedins_code = b.fixmedins_code AND a.setl_id <> b.setl_id
WHERE date_diff('day', a.dis_day, b.adm_day) BETWEEN 0 AND {readmit_days}
  AND NOT ({diag_excluded})
GROUP BY b.fixmedins_code, b.psn_no, b.setl_id
