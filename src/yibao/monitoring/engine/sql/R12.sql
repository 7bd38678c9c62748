-- R12 死亡后就医: a settlement whose visit day is after the person's death.
WITH d AS (
    SELECT psn_no, death_date FROM psn_info WHERE death_date IS NOT NULL
), s AS (
    -- The settlements of the few dead persons, before their visits are looked up.
    SELECT s.setl_id, s.mdtrt_id, s.psn_no, s.fixmedins_code, s.fund_pay_sumamt FROM setl_d s
    WHERE s.psn_no IN (SELECT psn_no FROM d) AND {valid_settlement}
)
SELECT s.fixmedins_code, s.psn_no, s.setl_id,
       s.fund_pay_sumamt AS amount_base,
       CAST(CAST(m.begntime AS DATE) AS VARCHAR) AS ev_visit_day, CAST(d.death_date AS VARCHAR) AS ev_death_date
FROM s
JOIN mdtrt_d m ON s.mdtrt_id = m.mdtrt_id
JOIN d ON s.psn_no = d.psn_no
WHERE m.begntime IS NOT NULL AND CAST(m.begntime AS DATE) > d.death_date
