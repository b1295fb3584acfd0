"""Someone who already acted on a scam gets what to do in the next minutes, before anything else."""

from __future__ import annotations

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState

ADVERT = "【话费特惠】移动联通电信三网慢充，100元话费只要75元，24小时内到账，加TG @cz_kefu88 下单"


def reply(conversation: Conversation, text: str, state: ChatState | None = None) -> str:
    return conversation.on_text(text, state or ChatState()).reply.text


def test_a_code_told_to_a_fake_operator_gets_the_steps_for_that_operator(conversation: Conversation) -> None:
    text = reply(conversation, "糟了，我把收到的6位数字告诉了说是联通工作人员的人，接下来怎么办")
    assert text.startswith("先止损")
    assert "10010" in text and "95188" in text and "95017" in text  # the number, then the wallets
    assert "追款" in text  # and no one who promises the money back
    assert "回答不了" not in text and "哪家运营商" not in text


def test_card_details_on_a_phishing_site_need_the_bank_not_an_operator(conversation: Conversation) -> None:
    turn = conversation.on_text("我在钓鱼网站上填了信用卡号和有效期，怎么办", ChatState())
    assert "银行卡背面" in turn.reply.text and "冻结" in turn.reply.text
    assert turn.state.pending is None and turn.reply.intent == "scam_victim"


def test_remote_control_is_cut_before_the_bank_and_the_police(conversation: Conversation) -> None:
    text = reply(conversation, "骗子远程操控了我的手机，银行卡被转走五千")
    assert "你想问的是" not in text
    assert text.index("拔出电话卡") < text.index("110")


def test_someone_who_paid_is_never_told_not_to_pay(conversation: Conversation) -> None:
    turn = conversation.on_text(f"我已经付了75块给这个，对方把我拉黑了：{ADVERT}", ChatState())
    assert "不要付款" not in turn.reply.text and turn.reply.text.startswith("先止损")
    assert "紧急止付" in turn.reply.text
    # The verdict on what they sent comes last, and "为什么" still lists its red flags.
    assert turn.reply.text.rstrip().endswith("风险：高。")
    assert turn.rated is not None and turn.state.reasons
    assert "慢充" in conversation.on_text("为什么", turn.state).reply.text


def test_a_smart_card_or_someone_in_the_philippines_gets_the_philippine_numbers(
    conversation: Conversation,
) -> None:
    text = reply(conversation, "我把OTP给了冒充Smart客服的人，我的smart号码怎么办")
    assert "*888" in text and "8888-1111" in text and "2882" in text and "1326" in text
    assert "95188" not in text and "110" not in text


def test_someone_abroad_with_a_chinese_card_learns_110_is_out_of_reach(conversation: Conversation) -> None:
    text = reply(conversation, "我在日本，刚才把移动卡的验证码发给了骗子")
    assert "打不了国内的 110" in text and "未经官方确认" in text


def test_an_ask_or_an_own_top_up_is_no_loss(conversation: Conversation) -> None:
    assert not reply(conversation, "对方让我把验证码发给他，可以吗").startswith("先止损")
    assert not reply(conversation, "在官网填了验证码以后还是没到账").startswith("先止损")


def test_the_steps_fit_one_message_however_much_was_given(conversation: Conversation) -> None:
    text = reply(
        conversation,
        "骗子远程控制了手机，我还把验证码和支付密码告诉了他，填了卡号，发了身份证照片，钱也被转走了",
    )
    assert len(text) <= 600 and text.index("拔出电话卡") < text.index("验证码给了别人")


def test_a_top_up_to_a_wrong_number_or_an_offer_not_taken_is_no_scam(conversation: Conversation) -> None:
    assert not reply(conversation, "充错号码了！！给一个陌生号码充了100移动话费 能退吗").startswith("先止损")
    offer = "有人打电话说我的smart卡要过期了，他可以远程帮我续期，要我下载一个app，我该下吗？还没下"
    assert not reply(conversation, offer).startswith("先止损")


def test_a_look_alike_site_the_user_typed_a_card_into_is_a_loss(conversation: Conversation) -> None:
    text = reply(
        conversation, "朋友发我一个链接说smart官网充值有返现 我输了Visa卡号 有效期 CVV 刚反应过来这个域名不对"
    )
    assert text.startswith("先止损") and "银行" in text and "不要付款" not in text


def test_money_paid_in_yuan_for_a_smart_card_is_stopped_from_china(conversation: Conversation) -> None:
    # The card is Smart's, but the money left through WeChat in yuan: 110's stop-payment, not GCash.
    text = reply(conversation, "smart卡找人代充，用微信付了300元，对方把我拉黑了")
    assert text.startswith("先止损") and "紧急止付" in text
    assert "GCash" not in text and "1326" not in text
    # Paid in pesos through GCash: the Philippine steps, as before.
    text = reply(conversation, "给smart卡充值被骗了，用GCash付了500比索，对方拉黑了我")
    assert "2882" in text and "1326" in text


def test_a_sim_mailed_to_a_stranger_gets_the_numbers_steps(conversation: Conversation) -> None:
    text = reply(
        conversation, "网上认识的一个朋友说在菲律宾可以帮我保号，我把smart卡寄给他了，现在他不回消息"
    )
    assert text.startswith("先止损") and "手机卡交给了别人" in text
    assert "保号" not in text.split("\n")[0]  # help first, not the 保号 answer


def test_money_paid_through_a_chinese_platform_gets_chinas_stop_payment(conversation: Conversation) -> None:
    text = reply(conversation, "小红书找了个代充 对方说先付一半 我付了350就消失了 是smart卡")
    assert "110" in text and "2882" not in text


def test_a_smart_cards_money_paid_who_knows_where_gets_both_countries_steps(
    conversation: Conversation,
) -> None:
    text = reply(conversation, "网上买了一个已实名的smart卡 付了钱 卖家寄来的是张废卡")
    assert text.index("2882") < text.index("110")  # the card's country first, then China's
    assert "110" not in reply(conversation, "在FB上找代充smart，付了500比索就被拉黑了")


def test_a_victims_own_account_gets_no_risk_level_of_itself(conversation: Conversation) -> None:
    text = reply(
        conversation, "在淘宝找了个代充smart卡的店 说打8折 付了300块然后店家把我拉黑了 钱还能要回来吗"
    )
    assert text.startswith("先止损") and "风险：" not in text


def test_money_paid_in_crypto_gets_what_can_freeze_it_not_a_bank_stop_payment(
    conversation: Conversation,
) -> None:
    text = reply(conversation, "在群里找了代充smart，付了100 USDT，现在人不见了")
    assert "加密货币" in text and "交易哈希" in text
    assert "紧急止付" not in text and "2882" not in text


def test_a_victim_asked_to_pay_again_is_told_not_to_first(conversation: Conversation) -> None:
    text = reply(conversation, "我在电报上找人代充联通话费打九折，转了500过去，对方说系统卡了要再交保证金")
    lines = text.splitlines()
    assert lines[0] == "先止损，越快越好，按顺序做：" and "不要再付" in lines[1]
    assert "110" in text  # and the steps for the money already paid


def test_a_first_fee_paid_is_not_an_ask_to_pay_again(conversation: Conversation) -> None:
    text = reply(conversation, "说我中奖了要交手续费，我已经用GCash转了1500 pesos了")
    assert text.startswith("先止损") and "不要再付" not in text


def test_a_seller_who_asks_for_more_after_payment_is_a_scammer(conversation: Conversation) -> None:
    text = reply(conversation, "喺網上買咗張已實名嘅卡，交咗900蚊，張卡用唔到，賣家話要再畀200開通費")
    assert text.startswith("先止損") and "不要再付" in text


def test_a_code_sent_in_cantonese_before_the_signal_went_gets_the_takeover_steps(
    conversation: Conversation,
) -> None:
    text = reply(conversation, "部電話突然冇訊號，之前有個話係Smart客服嘅人叫我send個QR code畀佢，我send咗")
    assert "*888" in text and "不要付款" not in text


def test_a_card_sold_with_the_police_now_calling_is_told_to_stop_and_what_the_law_says(
    conversation: Conversation,
) -> None:
    text = reply(conversation, "在闲鱼上把我的闲置电信卡卖给了别人，现在警察打电话找我")
    assert text.startswith("先止损") and "马上停下" in text and "第三十一条" in text
    assert "自己打 110 核实" in text
    assert "风险：" not in text and "先别付款" not in text  # their story, not a message to rate


def test_money_passed_on_for_a_stranger_then_a_frozen_card_is_the_users_own_story(
    conversation: Conversation,
) -> None:
    # No mark in the clause of the act: what came of it (the card frozen) says it happened.
    text = reply(conversation, "网上找了个兼职，帮人代收话费充值的款再转出去，现在我的银行卡被冻结了")
    assert text.startswith("先止损") and "帮人收款转账" in text and "解冻" in text
    assert "风险：" not in text


def test_a_smart_card_mailed_is_still_the_numbers_steps_when_selling_shares_its_names(
    conversation: Conversation,
) -> None:
    text = reply(conversation, "我把smart卡卖给了一个网友，他说帮我保号，现在号码被他拿去用了")
    assert "手机卡交给了别人" in text and "马上停下" in text


def test_an_operators_service_password_given_away_gets_the_operators_step_not_the_banks(
    conversation: Conversation,
) -> None:
    text = reply(conversation, '我把联通的服务密码告诉了"客服"，他说帮我升级5G，现在套餐被改了还扣了钱')
    assert "服务密码给了别人" in text and "10010" in text
    assert "密码给了别人：还能登录" not in text  # not the bank and wallet passwords' step


def test_a_screen_share_told_in_taiwanese_wording_is_cut_first(conversation: Conversation) -> None:
    text = reply(conversation, "對方讓我下載一個APP開了螢幕共享，說幫我辦Smart保號，後來發現銀行卡被刷了兩筆")
    assert "遠程控制" in text.split("\n")[1]


def test_something_feeling_off_takes_back_no_operator(conversation: Conversation) -> None:
    # 不对劲 ("something is off") is no correction of the card named before it.
    text = reply(conversation, "拍了身分證正反面給一個賣Smart卡的，他說要幫我實名，現在想想不對勁")
    assert "冒名登記 SIM 卡" in text and "1326" in text


def test_a_card_registered_to_someone_else_bought_and_used_gets_what_to_do_with_it(
    conversation: Conversation,
) -> None:
    text = reply(
        conversation,
        "在闲鱼买了一张别人实名的Smart卡，已经用了半年绑了我的GCash，今天看新闻说这个违法？我要怎么补救",
    )
    assert "买了别人登记的 SIM 卡" in text and "smart.com.ph/simreg" in text


def test_a_registered_card_only_offered_is_not_bought(conversation: Conversation) -> None:
    text = reply(
        conversation, "闲鱼上有卖已实名的Smart卡，还带GCash的，300块一张，我就想买来收个验证码，可以买吗"
    )
    assert not text.startswith("先止损")


def test_photos_sent_in_cantonese_are_given(conversation: Conversation) -> None:
    text = reply(
        conversation,
        "有個自稱中國電信客服話我張卡實名認證有問題，叫我影身份證正反面同埋手持照片俾佢，我已經send咗😭 點算",
    )
    assert text.startswith("先止損") and "身份證照片給了別人" in text


def test_a_code_given_two_clauses_after_it_was_asked_for_is_given(conversation: Conversation) -> None:
    text = reply(
        conversation,
        "我的Smart卡突然没信号了，前天有个冒充Smart客服的跟我要了esim的二维码，说帮我升级5G，我就给他了。。。",
    )
    assert text.startswith("先止损") and "eSIM 二维码给了别人" in text
