-- R02 限定年龄: age in whole years on the fee day outside [lmt_age_min, lmt_age_max].
-- One year less while the fee day's month-day is before the birthday's (29 Feb reached on 1 Mar).
SELECT fixmedins_code, psn_no, setl_id, feedetl_sn, med_list_codg, amount_base,
       ev_age, ev_lmt_age_min, ev_lmt_age_max, ev_brdy, ev_fee_day, ev_line_amount
FROM (
    SELECT f.fixmedins_code, f.psn_no, f.setl_id, f.feedetl_sn, f.med_list_codg,
           f.det_item_fee_sumamt AS amount_base,
           year(f.fee_day) - year(p.brdy)
             - CASE WHEN month(f.fee_day) * 100 + day(f.fee_day) < month(p.brdy) * 100 + day(p.brdy)
                    THEN 1 ELSE 0 END AS ev_age,
           k.lmt_age_min AS ev_lmt_age_min, k.lmt_age_max AS ev_lmt_age_max,
           CAST(p.brdy AS VARCHAR) AS ev_brdy, CAST(f.fee_day AS VARCHAR) AS ev_fee_day,
           f.det_item_fee_sumamt AS ev_line_amount
    FROM v_fee f
    JOIN kb_item k ON f.med_list_codg = k.med_list_codg
    JOIN psn_info p ON f.psn_no = p.psn_no
    WHERE p.brdy IS NOT NULL AND (k.lmt_age_min IS NOT NULL OR k.lmt_age_max IS NOT NULL)
) a
WHERE ev_age < ev_lmt_age_min OR ev_age > ev_lmt_age_max
