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
MENTAL_ILLNESS = Rule(31, None, "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚，但应当责令其监护人严加看管和治疗。间歇性精神病人在精神正常时有违法行为的，应当给予行政处罚。尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人有违法行为的，可以从轻或者减轻行政处罚。")
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
CORRECTION_WITH_PENALTY = Rule(28, 1, "行政机关实施行政处罚时，应当责令当事人改正或者限期改正违法行为。")
PENALTY_KINDS_RULE = Rule(9, None, "行政处罚的种类：（一）警告、通报批评；（二）罚款、没收违法所得、没收非法财物；（三）暂扣许可证件、降低资质等级、吊销许可证件；（四）限制开展生产经营活动、责令停产停业、责令关闭、限制从业；（五）行政拘留；（六）法律、行政法规规定的其他行政处罚。")
# The measure kinds that are administrative penalties under 第九条; 不予处罚 withholds these only.
# 责令改正 (第二十八条) and 责令退回/追回, 约谈, 滞纳金, 加处罚款 (enforcement), 解除服务协议 (the
# agency's agreement), 处分 (discipline), 停止救助 and 中标无效 (legal consequences) are not penalties
# and stay when no penalty is given.
PENALTY_KINDS = frozenset({
    "warning",  # （一）
    "fine", "confiscate_gains",  # （二）
    "revoke_license", "revoke_business_license", "cancel_designation",  # （三）吊销许可证件
    "suspend_services", "ban_from_management", "bar_from_bidding",  # （四）限制开展生产经营活动、限制从业
    "suspend_settlement",  # （六）《医疗保障基金使用监督管理条例》第四十一条 sets it for 参保人员
    "announce",  # publishes the bar from bidding (基本医疗卫生与健康促进法第一百零三条), so goes with it
})
SURCHARGE = Rule(72, 1, "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额。")
