-- R16 重复参保享受待遇: two person numbers with the same certno and overlapping enrolments
-- (inclusive, open end); settlements under the later-starting enrolment (ties: larger psn_no)
-- whose visit day falls inside the overlap. A settlement is flagged once.
WITH e AS (
    SELECT n.psn_no, p.certno, n.begndate, COALESCE(n.enddate, DATE '9999-12-31') AS enddate
    FROM insu_enrol n JOIN psn_info p ON n.psn_no = p.psn_no
    WHERE p.certno IS NOT NULL
), ovl AS (
    SELECT l.psn_no, e2.psn_no AS other_psn_no,
           GREATEST(l.begndate, e2.begndate) AS from_day, LEAST(l.enddate, e2.enddate) AS to_day
    FROM e l JOIN e e2 ON l.certno = e2.certno AND l.psn_no <> e2.psn_no
    WHERE l.begndate <= e2.enddate AND e2.begndate <= l.enddate
      AND (l.begndate > e2.begndate OR (l.begndate = e2.begndate AND l.psn_no > e2.psn_no))
), cand AS (
    -- Only the few persons with a duplicate enrolment: filter settlements before the visits join.
    -- A join with their distinct numbers (not IN): the optimizer then builds on the few persons and
    -- filters the settlements inside the scan, where IN made it build on every settlement.
    SELECT s.setl_id, s.psn_no, s.fixmedins_code, s.fund_pay_sumamt, CAST(m.begntime AS DATE) AS adm_day
    FROM setl_d s
    JOIN (SELECT DISTINCT psn_no FROM ovl) d ON s.psn_no = d.psn_no
    JOIN mdtrt_d m ON s.mdtrt_id = m.mdtrt_id
    WHERE {valid_settlement}
)
SELECT s.fixmedins_code, s.psn_no, s.setl_id,
       MIN(s.fund_pay_sumamt) AS amount_base,
       list(DISTINCT o.other_psn_no) AS ev_other_psn_no,
       CAST(MIN(s.adm_day) AS VARCHAR) AS ev_visit_day
FROM cand s
JOIN ovl o ON s.psn_no = o.psn_no
WHERE s.adm_day IS NOT NULL AND s.adm_day BETWEEN o.from_day AND o.to_day
GROUP BY s.fixmedins_code, s.psn_no, s.setl_id
