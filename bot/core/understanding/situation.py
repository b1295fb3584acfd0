"""The situation a message tells, beside what it asks (intents/_situation.yaml): what the user
already did (gave a code, paid…), what they lack or refuse, someone else whose card it is and
where that person is, the number's state, and the means of payment named.

Read from the simplified, lower-case text clause by clause; one immutable value per message,
merged into the chat's (bot/core/replying/turn.py ChatState) for as long as it holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.content.model import Entity, SituationRules
from bot.core.understanding.word_pattern import word_pattern

# Where a clause ends: an act, a refusal or an ask holds within one.
# A space beside Chinese is punctuation to many ("叫我配合调查 我已经转了"); between Latin words not.
# Normalized text has ASCII commas (NFKC): one inside a number (1,000) ends nothing. An ellipsis
# (…, ...) ends a clause: "让我念验证码，我念了…现在登不上".
CLAUSE_END = re.compile(
    r"[，。！？!?；;：:\n…]|,(?!\d)|\.(?:\s|$)|\.{2,}|(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])"
)
# A refusal stands at most this many characters before what it refuses ("不想下载任何app").
REFUSAL_REACH = 6
# A negation this close before a verb or name undoes it ("没给他验证码", "还没付钱").
NEGATION_REACH = 3
# What may stand between a person and where they are ("表哥在马尼拉", "我妈现在人在国内").
PERSON_TO_PLACE = re.compile(r"(?:现在|目前|也|还|人|住)*")
# A clause this short after an ask that only says it was done ("我发了", "我照做了") does it.
DONE_AFTER = 5
# ... and one this short that holds the act's own verb ("我已经寄出去了", "我send咗").
DONE_AFTER_WITH_VERB = 10
# ... among this many clauses after the act's name (one may say why between: "说帮我升级5g").
DONE_WITHIN = 2
# A done mark right after the verb: done, even after an ask ("让我报了验证码").
DONE_RIGHT_AFTER = frozenset("了咗过")
# A giving word followed by the user ("转给我", "给了我", "sent me"): given to them (a friend's load,
# a code the operator sent), not by them. Other acts done to the user still count ("操控了我的手机").
GIVING = ("给", "sent", "gave", "transferred")
TOWARDS_ME = re.compile(r"(?:了|咗)?(?:我|俾我|畀我)|\s*me\b")
# Before a person: the card being topped up is theirs ("给我妈充话费", "帮我爸交").
FOR_SOMEONE = ("给", "帮", "替", "for ")


# Acts that are a loss whatever words stand beside them: money taken, an account taken over, a
# phone someone else controls (nobody official asks for that to top up a card).
SELF_EVIDENT = frozenset({"account_emptied", "remote_control"})  # act ids of intents/_situation.yaml
# The number or account stopped or frozen as fraud-linked (a number state of the YAML): what follows
# an act, so the act told without a mark happened ("帮人代收…再转出去，现在我的银行卡被冻结了").
FLAGGED = "flagged"

# A message in the user's own words speaks of itself as 我 (or my, ko) and never addresses the
# reader as 您: a pasted notice does ("您的号码涉诈关停"), a story of one's own card does not. Nor
# does it tell of a message received or ask whether one is true ("收到短信说…是真的吗"): that is
# for the scam check.
FIRST_PERSON = re.compile(r"我|\bmy\b|\bko\b|\bi\b")
ADDRESSED = re.compile(r"您|尊敬的")
REPORTED = re.compile(
    r"收到|短信|简讯|电话|来电|通知|真的吗|真的假的|真假|是不是骗|骗局吗|骗子吗|诈骗吗"
    r"|\blegit\b|\bscam ba\b|\btotoo ba\b"
)


def in_own_words(scripted: str) -> bool:
    """The message tells of the user's own card ("我的联通卡被停了"), not to them (a notice) nor
    of a message they got."""
    return (
        FIRST_PERSON.search(scripted) is not None
        and ADDRESSED.search(scripted) is None
        and REPORTED.search(scripted) is None
    )


@dataclass(frozen=True)
class Situation:
    """What one message (or the chat so far) tells of the user's situation; ids from _situation.yaml."""

    done: tuple[str, ...] = ()  # acts already done, in the YAML's order (gave_code, paid…)
    scam: bool = False  # the message speaks of a scammer (a fake 客服, 钓鱼, 骗)
    asked_again: bool = False  # the scammer asks for more money (保证金, 解冻费, 再交一次)
    lacks: tuple[str, ...] = ()  # what the user lacks or refuses (gcash, app, store…)
    means: tuple[str, ...] = ()  # the means of payment named (paypal, hebao…); this message only
    number: tuple[str, ...] = ()  # the number's state (lost, unused, zero_balance…)
    person: str | None = None  # someone else spoken of (family, friend)
    owner: bool = False  # the card asked about is that person's
    person_place: str | None = None  # where that person is (a place id of _places.yaml)

    @property
    def told_scam(self) -> bool:
        """The message tells of an act done towards a scammer, or of a loss: a victim's story.
        Typing a code or a card number alone is no loss (the user's own top-up on an official site)."""
        # Asked to pay again after paying ("卖家话要再畀300开通费") is a scammer's next step too.
        return bool(self.done) and (self.scam or self.asked_again or not SELF_EVIDENT.isdisjoint(self.done))

    @property
    def empty(self) -> bool:
        return self == Situation()

    def then(self, later: Situation) -> Situation:
        """The chat's situation after a later message: what was done, lacked or told of the number
        still holds; the means is the later message's own; a person named anew replaces the last."""
        person = later.person is not None
        return Situation(
            done=_union(self.done, later.done),
            scam=self.scam or later.scam,
            asked_again=self.asked_again or later.asked_again,
            lacks=_union(self.lacks, later.lacks),
            means=later.means,
            number=_union(self.number, later.number),
            person=later.person if person else self.person,
            owner=later.owner if person else self.owner,
            person_place=later.person_place if person else self.person_place,
        )

    def as_json(self) -> dict[str, object]:
        """The parts that say something, for `classify`, `replies` and the records."""
        whole = {
            "done": list(self.done),
            "scam": self.scam,
            "asked_again": self.asked_again,
            "lacks": list(self.lacks),
            "means": list(self.means),
            "number": list(self.number),
            "person": self.person,
            "owner": self.owner,
            "person_place": self.person_place,
        }
        return {key: value for key, value in whole.items() if value}


NOTHING_TOLD = Situation()


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


class _Words:
    """Each entity's names as one pattern, its look-alikes blanked out first."""

    def __init__(self, entities: Mapping[str, Entity], script: Callable[[str], str]) -> None:
        self._owner = {script(n): e.id for e in entities.values() for n in (*e.names, *e.hints)}
        self._pattern = word_pattern(self._owner)
        self._lookalikes = word_pattern(script(w) for e in entities.values() for w in e.lookalikes)

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(entity id, start, end) of every mention, in order."""
        if self._pattern is None or self._pattern.search(text) is None:
            return []  # most texts: no name at all, and no look-alike to blank out first
        if self._lookalikes is not None:
            text = self._lookalikes.sub(lambda m: " " * len(m.group(0)), text)
        return [(self._owner[m.group(0)], m.start(), m.end()) for m in self._pattern.finditer(text)]


def _pattern(words: tuple[str, ...], script: Callable[[str], str]) -> re.Pattern[str] | None:
    return word_pattern(script(w) for w in words)


class SituationReader:
    def __init__(
        self, rules: SituationRules | None, places: Mapping[str, Entity], script: Callable[[str], str]
    ) -> None:
        self._rules = rules
        self._places = _Words(places, script)
        self._place_ids = frozenset(places)
        if rules is None:
            return
        self._acts = {a: _Words({a: act}, script) for a, act in rules.acts.items()}
        # Every act's names in one pattern, look-alikes kept: which acts a message may tell at all.
        # A name may belong to more than one act ("smart卡" mailed, or sold): each act it names.
        self._act_names: dict[str, set[str]] = {}
        for a, act in rules.acts.items():
            for n in (*act.names, *act.hints):
                self._act_names.setdefault(script(n), set()).add(a)
        self._any_act = word_pattern(self._act_names)
        self._verbs = {a: _pattern(rules.act_verbs.get(a, ()), script) for a in rules.acts}
        self._needs = {a: _pattern(words, script) for a, words in rules.act_needs.items()}
        self._instead_of = rules.act_instead_of
        self._marks = _pattern(rules.done_marks, script)
        self._asks = _pattern(rules.asks, script)
        self._hypotheticals = _pattern(rules.hypotheticals, script)
        self._negations = _pattern(rules.negations, script)
        self._scam = _pattern(rules.scam_words, script)
        self._pay_again = _pattern(rules.pay_again, script)
        self._refusals = _pattern(rules.refusals, script)
        self._broken = _pattern(rules.broken, script)
        self._lacks = _Words(rules.lacks, script)
        self._means = _Words(rules.means, script)
        self._number = _Words(rules.number, script)
        self._people = _Words(rules.people, script)
        self._owner_marks = tuple(script(w) for w in rules.owner_marks)
        # Every word that can make a message tell anything: most questions hold none of them, and
        # one search then answers for all the readers below.
        rule_sets = (rules.acts, rules.means, rules.number, rules.people)
        entities = [entity for table in rule_sets for entity in table.values()]
        self._anything = _pattern(
            (
                *(w for e in entities for w in (*e.names, *e.hints)),
                *rules.refusals,
                *rules.scam_words,
                *rules.pay_again,
            ),
            script,
        )

    def restore(self, saved: object) -> Situation:
        """A situation an adapter kept (a plain dict, lists for tuples), checked against today's
        content: ids no longer in _situation.yaml are forgotten; an old state without one is empty."""
        rules = self._rules
        if not isinstance(saved, dict) or rules is None:
            return Situation()

        def ids(key: str, known: Mapping[str, object]) -> tuple[str, ...]:
            value = saved.get(key)
            found = value if isinstance(value, list | tuple) else ()
            return tuple(dict.fromkeys(i for i in found if isinstance(i, str) and i in known))

        person = saved.get("person")
        person = person if isinstance(person, str) and person in rules.people else None
        place = saved.get("person_place")
        return Situation(
            done=ids("done", rules.acts),
            scam=saved.get("scam") is True,
            asked_again=saved.get("asked_again") is True,
            lacks=ids("lacks", rules.lacks),
            means=ids("means", rules.means),
            number=ids("number", rules.number),
            person=person,
            owner=person is not None and saved.get("owner") is True,
            person_place=place if person and isinstance(place, str) and place in self._place_ids else None,
        )

    def read(self, scripted: str) -> Situation:
        """The situation the message tells (scripted: simplified, lower case)."""
        if self._rules is None or self._anything is None or self._anything.search(scripted) is None:
            return NOTHING_TOLD
        # Most questions tell no act and refuse nothing: an act needs a mark (a loss told by its
        # name needs none) and a lack a refusal somewhere in the message, so one search each
        # spares reading every clause for every act.
        named = self._acts_named(scripted)
        number = tuple(dict.fromkeys(n for n, _, _ in self._number.find(scripted)))
        followed = FLAGGED in number
        marked = bool(named) and (
            followed
            or (self._marks is not None and self._marks.search(scripted) is not None)
            or any(act in SELF_EVIDENT and self._verbs[act] is None for act in named)
        )
        refused = any(
            p is not None and p.search(scripted) is not None for p in (self._refusals, self._broken)
        )
        clauses = [c for c in CLAUSE_END.split(scripted) if c.strip()] if marked or refused else []
        done = (
            [act for act in named if any(self._done(act, clauses, i, followed) for i in range(len(clauses)))]
            if marked
            else []
        )
        # An act told stands for another it is a kind of: the registered card bought is what was
        # paid for, not money a scammer took.
        replaced = {other for act in done for other in self._instead_of.get(act, ())}
        done = [act for act in done if act not in replaced]
        lacks = [thing for c in clauses for thing in self._lacked(c)] if refused else []
        person, owner, place = self._someone(scripted)
        return Situation(
            done=tuple(done),
            scam=bool(self._scam and self._scam.search(scripted)),
            asked_again=bool(self._pay_again and self._pay_again.search(scripted)),
            lacks=tuple(dict.fromkeys(lacks)),
            means=tuple(dict.fromkeys(m for m, _, _ in self._means.find(scripted))),
            number=number,
            person=person,
            owner=owner,
            person_place=place,
        )

    def _acts_named(self, scripted: str) -> list[str]:
        """The acts whose names the message holds, in the YAML's order (the order help comes in)."""
        if self._any_act is None or self._rules is None:
            return []
        found = {a for m in self._any_act.finditer(scripted) for a in self._act_names[m.group(0)]}
        # An act with verbs needs one of them too ("smart卡" is named in many questions; "寄给" is not).
        verbs, needs = self._verbs, self._needs
        return [
            act
            for act in self._rules.acts
            if act in found
            and ((verb := verbs[act]) is None or verb.search(scripted) is not None)
            and ((need := needs.get(act)) is None or need.search(scripted) is not None)
        ]

    def without_states(self, scripted: str) -> str:
        """The message with the number's state it tells blanked out ("余额0" and "还有10天有效期" in
        "smart卡余额0 还有10天有效期 现在充还是等到期再充")."""
        chars = list(scripted)
        for _, start, end in self._number.find(scripted) if self._rules is not None else ():
            chars[start:end] = " " * (end - start)
        return "".join(chars)

    def offered(self, text: str) -> tuple[str, ...]:
        """The things one might lack that a line of an answer offers (names, not refuses): "官方
        App" offers the app; "不去营业厅也行" offers no 营业厅."""
        if self._rules is None:
            return ()
        lowered = text.lower()
        refused = {thing for clause in CLAUSE_END.split(lowered) for thing in self._lacked(clause)}
        return tuple(dict.fromkeys(t for t, _, _ in self._lacks.find(lowered) if t not in refused))

    def label(self, situation_id: str) -> str:
        """What a situation id is called (its label in _situation.yaml)."""
        known = {**self._rules.ids(), **self._rules.people} if self._rules is not None else {}
        found = known.get(situation_id)
        return found.label if found is not None else situation_id

    def _done(self, act: str, clauses: list[str], i: int, followed: bool = False) -> bool:
        """The clause tells the act happened: its name, its verb (if it has verbs) and a mark; or
        it asks for the act and the next short clause says it was done ("让我发护照照片 我发了").
        followed: the message tells what came of it (the card frozen), which marks it done."""
        clause = clauses[i]
        names = self._acts[act].find(clause)
        if not names or self._marks is None:
            return False
        verbs = self._verbs[act]
        spans = [(s, e) for _, s, e in names]
        after = clauses[i + 1] if i + 1 < len(clauses) else ""
        if verbs is not None:
            spans = [(m.start(), m.end()) for m in verbs.finditer(clause)]
        # "跟我要了esim的二维码，说帮我升级5g，我就给他了": a short clause soon after does it.
        soon = clauses[i + 1 : i + 1 + DONE_WITHIN]
        if not spans:
            # "陌生人发我一个eSIM二维码…，我扫了": the next clause does it with the act's verb.
            return any(self._done_after(verbs, later, DONE_AFTER_WITH_VERB) for later in soon)
        # A loss told by its name needs no mark ("tapos nabawasan GCash ko", "微信也登不上"): the
        # name says it happened.
        if not self._marks.search(clause) and not (act in SELF_EVIDENT and verbs is None) and not followed:
            short = len(after.strip()) <= DONE_AFTER and self._marks.search(after) is not None
            return short or any(self._done_after(verbs, later, DONE_AFTER_WITH_VERB) for later in soon)
        asked = False
        for start, end in spans:
            if clause[start:end].endswith(GIVING) and TOWARDS_ME.match(clause, end):
                continue  # "朋友转给我的load", "he sent me a code": given to the user, not by them
            first = min(start, names[0][1])
            # "如果被骗了能报警吗": imagined, even with 了 right after the verb.
            if self._hypotheticals is not None and self._hypotheticals.search(clause, 0, first):
                continue
            # "让我报了验证码": asked, and done (a mark right after the verb).
            done_now = bool({clause[end - 1 : end], clause[end : end + 1]} & DONE_RIGHT_AFTER)
            if not done_now and self._asks is not None and self._asks.search(clause, 0, first):
                asked = True
                continue
            if not self._negated(clause, start):
                return True
        # Asked ("叫我send个OTP过去"), then done in the next clause ("我send咗").
        return asked and any(self._done_after(verbs, later, DONE_AFTER_WITH_VERB) for later in soon)

    def _done_after(self, verbs: re.Pattern[str] | None, after: str, longest: int) -> bool:
        """A short clause that does the act named before: its verb, a mark, no negation before the
        verb ("我send咗", "我已经寄出去了"; not "我没扫")."""
        if verbs is None or self._marks is None or len(after.strip()) > longest:
            return False
        verb = verbs.search(after)
        marked = self._marks.search(after) is not None
        return verb is not None and marked and not self._negated(after, verb.start())

    def _negated(self, clause: str, start: int) -> bool:
        if self._negations is None:
            return False
        before = clause[max(0, start - NEGATION_REACH) : start]
        return self._negations.search(before) is not None

    def _lacked(self, clause: str) -> list[str]:
        """The things refused before them ("没有GCash") or told broken after them ("GCash被锁了")."""
        ends = [m.end() for m in self._refusals.finditer(clause)] if self._refusals is not None else []
        starts = [m.start() for m in self._broken.finditer(clause)] if self._broken is not None else []
        if not ends and not starts:
            return []
        return [
            thing
            for thing, start, end in self._lacks.find(clause)
            if any(0 <= start - e <= REFUSAL_REACH for e in ends)
            or any(0 <= s - end <= REFUSAL_REACH for s in starts)
        ]

    def _someone(self, scripted: str) -> tuple[str | None, bool, str | None]:
        """Someone else spoken of, whether the card is theirs, and where they are."""
        people = self._people.find(scripted)
        if not people:
            return None, False, None
        person, start, end = people[0]
        after = scripted[end:]
        owner = any(after.startswith(mark) for mark in self._owner_marks) or any(
            scripted[:start].endswith(word) for word in FOR_SOMEONE
        )
        gap = PERSON_TO_PLACE.match(after)
        offset = end + (gap.end() if gap else 0)
        place = next((p for p, s, _ in self._places.find(scripted) if s == offset), None)
        return person, owner, place
