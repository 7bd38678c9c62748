-- R04 限定机构等级: the institution's rank is below the lowest rank the item allows.
SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg,
       f.det_item_fee_sumamt AS amount_base,
       k.lmt_hosp_rank AS ev_lmt_hosp_rank, COALESCE(r.rank, 0) AS ev_rank,
       f.det_item_fee_sumamt AS ev_line_amount
FROM v_fee f
JOIN kb_item k ON f.med_list_codg = k.med_list_codg
LEFT JOIN v_rank r ON f.fixmedins_code = r.fixmedins_code
WHERE k.lmt_hosp_rank IS NOT NULL AND COALESCE(r.rank, 0) < k.lmt_hosp_rank
