"""Outgoing HTTP: the webhook sender, its SSRF guard and request signing."""
