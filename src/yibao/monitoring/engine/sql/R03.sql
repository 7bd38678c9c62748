-- R03 限定就医方式: an inpatient-only item on an outpatient settlement, or the reverse.
-- One pass over the lines of both kinds of item, each looked up in the inpatient settlements the
-- prelude keeps (t_stay): found means inpatient, not found outpatient (every line's settlement exists).
SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg,
       f.det_item_fee_sumamt AS amount_base,
       k.lmt_med_type AS ev_lmt_med_type,
       CASE WHEN s.setl_id IS NULL THEN 'otp' ELSE 'ipt' END AS ev_settlement_type,
       f.det_item_fee_sumamt AS ev_line_amount
FROM v_fee f
JOIN kb_item k ON f.med_list_codg = k.med_list_codg
LEFT JOIN t_stay s ON f.setl_id = s.setl_id
WHERE k.lmt_med_type IN ('otp', 'ipt')
  AND ((k.lmt_med_type = 'otp' AND s.setl_id IS NOT NULL) OR (k.lmt_med_type = 'ipt' AND s.setl_id IS NULL))
