-- R14 丙类纳入基金: a class-C (丙类) line with an amount inside the payment scope.
SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg,
       f.inscp_amt AS amount_base,
       f.chrgitm_lv AS ev_chrgitm_lv, f.inscp_amt AS ev_inscp_amt, f.det_item_fee_sumamt AS ev_line_amount
FROM v_fee f
WHERE f.chrgitm_lv = '03' AND f.inscp_amt > 0
