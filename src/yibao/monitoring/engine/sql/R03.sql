-- R03 限定就医方式: an inpatient-only item on an outpatient settlement, or the reverse.
SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg,
       f.det_item_fee_sumamt AS amount_base,
       k.lmt_med_type AS ev_lmt_med_type,
       CASE WHEN s.inpatient THEN 'ipt' ELSE 'otp' END AS ev_settlement_type,
       f.det_item_fee_sumamt AS ev_line_amount
FROM v_fee f
JOIN kb_item k ON f.med_list_codg = k.med_list_codg
JOIN v_setl s ON f.setl_id = s.setl_id
WHERE (k.lmt_med_type = 'ipt' AND NOT s.inpatient) OR (k.lmt_med_type = 'otp' AND s.inpatient)
