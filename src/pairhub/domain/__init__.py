"""The pure core: rules and decisions, no I/O, no clock, nothing of ours outside it."""
