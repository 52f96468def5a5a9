"""Ways in: the HTTP API, the web UI, the command line and the worker."""
