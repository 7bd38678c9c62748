-- R12 死亡后就医: a settlement whose visit day is after the person's death.
SELECT s.fixmedins_code, s.psn_no, s.setl_id,
       s.fund_pay_sumamt AS amount_base,
       CAST(s.adm_day AS VARCHAR) AS ev_visit_day, CAST(p.death_date AS VARCHAR) AS ev_death_date
FROM v_setl s
JOIN psn_info p ON s.psn_no = p.psn_no
WHERE p.death_date IS NOT NULL AND s.adm_day IS NOT NULL AND s.adm_day > p.death_date
