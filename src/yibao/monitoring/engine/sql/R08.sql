-- R08 计日项目超住院天数: an item billed once per day of stay, Σcnt in an inpatient settlement
-- above the stay days of its visit (discharge day − admission day, at least 1).
SELECT fixmedins_code, psn_no, setl_id, med_list_codg,
       sum_amount AS amount_base, sum_cnt - stay_days AS amount_factor, sum_cnt AS amount_divisor,
       sum_cnt AS ev_sum_cnt, stay_days AS ev_stay_days, sum_amount AS ev_sum_amount,
       CAST(adm_day AS VARCHAR) AS ev_admission_day, CAST(dis_day AS VARCHAR) AS ev_discharge_day
FROM (
    SELECT s.fixmedins_code, s.psn_no, s.setl_id, f.med_list_codg, s.adm_day, s.dis_day,
           GREATEST(date_diff('day', s.adm_day, s.dis_day), 1) AS stay_days,
           SUM(f.cnt) AS sum_cnt, SUM(f.det_item_fee_sumamt) AS sum_amount
    FROM v_fee f
    JOIN t_stay s ON f.setl_id = s.setl_id
    JOIN kb_item k ON f.med_list_codg = k.med_list_codg
    WHERE k.per_day_of_stay
    GROUP BY s.fixmedins_code, s.psn_no, s.setl_id, f.med_list_codg, s.adm_day, s.dis_day
) g
WHERE sum_cnt > stay_days
