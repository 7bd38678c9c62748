-- R17 次均费用高水位 (aggregation only): inpatient settlements per institution and month, with the
-- institution's rank. The outlier test (quartiles, fence) is exact arithmetic outside the engine.
SELECT s.fixmedins_code, substr(CAST(s.setl_time AS VARCHAR), 1, 7) AS month,
       COALESCE(r.rank, 0) AS rank, COUNT(*) AS n, SUM(s.fund_pay_sumamt) AS sum_fund
FROM v_setl s
LEFT JOIN v_rank r ON s.fixmedins_code = r.fixmedins_code
WHERE s.inpatient
GROUP BY s.fixmedins_code, substr(CAST(s.setl_time AS VARCHAR), 1, 7), COALESCE(r.rank, 0)
