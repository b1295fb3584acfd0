"""Operator-edited content: YAML in, validated immutable objects out."""
