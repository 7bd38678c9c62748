"""General rules of the Administrative Penalty Law (行政处罚法, 2021) the calculator applies.

Each number is a named parameter beside the article it comes from.
"""

from dataclasses import dataclass

PENALTY_LAW = "中华人民共和国行政处罚法"


@dataclass(frozen=True)
class Rule:
    article: int
    paragraph: int | None
    text: str

    @property
    def citation(self) -> str:
        from yibao.law.numerals import to_chinese_numeral as cn

        para = f"第{cn(self.paragraph)}款" if self.paragraph else ""
        return f"《{PENALTY_LAW}》第{cn(self.article)}条{para}"


ONE_FINE_PER_ACT = Rule(29, None, "对当事人的同一个违法行为，不得给予两次以上罚款的行政处罚。同一个违法行为违反多个法律规范应当给予罚款处罚的，按照罚款数额高的规定处罚。")
MINORS = Rule(30, None, "不满十四周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教；已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚。")
MINOR_NO_PENALTY_BELOW_AGE = 14  # 第三十条：不满十四周岁
MINOR_MITIGATION_BELOW_AGE = 18  # 第三十条：已满十四周岁不满十八周岁
MANDATORY_MITIGATION = Rule(32, None, "当事人有下列情形之一，应当从轻或者减轻行政处罚：（一）主动消除或者减轻违法行为危害后果的；（二）受他人胁迫或者诱骗实施违法行为的；（三）主动供述行政机关尚未掌握的违法行为的；（四）配合行政机关查处违法行为有立功表现的；（五）法律、法规、规章规定其他应当从轻或者减轻行政处罚的。")
# 第三十二条 (一)–(四): the circumstances that oblige a lighter penalty.
MANDATORY_MITIGATION_CIRCUMSTANCES = {
    "mitigated_harm": 1,
    "refunded": 1,  # 主动退回 is a way of 主动消除或者减轻危害后果 (一); with it, counted once
    "coerced": 2,
    "confessed": 3,
    "meritorious": 4,
}
NO_PENALTY_MINOR_ACT = Rule(33, 1, "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果轻微并及时改正的，可以不予行政处罚。")
NO_PENALTY_NO_FAULT = Rule(33, 2, "当事人有证据足以证明没有主观过错的，不予行政处罚。法律、行政法规另有规定的，从其规定。")
LIMITATION = Rule(36, None, "违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有危害后果的，上述期限延长至五年。法律另有规定的除外。前款规定的期限，从违法行为发生之日起计算；违法行为有连续或者继续状态的，从行为终了之日起计算。")
LAW_AT_TIME_OF_ACT = Rule(37, None, "实施行政处罚，适用违法行为发生时的法律、法规、规章的规定。但是，作出行政处罚决定时，法律、法规、规章已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定。")
SURCHARGE = Rule(72, 1, "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额。")
