-- R15 进销存不符: more of an item billed at an institution than its opening stock plus purchases.
-- Only institution × item pairs in kb_purchase are checked (5.17): the lines are joined with those
-- few pairs before they are summed, so the scan skips every other item.
WITH p AS (
    SELECT fixmedins_code, med_list_codg, SUM(purchase_cnt) AS purchased,
           SUM(COALESCE(opening_cnt, 0)) AS opening
    FROM kb_purchase GROUP BY fixmedins_code, med_list_codg
), b AS (
    SELECT f.fixmedins_code, f.med_list_codg, SUM(f.cnt) AS sum_cnt, SUM(f.det_item_fee_sumamt) AS sum_amount
    FROM v_fee f
    JOIN p ON f.fixmedins_code = p.fixmedins_code AND f.med_list_codg = p.med_list_codg
    GROUP BY f.fixmedins_code, f.med_list_codg
)
SELECT b.fixmedins_code, b.med_list_codg,
       b.sum_amount AS amount_base, b.sum_cnt - (p.opening + p.purchased) AS amount_factor,
       b.sum_cnt AS amount_divisor,
       b.sum_cnt AS ev_billed_cnt, p.opening AS ev_opening_cnt, p.purchased AS ev_purchase_cnt,
       b.sum_amount AS ev_sum_amount
FROM b
JOIN p ON b.fixmedins_code = p.fixmedins_code AND b.med_list_codg = p.med_list_codg
WHERE b.sum_cnt > p.opening + p.purchased
