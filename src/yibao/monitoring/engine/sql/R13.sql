-- R13 重复开药: a drug line D whose previous line P of the same person and item (any institution,
-- in fee time then line id order) still had more than overlap_days of supply left on D's day.
-- P is never after D, so only a line with more than overlap_days of supply can be a P: the window
-- runs over the person × item groups that hold such a line, not over every line.
SELECT fixmedins_code, psn_no, setl_id, feedetl_sn, med_list_codg,
       det_item_fee_sumamt AS amount_base,
       prev_sn AS ev_previous_line, CAST(prev_day AS VARCHAR) AS ev_previous_day, prev_days AS ev_previous_prd_days,
       CAST(fee_day AS VARCHAR) AS ev_fee_day,
       prev_days - date_diff('day', prev_day, fee_day) AS ev_overlap_days
FROM (
    SELECT f.*,
           lag(f.feedetl_sn) OVER w AS prev_sn,
           lag(f.fee_day) OVER w AS prev_day,
           lag(f.prd_days) OVER w AS prev_days
    FROM v_fee f
    WHERE EXISTS (SELECT 1 FROM v_fee g
                  WHERE g.psn_no = f.psn_no AND g.med_list_codg = f.med_list_codg AND g.prd_days > {overlap_days})
    WINDOW w AS (PARTITION BY f.psn_no, f.med_list_codg ORDER BY f.fee_ocur_time, f.feedetl_sn)
) d
WHERE list_type IN ('101', '102', '103') AND prd_days > 0 AND prev_days IS NOT NULL
  AND prev_days - date_diff('day', prev_day, fee_day) > {overlap_days}
