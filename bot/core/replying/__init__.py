"""Deciding and writing the reply: the conversation, its follow-ups, the answers and the user's script."""
