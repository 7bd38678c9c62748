-- R10 住院期间门诊结算: an outpatient settlement whose visit day lies strictly inside an inpatient
-- stay (after the admission day, before the discharge day) of the same person, at any institution.
WITH o AS (
    -- Only the settlements of persons with a stay can fall inside one: filter before the visits join.
    SELECT s.setl_id, s.psn_no, s.fixmedins_code, s.fund_pay_sumamt, CAST(m.begntime AS DATE) AS adm_day
    FROM setl_d s JOIN mdtrt_d m ON s.mdtrt_id = m.mdtrt_id
    WHERE s.psn_no IN (SELECT psn_no FROM t_stay WHERE date_diff('day', adm_day, dis_day) > 1)
      AND {valid_settlement} AND NOT COALESCE(m.med_type IN ({inpatient_med_types}), FALSE)
)
SELECT o.fixmedins_code, o.psn_no, o.setl_id,
       MIN(o.fund_pay_sumamt) AS amount_base,
       CAST(MIN(o.adm_day) AS VARCHAR) AS ev_visit_day,
       list(DISTINCT i.setl_id) AS ev_inpatient_settlements
FROM o
JOIN t_stay i ON i.psn_no = o.psn_no
WHERE o.adm_day IS NOT NULL AND o.adm_day > i.adm_day AND o.adm_day < i.dis_day
GROUP BY o.fixmedins_code, o.psn_no, o.setl_id
