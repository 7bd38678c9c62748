-- R01 限定性别: the item is limited to one gender and the person is of the other.
SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg,
       f.det_item_fee_sumamt AS amount_base,
       k.lmt_gend AS ev_lmt_gend, p.gend AS ev_gend, CAST(f.fee_ocur_time AS VARCHAR) AS ev_fee_ocur_time,
       f.det_item_fee_sumamt AS ev_line_amount
FROM v_fee f
JOIN kb_item k ON f.med_list_codg = k.med_list_codg
JOIN psn_info p ON f.psn_no = p.psn_no
WHERE k.lmt_gend IS NOT NULL AND p.gend IN ('1', '2') AND p.gend <> k.lmt_gend
