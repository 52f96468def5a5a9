"""Migration scripts, applied in order by `pairhub db upgrade` and on `pairhub serve` start."""
