"""A long message is read by what decides it: its opening and its end, a few clauses one by one."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.core.understanding.matcher import FIRST_CLAUSES, LAST_CLAUSES
from bot.core.understanding.normalize import READ_HEAD, READ_TAIL, what_decides

CHATTER = "今天天气不错，我们出去走走吧。"


def test_a_question_asked_after_a_long_text_is_read() -> None:
    text = CHATTER * 300 + "smart卡怎么充值"
    assert what_decides(text).endswith("smart卡怎么充值")
    assert len(what_decides(text)) == READ_HEAD + 1 + READ_TAIL
    assert what_decides("smart卡怎么充值") == "smart卡怎么充值"


@pytest.mark.parametrize("text", [CHATTER * 270 + "smart卡怎么充值", "smart卡怎么充值？" + CHATTER * 270])
def test_the_question_at_either_end_of_4000_characters_is_answered(
    conversation: Conversation, text: str
) -> None:
    result = conversation.classifier.classify(text)
    assert (result.intent, result.operator) == ("topup_how", "smart")


def test_a_long_message_scores_a_few_clauses_one_by_one(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    matcher = conversation.classifier.matcher
    rank = matcher._rank
    texts: list[str] = []

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        texts.append(text)
        return rank(text, *args, **kwargs)

    monkeypatch.setattr(matcher, "_rank", counted)
    conversation.on_text("".join(f"第{n}个问题怎么充值，" for n in range(400)), ChatState())
    # the whole message, each clause kept, and the clauses that are not politeness together
    assert len(texts) <= 1 + FIRST_CLAUSES + LAST_CLAUSES + 1
    assert all(len(text) <= READ_HEAD + 1 + READ_TAIL for text in texts)
