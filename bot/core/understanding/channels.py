"""Finds which top-up channel a question is about (intents/_channels.yaml): 营业厅, 支付宝, 淘宝…

Not to be confused with bot/channels/, the adapters (terminal, Telegram) the bot talks through.
"""

from __future__ import annotations

from bot.core.understanding.entities import EntityFinder


class ChannelFinder(EntityFinder):
    """Where or through what the user tops up.

    A tie goes to the channel named first: "淘宝上买的充值卡能用吗" is about 淘宝 first, and the
    answer addresses it, then the general route. Nothing is remembered from it, unlike an operator.
    """

    tie_goes_to_first = True
