-- R03 限定就医方式: an inpatient-only item on an outpatient settlement, or the reverse.
-- Inpatient settlements are few: 'otp' lines are joined with them, 'ipt' lines are kept when their
-- settlement is not among them (every line's settlement exists, and v_fee holds valid ones only).
WITH stay AS (
    SELECT setl_id FROM v_setl WHERE inpatient
)
SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg,
       f.det_item_fee_sumamt AS amount_base,
       k.lmt_med_type AS ev_lmt_med_type,
       'ipt' AS ev_settlement_type,
       f.det_item_fee_sumamt AS ev_line_amount
FROM v_fee f
JOIN kb_item k ON f.med_list_codg = k.med_list_codg
JOIN stay s ON f.setl_id = s.setl_id
WHERE k.lmt_med_type = 'otp'
UNION ALL
SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg,
       f.det_item_fee_sumamt AS amount_base,
       k.lmt_med_type AS ev_lmt_med_type,
       'otp' AS ev_settlement_type,
       f.det_item_fee_sumamt AS ev_line_amount
FROM v_fee f
JOIN kb_item k ON f.med_list_codg = k.med_list_codg
WHERE k.lmt_med_type = 'ipt' AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.setl_id = f.setl_id)
