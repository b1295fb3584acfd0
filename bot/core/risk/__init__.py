"""The scam-risk check: any text in, a RiskReport out (scanner), and that report as a reply.

Its parts: links and handles in a user's text, shown only defanged (links); official, look-alike
and homoglyph domains (lookalike); phrase and pattern signals in few passes (phrases); the reply
(reply). The rules are in intents/_risk.yaml, the texts in responses/_risk.yaml.
"""
