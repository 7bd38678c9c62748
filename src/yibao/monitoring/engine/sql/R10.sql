-- R10 住院期间门诊结算: an outpatient settlement whose visit day lies strictly inside an inpatient
-- stay (after the admission day, before the discharge day) of the same person, at any institution.
SELECT o.fixmedins_code, o.psn_no, o.setl_id,
       MIN(o.fund_pay_sumamt) AS amount_base,
       CAST(MIN(o.adm_day) AS VARCHAR) AS ev_visit_day,
       list(DISTINCT i.setl_id) AS ev_inpatient_settlements
FROM v_setl o
JOIN v_setl i ON i.psn_no = o.psn_no
WHERE NOT o.inpatient AND o.adm_day IS NOT NULL AND i.inpatient
  AND o.adm_day > i.adm_day AND o.adm_day < i.dis_day
GROUP BY o.fixmedins_code, o.psn_no, o.setl_id
