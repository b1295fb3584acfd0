"""The pieces every policy builds its reply from: an answer for the chat's operator, "which
operator?", a verdict on a message, and the buttons under them.

The policies (bot/core/replying/policies/) decide which of these a message gets; this module only
builds them, the same way whichever policy asks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.replying import caveats
from bot.core.replying.answers import Answers
from bot.core.replying.follow_up import NO_TOPIC
from bot.core.replying.reminders import OFFERED_UNDER, START
from bot.core.replying.turn import Button, ChatState, Rated, Reply, Turn
from bot.core.understanding.classifier import Classifier
from bot.core.understanding.matcher import FALLBACK

if TYPE_CHECKING:
    from bot.core.risk.reply import RiskCheck
    from bot.core.risk.scanner import RiskReport

MENU_INTENT = "help"
SCAM_INTENT = "scam_check"  # the answer a channel question about an offer borrows from
VICTIM_INTENT = "scam_victim"  # someone who already paid or gave a code: steps, not a verdict
HOTLINE_INTENT = "customer_service"  # offered when the bot knows no more than it said
# A line shared by every operator's answer is said before "which operator?" when at least this long.
COMMON_LINE_MIN = 12
# Things one may lack (intents/_situation.yaml) whose channel (intents/_channels.yaml) has another id.
LACKED_CHANNELS = {"friend_there": "friend"}
# A verdict's red flags kept for "为什么": enough for every flag a message usually shows.
KEPT_REASONS = 8
# Questions of how or where to top up: a means of payment named in them is what they ask about.
TOPUP_INTENTS = frozenset({"topup_how", "topup_where"})


class Composer:
    """Builds Turns from the answers; decides nothing of what the user meant."""

    def __init__(self, classifier: Classifier, answers: Answers, risk: RiskCheck | None = None) -> None:
        self.classifier = classifier
        self.answers = answers
        self.risk = risk
        self._change_operator = answers.ui("change_operator")

    def answer(
        self, intent: str, state: ChatState, channel: str | None = None, detail: str | None = None
    ) -> Turn:
        """The answer to an intent for the chat's operator; "which operator?" when it needs one
        and the answers differ."""
        same = None
        if self.answers.needs_operator(intent) and state.operator is None:
            # A question whose answer is the same for every operator needs no "which operator?".
            same = self.same_for_every_operator(intent, channel, state.place, detail)
            if same is None:
                return self.ask_operator_for(intent, state, channel, detail)
        buttons = list(self.answer_buttons(intent))
        if intent in (FALLBACK, MENU_INTENT):
            buttons = list(self.menu_buttons())
        elif self.answers.needs_operator(intent):
            buttons.append(Button(self._change_operator, f"operator-menu:{intent}"))
        if intent in OFFERED_UNDER:  # 保号提醒 (reminders.py): the adapters route its button there
            buttons.append(Button(self.answers.ui("remind_button"), START))
        # A detail is a narrower question about an operator's card ("PUK码是多少"), not about scams;
        # an answer with no operator answers only the details it writes itself ("Smart跟TNT是同一家吗").
        if not self.answers.needs_operator(intent) and (
            detail is None or not self.answers.has_detail(intent, None, detail)
        ):
            detail = None
        text = same or self.answers.text(intent, state.operator, channel, state.place, detail)
        if means := self.means_named(intent, state, channel, detail):
            text = f"{means}\n\n{text}"
        if state.situation.lacks:
            text = self.without_what_they_lack(text, state.situation.lacks)
        text, said = caveats.once(text, state.said)
        state = replace(state, channel=None, detail=None, said=said)
        if intent not in NO_TOPIC:
            # The scam checklist after a verdict ("这个靠谱吗") is the same topic: "为什么" still
            # asks about the verdict.
            keep = intent == SCAM_INTENT and state.verdict is not None
            verdict, reasons = (state.verdict, state.reasons) if keep else (None, ())
            state = replace(
                state, last=intent, last_channel=channel, last_detail=detail, verdict=verdict, reasons=reasons
            )
        return Turn(Reply(text, tuple(buttons), intent), state)

    def means_named(self, intent: str, state: ChatState, channel: str | None, detail: str | None) -> str:
        """A means of payment no official channel lists ("能用PayPal充吗", "工行app充话费靠谱吗"):
        its own line, said first whether or not the operator is known yet: not confirmed, and the
        hotline to ask."""
        means = state.situation.means
        if not means or channel is not None or detail is not None or intent not in TOPUP_INTENTS:
            return ""
        label = self.classifier.situation.label(means[0])
        return self.answers.ui("means_not_confirmed", means=label, op=state.operator or "")

    def without_what_they_lack(self, text: str, lacks: tuple[str, ...]) -> str:
        """The answer without the lines that offer what the user said they lack or refuse (GCash,
        an app, 营业厅…), and a line that says so; kept whole when those lines are all it has."""
        reader = self.classifier.situation
        lines = text.splitlines()
        # A thing lacked is a channel too (gcash, app, store…; a friend there is the friend channel).
        lacked = {*lacks, *(LACKED_CHANNELS[t] for t in lacks if t in LACKED_CHANNELS)}

        def only_lacked(line: str) -> bool:
            """The line offers a thing lacked and no other channel ("GCash、Maya"; not "官网或 App")."""
            if not set(reader.offered(line)) & set(lacks):
                return False
            return not set(self.classifier.channels.named(self.classifier.normalize.script(line))) - lacked

        dropped = [i for i, line in enumerate(lines) if i > 0 and only_lacked(line)]
        kept = [line for i, line in enumerate(lines) if i not in dropped]
        if not dropped or sum(1 for line in kept[1:] if line.strip()) == 0:
            return text
        skipped = {t for i in dropped for t in reader.offered(lines[i]) if t in lacks}
        labels = "、".join(reader.label(t) for t in lacks if t in skipped)
        return "\n".join((*kept, self.answers.ui("left_out", things=labels)))

    def answer_buttons(self, intent: str) -> tuple[Button, ...]:
        """Under an answer: its second part's button first, if it has one, then what it links to."""
        buttons = [self.intent_button(i) for i in self.answers.buttons(intent)]
        if (title := self.answers.more_title(intent)) is not None:
            buttons.insert(0, Button(title, f"more:{intent}"))
        return tuple(buttons)

    def same_for_every_operator(
        self, intent: str, channel: str | None, place: str | None, detail: str | None
    ) -> str | None:
        texts = {self.answers.text(intent, op.id, channel, place, detail) for op in self.answers.operators}
        return texts.pop() if len(texts) == 1 else None

    def ask_operator_for(
        self, intent: str, state: ChatState, channel: str | None = None, detail: str | None = None
    ) -> Turn:
        """ "Which operator?", after what holds for every operator's card, if anything does."""
        ask = self.answers.ui("ask_operator")
        if common := self.common_lines(intent, channel, state.place, detail):
            ask = f"{common}\n\n{ask}"
        if means := self.means_named(intent, state, channel, detail):
            ask = f"{means}\n\n{ask}"
        reply = Reply(ask, self.operator_buttons(), intent)
        return Turn(reply, replace(state, pending=intent, channel=channel, detail=detail))

    def common_lines(self, intent: str, channel: str | None, place: str | None, detail: str | None) -> str:
        """The lines every operator's answer shares (a warning, a rule that holds for every card),
        in the order the first answer gives them; a heading or a few words are no such line."""
        texts = [self.answers.text(intent, op.id, channel, place, detail) for op in self.answers.operators]
        shared = set.intersection(*(set(text.splitlines()) for text in texts)) if texts else set()
        lines = [line for line in texts[0].splitlines() if line in shared] if texts else []
        return "\n".join(line for line in dict.fromkeys(lines) if len(line.strip()) >= COMMON_LINE_MIN)

    def choose_operator(self, operator: str, state: ChatState) -> Turn:
        """The user named their card: the question waiting for it, else the last one again for
        this operator, else a line that says it is noted."""
        state = replace(state, operator=operator)
        if state.pending:
            pending = replace(state, pending=None, channel=None, detail=None)
            return self.answer(state.pending, pending, state.channel, state.detail)
        if state.last and self.answers.needs_operator(state.last):
            # "那联通呢" after an answer for another operator: the same question for this one.
            return self.answer(state.last, state, state.last_channel, state.last_detail)
        label = self.answers.operator_label(operator)
        return Turn(Reply(self.answers.ui("operator_chosen", operator=label), self.menu_buttons()), state)

    def still_which_operator(self, state: ChatState) -> Turn:
        assert state.pending is not None
        text = self.answers.ui("still_which_operator", topic=self.answers.title(state.pending))
        # "我的支付宝是绑定的国内银行卡", "多少钱" while it waits: the question stands, asked again.
        # Intent None: the message went unanswered (the operator's records keep its text).
        return Turn(Reply(text, self.operator_buttons()), state)

    def verdict(self, report: RiskReport, text: str, state: ChatState) -> Turn:
        """The scam check's verdict on a message, with the official way for its operator."""
        assert self.risk is not None
        # The official way for the operator the message imitates or names, else the chat's own.
        scripted = self.classifier.normalize.script(text)
        named = report.operator or self.classifier.operators.find(scripted).operator
        # A "话费" advert is about the Chinese carriers (report.scope), whatever the chat chose before;
        # "96110 called me" needs no way to top up unless it names an operator.
        chat_operator = None if report.scope or (report.notes and not report.risky) else state.operator
        operator = named or chat_operator
        # A question about a channel's offer (淘宝上八折充话费靠谱吗) that is not plainly a scam
        # gets what is known of that channel in place of the general way.
        channel = self.classifier.channels.find(scripted) if report.level != "high" else None
        owner = self.answers.channel_owner(SCAM_INTENT, channel)
        instead = self.answers.text(owner, operator, channel) if owner else None
        reply = self.risk.reply(report, operator or report.scope, instead)
        # Kept for "为什么": the red flags as listed (an official link found is no reason for suspicion).
        # A 低 verdict says no common scam signal was found: a stray weak one is no reason to list.
        reasons = self.risk.red_flags(report)[:KEPT_REASONS] if report.risky else ()
        remembered = replace(
            state, pending=None, last=SCAM_INTENT, last_channel=None, last_detail=None, verdict=report.level
        )
        return Turn(reply, replace(remembered, reasons=reasons), rated=Rated(text, report))

    def about_topic(self, name: str, state: ChatState) -> Turn:
        """One of the follow-up texts about the last answer, with a button to see it again."""
        assert state.last is not None
        text = self.answers.ui(name, topic=self.answers.title(state.last))
        # Asked back, not answered: the operator's records count it with the unanswered questions.
        intent = None if name == "follow_up_unclear" else state.last
        return Turn(Reply(text, self.topic_buttons(state.last), intent), state)

    def topic_buttons(self, intent: str) -> tuple[Button, ...]:
        """The topic itself, then what its answer links to."""
        related = (i for i in self.answers.buttons(intent) if i != intent)
        return tuple(self.intent_button(i) for i in (intent, *related))

    def intent_button(self, intent: str) -> Button:
        return Button(self.answers.title(intent), f"intent:{intent}")

    def menu_buttons(self) -> tuple[Button, ...]:
        return tuple(self.intent_button(i) for i in self.answers.menu)

    def operator_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(c.label, f"operator:{c.id}") for c in self.answers.operators)
