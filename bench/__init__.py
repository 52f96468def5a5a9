"""pairhub's benchmark suite: every figure measured beside a limit of the same machine and run."""
