"""pairhub: pairs telematics units with assets and delivers pairing events as Datahub webhooks."""

__version__ = "0.1.0"
