"""充值指南: a rule-based Chinese bot that sends people to official top-up channels only."""

__version__ = "0.1.0"
