-- R11 重叠住院: two inpatient stays of one person at different institutions whose half-open day
-- ranges [admission, discharge) overlap; the later-starting one is flagged (ties: larger setl_id).
-- The valid inpatient stays of at least one day (from t_stay) are read once (a CTE both sides share).
WITH stay AS (
    SELECT setl_id, psn_no, fixmedins_code, fund_pay_sumamt, adm_day, dis_day FROM t_stay
    WHERE adm_day < dis_day
)
SELECT x.fixmedins_code, x.psn_no, x.setl_id,
       MIN(x.fund_pay_sumamt) AS amount_base,
       list(DISTINCT y.setl_id) AS ev_overlapping_settlements,
       CAST(MIN(x.adm_day) AS VARCHAR) AS ev_admission_day,
       CAST(MIN(x.dis_day) AS VARCHAR) AS ev_discharge_day
FROM stay x
JOIN stay y ON y.psn_no = x.psn_no AND y.fixmedins_code <> x.fixmedins_code
WHERE (x.adm_day > y.adm_day OR (x.adm_day = y.adm_day AND x.setl_id > y.setl_id))
  AND x.adm_day < y.dis_day
GROUP BY x.fixmedins_code, x.psn_no, x.setl_id
