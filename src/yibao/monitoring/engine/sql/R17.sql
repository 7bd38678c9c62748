-- R17 次均费用高水位 (aggregation only): inpatient settlements per institution and month, with the
-- institution's rank. The outlier test (quartiles, fence) is exact arithmetic outside the engine.
-- Grouping by year and month numbers, then formatting the few groups, spares a text cast per row.
SELECT g.fixmedins_code, CAST(g.y AS VARCHAR) || '-' || lpad(CAST(g.m AS VARCHAR), 2, '0') AS month,
       COALESCE(r.rank, 0) AS rank, g.n, g.sum_fund
FROM (
    SELECT s.fixmedins_code, year(s.setl_time) AS y, month(s.setl_time) AS m,
           COUNT(*) AS n, SUM(s.fund_pay_sumamt) AS sum_fund
    FROM t_stay s
    GROUP BY s.fixmedins_code, year(s.setl_time), month(s.setl_time)
) g
LEFT JOIN v_rank r ON g.fixmedins_code = r.fixmedins_code
