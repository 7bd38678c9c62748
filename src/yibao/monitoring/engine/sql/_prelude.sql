-- v_setl: valid settlements with their visit (spec 2, 5.1–5.3). A settlement whose visit is
-- unknown is outpatient and has no visit day (5.2), so no rule that reads this view needs it: the
-- rules reading settlements want a visit day or an inpatient stay. An inner join lets the optimizer
-- run a rule's own, narrower join (by person, by a few settlements) before the visits are looked up.
CREATE VIEW v_setl AS
SELECT s.setl_id, s.mdtrt_id, s.psn_no, s.fixmedins_code, s.setl_time, s.fund_pay_sumamt,
       COALESCE(m.med_type IN ({inpatient_med_types}), FALSE) AS inpatient,
       CAST(m.begntime AS DATE) AS adm_day,
       CAST(COALESCE(m.endtime, m.begntime) AS DATE) AS dis_day,
       m.dscg_maindiag_code AS diag
FROM setl_d s JOIN mdtrt_d m ON s.mdtrt_id = m.mdtrt_id
WHERE {valid_settlement};

-- t_invalid_setl: the few settlements that are not valid (spec 2, 5.1), kept in memory once
-- rather than read from setl_d again by every rule that reads fee lines.
CREATE TABLE t_invalid_setl AS
SELECT s.setl_id FROM setl_d s WHERE NOT COALESCE({valid_settlement}, FALSE);

-- v_fee: fee lines of valid settlements (spec 2, 5.1). The dataset check has made sure every
-- line's settlement exists (5.2), so a line is valid unless its settlement is invalid: a lookup in
-- the few invalid settlements rather than a join of every line with every settlement.
CREATE VIEW v_fee AS
SELECT f.feedetl_sn, f.setl_id, f.psn_no, f.fixmedins_code, f.fee_ocur_time, f.med_list_codg, f.list_type,
       f.cnt, f.pric, f.det_item_fee_sumamt, f.inscp_amt, f.chrgitm_lv, f.prd_days, f.pric_uplmt_amt,
       CAST(f.fee_ocur_time AS DATE) AS fee_day
FROM fee_list_d f
WHERE {valid_line};

-- v_rank: institution rank (spec 5.23): pharmacies and unknown institutions are 0. The CASE
-- expression comes from engine/ranks.py, which the pre-screen uses too.
CREATE VIEW v_rank AS
SELECT fixmedins_code, {institution_rank} AS rank
FROM {fixmedins_table};

-- t_stay: valid inpatient settlements with their stay (spec 5.3), kept in memory once: R03, R08,
-- R09, R10, R11 and R17 read them, and finding them means joining every settlement to its visit.
CREATE TABLE t_stay AS
SELECT setl_id, mdtrt_id, psn_no, fixmedins_code, setl_time, fund_pay_sumamt, adm_day, dis_day, diag
FROM v_setl WHERE inpatient;
