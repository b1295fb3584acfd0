"""Reading a question: normalize, segment, match every intent, find the operator, channel and place."""
