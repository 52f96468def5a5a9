"""Ways in: the HTTP API, the web UI, the command line and the worker."""

from pairhub.entrypoints.metrics import share_from_setting

# Before anything imports prometheus_client: it chooses at import where metric values live.
share_from_setting()
