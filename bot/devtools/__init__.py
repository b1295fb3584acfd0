"""Developer and operator tools that production never imports: eval, bench, check, the Bot API stand-in."""
