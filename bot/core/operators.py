"""Finds which operator a question is about (intents/_operators.yaml)."""

from __future__ import annotations

from bot.core.entities import EntityFinder


class OperatorFinder(EntityFinder):
    """Smart, 中国移动, 中国联通 or 中国电信; 移动支付 and 电信诈骗 are look-alikes, not operators."""
